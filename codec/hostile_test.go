package codec

import (
	"bytes"
	"errors"
	"io"
	"net/rpc"
	"runtime"
	"strings"
	"testing"
	"time"
)

// validHeader is the msgpack header of a request to Svc.Echo, seq 1.
var validHeader = []byte{0x92, 0xa8, 'S', 'v', 'c', '.', 'E', 'c', 'h', 'o', 0x01}

// nested returns n copies of open followed by leaf: n nested containers.
func nested(open []byte, n int, leaf byte) []byte {
	return append(bytes.Repeat(open, n), leaf)
}

// hostileCase is a byte stream and the error its first message must give.
type hostileCase struct {
	name string
	wire []byte
	want error // matched with errors.Is; io.EOF is matched exactly
}

func hostileCases() []hostileCase {
	huge := []byte{0xff, 0xff, 0xff, 0xff}
	return []hostileCase{
		{"empty stream", nil, io.EOF},
		{"EOF mid-prefix", []byte{0, 0}, io.ErrUnexpectedEOF},
		{"EOF mid-frame", []byte{0, 0, 0, 20, 0x92, 0xa1}, io.ErrUnexpectedEOF},
		{"EOF after large prefix", append([]byte{0x00, 0xff, 0xff, 0xff}, make([]byte, 16)...), io.ErrUnexpectedEOF},
		{"length 0xFFFFFFFF", huge, ErrTooLarge},
		{"length one over limit", []byte{0x01, 0x00, 0x00, 0x01}, ErrTooLarge},
		{"zero length frame", frame(), ErrMalformed},
		{"header not an array", frame([]byte{0xa1, 'x'}), ErrMalformed},
		{"reserved byte 0xc1", frame([]byte{0xc1}), ErrMalformed},
		{"header truncated in frame", frame([]byte{0x92, 0xa8, 'S'}), ErrMalformed},
		{"header str32 of 4 GiB", frame([]byte{0x92, 0xdb}, huge), ErrMalformed},
		{"header array32 of 4 GiB", frame([]byte{0xdd}, huge), ErrMalformed},
		{"header map32 of 4 GiB", frame([]byte{0xdf}, huge), ErrMalformed},
		{"header 100k nested arrays", frame(nested([]byte{0x91}, 100_000, 0xc0)), ErrMalformed},
		{"body missing", frame(validHeader), ErrMalformed},
		{"body str32 of 4 GiB", frame(validHeader, []byte{0xdb}, huge), ErrMalformed},
		{"body bin32 of 4 GiB", frame(validHeader, []byte{0xc6}, huge), ErrMalformed},
		{"body array32 of 4 GiB", frame(validHeader, []byte{0xdd}, huge), ErrMalformed},
		{"body map32 of 4 GiB", frame(validHeader, []byte{0xdf}, huge), ErrMalformed},
		{"body ext32 of 4 GiB", frame(validHeader, []byte{0xc9}, huge, []byte{0x01}), ErrMalformed},
		{"body 100k nested arrays", frame(validHeader, nested([]byte{0x91}, 100_000, 0xc0)), ErrMalformed},
		{"body 100k nested maps", frame(validHeader, nested([]byte{0x81, 0xa1, 'k'}, 100_000, 0xc0)), ErrMalformed},
		{"body 1000 nested array32 claims", frame(validHeader, bytes.Repeat([]byte{0xdd, 0xff, 0xff, 0xff, 0xff}, 1000)), ErrMalformed},
		{"body 1000 nested map32 claims", frame(validHeader, bytes.Repeat([]byte{0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'k'}, 1000)), ErrMalformed},
		{"body array32 claim into []byte", frame(validHeader, []byte{0x81, 0xa4, 'D', 'a', 't', 'a', 0xdd}, huge), ErrMalformed},
		{"body trailing byte", frame(validHeader, []byte{0xc0, 0xc0}), ErrMalformed},
		{"body truncated in frame", frame(validHeader, []byte{0x82, 0xa4, 'N', 'a', 'm', 'e'}), ErrMalformed},
	}
}

// bodyTargets are the values hostile bodies are decoded into.
func bodyTargets() map[string]func() interface{} {
	return map[string]func() interface{}{
		"typed":     func() interface{} { return new(Payload) },
		"interface": func() interface{} { return new(interface{}) },
		"nested":    func() interface{} { return new([][][]interface{}) },
	}
}

// readRequest reads one request from wire with a server codec, the body
// into target, and returns the first error.
func readRequest(wire []byte, target interface{}) error {
	sc := NewServerCodec(newMemConn(wire))
	var req rpc.Request
	if err := sc.ReadRequestHeader(&req); err != nil {
		return err
	}
	return sc.ReadRequestBody(target)
}

// readResponse is readRequest for a client codec: hostile bytes from a
// server. A request header [method, seq] also parses as a response header
// whose error field is missing, which the codec must accept or reject
// without harm; only the body decides.
func readResponse(wire []byte, target interface{}) error {
	cc := NewClientCodec(newMemConn(wire))
	var resp rpc.Response
	if err := cc.ReadResponseHeader(&resp); err != nil {
		return err
	}
	return cc.ReadResponseBody(target)
}

func checkHostileErr(t *testing.T, side, target string, tc hostileCase, err error) {
	t.Helper()
	ok := errors.Is(err, tc.want)
	if tc.want == io.EOF {
		ok = err == io.EOF // net/rpc compares io.EOF with ==
	}
	if !ok {
		t.Errorf("%s reading %q (% .32x) into %s = %v, want %v", side, tc.name, tc.wire, target, err, tc.want)
	}
}

// TestHostileBytes feeds each hostile stream to both codecs and checks
// the error. A panic or a stack overflow fails the whole test binary.
func TestHostileBytes(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			for target, newTarget := range bodyTargets() {
				checkHostileErr(t, "server codec", target, tc, readRequest(tc.wire, newTarget()))
				checkHostileErr(t, "client codec", target, tc, readResponse(tc.wire, newTarget()))
			}
		})
	}
}

// TestHostileUnmarshal feeds the frame contents of each hostile case that
// has a complete frame to Unmarshal, which must fail with ErrMalformed.
func TestHostileUnmarshal(t *testing.T) {
	bodies := map[string][]byte{
		"empty":            nil,
		"reserved 0xc1":    {0xc1},
		"str32 of 4 GiB":   {0xdb, 0xff, 0xff, 0xff, 0xff},
		"bin32 of 4 GiB":   {0xc6, 0xff, 0xff, 0xff, 0xff},
		"array32 of 4 GiB": {0xdd, 0xff, 0xff, 0xff, 0xff},
		"map32 of 4 GiB":   {0xdf, 0xff, 0xff, 0xff, 0xff},
		"100k nested":      nested([]byte{0x91}, 100_000, 0xc0),
		"trailing bytes":   {0xc0, 0x01},
		"truncated int64":  {0xd3, 0x01},
		"timestamp cut":    {0xd7, 0xff, 0x00, 0x01},
		"reserved inside":  {0x92, 0xc0, 0xc1},
	}
	for name, b := range bodies {
		for target, newTarget := range bodyTargets() {
			v := newTarget()
			if err := Unmarshal(b, v); !errors.Is(err, ErrMalformed) {
				t.Errorf("Unmarshal(%s: % .32x) into %s = %v, want ErrMalformed", name, b, target, err)
			}
		}
	}
	var tm time.Time
	if err := Unmarshal(bodies["timestamp cut"], &tm); !errors.Is(err, ErrMalformed) {
		t.Errorf("Unmarshal(cut timestamp) into time.Time = %v (%v), want ErrMalformed", err, tm)
	}
}

// TestNextMessageAfterBadBody checks that a body that fails to decode does
// not desynchronise the stream: net/rpc's server replies with an error and
// reads on, so the next message must read correctly.
func TestNextMessageAfterBadBody(t *testing.T) {
	bad := frame(validHeader, []byte{0xa3, 'b', 'a', 'd'}) // a string, not a Payload
	wire := append(bad, requestFrame(t, "Svc.Echo", 2, Payload{Name: "good"})...)
	sc := NewServerCodec(newMemConn(wire))
	var req rpc.Request
	var p Payload
	if err := sc.ReadRequestHeader(&req); err != nil {
		t.Fatalf("first ReadRequestHeader: %v", err)
	}
	if err := sc.ReadRequestBody(&p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("ReadRequestBody(string into Payload) = %v, want ErrMalformed", err)
	}
	if err := sc.ReadRequestHeader(&req); err != nil || req.Seq != 2 {
		t.Fatalf("second ReadRequestHeader = %+v, %v; want seq 2", req, err)
	}
	if err := sc.ReadRequestBody(&p); err != nil || p.Name != "good" {
		t.Fatalf("second ReadRequestBody = %+v, %v; want name good", p, err)
	}
}

// TestHostileAllocation checks that no hostile stream makes a codec
// allocate much more than the bytes it was actually sent: at most about
// three times the frame (the frame buffer grows as bytes arrive) plus one
// read chunk, for each of the two codecs read here.
func TestHostileAllocation(t *testing.T) {
	for _, tc := range hostileCases() {
		for target, newTarget := range bodyTargets() {
			limit := uint64(2 * (3*len(tc.wire) + readChunk + 16<<10))
			got := bytesAllocated(10, func() {
				_ = readRequest(tc.wire, newTarget())
				_ = readResponse(tc.wire, newTarget())
			})
			if got > limit {
				t.Errorf("reading %q (%d bytes) into %s allocated %d bytes per run, want at most %d", tc.name, len(tc.wire), target, got, limit)
			}
		}
	}
}

// bytesAllocated returns the mean number of bytes f allocates per run.
func bytesAllocated(runs int, f func()) uint64 {
	f() // warm pools and caches
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// TestDecodeAllocationProportional checks that an honest message of many
// tiny elements costs memory in proportion to its size when decoded: a
// msgpack nil (one byte) becomes a 16-byte interface{}, and nothing should
// cost much more than that.
func TestDecodeAllocationProportional(t *testing.T) {
	const n = 64 << 10
	list := func(elem []byte, count int) []byte {
		head := []byte{0xdd, byte(count >> 24), byte(count >> 16), byte(count >> 8), byte(count)}
		return append(head, bytes.Repeat(elem, count)...)
	}
	cases := []struct {
		name   string
		b      []byte
		target func() interface{}
		factor int
	}{
		{"nils into interface{}", list([]byte{0xc0}, n), func() interface{} { return new(interface{}) }, 17},
		{"ints into interface{}", list([]byte{0x01}, n), func() interface{} { return new(interface{}) }, 33}, // 24x; 32x under -race
		{"ints into []int64", list([]byte{0x01}, n), func() interface{} { return new([]int64) }, 9},
		{"lists into interface{}", list([]byte{0x91, 0xc0}, n/2), func() interface{} { return new(interface{}) }, 41},
		{"byte lists into [][]byte", list([]byte{0xc4, 0x00}, n/2), func() interface{} { return new([][]byte) }, 13},
	}
	for _, tc := range cases {
		var err error
		got := bytesAllocated(2, func() { err = Unmarshal(tc.b, tc.target()) })
		if err != nil {
			t.Fatalf("Unmarshal(%s): %v", tc.name, err)
		}
		if limit := uint64(tc.factor*len(tc.b)) + 4<<10; got > limit {
			t.Errorf("Unmarshal(%s, %d bytes) allocated %d bytes (%.1fx), want at most %d (%dx)",
				tc.name, len(tc.b), got, float64(got)/float64(len(tc.b)), limit, tc.factor)
		}
	}
}

// TestDecodeTargetMustBePointer checks that decoding into something other
// than a non-nil pointer is reported as the caller's mistake, not as
// malformed input.
func TestDecodeTargetMustBePointer(t *testing.T) {
	b := mustMarshal(t, Payload{Name: "x"})
	for _, target := range []interface{}{nil, Payload{}, (*Payload)(nil), 7} {
		err := Unmarshal(b, target)
		if err == nil || errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "non-nil pointer") {
			t.Errorf("Unmarshal into %#v = %v, want a non-nil pointer error that does not wrap ErrMalformed", target, err)
		}
		if target == nil {
			continue // a nil body read discards the body
		}
		err = readRequest(frame(validHeader, b), target)
		if err == nil || errors.Is(err, ErrMalformed) {
			t.Errorf("ReadRequestBody into %#v = %v, want an error that does not wrap ErrMalformed", target, err)
		}
	}
}
