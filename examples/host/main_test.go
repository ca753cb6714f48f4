package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// hostEnv makes the test binary run the host's main instead of the tests,
// so that a test can run the host as a subprocess.
const hostEnv = "MUXPLUG_TEST_RUN_HOST"

// bins are the plugins the end-to-end tests use, built once per test
// binary on first use into tmpRoot.
var (
	tmpRoot  string
	binsOnce sync.Once
	bins     struct {
		cache   string // the host's -cache, with the example plugins built
		crasher string // testdata/crasher
		err     error
	}
)

func TestMain(m *testing.M) {
	if os.Getenv(hostEnv) == "1" {
		main()
		return
	}
	var err error
	if tmpRoot, err = os.MkdirTemp("", "muxplug-host-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// testBins builds the example plugins (with the host's own build code)
// and the crasher, once, and returns the cache directory and the crasher.
func testBins(tb testing.TB) (cache, crasher string) {
	tb.Helper()
	binsOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		root, err := moduleRoot(".")
		if err != nil {
			bins.err = err
			return
		}
		bins.cache = filepath.Join(tmpRoot, "cache")
		b := &pluginBuild{root: root, cacheDir: bins.cache, say: func(string) {}}
		if bins.err = b.ensure(ctx); bins.err != nil {
			return
		}
		bins.crasher = filepath.Join(tmpRoot, exeName("crasher"))
		cmd := exec.CommandContext(ctx, goCommand(), "build", "-o", bins.crasher, "./examples/host/testdata/crasher")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			bins.err = fmt.Errorf("build crasher: %v\n%s", err, out)
		}
	})
	if bins.err != nil {
		tb.Fatalf("building the plugins: %v", bins.err)
	}
	return bins.cache, bins.crasher
}
