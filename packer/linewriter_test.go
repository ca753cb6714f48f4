package packer

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
)

// lineRecorder collects what a lineWriter emits.
type lineRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *lineRecorder) emit(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, s)
}

func (r *lineRecorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

func TestLineWriter(t *testing.T) {
	tests := []struct {
		name      string
		writes    []string
		want      []string // emitted by the writes
		wantFlush []string // emitted by the writes and Flush
	}{
		{name: "nothing", writes: nil},
		{name: "empty write", writes: []string{""}},
		{name: "one line", writes: []string{"a\n"}, want: []string{"a"}},
		{name: "crlf", writes: []string{"a\r\n"}, want: []string{"a"}},
		{name: "cr split from lf", writes: []string{"a\r", "\n"}, want: []string{"a"}},
		{name: "blank lines", writes: []string{"\n\n"}, want: []string{"", ""}},
		{name: "split across writes", writes: []string{"he", "llo\nwo", "rld\n"}, want: []string{"hello", "world"}},
		{name: "many in one write", writes: []string{"a\nb\nc\n"}, want: []string{"a", "b", "c"}},
		{name: "cr inside a line kept", writes: []string{"a\rb\n"}, want: []string{"a\rb"}},
		{name: "utf-8", writes: []string{"h\u00e9llo \u4e16\u754c\n"}, want: []string{"h\u00e9llo \u4e16\u754c"}},
		{name: "last line without newline", writes: []string{"a\nb"}, want: []string{"a"}, wantFlush: []string{"a", "b"}},
		{name: "last line ends in cr", writes: []string{"a\r"}, wantFlush: []string{"a"}},
		{name: "only a partial line", writes: []string{"par", "tial"}, wantFlush: []string{"partial"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &lineRecorder{}
			w := &lineWriter{emit: rec.emit}
			for _, s := range tt.writes {
				if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
					t.Fatalf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
				}
			}
			if got := rec.got(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("writes %q emitted %q, want %q", tt.writes, got, tt.want)
			}
			wantFlush := tt.wantFlush
			if wantFlush == nil {
				wantFlush = tt.want
			}
			w.Flush()
			w.Flush() // a second Flush has nothing left to emit
			if got := rec.got(); !reflect.DeepEqual(got, wantFlush) {
				t.Errorf("writes %q then Flush emitted %q, want %q", tt.writes, got, wantFlush)
			}
		})
	}
}

func TestLineWriterAfterFlush(t *testing.T) {
	rec := &lineRecorder{}
	w := &lineWriter{emit: rec.emit}
	fmt.Fprint(w, "one")
	w.Flush()
	fmt.Fprint(w, "two\n")
	if got, want := rec.got(), []string{"one", "two"}; !reflect.DeepEqual(got, want) {
		t.Errorf("emitted %q, want %q", got, want)
	}
}

// TestLineWriterConcurrent checks that whole lines written concurrently
// come out whole.
func TestLineWriterConcurrent(t *testing.T) {
	rec := &lineRecorder{}
	w := &lineWriter{emit: rec.emit}
	const writers, each = 4, 100
	var want []string
	var wg sync.WaitGroup
	for g := range writers {
		for i := range each {
			want = append(want, fmt.Sprintf("writer %d line %d", g, i))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				fmt.Fprintf(w, "writer %d line %d\n", g, i)
			}
		}()
	}
	wg.Wait()
	w.Flush()
	got := rec.got()
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("concurrent writers: got %d lines, want %d whole lines", len(got), len(want))
	}
}
