package packertest_test

import (
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer/packertest"
)

func TestCachePath(t *testing.T) {
	c := &packertest.Cache{Dir: "/cache"}
	tests := []struct{ key, want string }{
		{"ubuntu-22.04.iso", "/cache/ubuntu-22.04.iso"},
		{"a/b", "/cache/a%2Fb"},
		{"../escape", "/cache/..%2Fescape"},
		{"..", "/cache/%2E%2E"},
		{".", "/cache/%2E"},
		{"", "/cache/%"},
		{"sp ace%", "/cache/sp%20ace%25"},
		{`c:\x`, "/cache/c%3A%5Cx"},
	}
	for _, tt := range tests {
		if got := c.Path(tt.key); got != filepath.FromSlash(tt.want) {
			t.Errorf("Path(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestCacheLocking(t *testing.T) {
	c := packertest.NewCache(t)
	path, exists := c.RLock("k")
	if exists || path != c.Path("k") {
		t.Errorf("RLock(k) on an empty cache = %q, %v; want %q, false", path, exists, c.Path("k"))
	}
	if _, exists := c.RLock("k"); exists {
		t.Error("second RLock(k) reports that k exists")
	}
	if ex, sh := c.Held("k"); ex || sh != 2 {
		t.Errorf("Held(k) with two readers = %v, %d", ex, sh)
	}
	c.RUnlock("k")
	c.RUnlock("k")

	path = c.Lock("k")
	if ex, sh := c.Held("k"); !ex || sh != 0 {
		t.Errorf("Held(k) after Lock = %v, %d", ex, sh)
	}
	if err := os.WriteFile(path, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.Unlock("k")
	if _, exists := c.RLock("k"); !exists {
		t.Error("RLock(k) after writing its path reports that it does not exist")
	}
	c.RUnlock("k")

	want := []packertest.Call{
		{"RLock", "k"}, {"RLock", "k"}, {"RUnlock", "k"}, {"RUnlock", "k"},
		{"Lock", "k"}, {"Unlock", "k"}, {"RLock", "k"}, {"RUnlock", "k"},
	}
	if got := c.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("Calls() = %v, want %v", got, want)
	}
	if err := c.Err(); err != nil {
		t.Errorf("Err() after balanced calls = %v", err)
	}
}

func TestCacheMisuse(t *testing.T) {
	c := &packertest.Cache{}
	c.Unlock("never locked")
	c.RLock("r")
	c.Unlock("r") // held shared, not exclusive
	c.RUnlock("r")
	c.RUnlock("r") // one too many
	if err := c.Err(); err == nil {
		t.Fatal("Err() after unbalanced unlocks = nil")
	}
	if ex, sh := c.Held("r"); ex || sh != 0 {
		t.Errorf("Held(r) = %v, %d after misuse; want free", ex, sh)
	}
}

// TestCacheExclusive checks that Lock excludes other holders: the race
// detector reports the unguarded counter if it does not.
func TestCacheExclusive(t *testing.T) {
	c := packertest.NewCache(t)
	const workers, each = 4, 100
	counter := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				c.Lock("k")
				counter++
				c.Unlock("k")
				c.RLock("k")
				_ = counter
				c.RUnlock("k")
			}
		}()
	}
	wg.Wait()
	if counter != workers*each {
		t.Errorf("counter = %d, want %d", counter, workers*each)
	}
}
