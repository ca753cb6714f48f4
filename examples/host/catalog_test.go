package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDescribeCatalog(t *testing.T) {
	cache, _ := testBins(t)
	// The built plugins, and a file that is no plugin at all, whose kinds
	// are unknown.
	dir := t.TempDir()
	built, err := os.ReadDir(filepath.Join(cache, binDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range built {
		if err := os.Symlink(filepath.Join(cache, binDir, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "not-a-plugin"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := describeCatalog(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := catalog{"build": {kindCommand}, "files": {kindBuilder}, "notify": {kindHook}, "shell": {kindProvisioner},
		"targz": {kindPostProcessor}, "upload": {kindProvisioner}, "not-a-plugin": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("describeCatalog(the example plugins) = %v, want %v", got, want)
	}
}

func TestCatalogLookup(t *testing.T) {
	cat := catalog{"files": {kindBuilder}, "shell": {kindProvisioner}, "upload": {kindProvisioner}, "mystery": nil}
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
