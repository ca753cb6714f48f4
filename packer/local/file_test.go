package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
)

func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed+1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestUpload(t *testing.T) {
	c := newComm(t)
	abs := filepath.Join(t.TempDir(), "abs", "file")
	mtime := time.Date(2021, 3, 4, 5, 6, 7, 890, time.UTC)
	tests := []struct {
		name     string
		dst      string
		data     []byte
		fi       *packer.FileInfo
		wantPath string
		wantMode fs.FileMode
	}{
		{"0 bytes, default mode", "empty", nil, nil, filepath.Join(c.Dir, "empty"), 0o644},
		{"1 byte, 0600", "one", []byte{'x'}, &packer.FileInfo{Mode: 0o600, ModTime: mtime}, filepath.Join(c.Dir, "one"), 0o600},
		{"3 MiB, 0755, nested", "a/b/big.bin", randomBytes(3<<20, 1), &packer.FileInfo{Mode: 0o755, ModTime: mtime, Size: 3 << 20},
			filepath.Join(c.Dir, "a", "b", "big.bin"), 0o755},
		{"mode without permission bits", "noperm", []byte("x"), &packer.FileInfo{Mode: fs.ModeDir}, filepath.Join(c.Dir, "noperm"), 0o644},
		{"absolute path", abs, []byte("abs"), &packer.FileInfo{Mode: 0o640, ModTime: mtime}, abs, 0o640},
		{"replace", "one", []byte("second"), &packer.FileInfo{Mode: 0o444, ModTime: mtime}, filepath.Join(c.Dir, "one"), 0o444},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now().Add(-time.Second)
			if err := c.Upload(testCtx(t), tt.dst, bytes.NewReader(tt.data), tt.fi); err != nil {
				t.Fatalf("Upload(%q, %d bytes): %v", tt.dst, len(tt.data), err)
			}
			got, err := os.ReadFile(tt.wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if sha256.Sum256(got) != sha256.Sum256(tt.data) {
				t.Errorf("Upload(%q): file has %d bytes that differ from the %d sent", tt.dst, len(got), len(tt.data))
			}
			fi, err := os.Stat(tt.wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode() != tt.wantMode {
				t.Errorf("Upload(%q): mode %v, want %v", tt.dst, fi.Mode(), tt.wantMode)
			}
			if tt.fi != nil && !tt.fi.ModTime.IsZero() {
				if !fi.ModTime().Equal(tt.fi.ModTime) {
					t.Errorf("Upload(%q): mtime %v, want %v", tt.dst, fi.ModTime(), tt.fi.ModTime)
				}
			} else if fi.ModTime().Before(before) {
				t.Errorf("Upload(%q) without a time: mtime %v, want about now", tt.dst, fi.ModTime())
			}
			checkNoTemp(t, filepath.Dir(tt.wantPath))
		})
	}
}

// checkNoTemp fails if an upload left a temporary file in dir.
func checkNoTemp(tb testing.TB, dir string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".upload-") {
			tb.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

// endless is a reader of zeros that cancels a context once it has given
// more than limit bytes.
type endless struct {
	n, limit int
	cancel   context.CancelFunc
}

func (r *endless) Read(p []byte) (int, error) {
	clear(p)
	r.n += len(p)
	if r.n > r.limit {
		r.cancel()
	}
	return len(p), nil
}

// failReader gives some bytes, then fails.
type failReader struct{ left int }

var errSource = errors.New("source broke")

func (r *failReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, errSource
	}
	n := min(len(p), r.left)
	r.left -= n
	return n, nil
}

func TestUploadFailures(t *testing.T) {
	c := newComm(t)
	if err := os.WriteFile(filepath.Join(c.Dir, "existing"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(c.Dir, "adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dst  string
		r    func(cancel context.CancelFunc) io.Reader
		want error
	}{
		{"cancelled mid-stream", "existing", func(cancel context.CancelFunc) io.Reader {
			return &endless{limit: 1 << 20, cancel: cancel}
		}, context.Canceled},
		{"reader fails", "existing", func(context.CancelFunc) io.Reader { return &failReader{left: 5000} }, errSource},
		{"onto a directory", "adir", func(context.CancelFunc) io.Reader { return strings.NewReader("x") }, nil},
		{"empty name", "", func(context.CancelFunc) io.Reader { return strings.NewReader("x") }, nil},
		{"name ending in a slash", "new/", func(context.CancelFunc) io.Reader { return strings.NewReader("x") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(testCtx(t))
			defer cancel()
			err := c.Upload(ctx, tt.dst, tt.r(cancel), nil)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Upload(%q) = %v, want an error wrapping %v", tt.dst, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "local: upload") {
				t.Errorf("error %q lacks its prefix", err)
			}
			if got, _ := os.ReadFile(filepath.Join(c.Dir, "existing")); string(got) != "old" {
				t.Errorf("failed Upload(%q) changed an existing file to %d bytes", tt.dst, len(got))
			}
			checkNoTemp(t, c.Dir)
		})
	}
}

func TestDownload(t *testing.T) {
	c := newComm(t)
	data := randomBytes(3<<20+17, 2)
	if err := os.WriteFile(filepath.Join(c.Dir, "big"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(t.TempDir(), "abs")
	if err := os.WriteFile(abs, []byte("absolute"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		src  string
		want []byte
	}{
		{"big", data},
		{abs, []byte("absolute")},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := c.Download(testCtx(t), tt.src, &buf); err != nil {
			t.Fatalf("Download(%q): %v", tt.src, err)
		}
		if !bytes.Equal(buf.Bytes(), tt.want) {
			t.Errorf("Download(%q): %d bytes that differ from the file's %d", tt.src, buf.Len(), len(tt.want))
		}
	}
}

func TestDownloadFailures(t *testing.T) {
	c := newComm(t)
	if err := os.WriteFile(filepath.Join(c.Dir, "big"), randomBytes(1<<20, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		src  string
		w    io.Writer
		want error
	}{
		{"missing", context.Background(), "missing", io.Discard, fs.ErrNotExist},
		{"directory", context.Background(), ".", io.Discard, nil},
		{"cancelled", cancelled, "big", io.Discard, context.Canceled},
		{"writer fails", context.Background(), "big", failWriter{}, errSink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Download(tt.ctx, tt.src, tt.w)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Download(%q) = %v, want an error wrapping %v", tt.src, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "local: download") {
				t.Errorf("error %q lacks its prefix", err)
			}
		})
	}
}

// cancelWriter cancels a context once more than limit bytes were written.
type cancelWriter struct {
	n, limit int
	cancel   context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	if w.n > w.limit {
		w.cancel()
	}
	return len(p), nil
}

func TestDownloadCancelMidStream(t *testing.T) {
	c := newComm(t)
	const size = 8 << 20
	if err := os.WriteFile(filepath.Join(c.Dir, "big"), make([]byte, size), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	w := &cancelWriter{limit: 1 << 20, cancel: cancel}
	err := c.Download(ctx, "big", w)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Download cancelled after 1 MiB = %v, want context.Canceled", err)
	}
	if w.n >= size {
		t.Errorf("cancelled Download still wrote all %d bytes", w.n)
	}
}

func TestNilReaderAndWriter(t *testing.T) {
	c := &Communicator{Dir: t.TempDir()}
	if err := c.Upload(context.Background(), "f", nil, nil); err == nil || !strings.Contains(err.Error(), "nil reader") {
		t.Errorf("Upload(nil reader) = %v, want an error naming the nil reader", err)
	}
	if err := c.Download(context.Background(), "f", nil); err == nil || !strings.Contains(err.Error(), "nil writer") {
		t.Errorf("Download(nil writer) = %v, want an error naming the nil writer", err)
	}
}
