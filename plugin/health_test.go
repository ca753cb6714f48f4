package plugin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// exeSum returns the SHA-256 sum of the test binary, which is every
// helper plugin.
func exeSum(t *testing.T) []byte {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return sum[:]
}

func TestChecksumRefused(t *testing.T) {
	good := exeSum(t)
	bad := bytes.Clone(good)
	bad[0] ^= 0xff
	c := newTestClient(t, "serve", func(cfg *ClientConfig) { cfg.SecureConfig = &SecureConfig{Checksum: bad} })
	_, err := c.Start()
	var ce *ChecksumError
	if !errors.As(err, &ce) || !errors.Is(err, ErrChecksum) {
		t.Fatalf("Start with a wrong checksum = %v, want a *ChecksumError", err)
	}
	if !bytes.Equal(ce.Expected, bad) || !bytes.Equal(ce.Actual, good) || ce.Path != c.cfg.Cmd.Path {
		t.Errorf("ChecksumError = %+v, want expected %x actual %x for %s", ce, bad, good, c.cfg.Cmd.Path)
	}
	if c.proc != nil || c.cfg.Cmd.Process != nil {
		t.Error("a binary with a wrong checksum was started")
	}
}

func TestChecksumAccepted(t *testing.T) {
	c := newTestClient(t, "serve", func(cfg *ClientConfig) { cfg.SecureConfig = &SecureConfig{Checksum: exeSum(t)} })
	var reply string
	if err := call(c, "Echo", "checked", &reply); err != nil || reply != "checked" {
		t.Errorf("Echo after a good checksum = %q, %v", reply, err)
	}
}

func TestChecksumConfig(t *testing.T) {
	for _, c := range []struct {
		name string
		sc   *SecureConfig
	}{
		{"empty", &SecureConfig{}},
		{"wrong size", &SecureConfig{Checksum: make([]byte, 20)}},
		{"wrong size for its hash", &SecureConfig{Checksum: make([]byte, 32), Hash: sha512.New}},
	} {
		client := newTestClient(t, "serve", func(cfg *ClientConfig) { cfg.SecureConfig = c.sc })
		if _, err := client.Start(); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: Start = %v, want ErrInvalidConfig", c.name, err)
		}
	}
}

func TestPing(t *testing.T) {
	c := newTestClient(t, "serve", nil)
	if _, err := c.Ping(testContext(t)); !errors.Is(err, ErrNotStarted) {
		t.Errorf("Ping before Start = %v, want ErrNotStarted", err)
	}
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	rtt, err := c.Ping(testContext(t))
	t.Logf("Ping = %v", rtt)
	if err != nil || rtt <= 0 || rtt > testTimeout {
		t.Errorf("Ping = %v, %v", rtt, err)
	}
	c.Kill()
	if _, err := c.Ping(testContext(t)); err == nil {
		t.Error("Ping after Kill succeeded")
	}
}

// sayWaiter is a Ui whose first Say closes said.
type sayWaiter struct {
	packertest.Ui
	said chan struct{}
	once bool
}

func (u *sayWaiter) Say(msg string) {
	if !u.once {
		u.once = true
		close(u.said)
	}
	u.Ui.Say(msg)
}

func TestStats(t *testing.T) {
	c := newTestClient(t, "set", nil)
	if st := c.Stats(); st != (Stats{}) {
		t.Errorf("Stats before Start = %+v, want zero", st)
	}
	before := time.Now()
	b, err := c.BuilderNamed(testContext(t), "blocker")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testContext(t))
	ui := &sayWaiter{said: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		_, err := b.Run(ctx, ui, nil)
		errc <- err
	}()
	<-ui.said
	st := c.Stats()
	t.Logf("Stats during a Run: %+v", st)
	cancel()
	<-errc
	if st.Pid != c.proc.cmd.Process.Pid || st.Started.Before(before.Add(-time.Second)) || st.Started.After(time.Now()) || st.Reattached {
		t.Errorf("Stats = %+v: pid, start or reattached wrong (pid %d)", st, c.proc.cmd.Process.Pid)
	}
	// Running: the Run call; served: its Ui (the hook is nil); streams:
	// the main one, the builder's and the Ui's.
	if st.Calls != 1 || st.Objects != 1 || st.Streams < 3 || st.BytesRead <= 0 || st.BytesWritten <= 0 {
		t.Errorf("Stats during a Run = %+v, want 1 call, 1 object, at least 3 streams, bytes both ways", st)
	}
	if after := c.Stats(); after.Calls != 0 || after.Objects != 0 || after.BytesWritten <= st.BytesWritten {
		t.Errorf("Stats after the Run = %+v", after)
	}
}

func TestLogCalls(t *testing.T) {
	for _, on := range []bool{false, true} {
		rec := &recorder{}
		c := newTestClient(t, "serve", func(cfg *ClientConfig) {
			cfg.Logger, cfg.LogCalls = slog.New(rec), on
		})
		var reply string
		if err := call(c, "Echo", "x", &reply); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, r := range rec.messages() {
			r.Attrs(func(a slog.Attr) bool {
				if a.Key == "method" && a.Value.String() == "Builder.Prepare" && r.Level == slog.LevelDebug {
					found = true
				}
				return true
			})
		}
		if found != on {
			t.Errorf("LogCalls %v: a record of Builder.Prepare: %v", on, found)
		}
	}
}

// discardDebug is a logger that takes debug records and discards them, so
// that LogCalls does all its work.
func discardDebug() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

var _ packer.Ui = (*sayWaiter)(nil)
