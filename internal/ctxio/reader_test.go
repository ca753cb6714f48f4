package ctxio

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestNewReader(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := strings.NewReader("abcdef")
	r := NewReader(ctx, src)
	p := make([]byte, 4)
	if n, err := r.Read(p); n != 4 || err != nil || string(p) != "abcd" {
		t.Fatalf("Read before cancel = %d, %v, %q; want 4, nil, %q", n, err, p[:n], "abcd")
	}
	cancel()
	if n, err := r.Read(p); n != 0 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after cancel = %d, %v; want 0, context.Canceled", n, err)
	}
	if src.Len() != 2 {
		t.Errorf("Read after cancel consumed the source: %d bytes left, want 2", src.Len())
	}
}
