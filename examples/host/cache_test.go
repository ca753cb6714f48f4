package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	c := newDirCache(dir)
	for _, key := range []string{"iso", "a/b", "../../etc", "", "."} {
		p := c.Lock(key)
		if filepath.Dir(p) != dir || strings.Contains(filepath.Base(p), "/") {
			t.Errorf("Lock(%q) = %q, want a file directly in %s", key, p, dir)
		}
		c.Unlock(key)
	}
	p := c.Lock("iso")
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatalf("write the locked path %s: %v", p, err)
	}
	c.Unlock("iso")
	if got, ok := c.RLock("iso"); got != p || !ok {
		t.Errorf("RLock(iso) = %q, %v; want %q, true", got, ok, p)
	}
	if _, ok := c.RLock("other"); ok {
		t.Error("RLock(other) reports that it exists")
	}
	c.RUnlock("other")
	c.RUnlock("iso")
}
