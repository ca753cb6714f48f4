package codec

import (
	"bytes"
	"fmt"
	"net/rpc"
	"testing"
)

// TestOneWritePerMessage checks that every request and every response
// leaves in exactly one Write on the connection, and that each Write is
// one whole frame, for small, medium and large calls.
func TestOneWritePerMessage(t *testing.T) {
	sizes := []struct {
		name string
		n    int
	}{
		{"tiny", 0},
		{"4KB", 4 << 10},
		{"1MiB", 1 << 20},
	}
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			c, s := pipePair(t)
			cc := &countingConn{ReadWriteCloser: c}
			sc := &countingConn{ReadWriteCloser: s}
			client := serveRPC(t, cc, sc)
			const calls = 3
			for i := range calls {
				args := &Payload{Name: fmt.Sprint("call", i), Data: bytes.Repeat([]byte{byte(i)}, sz.n)}
				var reply Payload
				if err := client.Call("Svc.Echo", args, &reply); err != nil {
					t.Fatalf("Call %d with %d bytes: %v", i, sz.n, err)
				}
				if !bytes.Equal(reply.Data, args.Data) || reply.Name != args.Name {
					t.Fatalf("Call %d with %d bytes: reply differs (%d bytes, name %q)", i, sz.n, len(reply.Data), reply.Name)
				}
			}
			checkWrites(t, "client", cc.takeWrites(), calls, sz.n)
			checkWrites(t, "server", sc.takeWrites(), calls, sz.n)
		})
	}
}

// checkWrites asserts one write per message, each larger than the payload.
func checkWrites(t *testing.T, side string, writes []int, calls, payload int) {
	t.Helper()
	if len(writes) != calls {
		t.Fatalf("%s made %d writes for %d messages of %d-byte payloads (%v), want one per message", side, len(writes), calls, payload, writes)
	}
	for i, n := range writes {
		if n < payload+prefixSize || n > payload+prefixSize+64 {
			t.Errorf("%s write %d is %d bytes for a %d-byte payload, want payload plus a small header", side, i, n, payload)
		}
	}
}

// TestFrameLayout checks the documented wire layout of one request: a
// big-endian length of the rest, then the header array, then the body.
func TestFrameLayout(t *testing.T) {
	out := newMemConn(nil)
	cc := NewClientCodec(out)
	if err := cc.WriteRequest(&rpc.Request{ServiceMethod: "Svc.Echo", Seq: 42}, "hi"); err != nil {
		t.Fatalf("WriteRequest: %v", err)
	}
	want := []byte{0, 0, 0, 14, 0x92, 0xa8} // length 14; fixarray(2), fixstr(8)
	want = append(want, "Svc.Echo"...)
	want = append(want, 42, 0xa2, 'h', 'i') // seq 42; fixstr(2) "hi"
	if got := out.w.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("WriteRequest(Svc.Echo, 42, \"hi\") wrote % x, want % x", got, want)
	}
}
