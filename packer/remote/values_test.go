package remote

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// valueCases are interface{} values and what the far side gets back, per
// the codec's rules (see the package doc).
var valueCases = []struct {
	name string
	in   interface{}
	want interface{}
}{
	{"string", "s", "s"},
	{"empty string", "", ""},
	{"bytes", []byte{0, 1, 2}, []byte{0, 1, 2}},
	{"bool", true, true},
	{"int", 42, int64(42)},
	{"negative int8", int8(-5), int64(-5)},
	{"small uint", uint(7), int64(7)},
	{"uint8", uint8(200), uint64(200)},
	{"max uint64", uint64(math.MaxUint64), uint64(math.MaxUint64)},
	{"float64", 2.5, 2.5},
	{"float32", float32(1.5), float64(1.5)},
	{"time", time.Date(2021, 2, 3, 4, 5, 6, 7, time.FixedZone("X", 3600)), time.Date(2021, 2, 3, 3, 5, 6, 7, time.UTC)},
	{"zero time", time.Time{}, nil},
	{"nil", nil, nil},
	{"nil pointer", (*int)(nil), nil},
	{"string slice", []string{"a", "b"}, []interface{}{"a", "b"}},
	{"array", [2]int{1, 2}, []interface{}{int64(1), int64(2)}},
	{"map", map[string]int{"a": 1}, map[string]interface{}{"a": int64(1)}},
	{"struct", struct {
		Name string
		N    int
	}{"x", 3}, map[string]interface{}{"Name": "x", "N": int64(3)}},
	{"nested", map[string]interface{}{"list": []interface{}{map[string]interface{}{"k": "v"}}},
		map[string]interface{}{"list": []interface{}{map[string]interface{}{"k": "v"}}}},
}

func TestValuesRoundTrip(t *testing.T) {
	state := make(map[string]interface{})
	raws := make([]interface{}, len(valueCases))
	for i, c := range valueCases {
		state[c.name] = c.in
		raws[i] = c.in
	}
	hook := &packertest.Hook{}
	fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, h packer.Hook) (packer.Artifact, error) {
		for _, c := range valueCases {
			if err := h.Run(ctx, c.name, nil, nil, c.in); err != nil {
				return nil, err
			}
		}
		return &packertest.Artifact{StateValues: state}, nil
	}}
	s := connect(t, "pipe", fake)
	b := s.hc.Builder()
	if _, err := b.Prepare(raws...); err != nil {
		t.Fatal(err)
	}
	art, err := b.Run(testCtx(t), nil, hook)
	if err != nil {
		t.Fatal(err)
	}
	prepared := fake.PrepareCalls()[0]
	calls := hook.Calls()
	for i, c := range valueCases {
		if got := prepared[i]; !reflect.DeepEqual(got, c.want) {
			t.Errorf("Prepare raw %s: %#v came back as %#v, want %#v", c.name, c.in, got, c.want)
		}
		if got := art.State(c.name); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Artifact.State %s: %#v came back as %#v, want %#v", c.name, c.in, got, c.want)
		}
		if got := calls[i].Data; !reflect.DeepEqual(got, c.want) {
			t.Errorf("Hook data %s: %#v came back as %#v, want %#v", c.name, c.in, got, c.want)
		}
	}
}

// TestValuesThatCannotTravel checks that a value that cannot be encoded is
// an error on the side that tried to send it, one that cannot be decoded
// an error on the side that received it, and nothing hangs.
func TestValuesThatCannotTravel(t *testing.T) {
	fake := &packertest.Builder{RunFunc: func(ctx context.Context, ui packer.Ui, h packer.Hook) (packer.Artifact, error) {
		return &packertest.Artifact{StateValues: map[string]interface{}{
			"complex": complex(1, 2), "huge": strings.Repeat("x", codec.MaxMessageSize), "intkeys": map[int]string{1: "a"},
		}}, nil
	}}
	s := connect(t, "pipe", fake)
	b := s.hc.Builder()
	if _, err := b.Prepare(complex(1, 2)); err == nil {
		t.Error("Prepare(complex) = nil, want an encoding error")
	}
	if _, err := b.Prepare(map[int]string{1: "a"}); !errors.Is(err, codec.ErrMalformed) {
		t.Errorf("Prepare(map[int]string) = %v, want the plugin's decoding error", err)
	}
	if err := s.hc.Hook().Run(testCtx(t), "x", nil, nil, complex(0, 1)); err == nil {
		t.Error("Hook.Run(complex data) = nil, want an encoding error")
	}
	art, err := b.Run(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"complex", "huge", "intkeys"} {
		if got := art.State(name); got != nil {
			t.Errorf("State(%q) = %.20v, want nil (logged)", name, got)
		}
	}
	mustContain(t, "log", s.log.String(), "artifact state complex", "artifact state huge", "decode artifact state")
}
