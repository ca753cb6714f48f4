package codec

import (
	"io/fs"
	"math"
	"net/rpc"
	"reflect"
	"testing"
	"time"
)

// ErrInfo is how an error crosses the wire inside a reply: as a struct.
type ErrInfo struct {
	Code, Message string
}

// Everything holds one field of every kind the packer layer sends.
type Everything struct {
	S, Empty, NotUTF8         string
	Bin, NilBin, EmptyBin     []byte
	Strs, NilStrs             []string
	M                         map[string]interface{}
	MS                        map[string]string
	Nested                    map[string]map[string][]string
	Any                       interface{}
	P, NilP                   *int
	Err, NilErr               *ErrInfo
	T, ZeroT                  time.Time
	I                         int
	I8                        int8
	I16                       int16
	I32                       int32
	I64                       int64
	U                         uint
	U8                        uint8
	U16                       uint16
	U32                       uint32
	U64                       uint64
	ID                        uint32
	F32                       float32
	F64                       float64
	B                         bool
	Mode                      fs.FileMode
	D                         time.Duration
	Inner                     struct{ A, B int }
	Ptrs                      []*ErrInfo
	Strings                   map[string][]byte
	unexported                int //nolint:unused // must be ignored, not sent
	Skipped                   int `codec:"-"`
	Renamed                   int `codec:"renamed"`
	StructWithNilMapAndSlices struct {
		M map[string]string
		S []int
	}
}

// EchoAll returns its argument, for the full-struct round trip over rpc.
func (Svc) EchoAll(args *Everything, reply *Everything) error {
	*reply = *args
	return nil
}

var zoneX = time.FixedZone("X", -7*3600-30*60)

// everything returns a fully populated Everything and the value that must
// come back after a round trip (times in UTC, unsent fields zero).
func everything() (in, want Everything) {
	seven := 7
	in = Everything{
		S: "hello, ✓", NotUTF8: "\xff\xfe\x00bad", Bin: []byte{0, 1, 0xff, 0xc1}, EmptyBin: []byte{},
		Strs: []string{"a", "", "c"},
		M: map[string]interface{}{"s": "x", "n": int64(-3), "b": []byte("raw"), "l": []interface{}{"y", true},
			"m": map[string]interface{}{"deep": nil}},
		MS:     map[string]string{"k": "v", "": "empty key"},
		Nested: map[string]map[string][]string{"a": {"b": {"c", "d"}, "e": nil}},
		Any:    map[string]interface{}{"x": uint64(math.MaxUint64)},
		P:      &seven, Err: &ErrInfo{Code: "EOF", Message: "unexpected end"},
		T: time.Date(2024, 2, 29, 23, 59, 59, 123456789, zoneX),
		I: math.MinInt64, I8: math.MinInt8, I16: math.MinInt16, I32: math.MinInt32, I64: math.MaxInt64,
		U: math.MaxUint64, U8: math.MaxUint8, U16: math.MaxUint16, U32: math.MaxUint32, U64: math.MaxUint64,
		ID: 1<<32 - 2, F32: math.SmallestNonzeroFloat32, F64: -math.MaxFloat64, B: true,
		Mode: fs.ModeDir | fs.ModeSymlink | 0o755, D: -90 * time.Second,
		Inner: struct{ A, B int }{1, -1}, Ptrs: []*ErrInfo{{Code: "x"}, nil},
		Strings: map[string][]byte{"k": {9}}, unexported: 1, Skipped: 2, Renamed: 3,
	}
	want = in
	want.T = in.T.UTC()
	want.unexported, want.Skipped = 0, 0
	return in, want
}

// rtCase is one value to round trip: in is sent, and a value of want's
// type must come back equal to want (want nil means want == in).
type rtCase struct {
	name     string
	in, want interface{}
}

func roundTripCases() []rtCase {
	inAll, wantAll := everything()
	seven := 7
	return []rtCase{
		{"string", "hello", nil},
		{"empty string", "", nil},
		{"non-UTF-8 string", "\xff\xfe\xc0", nil},
		{"bytes", []byte{0, 1, 2, 0xff}, nil},
		{"nil bytes", []byte(nil), nil},
		{"empty bytes", []byte{}, nil},
		{"binary bytes", []byte("\x00\xc1\xd9\xff"), nil},
		{"strings", []string{"a", "", "\xff"}, nil},
		{"nil strings", []string(nil), nil},
		{"map string interface", map[string]interface{}{"a": "b", "n": int64(1), "x": nil, "l": []interface{}{"c"}}, nil},
		{"map string string", map[string]string{"a": "b", "": ""}, nil},
		{"nested map", map[string]map[string]int{"a": {"b": 1}}, nil},
		{"nested interface", []interface{}{"a", []interface{}{int64(1), map[string]interface{}{"b": []byte{2}}}}, nil},
		{"pointer", &seven, nil},
		{"error struct pointer", &ErrInfo{Code: "Canceled", Message: "context canceled"}, nil},
		{"nil error struct pointer", (*ErrInfo)(nil), nil},
		{"everything", inAll, wantAll},
		{"time non-UTC zone", time.Date(2001, 2, 3, 4, 5, 6, 7, zoneX), time.Date(2001, 2, 3, 4, 5, 6, 7, zoneX).UTC()},
		{"time UTC", time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), nil},
		{"time far future", time.Date(9999, 12, 31, 0, 0, 0, 1, time.UTC), nil},
		{"zero time", time.Time{}, nil},
		{"int", int(-1), nil},
		{"int8 min", int8(math.MinInt8), nil},
		{"int8 max", int8(math.MaxInt8), nil},
		{"int16 min", int16(math.MinInt16), nil},
		{"int16 max", int16(math.MaxInt16), nil},
		{"int32 min", int32(math.MinInt32), nil},
		{"int32 max", int32(math.MaxInt32), nil},
		{"int64 min", int64(math.MinInt64), nil},
		{"int64 max", int64(math.MaxInt64), nil},
		{"uint max", uint(math.MaxUint), nil},
		{"uint8 max", uint8(math.MaxUint8), nil},
		{"uint16 max", uint16(math.MaxUint16), nil},
		{"uint32 max", uint32(math.MaxUint32), nil},
		{"uint64 max", uint64(math.MaxUint64), nil},
		{"uint32 id", uint32(12345), nil},
		{"uint zero", uint64(0), nil},
		{"float32", float32(3.25), nil},
		{"float32 max", float32(math.MaxFloat32), nil},
		{"float64", math.Pi, nil},
		{"float64 inf", math.Inf(-1), nil},
		{"float64 tiny", math.SmallestNonzeroFloat64, nil},
		{"bool true", true, nil},
		{"bool false", false, nil},
		{"file mode", fs.ModeDir | fs.ModePerm | fs.ModeSetuid, nil},
		{"duration", time.Duration(math.MinInt64), nil},
	}
}

// TestRoundTripMarshal sends every case through Marshal and Unmarshal
// into a value of the same type.
func TestRoundTripMarshal(t *testing.T) {
	for _, tc := range roundTripCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = tc.in
			}
			b, err := Marshal(tc.in)
			if err != nil {
				t.Fatalf("Marshal(%#v): %v", tc.in, err)
			}
			got := reflect.New(reflect.TypeOf(want))
			if err := Unmarshal(b, got.Interface()); err != nil {
				t.Fatalf("Unmarshal(% x) into %T: %v", b, got.Interface(), err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), want) {
				t.Fatalf("round trip of %#v\n got %#v\nwant %#v", tc.in, got.Elem().Interface(), want)
			}
		})
	}
}

// TestRoundTripCodecs sends every case as a request body through a client
// codec to a server codec, and back as a response body.
func TestRoundTripCodecs(t *testing.T) {
	for _, tc := range roundTripCases() {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == nil {
				want = tc.in
			}
			got := codecRoundTrip(t, tc.in, reflect.TypeOf(want))
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("codec round trip of %#v\n got %#v\nwant %#v", tc.in, got, want)
			}
		})
	}
}

// codecRoundTrip writes in as a request, reads it on a server codec into a
// new value of type typ, writes that back as a response and reads it on a
// client codec into another new value of type typ, which it returns.
func codecRoundTrip(tb testing.TB, in interface{}, typ reflect.Type) interface{} {
	tb.Helper()
	toServer := newMemConn(nil)
	if err := NewClientCodec(toServer).WriteRequest(&rpc.Request{ServiceMethod: "T.M", Seq: 9}, in); err != nil {
		tb.Fatalf("WriteRequest(%#v): %v", in, err)
	}
	sc := NewServerCodec(newMemConn(toServer.w.Bytes()))
	var req rpc.Request
	if err := sc.ReadRequestHeader(&req); err != nil || req.ServiceMethod != "T.M" || req.Seq != 9 {
		tb.Fatalf("ReadRequestHeader = %+v, %v", req, err)
	}
	arg := reflect.New(typ)
	if err := sc.ReadRequestBody(arg.Interface()); err != nil {
		tb.Fatalf("ReadRequestBody into %v: %v", typ, err)
	}
	toClient := newMemConn(nil)
	if err := NewServerCodec(toClient).WriteResponse(&rpc.Response{ServiceMethod: "T.M", Seq: 9}, arg.Elem().Interface()); err != nil {
		tb.Fatalf("WriteResponse: %v", err)
	}
	cc := NewClientCodec(newMemConn(toClient.w.Bytes()))
	var resp rpc.Response
	if err := cc.ReadResponseHeader(&resp); err != nil || resp.Seq != 9 {
		tb.Fatalf("ReadResponseHeader = %+v, %v", resp, err)
	}
	reply := reflect.New(typ)
	if err := cc.ReadResponseBody(reply.Interface()); err != nil {
		tb.Fatalf("ReadResponseBody into %v: %v", typ, err)
	}
	return reply.Elem().Interface()
}

// TestRoundTripRPC sends the full struct through a real rpc.Client and
// rpc.Server over net.Pipe.
func TestRoundTripRPC(t *testing.T) {
	c, s := pipePair(t)
	client := serveRPC(t, c, s)
	in, want := everything()
	var got Everything
	if err := client.Call("Svc.EchoAll", &in, &got); err != nil {
		t.Fatalf("Call(Svc.EchoAll): %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("EchoAll\n got %#v\nwant %#v", got, want)
	}
}

// TestZeroTimeIntoTypedField checks that the zero time sent into a typed
// time.Time, also one already holding a time, comes back as the zero time.
func TestZeroTimeIntoTypedField(t *testing.T) {
	b := mustMarshal(t, struct{ T time.Time }{})
	got := struct{ T time.Time }{T: time.Now()}
	if err := Unmarshal(b, &got); err != nil {
		t.Fatalf("Unmarshal(% x): %v", b, err)
	}
	if !got.T.IsZero() {
		t.Fatalf("zero time decoded into a field holding a time = %v, want the zero time", got.T)
	}
}

// TestDecodedValuesDoNotAliasBuffers checks that strings, byte slices and
// map keys decoded from one message survive the codec reusing its buffers
// for the next messages.
func TestDecodedValuesDoNotAliasBuffers(t *testing.T) {
	var wire []byte
	for i := range 3 {
		fill := string(rune('a' + i))
		body := map[string]interface{}{"key" + fill: []byte(fill + fill), "s": fill + fill + fill}
		wire = append(wire, requestFrame(t, "Svc.Echo", uint64(i), body)...)
	}
	sc := NewServerCodec(newMemConn(wire))
	var first, typed map[string]interface{}
	for i := range 3 {
		var req rpc.Request
		if err := sc.ReadRequestHeader(&req); err != nil {
			t.Fatalf("message %d: ReadRequestHeader: %v", i, err)
		}
		var body map[string]interface{}
		if err := sc.ReadRequestBody(&body); err != nil {
			t.Fatalf("message %d: ReadRequestBody: %v", i, err)
		}
		if i == 0 {
			first = body
		}
		typed = body
	}
	want := map[string]interface{}{"keya": []byte("aa"), "s": "aaa"}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("first message after reading two more = %#v, want %#v", first, want)
	}
	if typed["s"] != "ccc" {
		t.Fatalf("last message = %#v", typed)
	}
}
