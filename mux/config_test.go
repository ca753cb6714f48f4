package mux

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	cfg, err := (*Config)(nil).withDefaults()
	if err != nil {
		t.Fatalf("nil Config: %v", err)
	}
	want := Config{
		StreamWindow:           DefaultStreamWindow,
		KeepAliveInterval:      DefaultKeepAliveInterval,
		ConnectionWriteTimeout: DefaultConnectionWriteTimeout,
		AcceptBacklog:          DefaultAcceptBacklog,
		StreamOpenTimeout:      DefaultStreamOpenTimeout,
		BrokerTimeout:          DefaultBrokerTimeout,
		Logger:                 slog.Default(),
	}
	if cfg != want {
		t.Errorf("defaults = %+v, want %+v", cfg, want)
	}
}

func TestConfigValues(t *testing.T) {
	tests := []struct {
		name    string
		in      Config
		wantErr bool
		check   func(c Config) bool
	}{
		{"window kept", Config{StreamWindow: 1 << 20}, false,
			func(c Config) bool { return c.StreamWindow == 1<<20 }},
		{"window at minimum", Config{StreamWindow: MinStreamWindow}, false,
			func(c Config) bool { return c.StreamWindow == MinStreamWindow }},
		{"window below minimum", Config{StreamWindow: MinStreamWindow - 1}, true, nil},
		{"negative backlog", Config{AcceptBacklog: -1}, true, nil},
		{"negative broker timeout", Config{BrokerTimeout: -time.Second}, true, nil},
		{"negative write timeout is yamux's", Config{ConnectionWriteTimeout: -1}, false,
			func(c Config) bool { return c.ConnectionWriteTimeout == yamuxWriteTimeout }},
		{"negative keepalive kept", Config{KeepAliveInterval: -1}, false,
			func(c Config) bool { return c.KeepAliveInterval == -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			got, err := in.withDefaults()
			if in != tt.in {
				t.Errorf("withDefaults modified its receiver: %+v", in)
			}
			if tt.wantErr {
				if !errors.Is(err, ErrBadConfig) {
					t.Errorf("withDefaults(%+v) error = %v, want ErrBadConfig", tt.in, err)
				}
				return
			}
			if err != nil || !tt.check(got) {
				t.Errorf("withDefaults(%+v) = %+v, %v", tt.in, got, err)
			}
		})
	}
}

func TestYamuxConfig(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		keep bool          // want keepalive enabled
		open time.Duration // want yamux StreamOpenTimeout
	}{
		{"defaults", Config{}, true, DefaultStreamOpenTimeout},
		{"keepalive off", Config{KeepAliveInterval: -1}, false, DefaultStreamOpenTimeout},
		{"open timeout off", Config{StreamOpenTimeout: -1}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.in.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			yc := c.yamuxConfig()
			if yc.EnableKeepAlive != tt.keep || yc.StreamOpenTimeout != tt.open {
				t.Errorf("keepalive %v, open timeout %v; want %v, %v", yc.EnableKeepAlive, yc.StreamOpenTimeout, tt.keep, tt.open)
			}
			if yc.LogOutput != nil || yc.Logger == nil {
				t.Error("yamux logs are not routed to the slog adapter")
			}
			if yc.MaxStreamWindowSize != c.StreamWindow || yc.ConnectionWriteTimeout != c.ConnectionWriteTimeout {
				t.Errorf("window %d, write timeout %v not passed on", yc.MaxStreamWindowSize, yc.ConnectionWriteTimeout)
			}
		})
	}
}

func TestConstructorsRejectBadConfig(t *testing.T) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	bad := &Config{StreamWindow: 1024}
	if _, err := Client(c1, bad); !errors.Is(err, ErrBadConfig) {
		t.Errorf("Client with %+v: %v, want ErrBadConfig", bad, err)
	}
	if _, err := Server(c2, bad); !errors.Is(err, ErrBadConfig) {
		t.Errorf("Server with %+v: %v, want ErrBadConfig", bad, err)
	}
}

func TestParseYamuxLine(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel slog.Level
		wantMsg   string
	}{
		{"[ERR] yamux: Failed to read header: boom", slog.LevelError, "yamux: Failed to read header: boom"},
		{"[WARN] yamux: frame for missing stream\n", slog.LevelWarn, "yamux: frame for missing stream"},
		{"[INFO] yamux: hello", slog.LevelInfo, "yamux: hello"},
		{"[DEBUG] yamux: detail", slog.LevelDebug, "yamux: detail"},
		{"no prefix", slog.LevelInfo, "no prefix"},
	}
	for _, tt := range tests {
		level, msg := parseYamuxLine(tt.line)
		if level != tt.wantLevel || msg != tt.wantMsg {
			t.Errorf("parseYamuxLine(%q) = %v, %q; want %v, %q", tt.line, level, msg, tt.wantLevel, tt.wantMsg)
		}
	}
}

// TestYamuxLogsReachLogger checks that yamux's own log lines go to
// Config.Logger.
func TestYamuxLogsReachLogger(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	yamuxLogger{logger}.Printf("[WARN] yamux: %s", "testing")
	if got := buf.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "yamux: testing") || !strings.Contains(got, "component=yamux") {
		t.Errorf("log output %q", got)
	}
}
