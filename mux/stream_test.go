package mux

import (
	"bytes"
	"io"
	"sync"
	"testing"
)

// TestLargeFirstWrite checks first Writes larger than the part copied next
// to the prefix, in both directions.
func TestLargeFirstWrite(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		host, plugin := pair(t, network)
		up := pattern(3*maxPrefixCopy + 7)
		down := pattern(2*maxPrefixCopy + 1)
		hc := dialAndWrite(t, host, 1, string(up))
		pc := acceptConn(t, plugin, 1)
		if got := readN(t, pc, len(up)); got != string(up) {
			t.Fatal("acceptor read a corrupted first write")
		}
		if n, err := pc.Write(down); n != len(down) || err != nil {
			t.Fatalf("acceptor Write = %d, %v", n, err)
		}
		if got := readN(t, hc, len(down)); got != string(down) {
			t.Fatal("dialer read a corrupted first write")
		}
	})
}

// TestConcurrentFirstWrites checks that Writes racing to carry the header
// stay whole: exactly one carries it and none is split by another.
func TestConcurrentFirstWrites(t *testing.T) {
	host, plugin := pair(t, "tcp")
	c, err := host.Dial(testCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const writers, size = 4, maxPrefixCopy + 100
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Write(bytes.Repeat([]byte{byte('a' + i)}, size))
		}()
	}
	pc := acceptConn(t, plugin, 1)
	got := make([]byte, writers*size)
	if _, err := io.ReadFull(pc, got); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i := 0; i < len(got); i += size {
		block := got[i : i+size]
		if !bytes.Equal(block, bytes.Repeat(block[:1], size)) {
			t.Fatalf("block %d is not one whole Write", i/size)
		}
	}
}

// pattern returns n bytes that do not repeat with a short period.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}
