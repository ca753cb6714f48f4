// Package config decodes the configurations a plugin component receives in
// Prepare or Configure into a typed Go struct.
//
// A host sends each configuration as plain data (see package packer): maps
// with string keys, strings, numbers, bools and lists. Decode takes them in
// order, later ones overriding the fields earlier ones set, and fills a
// struct through its `json` tags, so a component writes its configuration as
// an ordinary Go struct and gets clear errors for misspelt or mistyped keys.
package config

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Decode fills the struct dst points to from raws, in order: a key in a later
// raw overrides the same key in an earlier one. A nil raw is skipped. A key
// that matches no field of dst, or a value of the wrong type, is an error
// naming the key. Decode does not validate values: that is the caller's job.
func Decode(dst interface{}, raws ...interface{}) error {
	for i, raw := range raws {
		if raw == nil {
			continue
		}
		data, err := json.Marshal(raw)
		if err != nil {
			return fmt.Errorf("config: configuration %d is not plain data: %w", i, err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("config: configuration %d: %w", i, err)
		}
	}
	return nil
}
