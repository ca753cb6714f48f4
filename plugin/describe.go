package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// describeArg is the argument that makes a plugin binary print its
// Description and exit.
const describeArg = "describe"

// Bounds of Describe.
const (
	maxDescription    = 1 << 20         // bytes of stdout read
	describeWaitDrain = 2 * time.Second // for output held open by a grandchild
)

// Description is what a plugin binary offers, as it prints it when run
// with the argument describe (see docs/protocol.md, "Describe"): its
// version, the protocol versions it speaks, and the names of its
// components of each kind, sorted. DefaultName ("-") names a kind's
// default component. Every list is non-nil, so that the JSON has arrays.
type Description struct {
	Version          string   `json:"version"`
	ProtocolVersions []int    `json:"protocol_versions"`
	Builders         []string `json:"builders"`
	Commands         []string `json:"commands"`
	Hooks            []string `json:"hooks"`
	PostProcessors   []string `json:"post_processors"`
	Provisioners     []string `json:"provisioners"`
}

// list returns the list of d that holds the names of kind k.
func (d *Description) list(k Kind) *[]string {
	switch k {
	case KindBuilder:
		return &d.Builders
	case KindCommand:
		return &d.Commands
	case KindHook:
		return &d.Hooks
	case KindPostProcessor:
		return &d.PostProcessors
	case KindProvisioner:
		return &d.Provisioners
	}
	return new([]string)
}

// Names returns the names of d's components of kind k (nil for an unknown
// kind). The slice is d's own. It does not block; like every method of
// Description, it may be called concurrently as long as nobody modifies d.
func (d *Description) Names(k Kind) []string { return *d.list(k) }

// Lookup returns nil if d offers a component of kind k called name, and
// otherwise an error wrapping ErrUnknownComponent that lists what d
// offers, as a plugin answers a request for a name it does not have. It
// does not block.
func (d *Description) Lookup(k Kind, name string) error {
	if serviceOf(k) == "" {
		return fmt.Errorf("%w: no component kind %q (kinds: builder, command, hook, post-processor, provisioner)",
			ErrUnknownComponent, k)
	}
	if slices.Contains(d.Names(k), name) {
		return nil
	}
	return fmt.Errorf("%w: no %s named %q; %s", ErrUnknownComponent, k, name, d.offers())
}

// offers says what d offers, for errors: `the plugin offers builders
// "a", "b"; provisioners "c"`.
func (d *Description) offers() string {
	var parts []string
	for _, ks := range allKinds {
		names := d.Names(ks.kind)
		if len(names) == 0 {
			continue
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = fmt.Sprintf("%q", n)
		}
		parts = append(parts, pluralKind(ks.kind)+" "+strings.Join(quoted, ", "))
	}
	if len(parts) == 0 {
		return "the plugin offers no components"
	}
	return "the plugin offers " + strings.Join(parts, "; ")
}

func pluralKind(k Kind) string { return string(k) + "s" }

// Describe runs the plugin binary cmd names with the argument describe in
// front of cmd's own arguments (with cmd's Env and Dir, and no launch
// variables), reads the Description it prints and waits for it to exit.
// It starts no session. cmd must be unstarted and is not modified; the
// process that runs is a copy of it.
//
// Describe blocks until the process has exited, or until ctx ends (the
// process is then killed). A binary that is not a muxplug plugin, or one
// from before describe existed, fails with an *ExitError (such a plugin
// explains that it must be started by a host, and exits 1) or with an
// error that quotes what it printed.
func Describe(ctx context.Context, cmd *exec.Cmd) (*Description, error) {
	if cmd == nil || cmd.Process != nil || cmd.Err != nil {
		if cmd != nil && cmd.Err != nil {
			return nil, fmt.Errorf("plugin: describe: %w", cmd.Err)
		}
		return nil, fmt.Errorf("%w: Describe needs an unstarted Cmd", ErrInvalidConfig)
	}
	args := append([]string{describeArg}, cmd.Args[1:]...)
	run := exec.CommandContext(ctx, cmd.Path, args...)
	run.Env, run.Dir, run.SysProcAttr = cmd.Env, cmd.Dir, cmd.SysProcAttr
	run.WaitDelay = describeWaitDrain
	var stdout, stderr bytes.Buffer
	run.Stdout = &limitedWriter{w: &stdout, n: maxDescription}
	run.Stderr = &limitedWriter{w: &stderr, n: maxDescription}
	err := run.Run()
	name := cmd.Path
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("plugin: describe %s: %w", name, context.Cause(ctx))
		}
		tail := lastLines(stderr.String(), tailLines)
		if run.ProcessState != nil {
			return nil, newExitError(name, run.ProcessState, tail, fmt.Errorf("describe: %w", err))
		}
		return nil, fmt.Errorf("plugin: describe %s: %w", name, err)
	}
	var d Description
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		return nil, fmt.Errorf("plugin: describe %s: not a description (%w): %q", name, err, clip(stdout.String(), 200))
	}
	d.fill()
	return &d, nil
}

// fill makes every list of d non-nil.
func (d *Description) fill() {
	for _, ks := range allKinds {
		if l := d.list(ks.kind); *l == nil {
			*l = []string{}
		}
	}
	if d.ProtocolVersions == nil {
		d.ProtocolVersions = []int{}
	}
}

// writeDescription prints d as describe does: indented JSON and a
// newline.
func writeDescription(w io.Writer, d *Description) error {
	d.fill()
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(out, '\n'))
	return err
}

// limitedWriter writes to w the first n bytes written to it and discards
// the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if k := min(len(p), l.n); k > 0 {
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// lastLines returns the last n lines of s, without empty ones.
func lastLines(s string, n int) []string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' })
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// clip shortens s to at most n bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
