package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2eTimeout bounds each end-to-end run of the host.
const e2eTimeout = 60 * time.Second

// result is what one run of the host printed and returned.
type result struct {
	code        int
	out, errOut string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.out, r.errOut)
}

// runHost runs the host in this process with args, the test plugins'
// cache and progress as plain lines.
func runHost(tb testing.TB, args ...string) result {
	tb.Helper()
	cache, _ := testBins(tb)
	ctx, cancel := context.WithTimeout(context.Background(), e2eTimeout)
	defer cancel()
	var out, errOut bytes.Buffer
	args = append([]string{"-cache", cache, "-progress", "lines"}, args...)
	code := execute(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
	return result{code: code, out: out.String(), errOut: errOut.String()}
}

// demoTemplate is the path of examples/demo.json.
func demoTemplate(tb testing.TB) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("..", "demo.json"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestDemo runs examples/demo.json as on a terminal, with progress bars,
// and checks what it printed and made; then again, see checkDemoAgain.
func TestDemo(t *testing.T) {
	out := t.TempDir()
	r := runHost(t, "-out", out, "-progress", "bar", demoTemplate(t))
	if r.code != exitOK {
		t.Fatalf("host failed:\n%s", r)
	}
	checkDemoArchive(t, out)
	// The template limits the upload's rate so that the bar is seen: it
	// takes 1.6s, and the plugin reports progress every 250ms.
	if n := strings.Count(r.out, "    upload: payload.bin ["); n < 3 {
		t.Errorf("the upload's bar was drawn %d times, want at least 3 (a first draw and two updates)", n)
	}
	for _, want := range []string{
		"==> host: Example plugins are up to date in ",
		"    host: created input payload.bin (16777216 bytes)",
		"==> files: Creating " + filepath.Join(out, "site"),
		"    files: wrote hello.txt (37 bytes)",
		`==> notify: Hook "packer_provision" reached`,
		"    notify: left marker PROVISIONED",
		"==> shell: Running: echo \"$GREETING\"",
		"    shell: hello from the shell provisioner",
		"==> upload: Uploading payload.bin => data/payload.bin (16777216 bytes)",
		"    upload: payload.bin: 16.0 MiB of 16.0 MiB (100%)",
		"==> targz: Packing 8 files of " + filepath.Join(out, "site"),
		`==> host: Build "files" finished. Artifacts:`,
		"    host: muxplug.targz: " + filepath.Join(out, "site.tar.gz"),
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if want := "==> shell: this line goes to stderr"; !strings.Contains(r.errOut, want) {
		t.Errorf("stderr lacks %q", want)
	}
	if t.Failed() {
		t.Logf("host output:\n%s", r)
	}
	log, err := os.ReadFile(filepath.Join(out, "hooks.log"))
	if err != nil || !strings.Contains(string(log), `"hook":"packer_provision"`) {
		t.Errorf("hooks.log = %q, %v; want a packer_provision event", log, err)
	}
	t.Run("again through the command plugin", func(t *testing.T) { checkDemoAgain(t, out) })
}

// checkDemoAgain runs the demo's build again, through the command plugin
// with the arguments the template gives it (-command build TEMPLATE, as the
// README shows it), and checks that it makes the same archive, byte for
// byte, as the first run did in first.
func checkDemoAgain(t *testing.T, first string) {
	out := t.TempDir()
	r := runHost(t, "-out", out, "-command", "build", demoTemplate(t))
	if r.code != exitOK {
		t.Fatalf("host -command build TEMPLATE failed:\n%s", r)
	}
	checkDemoArchive(t, out)
	if want := `==> host: Running command "build" with the template's arguments: -hook notify`; !strings.Contains(r.out, want) {
		t.Errorf("stdout lacks %q\n%s", want, r)
	}
	a, errA := os.ReadFile(filepath.Join(first, "site.tar.gz"))
	b, errB := os.ReadFile(filepath.Join(out, "site.tar.gz"))
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("two runs of the demo made different archives (%d and %d bytes; %v, %v)", len(a), len(b), errA, errB)
	}
}

// checkDemoArchive asserts that the demo's archive is mode 0644 and holds the generated,
// provisioned and uploaded files, and that its checksum file matches it.
func checkDemoArchive(tb testing.TB, out string) {
	tb.Helper()
	archive := filepath.Join(out, "site.tar.gz")
	data, err := os.ReadFile(archive)
	if err != nil {
		tb.Fatal(err)
	}
	if fi, err := os.Stat(archive); err != nil || fi.Mode().Perm() != 0o644 {
		tb.Errorf("%s: mode %v, %v; want 0644 like the other outputs", archive, fi.Mode().Perm(), err)
	}
	sum := sha256.Sum256(data)
	line, err := os.ReadFile(archive + ".sha256")
	if want := hex.EncodeToString(sum[:]) + "  site.tar.gz\n"; err != nil || string(line) != want {
		tb.Errorf("checksum file = %q, %v; want %q", line, err, want)
	}
	payload, err := os.ReadFile(filepath.Join(out, "payload.bin"))
	if err != nil {
		tb.Fatal(err)
	}
	files := untar(tb, data)
	want := map[string]string{
		"hello.txt":        "Hello from a muxplug builder plugin!\n",
		"docs/README.md":   "# site\nBuilt by examples/plugins/files.\n",
		"file-1.txt":       "generated file 1 of 3\n",
		"file-2.txt":       "generated file 2 of 3\n",
		"file-3.txt":       "generated file 3 of 3\n",
		"shell.txt":        "built-by-shell\n",
		"data/payload.bin": string(payload),
	}
	for name, content := range want {
		if got, ok := files[name]; !ok || got != content {
			tb.Errorf("archive entry %s: present %v, %d bytes; want %d bytes of %.40q", name, ok, len(got), len(content), content)
		}
	}
	if got, want := files["PROVISIONED"], "provisioned: the notify hook ran at packer_provision\n"; got != want {
		tb.Errorf("archive entry PROVISIONED = %q, want the notify hook's marker %q", got, want)
	}
	if len(payload) != 16<<20 {
		tb.Errorf("payload.bin has %d bytes, want 16 MiB", len(payload))
	}
}

func untar(tb testing.TB, data []byte) map[string]string {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	files := make(map[string]string)
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			tb.Fatal(err)
		}
		files[hdr.Name] = string(b)
	}
}
