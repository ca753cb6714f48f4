package local

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer"
)

// TestConcurrentUse runs commands, uploads, downloads and directory copies
// on one Communicator at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	c := newComm(t)
	ctx := testCtx(t)
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- exercise(c, ctx, i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// exercise does one round of every operation under names of its own.
func exercise(c *Communicator, ctx context.Context, i int) error {
	data := randomBytes(64<<10+i, uint64(i))
	name := fmt.Sprintf("w%d/file", i)
	if err := c.Upload(ctx, name, bytes.NewReader(data), &packer.FileInfo{Mode: 0o600}); err != nil {
		return err
	}
	var got bytes.Buffer
	if err := c.Download(ctx, name, &got); err != nil {
		return err
	}
	if !bytes.Equal(got.Bytes(), data) {
		return fmt.Errorf("worker %d: downloaded %d bytes that differ from the %d uploaded", i, got.Len(), len(data))
	}
	var out bytes.Buffer
	rc := &packer.RemoteCmd{Command: fmt.Sprintf("wc -c < w%d/file", i), Stdout: &out}
	if err := c.Start(ctx, rc); err != nil {
		return err
	}
	if err := rc.Wait(ctx); err != nil {
		return err
	}
	if got, want := strings.TrimSpace(out.String()), fmt.Sprint(len(data)); got != want || rc.ExitStatus() != 0 {
		return fmt.Errorf("worker %d: wc printed %q (status %d), want %q", i, got, rc.ExitStatus(), want)
	}
	back := filepath.Join(c.Dir, fmt.Sprintf("back%d", i))
	if err := c.DownloadDir(ctx, fmt.Sprintf("w%d", i), back, nil); err != nil {
		return err
	}
	return c.UploadDir(ctx, fmt.Sprintf("copy%d", i), back+"/", nil)
}
