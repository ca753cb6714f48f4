package config

import (
	"reflect"
	"strings"
	"testing"
)

type sample struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Files map[string]string `json:"files"`
	Tags  []string          `json:"tags"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		raws    []interface{}
		want    sample
		wantErr string
	}{
		{name: "none"},
		{
			name: "one map",
			raws: []interface{}{map[string]interface{}{"name": "a", "count": int64(3), "tags": []interface{}{"x"}}},
			want: sample{Name: "a", Count: 3, Tags: []string{"x"}},
		},
		{
			name: "later overrides earlier",
			raws: []interface{}{
				map[string]interface{}{"name": "a", "count": uint64(1)},
				nil,
				map[string]interface{}{"count": float64(2), "files": map[string]interface{}{"f": "x"}},
			},
			want: sample{Name: "a", Count: 2, Files: map[string]string{"f": "x"}},
		},
		{
			name:    "unknown key",
			raws:    []interface{}{map[string]interface{}{"nmae": "a"}},
			wantErr: `unknown field "nmae"`,
		},
		{
			name:    "wrong type",
			raws:    []interface{}{map[string]interface{}{"count": "three"}},
			wantErr: "count",
		},
		{
			name:    "not plain data",
			raws:    []interface{}{map[string]interface{}{"name": make(chan int)}},
			wantErr: "not plain data",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sample
			err := Decode(&got, tt.raws...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Decode(%v) error = %v, want one containing %q", tt.raws, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%v): %v", tt.raws, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode(%v) = %+v, want %+v", tt.raws, got, tt.want)
			}
		})
	}
}
