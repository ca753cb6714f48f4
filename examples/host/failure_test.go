package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTemplate writes tpl as JSON into a new directory and returns its
// path.
func writeTemplate(tb testing.TB, tpl map[string]interface{}) string {
	tb.Helper()
	data, err := json.Marshal(tpl)
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "template.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// filesBuilder is a template's builders section with one files builder.
func filesBuilder() []interface{} {
	return []interface{}{map[string]interface{}{"type": "files", "config": map[string]interface{}{
		"output_dir": "site", "files": map[string]interface{}{"a.txt": "a"},
	}}}
}

func TestCommandPlugin(t *testing.T) {
	out := t.TempDir()
	r := runHost(t, "-out", out, "-command", "build", demoTemplate(t),
		"-hook", "notify", "-provisioner", "shell", "-provisioner", "upload", "-post-processor", "targz", "files")
	if r.code != exitOK {
		t.Fatalf("host -command build failed:\n%s", r)
	}
	checkDemoArchive(t, out)
	for _, want := range []string{`==> build: Building with "files"`, "==> build: Artifact: " + filepath.Join(out, "site.tar.gz")} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}
}

func TestCommandPluginUsage(t *testing.T) {
	r := runHost(t, "-out", t.TempDir(), "-command", "build", demoTemplate(t), "-provisioner", "nope", "files")
	if r.code != 1 || !strings.Contains(r.errOut, `==> build: build: provisioner "nope": template: no provisioner named "nope"`) {
		t.Errorf("host -command build -provisioner nope: want exit 1 and the lookup error\n%s", r)
	}
}

func TestFailures(t *testing.T) {
	_, crasher := testBins(t)
	tests := []struct {
		name  string
		provs []interface{}
		want  []string // in stderr
	}{
		{
			name:  "bad provisioner config",
			provs: []interface{}{map[string]interface{}{"type": "shell", "config": map[string]interface{}{"inline": []string{}}}},
			want:  []string{`==> host: Error: host: prepare provisioner "shell": shell: inline is required`},
		},
		{
			name:  "failing command",
			provs: []interface{}{map[string]interface{}{"type": "shell", "config": map[string]interface{}{"inline": []string{"echo oops >&2; exit 3"}}}},
			want:  []string{"==> shell: oops", `shell: command "echo oops >&2; exit 3" exited with status 3`},
		},
		{
			name:  "missing plugin binary",
			provs: []interface{}{map[string]interface{}{"plugin": "no/such/plugin"}},
			want:  []string{`host: start provisioner plugin "plugin"`},
		},
		{
			name:  "crashing plugin",
			provs: []interface{}{map[string]interface{}{"plugin": crasher}},
			want: []string{
				`provisioner "crasher": `,
				`==> host: Plugin "crasher" (pid `,
				"==> host:   | crasher: something went badly wrong",
				"==> host:   | panic: crasher: deliberate panic",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			tpl := writeTemplate(t, map[string]interface{}{"builders": filesBuilder(), "provisioners": tt.provs})
			r := runHost(t, "-out", out, tpl)
			if r.code != exitFail {
				t.Errorf("exit %d, want %d", r.code, exitFail)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.errOut, want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			if _, err := os.Stat(filepath.Join(out, "site")); err == nil {
				t.Errorf("the failed build left %s behind", filepath.Join(out, "site"))
			}
			if t.Failed() {
				t.Logf("host output:\n%s", r)
			}
		})
	}
}

func TestMachineReadableOutput(t *testing.T) {
	tpl := writeTemplate(t, map[string]interface{}{"builders": filesBuilder()})
	r := runHost(t, "-out", t.TempDir(), "-machine-readable", tpl)
	if r.code != exitOK {
		t.Fatalf("host -machine-readable failed:\n%s", r)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n") {
		if fields := strings.Split(line, ","); len(fields) < 4 || strings.HasPrefix(line, "==>") {
			t.Fatalf("line %q is not timestamp,target,type,data", line)
		}
	}
	for _, want := range []string{",host,ui,say,Output directory: ", ",files,ui,message,wrote a.txt (1 bytes)"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q\n%s", want, r)
		}
	}
}

// TestUnknownPluginType checks that a template or -command naming a plugin
// that is not an example plugin of that kind fails before any plugin
// starts, saying where and listing the valid types.
func TestUnknownPluginType(t *testing.T) {
	tests := []struct {
		name    string
		tpl     map[string]interface{}
		command string
		want    string
	}{
		{name: "misspelt builder",
			tpl:  map[string]interface{}{"builders": []interface{}{map[string]interface{}{"type": "filez"}}},
			want: `template.json:1:22: builders[0].type: unknown builder "filez"; the example builders are: files`},
		{name: "wrong kind",
			tpl: map[string]interface{}{"builders": filesBuilder(),
				"provisioners": []interface{}{map[string]interface{}{"type": "files", "name": "p"}}},
			want: `provisioners[0].type: "files" is a builder, not a provisioner; the example provisioners are: shell, upload`},
		{name: "unknown command",
			tpl:     map[string]interface{}{"builders": filesBuilder()},
			command: "nope",
			want:    `host: -command nope: unknown command "nope"; the example commands are: build`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pids := filepath.Join(dir, "pids")
			args := []string{"-out", filepath.Join(dir, "out"), "-pidfile", pids}
			if tt.command != "" {
				args = append(args, "-command", tt.command)
			}
			r := runHost(t, append(args, writeTemplate(t, tt.tpl))...)
			if r.code != exitFail || !strings.Contains(r.errOut, tt.want) {
				t.Errorf("want exit %d and stderr with %q\n%s", exitFail, tt.want, r)
			}
			if data, err := os.ReadFile(pids); err == nil {
				t.Errorf("plugins started before the template was rejected:\n%s", data)
			}
			if strings.Contains(r.out, "Output directory") {
				t.Errorf("the host went on to prepare the output before rejecting the template\n%s", r)
			}
		})
	}
}
