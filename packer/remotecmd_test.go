package packer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer"
)

var (
	errFirst  = errors.New("first failure")
	errSecond = errors.New("second failure")
)

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestRemoteCmdFirstEndWins(t *testing.T) {
	exited := func(n int) func(*packer.RemoteCmd) { return func(c *packer.RemoteCmd) { c.SetExited(n) } }
	failed := func(err error) func(*packer.RemoteCmd) { return func(c *packer.RemoteCmd) { c.SetError(err) } }
	tests := []struct {
		name       string
		ends       []func(*packer.RemoteCmd)
		wantStatus int
		wantErr    error // nil: Wait returns nil
	}{
		{"exit 0", []func(*packer.RemoteCmd){exited(0)}, 0, nil},
		{"exit 42", []func(*packer.RemoteCmd){exited(42)}, 42, nil},
		{"exit then exit", []func(*packer.RemoteCmd){exited(1), exited(2)}, 1, nil},
		{"exit then error", []func(*packer.RemoteCmd){exited(3), failed(errFirst)}, 3, nil},
		{"error then exit", []func(*packer.RemoteCmd){failed(errFirst), exited(0)}, packer.ExitStatusUnknown, errFirst},
		{"error then error", []func(*packer.RemoteCmd){failed(errFirst), failed(errSecond)}, packer.ExitStatusUnknown, errFirst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := &packer.RemoteCmd{Command: "cmd"}
			for _, end := range tt.ends {
				end(cmd)
			}
			if got := cmd.ExitStatus(); got != tt.wantStatus {
				t.Errorf("ExitStatus() = %d, want %d", got, tt.wantStatus)
			}
			err := cmd.Wait(context.Background())
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && err != tt.wantErr {
				t.Errorf("Wait() = %v, want %v", err, tt.wantErr)
			}
			if !isClosed(cmd.Done()) {
				t.Error("Done() is not closed after the end")
			}
		})
	}
}

func TestRemoteCmdSetErrorNil(t *testing.T) {
	cmd := &packer.RemoteCmd{Command: "mystery"}
	cmd.SetError(nil)
	err := cmd.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"mystery"`) || cmd.ExitStatus() != packer.ExitStatusUnknown {
		t.Errorf("after SetError(nil): Wait = %v, ExitStatus = %d; want an error naming the command and %d",
			err, cmd.ExitStatus(), packer.ExitStatusUnknown)
	}
}

func TestRemoteCmdBeforeEnd(t *testing.T) {
	cmd := &packer.RemoteCmd{Command: "running"}
	done := cmd.Done()
	if isClosed(done) || cmd.ExitStatus() != packer.ExitStatusUnknown {
		t.Fatalf("before the end: Done closed %v, ExitStatus %d; want open, %d",
			isClosed(done), cmd.ExitStatus(), packer.ExitStatusUnknown)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", cancelled, context.Canceled},
		{"expired", expired, context.DeadlineExceeded},
	} {
		if err := cmd.Wait(tt.ctx); err != tt.want {
			t.Errorf("Wait(%s ctx) before the end = %v, want %v", tt.name, err, tt.want)
		}
	}

	cmd.SetExited(5)
	if !isClosed(done) {
		t.Error("the channel Done returned before the end was not closed by SetExited")
	}
	if cmd.Done() != done {
		t.Error("Done() returned a different channel after the end")
	}
	if err := cmd.Wait(context.Background()); err != nil || cmd.ExitStatus() != 5 {
		t.Errorf("after SetExited(5): Wait = %v, ExitStatus = %d", err, cmd.ExitStatus())
	}
}

func TestRemoteCmdWaitCancelledWhileWaiting(t *testing.T) {
	cmd := &packer.RemoteCmd{Command: "forever"}
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- cmd.Wait(ctx) }()
	cancel()
	if err := <-result; err != context.Canceled {
		t.Errorf("Wait = %v after its ctx was cancelled, want context.Canceled", err)
	}
	if isClosed(cmd.Done()) {
		t.Error("a cancelled Wait ended the command")
	}
}

func TestRemoteCmdConcurrentWaiters(t *testing.T) {
	cmd := &packer.RemoteCmd{Command: "shared"}
	const waiters = 16
	type result struct {
		err    error
		status int
	}
	results := make(chan result, waiters)
	var wg sync.WaitGroup
	for range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-cmd.Done()
			err := cmd.Wait(context.Background())
			results <- result{err, cmd.ExitStatus()}
		}()
	}
	cmd.SetExited(9)
	wg.Wait()
	close(results)
	for r := range results {
		if r.err != nil || r.status != 9 {
			t.Errorf("a waiter saw %v, status %d; want nil, 9", r.err, r.status)
		}
	}
}

// TestRemoteCmdRacingEnds checks that when ends race, exactly one wins and
// every observer agrees on it.
func TestRemoteCmdRacingEnds(t *testing.T) {
	for round := range 50 {
		cmd := &packer.RemoteCmd{Command: "race"}
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					cmd.SetExited(i + 1)
				} else {
					cmd.SetError(errFirst)
				}
			}()
		}
		wg.Wait()
		status, err := cmd.ExitStatus(), cmd.Wait(context.Background())
		switch {
		case status == packer.ExitStatusUnknown && err == errFirst:
		case (status == 1 || status == 3) && err == nil:
		default:
			t.Fatalf("round %d: ExitStatus %d with Wait error %v: not one consistent end", round, status, err)
		}
	}
}
