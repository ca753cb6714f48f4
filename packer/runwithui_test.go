package packer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// writeAll writes each chunk to w in turn; the writers under test never fail.
func writeAll(w io.Writer, chunks ...string) {
	for _, c := range chunks {
		io.WriteString(w, c)
	}
}

func TestRunWithUiOutput(t *testing.T) {
	// The fake command writes from a goroutine of its own, as a real
	// communicator does, and reports its end once its output is written.
	comm := &packertest.Communicator{StartFunc: func(ctx context.Context, cmd *packer.RemoteCmd) error {
		go func() {
			writeAll(cmd.Stdout, "hel", "lo\r\nwor", "ld\n", "\n", "no newline")
			writeAll(cmd.Stderr, "e1\n", "e2")
			cmd.SetExited(4)
		}()
		return nil
	}}
	ui := &packertest.Ui{}
	var stdout, stderr bytes.Buffer
	cmd := &packer.RemoteCmd{Command: "print", Stdout: &stdout, Stderr: &stderr}
	if err := cmd.RunWithUi(context.Background(), comm, ui); err != nil {
		t.Fatalf("RunWithUi = %v; a non-zero exit status is not an error", err)
	}
	if cmd.ExitStatus() != 4 {
		t.Errorf("ExitStatus() = %d, want 4", cmd.ExitStatus())
	}
	want := []packertest.Record{
		{Kind: packertest.KindMessage, Text: "hello"},
		{Kind: packertest.KindMessage, Text: "world"},
		{Kind: packertest.KindMessage, Text: ""},
		{Kind: packertest.KindError, Text: "e1"},
		{Kind: packertest.KindMessage, Text: "no newline"},
		{Kind: packertest.KindError, Text: "e2"},
	}
	if got := ui.Records(); !reflect.DeepEqual(got, want) {
		t.Errorf("Ui records =\n%v\nwant\n%v", got, want)
	}
	if got, want := stdout.String(), "hello\r\nworld\n\nno newline"; got != want {
		t.Errorf("preset Stdout got %q, want the raw output %q", got, want)
	}
	if got, want := stderr.String(), "e1\ne2"; got != want {
		t.Errorf("preset Stderr got %q, want %q", got, want)
	}
}

func TestRunWithUiFailures(t *testing.T) {
	errStart := errors.New("no such host")
	errLost := errors.New("connection lost")
	tests := []struct {
		name       string
		start      packertest.StartFunc
		wantErr    error
		wantStatus int
		wantLines  []string // Message lines
	}{
		{
			name:       "start fails",
			start:      func(context.Context, *packer.RemoteCmd) error { return errStart },
			wantErr:    errStart,
			wantStatus: packer.ExitStatusUnknown,
		},
		{
			name: "end not observed",
			start: func(_ context.Context, cmd *packer.RemoteCmd) error {
				io.WriteString(cmd.Stdout, "before the loss")
				cmd.SetError(errLost)
				return nil
			},
			wantErr:    errLost,
			wantStatus: packer.ExitStatusUnknown,
			wantLines:  []string{"before the loss"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ui := &packertest.Ui{}
			cmd := &packer.RemoteCmd{Command: "cmd"}
			err := cmd.RunWithUi(context.Background(), &packertest.Communicator{StartFunc: tt.start}, ui)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), `"cmd"`) {
				t.Errorf("RunWithUi = %v, want an error naming the command and wrapping %v", err, tt.wantErr)
			}
			if cmd.ExitStatus() != tt.wantStatus {
				t.Errorf("ExitStatus() = %d, want %d", cmd.ExitStatus(), tt.wantStatus)
			}
			if got := ui.Texts(packertest.KindMessage); !reflect.DeepEqual(got, tt.wantLines) {
				t.Errorf("Message lines = %q, want %q", got, tt.wantLines)
			}
		})
	}
}

func TestRunWithUiCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The command prints a partial line, then the caller gives up while
	// the command still runs.
	comm := &packertest.Communicator{StartFunc: func(_ context.Context, cmd *packer.RemoteCmd) error {
		io.WriteString(cmd.Stdout, "partial")
		cancel()
		return nil
	}}
	ui := &packertest.Ui{}
	cmd := &packer.RemoteCmd{Command: "slow"}
	err := cmd.RunWithUi(ctx, comm, ui)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("RunWithUi = %v after ctx was cancelled, want context.Canceled", err)
	}
	if got := ui.Texts(packertest.KindMessage); !reflect.DeepEqual(got, []string{"partial"}) {
		t.Errorf("Message lines = %q, want the partial line flushed", got)
	}
	if cmd.ExitStatus() != packer.ExitStatusUnknown {
		t.Errorf("ExitStatus() = %d for a command that never ended", cmd.ExitStatus())
	}
}
