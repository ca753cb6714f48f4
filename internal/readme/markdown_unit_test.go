package readme

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	const readme = "# t\n\nRun `go vet ./...` and `go test -run x\n./a/`.\n\n## Use\n\n" +
		"<!-- file: a/main.go -->\n```go\npackage main\n```\n\n" +
		"<!-- run: in a new module -->\n```sh\ngo get x\n```\n\n" +
		"| a | `go test -bench 'A\\|B' ./p/` |\n"
	blocks, spans := parse(readme)
	wantBlocks := []block{
		{lang: "go", text: "package main\n", file: "a/main.go", section: "Use", line: 9},
		{lang: "sh", text: "go get x\n", newModule: true, section: "Use", line: 14},
	}
	if !reflect.DeepEqual(blocks, wantBlocks) {
		t.Errorf("blocks = %+v, want %+v", blocks, wantBlocks)
	}
	wantSpans := []span{
		{text: "go vet ./...", line: 3},
		{text: "go test -run x ./a/", line: 3},
		{text: "go test -bench 'A|B' ./p/", section: "Use", line: 18},
	}
	if !reflect.DeepEqual(spans, wantSpans) {
		t.Errorf("spans = %+v, want %+v", spans, wantSpans)
	}
}

func TestReduceBench(t *testing.T) {
	tests := []struct{ in, want string }{
		{"go test ./...", "go test ./..."},
		{"go test -run '^$' -bench . -benchtime 2s -count 3 ./mux/", "go test -run '^$' -bench . -benchtime 1x -count 1 ./mux/"},
		{"cd bench && go test -run '^$' -bench . -count 6 | tee new.txt", "cd bench && go test -benchtime 1x -run '^$' -bench . -count 1 | tee new.txt"},
		{"go test -bench Start -benchtime=300x ./plugin/", "go test -bench Start -benchtime 1x ./plugin/"},
	}
	for _, tt := range tests {
		if got := reduceBench(tt.in); got != tt.want {
			t.Errorf("reduceBench(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCommandRecognition(t *testing.T) {
	for s, want := range map[string]bool{
		"go run ./examples/host x": true, "cd bench && go test": true, ".ci/run": true, "go vet ./...": true,
		"-help": false, "./hello": false, "./plugin/": false, "go-plugin": false, "perf stat": false, "packer/termui": false, "go vet": false,
	} {
		if got := isCommand(s); got != want {
			t.Errorf("isCommand(%q) = %v, want %v", s, got, want)
		}
	}
	if got := expectedOutput(`go run ./h   # prints "    hello: hi" and more`); got != "    hello: hi" {
		t.Errorf("expectedOutput = %q", got)
	}
}
