package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// dirCache is the packer.Cache of the host: each key is a path in dir,
// guarded by a read-write lock held in this process. Safe for concurrent
// use.
type dirCache struct {
	dir string

	mu    sync.Mutex // guards locks
	locks map[string]*sync.RWMutex
}

var _ packer.Cache = (*dirCache)(nil)

func newDirCache(dir string) *dirCache {
	return &dirCache{dir: dir, locks: make(map[string]*sync.RWMutex)}
}

// path maps key to a file name in dir; separators and dots cannot escape
// it.
func (c *dirCache) path(key string) string {
	name := strings.NewReplacer("/", "_", `\`, "_", "..", "__").Replace(key)
	if name == "" || name == "." {
		name = "_"
	}
	return filepath.Join(c.dir, name)
}

func (c *dirCache) lock(key string) *sync.RWMutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.locks[key]
	if !ok {
		l = new(sync.RWMutex)
		c.locks[key] = l
	}
	return l
}

// Lock takes the exclusive lock of key, blocking until it is free, and
// returns its path. The cache directory is created if needed.
func (c *dirCache) Lock(key string) string {
	c.lock(key).Lock()
	os.MkdirAll(c.dir, 0o755) // a failure shows when the caller uses the path
	return c.path(key)
}

// Unlock releases the exclusive lock of key.
func (c *dirCache) Unlock(key string) { c.lock(key).Unlock() }

// RLock takes a shared lock of key and returns its path and whether
// something exists there.
func (c *dirCache) RLock(key string) (string, bool) {
	c.lock(key).RLock()
	p := c.path(key)
	_, err := os.Stat(p)
	return p, err == nil
}

// RUnlock releases a shared lock of key.
func (c *dirCache) RUnlock(key string) { c.lock(key).RUnlock() }
