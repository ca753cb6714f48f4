package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		wantErr string
	}{
		{name: "minimal", json: `{"builders": [{"type": "files"}]}`},
		{name: "every section", json: `{"builders": [{"type": "files", "config": {"a": 1}}],
			"hooks": [{"type": "notify", "args": ["-log", "x"]}],
			"provisioners": [{"type": "shell", "name": "one"}, {"type": "shell", "name": "two"}],
			"post_processors": [{"plugin": "bin/targz"}],
			"inputs": [{"path": "in/x", "size": 10}, {"path": "y", "content": "hi"}]}`},
		{name: "no builders", json: `{}`, wantErr: "at least one builder"},
		{name: "unknown key", json: `{"builders": [{"type": "files"}], "extra": 1}`, wantErr: `unknown field "extra"`},
		{name: "trailing data", json: `{"builders": [{"type": "files"}]} {}`, wantErr: "after the template"},
		{name: "no type or plugin", json: `{"builders": [{"name": "x"}]}`, wantErr: "builders[0]"},
		{name: "type is a path", json: `{"builders": [{"type": "../x"}]}`, wantErr: "not a plugin name"},
		{name: "hook with config", json: `{"builders": [{"type": "files"}], "hooks": [{"type": "notify", "config": {}}]}`, wantErr: "hooks[0]: a hook takes no"},
		{name: "duplicate name", json: `{"builders": [{"type": "files"}], "provisioners": [{"type": "shell"}, {"type": "shell"}]}`, wantErr: `provisioners[1]: name "shell" is already used by provisioners[0]`},
		{name: "input escapes", json: `{"builders": [{"type": "files"}], "inputs": [{"path": "../x"}]}`, wantErr: "inputs[0]"},
		{name: "input absolute", json: `{"builders": [{"type": "files"}], "inputs": [{"path": "/x"}]}`, wantErr: "inputs[0]"},
		{name: "input too big", json: `{"builders": [{"type": "files"}], "inputs": [{"path": "x", "size": 2147483648}]}`, wantErr: "out of range"},
		{name: "input size and content", json: `{"builders": [{"type": "files"}], "inputs": [{"path": "x", "size": 1, "content": "a"}]}`, wantErr: "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTemplate("", []byte(tt.json))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("parseTemplate(%s): %v", tt.json, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseTemplate(%s) = %v, want an error containing %q", tt.json, err, tt.wantErr)
			}
		})
	}
}

func TestTemplateDefaultsAndLookup(t *testing.T) {
	tpl, err := parseTemplate("", []byte(`{"builders": [{"type": "files"}, {"plugin": "bin/other.exe"}],
		"post_processors": [{"type": "targz", "name": "pack"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if tpl.OutputDir != "out" {
		t.Errorf("OutputDir = %q, want the default \"out\"", tpl.OutputDir)
	}
	names := []string{tpl.Builders[0].Name, tpl.Builders[1].Name, tpl.PostProcessors[0].Name}
	if want := []string{"files", "other", "pack"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("names = %q, want %q", names, want)
	}
	if c, err := tpl.component(kindPostProcessor, "pack"); err != nil || c.Type != "targz" {
		t.Errorf("component(post-processor, pack) = %+v, %v; want the targz entry", c, err)
	}
	if _, err := tpl.component(kindBuilder, "pack"); err == nil || !strings.Contains(err.Error(), "is a post-processor, not a builder") {
		t.Errorf("component(builder, pack) error = %v, want a kind mismatch", err)
	}
	if _, err := tpl.component(kindHook, "nope"); err == nil || !strings.Contains(err.Error(), `no hook named "nope"`) {
		t.Errorf("component(hook, nope) error = %v, want not found", err)
	}
}

func TestLoadTemplateAndOutputDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	if err := os.WriteFile(path, []byte(`{"builders": [{"type": "files"}], "output_dir": "results"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tpl, err := loadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tpl.outputDir("")
	if want := filepath.Join(dir, "results"); err != nil || got != want {
		t.Errorf("outputDir(\"\") = %q, %v; want %q (relative to the template)", got, err, want)
	}
	override := filepath.Join(t.TempDir(), "o")
	if got, err := tpl.outputDir(override); err != nil || got != override {
		t.Errorf("outputDir(%q) = %q, %v; want the override", override, got, err)
	}
	if _, err := loadTemplate(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("loadTemplate(missing file) succeeded")
	}
	os.WriteFile(path, []byte(`{"builders": []}`), 0o644)
	if _, err := loadTemplate(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("loadTemplate(invalid) = %v, want an error naming %s", err, path)
	}
}

func TestTemplateErrorPositions(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{name: "syntax", json: "{\n  \"builders\": [\n    {\"type\": \"files\",}\n  ]\n}", want: "t.json:3:22: invalid character '}'"},
		{name: "wrong type", json: "{\n  \"builders\": [\n    {\"type\": 7}\n  ]\n}", want: "t.json:3:14: builders[0].type: want a string, got number"},
		{name: "unknown key", json: "{\"builders\": [{\"type\": \"files\"}],\n \"hooks\": [{\"type\": \"notify\", \"config\": {\"extra\": 1}}],\n \"extra\": 1}", want: `t.json:3:2: unknown field "extra"`},
		{name: "unknown key in a component", json: "{\"builders\": [\n  {\"type\": \"files\", \"Extra\": true}]}", want: `t.json:2:21: builders[0]: unknown field "Extra"`},
		{name: "same key allowed elsewhere", json: "{\"builders\": [{\"type\": \"files\"}],\n \"inputs\": [{\"path\": \"x\", \"type\": 1}]}", want: `t.json:2:27: inputs[0]: unknown field "type"`},
		{name: "invalid component", json: "{\"builders\": [{\"type\": \"files\"},\n   {\"name\": \"x\"}]}", want: "t.json:2:4: builders[1]: \"type\""},
		{name: "duplicate name", json: "{\"builders\": [{\"type\": \"files\"}],\n\"provisioners\": [{\"type\": \"shell\"},\n {\"type\": \"shell\"}]}", want: `t.json:3:2: provisioners[1]: name "shell"`},
		{name: "no builders", json: "{\"builders\": []}", want: "t.json:1:14: builders: want at least one builder"},
		{name: "empty file", json: "", want: "t.json:1:1: "},
		{name: "trailing data", json: "{\"builders\": [{\"type\": \"files\"}]}\n{}", want: "t.json:2:1: unexpected data after the template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.json")
			if err := os.WriteFile(path, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := loadTemplate(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadTemplate(%q) = %v, want an error containing %q", tt.json, err, tt.want)
			}
		})
	}
}
