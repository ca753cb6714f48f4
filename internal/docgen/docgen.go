// Package docgen keeps the generated parts of docs/protocol.md true: a
// test that owns a part renders it from the code and compares it with the
// document, or rewrites the document when MUXPLUG_REGEN_DOCS is set. A
// part sits between the lines "<!-- generated: NAME -->" and
// "<!-- end: NAME -->".
package docgen

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Check compares the part name of docs/protocol.md with text, or writes
// text there when MUXPLUG_REGEN_DOCS is set.
func Check(t testing.TB, name, text string) {
	t.Helper()
	path := docPath(t)
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- generated: "+name+" -->\n", "<!-- end: "+name+" -->"
	i := strings.Index(string(doc), begin)
	j := strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s has no part %q (lines %q ... %q)", path, name, strings.TrimSpace(begin), end)
	}
	old := string(doc[i+len(begin) : j])
	if old == text {
		return
	}
	if os.Getenv("MUXPLUG_REGEN_DOCS") != "" {
		out := string(doc[:i+len(begin)]) + text + string(doc[j:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the part %q of docs/protocol.md differs from what the code produces; "+
		"rerun this test with MUXPLUG_REGEN_DOCS=1 to rewrite it. Want:\n%s", name, text)
}

// docPath finds docs/protocol.md from this file's directory.
func docPath(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find the source directory")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "protocol.md")
}

// Hex renders b as lines of 16 hex bytes.
func Hex(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		n := min(len(b), 16)
		line := hex.EncodeToString(b[:n])
		for k := 0; k < len(line); k += 2 {
			if k > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(line[k : k+2])
		}
		sb.WriteByte('\n')
		b = b[n:]
	}
	return sb.String()
}

// Vector renders one test vector: a title, what it is, and its bytes.
func Vector(title, what string, b []byte) string {
	return fmt.Sprintf("**%s** (%d bytes): %s\n\n```\n%s```\n\n", title, len(b), what, Hex(b))
}

var timeType = reflect.TypeOf(time.Time{})

// Shape renders the msgpack shape of a value of type t: a struct as a map
// of its codec names, with embedded structs tagged with a name as a field
// of that name and untagged ones inline; a type in names is shown by the
// name it has there.
func Shape(t reflect.Type, names map[reflect.Type]string) string {
	if n, ok := names[t]; ok {
		return n
	}
	switch {
	case t == timeType:
		return "timestamp"
	case t.Kind() == reflect.Pointer:
		return Shape(t.Elem(), names) + "|nil"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "bin"
	case t.Kind() == reflect.Slice:
		return "[" + Shape(t.Elem(), names) + "]"
	case t.Kind() == reflect.Struct:
		return "{" + strings.Join(fields(t, names), ", ") + "}"
	case t.Kind() == reflect.String:
		return "str"
	case t.Kind() == reflect.Bool:
		return "bool"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		return "int"
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		return "uint"
	}
	return t.String()
}

// fields renders the fields of a struct type as name: shape.
func fields(t reflect.Type, names map[reflect.Type]string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("codec"), ",")
		if name == "-" {
			continue
		}
		if n, ok := names[f.Type]; ok && f.Anonymous && name == "" {
			out = append(out, n)
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, fields(f.Type, names)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name+": "+Shape(f.Type, names))
	}
	return out
}
