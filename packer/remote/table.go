package remote

import "sync"

// table holds values by a uint64 id until they are removed or the table
// closes: a Communicator server's running commands by the id of their
// Start call, a served Ui's open progress reports by the id it hands out.
// The zero value is ready; a table is safe for concurrent use.
type table[T any] struct {
	mu     sync.Mutex // guards the fields below
	next   uint64     // the last id putNext handed out
	m      map[uint64]T
	closed bool
}

// put stores v under id; it reports false if the table is closed or id is
// taken.
func (t *table[T]) put(id uint64, v T) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, taken := t.m[id]; t.closed || taken {
		return false
	}
	if t.m == nil {
		t.m = make(map[uint64]T)
	}
	t.m[id] = v
	return true
}

// putNext stores v under a fresh id and returns it; it reports false if
// the table is closed.
func (t *table[T]) putNext(v T) (uint64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, false
	}
	if t.m == nil {
		t.m = make(map[uint64]T)
	}
	t.next++
	t.m[t.next] = v
	return t.next, true
}

// get returns the value under id (the zero T if there is none), removing
// it if remove is set.
func (t *table[T]) get(id uint64, remove bool) T {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := t.m[id]
	if remove {
		delete(t.m, id)
	}
	return v
}

// close closes the table, so that it takes nothing more, and returns what
// it still held for the caller to release.
func (t *table[T]) close() map[uint64]T {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	m := t.m
	t.m = nil
	return m
}

// len returns the number of values held; for tests.
func (t *table[T]) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
