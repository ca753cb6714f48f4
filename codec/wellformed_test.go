package codec

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"
)

// TestCheckValuesAcceptsEncoderOutput checks that everything the encoder
// produces passes the well-formedness check, one value at a time and as a
// header and body pair.
func TestCheckValuesAcceptsEncoderOutput(t *testing.T) {
	extra := []rtCase{
		{"str8", string(make([]byte, 200)), nil},
		{"str16", string(make([]byte, 70_000)), nil},
		{"bin16", make([]byte, 300), nil},
		{"bin32", make([]byte, 70_000), nil},
		{"array16", make([]int, 20), nil},
		{"array32", make([]bool, 70_000), nil},
		{"map16", bigMap(20), nil},
		{"map32", bigMap(70_000), nil},
		{"timestamp96", time.Date(-5, 1, 1, 0, 0, 0, 1, time.UTC), nil},
		{"float32", float32(math.NaN()), nil},
	}
	for _, tc := range append(roundTripCases(), extra...) {
		b := mustMarshal(t, tc.in)
		if err := checkValues(b, 1); err != nil {
			t.Errorf("checkValues(Marshal(%s)) = %v", tc.name, err)
		}
		pair := append(mustMarshal(t, []interface{}{"Svc.Echo", 1}), b...)
		if err := checkValues(pair, 2); err != nil {
			t.Errorf("checkValues(header, Marshal(%s), 2) = %v", tc.name, err)
		}
	}
}

func bigMap(n int) map[string]int {
	m := make(map[string]int, n)
	for i := range n {
		m[string(rune(i+0x100))] = i
	}
	return m
}

// TestCheckValuesRejects lists malformed byte strings, one per way a
// value can be cut short or overclaim.
func TestCheckValuesRejects(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		n    int
	}{
		{"nothing", nil, 1},
		{"one of two", []byte{0xc0}, 2},
		{"trailing", []byte{0xc0, 0xc0}, 1},
		{"reserved", []byte{0xc1}, 1},
		{"fixstr cut", []byte{0xa3, 'a'}, 1},
		{"str8 length cut", []byte{0xd9}, 1},
		{"str16 length cut", []byte{0xda, 0x00}, 1},
		{"str32 length cut", []byte{0xdb, 0, 0, 0}, 1},
		{"str8 body cut", []byte{0xd9, 0x02, 'a'}, 1},
		{"bin32 overclaim", []byte{0xc6, 0xff, 0xff, 0xff, 0xff, 0}, 1},
		{"ext8 missing type", []byte{0xc7, 0x00}, 1},
		{"ext32 overclaim", []byte{0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01}, 1},
		{"fixext16 cut", append([]byte{0xd8, 0x01}, make([]byte, 15)...), 1},
		{"uint64 cut", []byte{0xcf, 1, 2, 3, 4, 5, 6, 7}, 1},
		{"float64 cut", []byte{0xcb, 0}, 1},
		{"int8 cut", []byte{0xd0}, 1},
		{"fixarray short", []byte{0x93, 0xc0, 0xc0}, 1},
		{"fixmap missing value", []byte{0x81, 0xa1, 'k'}, 1},
		{"array16 overclaim", []byte{0xdc, 0xff, 0xff, 0xc0}, 1},
		{"array32 overclaim", []byte{0xdd, 0xff, 0xff, 0xff, 0xff}, 1},
		{"map16 overclaim", []byte{0xde, 0x00, 0x02, 0xc0, 0xc0, 0xc0}, 1},
		{"map32 overclaim", []byte{0xdf, 0x80, 0x00, 0x00, 0x00}, 1},
		{"nested too deep", nested([]byte{0x91}, maxDepth+1, 0xc0), 1},
		{"maps nested too deep", nested([]byte{0x81, 0xc0}, maxDepth+1, 0xc0), 1},
	}
	for _, tc := range cases {
		if err := checkValues(tc.b, tc.n); !errors.Is(err, ErrMalformed) {
			t.Errorf("checkValues(%s: % .24x, %d) = %v, want ErrMalformed", tc.name, tc.b, tc.n, err)
		}
	}
}

// TestDepthLimit checks that values nested exactly maxDepth deep decode,
// into interface{} and into a typed value, and one level more does not.
func TestDepthLimit(t *testing.T) {
	ok := nested([]byte{0x91}, maxDepth, 0x07)
	var v interface{}
	if err := Unmarshal(ok, &v); err != nil {
		t.Fatalf("Unmarshal(%d nested arrays) into interface{}: %v", maxDepth, err)
	}
	for range maxDepth {
		l, isList := v.([]interface{})
		if !isList || len(l) != 1 {
			t.Fatalf("decoded nesting broke early: %#v", v)
		}
		v = l[0]
	}
	if v != int64(7) {
		t.Fatalf("innermost value %#v, want int64(7)", v)
	}
	var m map[string]interface{}
	okMaps := nested([]byte{0x81, 0xa1, 'k'}, maxDepth, 0xc0)
	if err := Unmarshal(okMaps, &m); err != nil {
		t.Fatalf("Unmarshal(%d nested maps) into map: %v", maxDepth, err)
	}
	tooDeep := nested([]byte{0x91}, maxDepth+1, 0x07)
	if err := Unmarshal(tooDeep, &v); !errors.Is(err, ErrMalformed) || !bytes.Contains([]byte(err.Error()), []byte("nested")) {
		t.Fatalf("Unmarshal(%d nested arrays) = %v, want ErrMalformed naming the nesting", maxDepth+1, err)
	}
}
