package plugin

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStartAndCall(t *testing.T) {
	for _, mode := range []string{"serve", "junk"} {
		t.Run(mode, func(t *testing.T) {
			c := newTestClient(t, mode, nil)
			addr, err := c.Start()
			if err != nil {
				t.Fatalf("Start: %v", err)
			}
			if !strings.HasPrefix(addr, "127.0.0.1:") {
				t.Errorf("Start address = %q, want 127.0.0.1:port", addr)
			}
			if addr2, err := c.Start(); addr2 != addr || err != nil {
				t.Errorf("second Start = %q, %v; want %q, nil", addr2, err, addr)
			}
			var reply string
			if err := call(c, "Echo", "hello", &reply); err != nil || reply != "hello" {
				t.Fatalf("Echo = %q, %v", reply, err)
			}
			if c.Exited() {
				t.Error("Exited before Kill")
			}
			start := time.Now()
			c.Kill()
			if !c.Exited() {
				t.Error("not Exited after Kill")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Kill of a cooperative plugin took %v", d)
			}
			if code := c.proc.state.ExitCode(); code != ExitOK {
				t.Errorf("exit code = %d, want %d", code, ExitOK)
			}
			if _, err := c.Start(); err != nil {
				t.Errorf("Start after Kill = %v; want the first result", err)
			}
			if err := call(c, "Echo", "x", &reply); err == nil {
				t.Error("call after Kill succeeded")
			}
			_ = errors.New
		})
	}
}
