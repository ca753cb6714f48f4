package readme

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// commandTimeout bounds each block or command the test runs.
const commandTimeout = 10 * time.Minute

// TestCommands runs every command the README shows, as written, where a
// reader would run it:
//
//   - each shell block, as one bash script (so a cd carries over to the
//     next line), from the root of a copy of the repository made of the
//     files a fresh clone would have (tracked or untracked, not ignored);
//   - each command shown inline in the text (a code span starting with a go
//     subcommand, cd, bash or a script path) on its own, from that root;
//   - the shell blocks after a "<!-- run: in a new module -->" marker in
//     a new module (made with go mod init example.com/hello) that holds the
//     README's plugin and host as plugin/main.go and host/main.go.
//
// Some commands are not run quite as written, and why:
//
//   - go test ./..., go test -race ./... and .ci/run run this test suite;
//     running them from here would recurse. TestSuiteCommands checks that
//     .ci/run runs them.
//   - Commands that run benchmarks run each benchmark once (-benchtime 1x
//     -count 1): they prove the command works, not the figures.
//   - Tests stay off the network. The go command gets GOPROXY set to the
//     local module cache's download directory and GOSUMDB=off, so modules
//     come from the cache; a `go run PKG@latest` whose module is not in the
//     cache is skipped, saying so. In the new module, go get finds this
//     working tree served as github.com/muxplug/muxplug v0.1.0 by a
//     file:// module proxy, ahead of the cache, with a module cache of its
//     own (so the real one never holds that made-up version).
//   - The example host builds its plugins into MUXPLUG_EXAMPLES_CACHE, a
//     temporary directory, rather than into the user's cache directory.
//   - GOFLAGS gets -trimpath, so that builds in the copies, which live in new
//     directories every time, hit the build cache of the previous run.
//
// With -short, TestCommands is skipped: it takes some seconds and builds
// every example. Under the race detector too: the commands it runs are the
// same either way, and .ci/run runs the suite without it first.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running the README's commands")
	}
	if raceEnabled {
		t.Skip("-race: the README's commands do not change with it; the run without -race ran them")
	}
	root := repoRoot(t)
	files := sourceFiles(t, root)
	r := &runner{repo: copyTree(t, root, files), env: offlineEnv(t)}
	r.env = append(r.env, "MUXPLUG_EXAMPLES_CACHE="+filepath.Join(t.TempDir(), "plugins"))
	blocks, spans := parse(readREADME(t))
	mod := makeNewModule(t, root, files, blocks, r.env)
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		t.Run(fmt.Sprintf("README.md:%d", b.line), func(t *testing.T) {
			if b.newModule {
				r.script(t, mod.dir, mod.env, b.text)
				return
			}
			r.script(t, r.repo, r.env, b.text)
		})
	}
	seen := make(map[string]bool)
	for _, s := range spans {
		cmd := reduceBench(s.text)
		if !isCommand(s.text) || suiteCommands[s.text] || seen[cmd] {
			continue
		}
		seen[cmd] = true
		t.Run(fmt.Sprintf("README.md:%d %s", s.line, s.text), func(t *testing.T) {
			r.script(t, r.repo, r.env, s.text+"\n")
		})
	}
}

// runner runs shell scripts for TestCommands.
type runner struct {
	repo string   // the copy of the repository
	env  []string // the environment of the commands
}

// script runs the lines of a shell block with bash in dir, after taking
// out the suite commands and reducing the benchmark commands, and fails
// the test if it fails or does not print what a `# prints "X"` comment
// says.
func (r *runner) script(t *testing.T, dir string, env []string, text string) {
	var lines, want []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if suiteCommands[command(line)] {
			line = ": not run here: " + command(line) + " runs this test suite"
		}
		if x := expectedOutput(line); x != "" {
			want = append(want, x)
		}
		skipIfUncached(t, line)
		lines = append(lines, reduceBench(line))
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", strings.Join(lines, "\n"))
	cmd.Dir, cmd.Env, cmd.WaitDelay = dir, env, 10*time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		t.Fatalf("in %s:\n%s\nfailed: %v\n%s", dir, strings.Join(lines, "\n"), err, tail(out.String(), 60))
	}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("%s\nprinted no %q:\n%s", strings.Join(lines, "\n"), w, tail(out.String(), 60))
		}
	}
}

// goRunLatest finds the package of a `go run PKG@latest` command.
var goRunLatest = regexp.MustCompile(`go run (\S+)@latest`)

// skipIfUncached skips the test if line runs a package at @latest whose
// module the local module cache lacks, which only the network could fix.
func skipIfUncached(t *testing.T, line string) {
	m := goRunLatest.FindStringSubmatch(line)
	if m == nil {
		return
	}
	download := filepath.Join(goEnv(t, "GOMODCACHE"), "cache", "download")
	for p := m[1]; p != "." && p != "/"; p = path.Dir(p) {
		if _, err := os.Stat(filepath.Join(download, filepath.FromSlash(p), "@v", "list")); err == nil {
			return
		}
	}
	t.Skipf("%s: module of %s not in the module cache, and tests stay off the network", command(line), m[1])
}

// offlineEnv is this process's environment with the go command kept off
// the network: modules come from the local module cache.
func offlineEnv(tb testing.TB) []string {
	tb.Helper()
	download := filepath.Join(goEnv(tb, "GOMODCACHE"), "cache", "download")
	return append(os.Environ(), "GOPROXY="+fileURL(download), "GOSUMDB=off", "GOTOOLCHAIN=local",
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"))
}

// goEnv returns the value of a go env variable.
func goEnv(tb testing.TB, name string) string {
	tb.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		tb.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// newModule is a module of a reader's own, for the blocks marked to run
// in one.
type newModule struct {
	dir string
	env []string
}

// makeNewModule makes the new module: go mod init, and the README's Go
// files as plugin/main.go and host/main.go (the last two elements of their
// paths), with an environment whose GOPROXY serves this working tree as
// the module's latest version.
func makeNewModule(tb testing.TB, root string, files []string, blocks []block, env []string) *newModule {
	tb.Helper()
	tmp := tb.TempDir()
	proxy := writeProxy(tb, root, files)
	download := filepath.Join(goEnv(tb, "GOMODCACHE"), "cache", "download")
	m := &newModule{dir: filepath.Join(tmp, "hello"), env: append(env[:len(env):len(env)],
		"GOPROXY="+fileURL(proxy)+","+fileURL(download), "GOMODCACHE="+filepath.Join(tmp, "modcache"),
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath -modcacherw"))}
	for _, b := range blocks {
		if b.file == "" {
			continue
		}
		name := filepath.Join(m.dir, filepath.Base(filepath.Dir(b.file)), filepath.Base(b.file))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(b.text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	cmd := exec.Command("go", "mod", "init", "example.com/hello")
	cmd.Dir, cmd.Env = m.dir, m.env
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go mod init: %v\n%s", err, out)
	}
	return m
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
