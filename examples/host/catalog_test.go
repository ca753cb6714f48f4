package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestSourceCatalog(t *testing.T) {
	root, err := moduleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	names, err := pluginNames(root)
	if err != nil {
		t.Fatal(err)
	}
	want := catalog{"build": kindCommand, "files": kindBuilder, "notify": kindHook, "shell": kindProvisioner,
		"targz": kindPostProcessor, "upload": kindProvisioner}
	if got := sourceCatalog(root, names); !reflect.DeepEqual(got, want) {
		t.Errorf("sourceCatalog(the example plugins) = %v, want %v", got, want)
	}
}

func TestCatalogLookup(t *testing.T) {
	cat := catalog{"files": kindBuilder, "shell": kindProvisioner, "upload": kindProvisioner, "mystery": ""}
	tests := []struct {
		kind, name, want string // want "" for no error
	}{
		{kindBuilder, "files", ""},
		{kindProvisioner, "mystery", ""}, // a plugin of unknown kind may be anything
		{kindBuilder, "filez", `unknown builder "filez"; the example builders are: files, mystery`},
		{kindProvisioner, "files", `"files" is a builder, not a provisioner; the example provisioners are: mystery, shell, upload`},
		{kindHook, "x", `unknown hook "x"; the example hooks are: mystery`},
	}
	for _, tt := range tests {
		err := cat.lookup(tt.kind, tt.name)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("lookup(%s, %q) = %v, want %q", tt.kind, tt.name, err, tt.want)
		}
	}
}
