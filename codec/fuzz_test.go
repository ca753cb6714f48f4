package codec

import (
	"errors"
	"io"
	"net/rpc"
	"testing"
)

// fuzzMessages is how many messages a codec fuzz target reads from one
// input at most.
const fuzzMessages = 8

// checkPeerError fails t unless err is one of the errors bad peer bytes
// may give: a clean io.EOF, or an error wrapping ErrMalformed,
// ErrTooLarge or io.ErrUnexpectedEOF.
func checkPeerError(t *testing.T, what string, data []byte, err error) {
	t.Helper()
	if err == io.EOF || errors.Is(err, ErrMalformed) || errors.Is(err, ErrTooLarge) || errors.Is(err, io.ErrUnexpectedEOF) {
		return
	}
	t.Fatalf("%s on % .64x: unexpected error %v", what, data, err)
}

// checkReencode checks that a value decoded from peer bytes can be sent
// on: it encodes, and the encoding decodes again.
func checkReencode(t *testing.T, data []byte, v interface{}) {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatalf("decoded %#v from % .64x but cannot encode it: %v", v, data, err)
	}
	var again interface{}
	if err := Unmarshal(b, &again); err != nil {
		t.Fatalf("decoded %#v from % .64x, encoded it as % .64x, which does not decode: %v", v, data, b, err)
	}
}

// fuzzTarget returns the value the i-th message's body is decoded into:
// a typed struct, an interface{}, or nil (discard).
func fuzzTarget(i int) interface{} {
	switch i % 3 {
	case 0:
		return new(Payload)
	case 1:
		return new(interface{})
	}
	return nil
}

func addCodecSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add(requestFrame(f, "Svc.Echo", 1, Payload{Name: "n", Data: []byte{1, 2}, N: -3}))
	f.Add(append(requestFrame(f, "Svc.Echo", 1, "x"), requestFrame(f, "Svc.Fail", 2, nil)...))
	f.Add(frame(mustMarshal(f, []interface{}{"Svc.Echo", 7, "an error"}), mustMarshal(f, map[string]interface{}{"k": 1.5})))
	in, _ := everything()
	f.Add(requestFrame(f, "Svc.EchoAll", 3, in))
	for _, tc := range hostileCases() {
		if len(tc.wire) < 4096 {
			f.Add(tc.wire)
		}
	}
}

// FuzzServerCodec feeds arbitrary bytes to a server codec as a stream of
// requests.
func FuzzServerCodec(f *testing.F) {
	addCodecSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := NewServerCodec(newMemConn(data))
		defer sc.Close()
		for i := range fuzzMessages {
			var req rpc.Request
			if err := sc.ReadRequestHeader(&req); err != nil {
				checkPeerError(t, "ReadRequestHeader", data, err)
				return
			}
			target := fuzzTarget(i)
			if err := sc.ReadRequestBody(target); err != nil {
				checkPeerError(t, "ReadRequestBody", data, err)
				continue
			}
			if target != nil {
				checkReencode(t, data, target)
			}
		}
	})
}

// FuzzClientCodec feeds arbitrary bytes to a client codec as a stream of
// responses, discarding the body of error responses as net/rpc does.
func FuzzClientCodec(f *testing.F) {
	addCodecSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cc := NewClientCodec(newMemConn(data))
		defer cc.Close()
		for i := range fuzzMessages {
			var resp rpc.Response
			if err := cc.ReadResponseHeader(&resp); err != nil {
				checkPeerError(t, "ReadResponseHeader", data, err)
				return
			}
			target := fuzzTarget(i)
			if resp.Error != "" {
				target = nil
			}
			if err := cc.ReadResponseBody(target); err != nil {
				checkPeerError(t, "ReadResponseBody", data, err)
				return // net/rpc's client stops at a body error
			}
			if target != nil {
				checkReencode(t, data, target)
			}
		}
	})
}

// FuzzUnmarshal decodes arbitrary bytes into an interface{} and into
// typed values of every kind the packer layer sends.
func FuzzUnmarshal(f *testing.F) {
	for _, tc := range roundTripCases() {
		f.Add(mustMarshal(f, tc.in))
	}
	f.Add([]byte{0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00}) // timestamp, 2^30-1 ns
	f.Add([]byte{0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0xd4, 0x05, 0x00}) // an unknown extension
	// Deep nesting is covered by TestDepthLimit: long seeds make the
	// fuzzer's minimisation crawl.
	f.Add(nested([]byte{0x91, 0x92, 0xc0}, 8, 0xc0))
	f.Fuzz(func(t *testing.T, data []byte) {
		targets := []interface{}{new(interface{}), new(Everything), new(Payload), new([]string), new(map[string]string)}
		for _, v := range targets {
			if err := Unmarshal(data, v); err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Unmarshal(% .64x) into %T: error %v does not wrap ErrMalformed", data, v, err)
				}
				continue
			}
			checkReencode(t, data, v)
		}
	})
}
