package packertest_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func TestCommunicatorFiles(t *testing.T) {
	ctx := context.Background()
	c := packertest.NewCommunicator(t)
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	fi := &packer.FileInfo{Name: "f.txt", Size: 5, Mode: 0o600, ModTime: mtime}
	if err := c.Upload(ctx, "sub/f.txt", strings.NewReader("hello"), fi); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	st, err := os.Stat(filepath.Join(c.Dir, "sub", "f.txt"))
	if err != nil || st.Mode().Perm() != 0o600 || !st.ModTime().Equal(mtime) {
		t.Fatalf("uploaded file: %v, %v; want mode 0600 and time %v", st, err, mtime)
	}
	var got bytes.Buffer
	if err := c.Download(ctx, "sub/f.txt", &got); err != nil || got.String() != "hello" {
		t.Fatalf("Download = %q, %v; want %q", got.String(), err, "hello")
	}

	src := t.TempDir()
	for _, name := range []string{"keep.txt", "skip.log"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.UploadDir(ctx, "tree", src+"/", []string{"*.log"}); err != nil {
		t.Fatalf("UploadDir: %v", err)
	}
	back := t.TempDir()
	if err := c.DownloadDir(ctx, "tree/", back, nil); err != nil {
		t.Fatalf("DownloadDir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(back, "keep.txt")); err != nil {
		t.Errorf("keep.txt did not make the round trip: %v", err)
	}
	if _, err := os.Stat(filepath.Join(back, "skip.log")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("excluded skip.log: stat = %v, want not exist", err)
	}

	want := []packertest.CommCall{
		{Method: packertest.MethodUpload, Dst: "sub/f.txt", Data: []byte("hello"), FileInfo: fi},
		{Method: packertest.MethodDownload, Src: "sub/f.txt", Data: []byte("hello")},
		{Method: packertest.MethodUploadDir, Src: src + "/", Dst: "tree", Exclude: []string{"*.log"}},
		{Method: packertest.MethodDownloadDir, Src: "tree/", Dst: back},
	}
	calls := c.Calls()
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("Calls() =\n%+v\nwant\n%+v", calls, want)
	}
	calls[0].Data[0] = 'X'
	calls[0].FileInfo.Name = "changed"
	if again := c.Calls(); string(again[0].Data) != "hello" || again[0].FileInfo.Name != "f.txt" {
		t.Errorf("changing a returned call changed the record: %+v", again[0])
	}
}

func TestCommunicatorStartShell(t *testing.T) {
	c := packertest.NewCommunicator(t)
	ui := &packertest.Ui{}
	cmd := &packer.RemoteCmd{Command: "pwd; echo oops >&2; exit 3"}
	if err := cmd.RunWithUi(context.Background(), c, ui); err != nil {
		t.Fatalf("RunWithUi(%q): %v", cmd.Command, err)
	}
	if cmd.ExitStatus() != 3 {
		t.Errorf("ExitStatus() = %d, want 3", cmd.ExitStatus())
	}
	dir, err := filepath.EvalSymlinks(c.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ui.Texts(packertest.KindMessage); len(got) != 1 || got[0] != dir {
		t.Errorf("stdout lines = %q, want [%q]", got, dir)
	}
	if got := ui.Texts(packertest.KindError); !reflect.DeepEqual(got, []string{"oops"}) {
		t.Errorf("stderr lines = %q, want [oops]", got)
	}
	if got := c.Commands(); !reflect.DeepEqual(got, []string{cmd.Command}) {
		t.Errorf("Commands() = %q, want [%q]", got, cmd.Command)
	}
}

func TestCommunicatorReply(t *testing.T) {
	c := &packertest.Communicator{StartFunc: packertest.Reply("out 1\nout 2", "err 1\n", 7)}
	ui := &packertest.Ui{}
	var stdout bytes.Buffer
	cmd := &packer.RemoteCmd{Command: "scripted", Stdout: &stdout}
	if err := cmd.RunWithUi(context.Background(), c, ui); err != nil {
		t.Fatalf("RunWithUi: %v", err)
	}
	want := []packertest.Record{
		{Kind: packertest.KindMessage, Text: "out 1"},
		{Kind: packertest.KindError, Text: "err 1"},
		{Kind: packertest.KindMessage, Text: "out 2"},
	}
	if got := ui.Records(); !reflect.DeepEqual(got, want) || cmd.ExitStatus() != 7 || stdout.String() != "out 1\nout 2" {
		t.Errorf("Reply run: records %v, status %d, stdout %q; want %v, 7, the raw output", got, cmd.ExitStatus(), stdout.String(), want)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Start(ctx, &packer.RemoteCmd{Command: "late"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Start with Reply and a cancelled ctx = %v, want context.Canceled", err)
	}
	if calls := c.Calls(); len(calls) != 2 || calls[1].Err == nil {
		t.Errorf("Calls() = %+v, want the failed Start recorded with its error", calls)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestReplyWriteFailure(t *testing.T) {
	cmd := &packer.RemoteCmd{Command: "x", Stdout: failWriter{}}
	if err := packertest.Reply("data", "", 0)(context.Background(), cmd); err != nil {
		t.Fatalf("Reply start = %v, want nil (the failure is the command's end)", err)
	}
	if err := cmd.Wait(context.Background()); err == nil || cmd.ExitStatus() != packer.ExitStatusUnknown {
		t.Errorf("after a failed write: Wait = %v, ExitStatus = %d; want an error and ExitStatusUnknown", err, cmd.ExitStatus())
	}
}

func TestCommunicatorBadInput(t *testing.T) {
	ctx := context.Background()
	var zero packertest.Communicator
	c := packertest.NewCommunicator(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"zero Start", func() error { return zero.Start(ctx, &packer.RemoteCmd{Command: "true"}) }},
		{"zero Upload", func() error { return zero.Upload(ctx, "f", strings.NewReader(""), nil) }},
		{"zero Download", func() error { return zero.Download(ctx, "f", &bytes.Buffer{}) }},
		{"zero UploadDir", func() error { return zero.UploadDir(ctx, "d", t.TempDir(), nil) }},
		{"zero DownloadDir", func() error { return zero.DownloadDir(ctx, "d", t.TempDir(), nil) }},
		{"nil command", func() error { return c.Start(ctx, nil) }},
		{"nil reader", func() error { return c.Upload(ctx, "f", nil, nil) }},
		{"nil writer", func() error { return c.Download(ctx, "f", nil) }},
	}
	for _, tt := range tests {
		if err := tt.call(); err == nil || !strings.HasPrefix(err.Error(), "packertest: ") {
			t.Errorf("%s = %v, want a packertest error", tt.name, err)
		}
	}
	if n := len(zero.Calls()) + len(c.Calls()); n != len(tests) {
		t.Errorf("recorded %d calls, want %d", n, len(tests))
	}
}

func TestProvisionerCommand(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{"success", 0, false},
		{"failure", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comm := &packertest.Communicator{StartFunc: packertest.Reply("installed\n", "", tt.status)}
			ui := &packertest.Ui{}
			p := &packertest.Provisioner{Command: "install"}
			err := p.Provision(context.Background(), ui, comm)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Provision with exit status %d = %v, want error %v", tt.status, err, tt.wantErr)
			}
			if got := comm.Commands(); !reflect.DeepEqual(got, []string{"install"}) {
				t.Errorf("Commands() = %q, want [install]", got)
			}
			if got := ui.Texts(packertest.KindMessage); !reflect.DeepEqual(got, []string{"installed"}) {
				t.Errorf("Messages = %q, want [installed]", got)
			}
		})
	}
}
