package codec

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"reflect"
	"testing"
	"time"
)

// TestDecodeIntoInterface checks, row by row, the table in the package
// doc of what a value decoded into an interface{} comes back as.
func TestDecodeIntoInterface(t *testing.T) {
	seven := 7
	when := time.Date(2020, 5, 6, 7, 8, 9, 10, zoneX)
	cases := []struct {
		name     string
		in, want interface{}
	}{
		{"string", "s", "s"},
		{"empty string", "", ""},
		{"non-UTF-8 string", "\xff", "\xff"},
		{"bytes", []byte{1, 2}, []byte{1, 2}},
		{"empty bytes", []byte{}, []byte{}},
		{"nil bytes", []byte(nil), nil},
		{"bool", true, true},
		{"int", 300, int64(300)},
		{"int8 negative", int8(-5), int64(-5)},
		{"int64 min", int64(math.MinInt64), int64(math.MinInt64)},
		{"int64 max", int64(math.MaxInt64), int64(math.MaxInt64)},
		{"duration", 2 * time.Second, int64(2e9)},
		{"uint8 small", uint8(127), int64(127)},
		{"uint8 large", uint8(128), uint64(128)},
		{"uint32 id", uint32(70000), uint64(70000)},
		{"uint64 max", uint64(math.MaxUint64), uint64(math.MaxUint64)},
		{"file mode", fs.FileMode(0o755), uint64(0o755)},
		{"float32", float32(1.5), float64(1.5)},
		{"float64", 2.5, 2.5},
		{"time", when, when.UTC()},
		{"zero time", time.Time{}, nil},
		{"times in a map", map[string]interface{}{"zero": time.Time{}, "t": when},
			map[string]interface{}{"zero": nil, "t": when.UTC()}},
		{"slice", []string{"a"}, []interface{}{"a"}},
		{"empty slice", []int{}, []interface{}{}},
		{"nil slice", []string(nil), nil},
		{"array", [2]int{1, 2}, []interface{}{int64(1), int64(2)}},
		{"map", map[string]int{"a": 1}, map[string]interface{}{"a": int64(1)}},
		{"nested map", map[string]map[string]bool{"a": {"b": true}}, map[string]interface{}{"a": map[string]interface{}{"b": true}}},
		{"struct", struct {
			A       int
			P       *int
			E       *ErrInfo
			R       string `codec:"renamed"`
			Skip    string `codec:"-"`
			private string
		}{1, &seven, &ErrInfo{Code: "c"}, "r", "s", "p"}, map[string]interface{}{"A": int64(1), "P": int64(7),
			"E": map[string]interface{}{"Code": "c", "Message": ""}, "renamed": "r"}},
		{"nil pointer", (*int)(nil), nil},
		{"nil interface", nil, nil},
		{"nil map", map[string]int(nil), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := mustMarshal(t, tc.in)
			var got interface{}
			if err := Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal(Marshal(%#v)) into interface{}: %v", tc.in, err)
			}
			checkSame(t, "Unmarshal", tc.in, got, tc.want)
			got = codecRoundTrip(t, tc.in, reflect.TypeOf(&got).Elem())
			checkSame(t, "codecs", tc.in, got, tc.want)
		})
	}
}

func checkSame(t *testing.T, via string, in, got, want interface{}) {
	t.Helper()
	if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) || !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %T %#v decoded into interface{} = %T %#v, want %T %#v", via, in, in, got, got, want, want)
	}
}

// TestNonStringKeysIntoInterface checks the documented limit: a map with
// keys that are not strings decodes into a typed map, but decoding it into
// an interface{} is an error.
func TestNonStringKeysIntoInterface(t *testing.T) {
	b := mustMarshal(t, map[int]string{1: "a"})
	var typed map[int]string
	if err := Unmarshal(b, &typed); err != nil || typed[1] != "a" {
		t.Fatalf("Unmarshal(% x) into map[int]string = %v, %v", b, typed, err)
	}
	var any interface{}
	if err := Unmarshal(b, &any); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Unmarshal(% x) into interface{} = %#v, %v; want an error wrapping ErrMalformed", b, any, err)
	}
}
