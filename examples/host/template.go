package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// Kinds of component, as the template's sections name them.
const (
	kindBuilder       = "builder"
	kindHook          = "hook"
	kindProvisioner   = "provisioner"
	kindPostProcessor = "post-processor"
)

// Template is what the host runs: the components of a build and where the
// results go. It is read from JSON (see loadTemplate).
type Template struct {
	// Description is shown when the run starts.
	Description string `json:"description"`

	// OutputDir is the plugins' working directory, where relative paths in
	// component configurations point and artifacts usually land. A
	// relative OutputDir is relative to the template's directory; empty
	// means "out". The -out flag overrides it.
	OutputDir string `json:"output_dir"`

	// Inputs are files the host creates in OutputDir before the build, so
	// that a template can refer to them (for example a large file to
	// upload).
	Inputs []Input `json:"inputs"`

	// The components, each section in the order its components run.
	Builders       []Component `json:"builders"`
	Hooks          []Component `json:"hooks"`
	Provisioners   []Component `json:"provisioners"`
	PostProcessors []Component `json:"post_processors"`

	// Commands holds, for a command plugin's name, the arguments -command
	// passes it when the command line gives none after TEMPLATE.
	Commands map[string][]string `json:"commands"`

	// Dir is the directory of the template file; set by loadTemplate.
	Dir string `json:"-"`

	src *source // the text, for the positions of errors
}

// Component is one component instance: one plugin process.
type Component struct {
	// Type names an example plugin (a directory of examples/plugins).
	Type string `json:"type"`

	// Name identifies the component in the output and to a command
	// plugin. Empty means Type. Names are unique in a template.
	Name string `json:"name"`

	// Plugin, if set, is the path of a plugin binary to run instead of the
	// example plugin Type names; relative to the template's directory.
	Plugin string `json:"plugin"`

	// Args are command-line arguments for the plugin process. They are
	// how a hook, which has no configuration method, is configured.
	Args []string `json:"args"`

	// Config is passed to Prepare (builders, provisioners) or Configure
	// (post-processors). Hooks take none.
	Config map[string]interface{} `json:"config"`

	// Kind is the section the component came from; set by loadTemplate.
	Kind string `json:"-"`

	path string // where it is in the template, as "builders[0]"
}

// Input is a file the host generates before the build.
type Input struct {
	// Path is the file's path, relative to the output directory.
	Path string `json:"path"`

	// Content is the file's text. If Size is set instead, the file holds
	// Size pseudo-random bytes.
	Content string `json:"content"`
	Size    int64  `json:"size"`
}

// maxInputSize bounds Input.Size, so that a typo cannot fill a disk.
const maxInputSize = 1 << 30

// loadTemplate reads and validates the template at path. Its errors say
// where in the file the problem is: "template t.json:3:14: ...".
func loadTemplate(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	tpl, err := parseTemplate(path, data)
	if err != nil {
		return nil, err
	}
	if tpl.Dir, err = filepath.Abs(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	return tpl, nil
}

// parseTemplate decodes and validates the template data, read from file.
// Unknown keys are errors. Every error is placed in the text.
func parseTemplate(file string, data []byte) (*Template, error) {
	src := &source{file: file, data: data}
	tpl := &Template{src: src}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(tpl)
	var syntax *json.SyntaxError
	if errors.Is(err, io.EOF) || errors.As(err, &syntax) {
		return nil, src.decodeError(err)
	}
	if unknown := scan(src, reflect.TypeOf(tpl)); unknown != nil {
		return nil, unknown
	}
	if err != nil {
		return nil, src.decodeError(err)
	}
	if dec.More() {
		rest := data[dec.InputOffset():]
		next := int64(len(data) - len(bytes.TrimLeft(rest, " \t\r\n")))
		return nil, src.at(next, errors.New("unexpected data after the template object"))
	}
	if tpl.OutputDir == "" {
		tpl.OutputDir = "out"
	}
	if err := tpl.validate(); err != nil {
		var fe *fieldError
		errors.As(err, &fe) // validate returns only fieldErrors
		return nil, src.atPath(fe.path, err)
	}
	return tpl, nil
}

// errorAt returns err, about the value at path (such as a Component's
// path), placed in the template's text.
func (t *Template) errorAt(path string, err error) error {
	fe := &fieldError{path, err}
	if t.src == nil {
		return fe
	}
	return t.src.atPath(path, fe)
}

func (t *Template) validate() error {
	if len(t.Builders) == 0 {
		return &fieldError{"builders", errors.New("want at least one builder")}
	}
	names := make(map[string]string)
	for _, s := range t.sections() {
		for i := range *s.list {
			c := &(*s.list)[i]
			c.Kind = s.kind
			where := fmt.Sprintf("%s[%d]", s.key, i)
			c.path = where
			if err := c.validate(); err != nil {
				return &fieldError{where, err}
			}
			if prev, dup := names[c.Name]; dup {
				return &fieldError{where, fmt.Errorf("name %q is already used by %s; set a unique \"name\"", c.Name, prev)}
			}
			names[c.Name] = where
		}
	}
	for i, in := range t.Inputs {
		if err := in.validate(); err != nil {
			return &fieldError{fmt.Sprintf("inputs[%d]", i), err}
		}
	}
	return nil
}

type section struct {
	key, kind string
	list      *[]Component
}

func (t *Template) sections() []section {
	return []section{
		{"builders", kindBuilder, &t.Builders},
		{"hooks", kindHook, &t.Hooks},
		{"provisioners", kindProvisioner, &t.Provisioners},
		{"post_processors", kindPostProcessor, &t.PostProcessors},
	}
}

func (c *Component) validate() error {
	switch {
	case c.Type == "" && c.Plugin == "":
		return errors.New(`"type" (an example plugin) or "plugin" (a binary) is required`)
	case c.Type != "" && (strings.ContainsAny(c.Type, `/\`) || c.Type == "." || c.Type == ".."):
		return fmt.Errorf("type %q is not a plugin name; use \"plugin\" for a path", c.Type)
	case c.Kind == kindHook && c.Config != nil:
		return errors.New(`a hook takes no "config" (a hook has no configuration method); pass "args" to its process`)
	}
	if c.Name == "" {
		c.Name = c.Type
		if c.Name == "" {
			c.Name = strings.TrimSuffix(filepath.Base(c.Plugin), ".exe")
		}
	}
	return nil
}

func (in Input) validate() error {
	switch {
	case in.Path == "" || filepath.IsAbs(in.Path) || !filepath.IsLocal(in.Path):
		return fmt.Errorf("path %q must be a relative path inside the output directory", in.Path)
	case in.Size < 0 || in.Size > maxInputSize:
		return fmt.Errorf("size %d is out of range 0..%d", in.Size, maxInputSize)
	case in.Size > 0 && in.Content != "":
		return errors.New(`set "content" or "size", not both`)
	}
	return nil
}

// component returns the component of the given kind and name.
func (t *Template) component(kind, name string) (*Component, error) {
	for _, s := range t.sections() {
		for i, c := range *s.list {
			if c.Name == name {
				if c.Kind != kind {
					return nil, fmt.Errorf("template: %q is a %s, not a %s", name, c.Kind, kind)
				}
				return &(*s.list)[i], nil
			}
		}
	}
	return nil, fmt.Errorf("template: no %s named %q", kind, name)
}

// outputDir resolves the output directory: override if set (the -out flag,
// relative to the current directory), else OutputDir relative to the
// template's directory.
func (t *Template) outputDir(override string) (string, error) {
	dir := override
	if dir == "" {
		dir = t.OutputDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(t.Dir, dir)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("output dir: %w", err)
	}
	return abs, nil
}
