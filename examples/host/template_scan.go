package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// scanner walks a template's JSON tokens alongside the Go type it decodes
// into, recording where every value starts and finding the first object
// key that matches no field (which encoding/json reports without a
// position).
type scanner struct {
	src     *source
	dec     *json.Decoder
	unknown error // the first unknown key, placed in the text
}

// scan fills src.offsets from src.data, a syntactically valid JSON value
// that decodes into a value of type t, and returns the first unknown key
// as a placed error, or nil.
func scan(src *source, t reflect.Type) error {
	s := &scanner{src: src, dec: json.NewDecoder(bytes.NewReader(src.data))}
	src.offsets = make(map[string]int64)
	if err := s.value("", t); err != nil {
		return err
	}
	return s.unknown
}

// skip returns the offset of the next token: past blanks and the
// separators json.Decoder.Token leaves in place.
func (s *scanner) skip() int64 {
	off := s.dec.InputOffset()
	for off < int64(len(s.src.data)) && strings.IndexByte(" \t\r\n:,", s.src.data[off]) >= 0 {
		off++
	}
	return off
}

func (s *scanner) value(path string, t reflect.Type) error {
	s.src.offsets[path] = s.skip()
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return s.object(path, t)
	case json.Delim('['):
		for i := 0; s.dec.More(); i++ {
			if err := s.value(fmt.Sprintf("%s[%d]", path, i), elem(t)); err != nil {
				return err
			}
		}
		_, err = s.dec.Token() // ']'
	}
	return err
}

func (s *scanner) object(path string, t reflect.Type) error {
	for s.dec.More() {
		keyOff := s.skip()
		tok, err := s.dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string) // an object's keys are strings
		ft, known := field(t, key)
		if !known && s.unknown == nil {
			s.unknown = s.src.at(keyOff, &fieldError{path, fmt.Errorf("unknown field %q", key)})
		}
		child := key
		if path != "" {
			child = path + "." + key
		}
		if err := s.value(child, ft); err != nil {
			return err
		}
	}
	_, err := s.dec.Token() // '}'
	return err
}

// elem is the type of the elements of a list decoded into t, or nil when
// anything goes.
func elem(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
		return t.Elem()
	}
	return nil
}

// field returns the type of key in an object decoded into t, and whether
// t has such a key. Like encoding/json, it matches struct fields by their
// json name regardless of case. Maps and untyped values take any key.
func field(t reflect.Type, key string) (reflect.Type, bool) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return elem(t), true
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if f.IsExported() && name != "-" && strings.EqualFold(name, key) {
			return f.Type, true
		}
	}
	return nil, false
}
