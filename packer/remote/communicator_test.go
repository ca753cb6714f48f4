package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/muxplug/muxplug/internal/testtree"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/local"
)

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(int64(n))).Read(b)
	return b
}

func TestUploadDownload(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		comm := newLocalComm(t)
		mtime := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
		sizes := []int{0, 1, 3 << 20}
		err := provisionWith(t, network, nil, comm, func(ctx context.Context, _ *session, _ packer.Ui, comm packer.Communicator) error {
			for _, n := range sizes {
				data := randomBytes(n)
				name := fmt.Sprintf("f%d", n)
				fi := &packer.FileInfo{Name: name, Size: int64(n), Mode: 0o640, ModTime: mtime}
				if err := comm.Upload(ctx, name, bytes.NewReader(data), fi); err != nil {
					return fmt.Errorf("Upload %d bytes: %w", n, err)
				}
				var got bytes.Buffer
				if err := comm.Download(ctx, name, &got); err != nil {
					return fmt.Errorf("Download %d bytes: %w", n, err)
				}
				if !bytes.Equal(got.Bytes(), data) {
					return fmt.Errorf("Download of %d bytes returned %d different bytes", n, got.Len())
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range sizes {
			path := filepath.Join(comm.Dir, fmt.Sprintf("f%d", n))
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, randomBytes(n)) {
				t.Errorf("host file of %d bytes: %d bytes read, %v; want the uploaded bytes", n, len(got), err)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(mtime) {
				t.Errorf("host file of %d bytes: mode %v, mtime %v; want 0640, %v", n, fi.Mode(), fi.ModTime(), mtime)
			}
		}
	})
}

// failingReader returns n bytes, then err.
type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	m := min(len(p), r.n)
	r.n -= m
	return m, nil
}

// failingWriter accepts n bytes, then fails with err.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		m := w.n
		w.n = 0
		return m, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestTransferFailures(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		comm := newLocalComm(t)
		if err := os.WriteFile(filepath.Join(comm.Dir, "big"), randomBytes(3<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		err := provisionWith(t, network, nil, comm, func(ctx context.Context, _ *session, _ packer.Ui, comm packer.Communicator) error {
			err := comm.Upload(ctx, "partial", &failingReader{n: 100 << 10, err: errUserSentinel}, nil)
			if !errors.Is(err, errUserSentinel) {
				return fmt.Errorf("Upload from a failing reader = %v, want its error", err)
			}
			if err := comm.Download(ctx, "missing", io.Discard); !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("Download of a missing file = %v, want fs.ErrNotExist", err)
			}
			err = comm.Download(ctx, "big", &failingWriter{n: 1 << 20, err: errUserSentinel})
			if !errors.Is(err, errUserSentinel) {
				return fmt.Errorf("Download into a failing writer = %v, want its error", err)
			}
			if err := comm.Upload(ctx, "dir/", bytes.NewReader(nil), nil); err == nil {
				return errors.New("Upload to a directory name succeeded")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(comm.Dir, "partial")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed upload left a file: %v", err)
		}
	})
}

// makeTree creates a tree with modes, a link and files to exclude. The
// directories sub/deeper and skip are made implicitly (0755 less the umask).
func makeTree(t testing.TB, root string) {
	t.Helper()
	tree := testtree.Tree{"sub": testtree.Dir(0o750, time.Time{}), "link": testtree.Link("a.txt")}
	for name, mode := range map[string]fs.FileMode{
		"a.txt": 0o600, "run.sh": 0o755, "debug.log": 0o644,
		"sub/b.txt": 0o644, "sub/deeper/c.txt": 0o640, "skip/x.txt": 0o644,
	} {
		tree[name] = testtree.File(mode, "content of "+name, time.Time{})
	}
	testtree.Make(t, root, tree)
}

// readTree describes the tree under root without modification times, which
// these tests do not compare.
func readTree(t testing.TB, root string) testtree.Tree {
	t.Helper()
	return testtree.WithoutTimes(testtree.Read(t, root))
}

func TestDirRoundTrip(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		comm := newLocalComm(t)
		src := filepath.Join(t.TempDir(), "tree")
		makeTree(t, src)
		back := t.TempDir()
		exclude := []string{"*.log", "skip"}
		err := provisionWith(t, network, nil, comm, func(ctx context.Context, _ *session, _ packer.Ui, comm packer.Communicator) error {
			if err := comm.UploadDir(ctx, "contents", src+"/", exclude); err != nil {
				return fmt.Errorf("UploadDir with a slash: %w", err)
			}
			if err := comm.UploadDir(ctx, "itself", src, exclude); err != nil {
				return fmt.Errorf("UploadDir without a slash: %w", err)
			}
			if err := comm.DownloadDir(ctx, "itself", filepath.Join(back, "a"), []string{"*.sh"}); err != nil {
				return fmt.Errorf("DownloadDir without a slash: %w", err)
			}
			if err := comm.DownloadDir(ctx, "contents/", filepath.Join(back, "b"), nil); err != nil {
				return fmt.Errorf("DownloadDir with a slash: %w", err)
			}
			if err := comm.UploadDir(ctx, "x", filepath.Join(src, "missing"), nil); !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("UploadDir of a missing directory = %v, want fs.ErrNotExist", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := readTree(t, src)
		delete(want, "debug.log")
		delete(want, "skip")
		delete(want, "skip/x.txt")
		if got := readTree(t, filepath.Join(comm.Dir, "contents")); !reflect.DeepEqual(got, want) {
			t.Errorf("UploadDir(src/) gave\n%v\nwant\n%v", got, want)
		}
		if got := readTree(t, filepath.Join(comm.Dir, "itself", "tree")); !reflect.DeepEqual(got, want) {
			t.Errorf("UploadDir(src) gave\n%v\nwant\n%v", got, want)
		}
		if got := readTree(t, filepath.Join(back, "b")); !reflect.DeepEqual(got, want) {
			t.Errorf("DownloadDir(contents/) gave\n%v\nwant\n%v", got, want)
		}
		delete(want, "run.sh")
		if got := readTree(t, filepath.Join(back, "a", "itself", "tree")); !reflect.DeepEqual(got, want) {
			t.Errorf("DownloadDir(itself) gave\n%v\nwant\n%v", got, want)
		}
		if tmp := leftoverTempDirs(t); len(tmp) != 0 {
			t.Errorf("temporary directories left behind: %v", tmp)
		}
	})
}

// leftoverTempDirs lists this package's temporary directories still in
// os.TempDir.
func leftoverTempDirs(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"muxplug-upload-*", "muxplug-download-*"} {
		m, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern))
		out = append(out, m...)
	}
	return out
}

func TestStart(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		err := provisionWith(t, network, nil, newLocalComm(t), func(ctx context.Context, _ *session, _ packer.Ui, comm packer.Communicator) error {
			var stdout, stderr bytes.Buffer
			cmd := &packer.RemoteCmd{Command: "cat; echo err >&2; exit 3",
				Stdin: bytes.NewReader([]byte("hello\n")), Stdout: &stdout, Stderr: &stderr}
			if err := comm.Start(ctx, cmd); err != nil {
				return err
			}
			if err := cmd.Wait(ctx); err != nil {
				return err
			}
			if st := cmd.ExitStatus(); st != 3 || stdout.String() != "hello\n" || stderr.String() != "err\n" {
				return fmt.Errorf("status %d, stdout %q, stderr %q; want 3, hello, err", st, stdout.String(), stderr.String())
			}

			cmd = &packer.RemoteCmd{Command: "exit 0"}
			if err := comm.Start(ctx, cmd); err != nil {
				return err
			}
			if err := cmd.Wait(ctx); err != nil || cmd.ExitStatus() != 0 {
				return fmt.Errorf("exit 0: %v, status %d", err, cmd.ExitStatus())
			}

			// All the output is there when Wait returns.
			stdout.Reset()
			cmd = &packer.RemoteCmd{Command: "head -c 2097152 /dev/zero", Stdout: &stdout}
			if err := comm.Start(ctx, cmd); err != nil {
				return err
			}
			if err := cmd.Wait(ctx); err != nil || stdout.Len() != 2<<20 {
				return fmt.Errorf("2 MiB of output: %v, %d bytes by Wait", err, stdout.Len())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestStartFails(t *testing.T) {
	comm := &local.Communicator{Dir: filepath.Join(t.TempDir(), "missing")}
	err := provisionWith(t, "pipe", nil, comm, func(ctx context.Context, _ *session, _ packer.Ui, comm packer.Communicator) error {
		var out bytes.Buffer
		cmd := &packer.RemoteCmd{Command: "true", Stdin: bytes.NewReader(nil), Stdout: &out}
		if err := comm.Start(ctx, cmd); err == nil {
			return errors.New("Start in a missing directory succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
