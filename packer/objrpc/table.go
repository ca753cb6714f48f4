package objrpc

import "sync"

// Table holds values by a uint64 id until they are removed or the table
// closes: what a served object keeps between the calls that refer to it
// (a Communicator's running commands, a Ui's open progress reports). The
// zero value is ready; a Table is safe for concurrent use.
type Table[T any] struct {
	mu     sync.Mutex // guards the fields below
	next   uint64     // the last id PutNext handed out
	m      map[uint64]T
	closed bool
}

// Put stores v under id; it reports false if the table is closed or id is
// taken.
func (t *Table[T]) Put(id uint64, v T) bool {
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

// PutNext stores v under a fresh id and returns it; it reports false if
// the table is closed.
func (t *Table[T]) PutNext(v T) (uint64, bool) {
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

// Get returns the value under id (the zero T if there is none), removing
// it if remove is set.
func (t *Table[T]) Get(id uint64, remove bool) T {
	t.mu.Lock()
	defer t.mu.Unlock()
	v := t.m[id]
	if remove {
		delete(t.m, id)
	}
	return v
}

// Close closes the table, so that it takes nothing more, and returns what
// it still held for the caller to release.
func (t *Table[T]) Close() map[uint64]T {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	m := t.m
	t.m = nil
	return m
}

// Len returns the number of values held.
func (t *Table[T]) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
