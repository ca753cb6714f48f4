package packertest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer"
)

// Call is one call to a Cache or an Environment: the method's name and its
// key or component name (empty for Environment.Ui and Environment.Cache).
type Call struct {
	Method string
	Name   string
}

// Cache is a packer.Cache over the directory Dir, with a real readers-writer
// lock per key, that records its calls. Lock blocks while the key is held by
// anyone, RLock while it is held exclusively; a steady stream of readers can
// keep a writer waiting. Cache creates no files: it only hands out paths and
// reports whether something exists there.
//
// Unlock and RUnlock of a key not locked that way do not panic: the misuse is
// recorded and reported by Err.
//
// The zero value is ready to use, with paths relative to the current
// directory; NewCache gives one over a temporary directory. A Cache is safe
// for concurrent use; it must not be copied after first use.
type Cache struct {
	// Dir is the directory the paths are in.
	Dir string

	mu     sync.Mutex // guards the fields below; cond uses it
	cond   *sync.Cond // signalled when a lock is released; made lazily
	held   map[string]*keyLock
	calls  []Call
	misuse []error
}

// keyLock is the state of the lock for one key.
type keyLock struct {
	exclusive bool
	shared    int
}

var _ packer.Cache = (*Cache)(nil)

// NewCache returns a Cache over a new temporary directory of tb, removed
// when the test ends.
func NewCache(tb testing.TB) *Cache {
	tb.Helper()
	return &Cache{Dir: tb.TempDir()}
}

// Path returns the path for key: Dir joined with key, where every byte
// other than an ASCII letter, digit, '-', '_' or '.' is written as %XX, and
// the keys "", "." and ".." are written entirely as %XX (the empty key as
// "%"), so that every key has its own path directly inside Dir.
func (c *Cache) Path(key string) string {
	return filepath.Join(c.Dir, escapeKey(key))
}

func escapeKey(key string) string {
	switch key {
	case "":
		return "%"
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if ch == '-' || ch == '_' || ch == '.' || ch >= '0' && ch <= '9' ||
			ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

// Lock blocks until nobody holds key, takes it exclusively, records the
// call and returns the path for key.
func (c *Cache) Lock(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	// A released key's state is dropped, so look it up after every wait.
	l := c.lockLocked(key)
	for l.exclusive || l.shared > 0 {
		c.cond.Wait()
		l = c.lockLocked(key)
	}
	l.exclusive = true
	c.calls = append(c.calls, Call{Method: "Lock", Name: key})
	return c.Path(key)
}

// Unlock releases the exclusive lock on key and records the call.
func (c *Cache) Unlock(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, Call{Method: "Unlock", Name: key})
	l := c.lockLocked(key)
	if !l.exclusive {
		c.misuse = append(c.misuse, fmt.Errorf("packertest: cache: Unlock(%q) of a key not locked with Lock", key))
		c.releaseLocked(key, l)
		return
	}
	l.exclusive = false
	c.releaseLocked(key, l)
}

// RLock blocks until nobody holds key exclusively, takes a shared lock,
// records the call and returns the path for key and whether something
// exists at that path.
func (c *Cache) RLock(key string) (string, bool) {
	c.mu.Lock()
	l := c.lockLocked(key)
	for l.exclusive {
		c.cond.Wait()
		l = c.lockLocked(key)
	}
	l.shared++
	c.calls = append(c.calls, Call{Method: "RLock", Name: key})
	c.mu.Unlock()
	path := c.Path(key)
	_, err := os.Lstat(path)
	return path, err == nil
}

// RUnlock releases one shared lock on key and records the call.
func (c *Cache) RUnlock(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, Call{Method: "RUnlock", Name: key})
	l := c.lockLocked(key)
	if l.shared == 0 {
		c.misuse = append(c.misuse, fmt.Errorf("packertest: cache: RUnlock(%q) of a key not locked with RLock", key))
		c.releaseLocked(key, l)
		return
	}
	l.shared--
	c.releaseLocked(key, l)
}

// lockLocked returns the lock state of key, making it (and the cond) if
// needed. c.mu must be held.
func (c *Cache) lockLocked(key string) *keyLock {
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
		c.held = make(map[string]*keyLock)
	}
	l := c.held[key]
	if l == nil {
		l = &keyLock{}
		c.held[key] = l
	}
	return l
}

// releaseLocked forgets a key nobody holds and wakes the waiters. c.mu must
// be held.
func (c *Cache) releaseLocked(key string, l *keyLock) {
	if !l.exclusive && l.shared == 0 {
		delete(c.held, key)
	}
	c.cond.Broadcast()
}

// Held reports whether key is locked exclusively and how many shared locks
// it has. It does not block.
func (c *Cache) Held(key string) (exclusive bool, shared int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.held[key]; l != nil {
		return l.exclusive, l.shared
	}
	return false, 0
}

// Calls returns every call so far, in order. Lock and RLock are recorded
// once they hold the lock; Unlock and RUnlock when they are called.
func (c *Cache) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Err returns an error describing every Unlock or RUnlock of a key that was
// not locked that way, or nil if there was none.
func (c *Cache) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.misuse...)
}
