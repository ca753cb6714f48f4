package mux

import (
	"errors"
	"log/slog"
	"net"
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
		StreamCloseTimeout:     DefaultStreamCloseTimeout,
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
		{"negative broker timeout is no limit", Config{BrokerTimeout: -time.Second}, false,
			func(c Config) bool { return c.BrokerTimeout == noLimit }},
		{"negative write timeout is no limit", Config{ConnectionWriteTimeout: -1}, false,
			func(c Config) bool { return c.ConnectionWriteTimeout == noLimit }},
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
