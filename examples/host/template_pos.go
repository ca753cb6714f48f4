package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Positions in a template's text, so that every template error can say
// line:column. Values are named by their JSON path: "builders",
// "builders[0]", "builders[0].config.output_dir".

// fieldError is an error about the value at a JSON path of the template.
type fieldError struct {
	path string // "" for the whole template
	err  error
}

func (e *fieldError) Error() string {
	if e.path == "" {
		return e.err.Error()
	}
	return e.path + ": " + e.err.Error()
}

func (e *fieldError) Unwrap() error { return e.err }

// source is a template's text and where each of its values starts.
type source struct {
	file    string           // as given to loadTemplate; "" when parsed from bytes
	data    []byte           // the text
	offsets map[string]int64 // JSON path -> offset of the value's first byte
}

// lineCol returns the 1-based line and column (in bytes) of offset.
func (s *source) lineCol(offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(s.data)))
	before := s.data[:offset]
	line = 1 + strings.Count(string(before), "\n")
	return line, int(offset) - strings.LastIndexByte(string(before), '\n')
}

// at returns err placed at offset: "file:line:col: err".
func (s *source) at(offset int64, err error) error {
	line, col := s.lineCol(offset)
	return &posError{file: s.file, line: line, col: col, err: err}
}

// atPath returns err placed where the value at path starts, or where the
// nearest enclosing value that exists starts.
func (s *source) atPath(path string, err error) error {
	for p := path; ; p = parentPath(p) {
		if off, ok := s.offsets[p]; ok {
			return s.at(off, err)
		}
		if p == "" {
			return s.at(0, err)
		}
	}
}

func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// posError is a template error with its position.
type posError struct {
	file      string
	line, col int
	err       error
}

func (e *posError) Error() string {
	if e.file == "" {
		return fmt.Sprintf("template %d:%d: %v", e.line, e.col, e.err)
	}
	return fmt.Sprintf("template %s:%d:%d: %v", e.file, e.line, e.col, e.err)
}

func (e *posError) Unwrap() error { return e.err }

// decodeError places an error of json.Decoder.Decode in the text.
func (s *source) decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return s.at(0, errors.New("empty template: want a JSON object"))
	case errors.As(err, &syntax):
		return s.at(syntax.Offset-1, err)
	case errors.As(err, &typ):
		path := s.innermost(typ.Offset)
		return s.atPath(path, &fieldError{path, fmt.Errorf("want %s, got %s", jsonKind(typ.Type), typ.Value)})
	}
	return err
}

// innermost returns the path of the last value that starts before offset:
// the one being decoded when the decoder stopped there.
func (s *source) innermost(offset int64) string {
	best, bestOff := "", int64(-1)
	for p, off := range s.offsets {
		if off < offset && (off > bestOff || off == bestOff && len(p) > len(best)) {
			best, bestOff = p, off
		}
	}
	return best
}

// jsonKind names the JSON value a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Interface:
		return "a value"
	}
	return "a number"
}
