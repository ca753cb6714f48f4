package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/termui"
)

// Exit statuses of the host.
const (
	exitOK          = 0
	exitFail        = 1
	exitUsage       = 2
	exitInterrupted = 130 // 128 + SIGINT, as shells report it
)

// stdio is the host's standard streams. Progress is drawn as a bar when
// out is a terminal (see package termui).
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// host is one run of the host program.
type host struct {
	opts    *options
	root    *termui.Ui // every component's Ui is root.Named(its name)
	ui      *termui.Ui // the host's own messages
	crashes *crashes
}

// execute runs the host with the command-line args and returns its exit
// status. Ending ctx (Ctrl-C) cancels the run.
func execute(ctx context.Context, args []string, std stdio) int {
	opts, err := parseOptions(args, std.err)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(std.err, err)
		return exitUsage
	}
	root := termui.New(&termui.Config{Out: std.out, Err: std.err, In: std.in,
		Progress: opts.progressMode(), MachineReadable: opts.machine, ShowMachine: opts.verbose})
	h := &host{opts: opts, root: root, ui: root.Named("host"), crashes: new(crashes)}
	code, err := h.run(ctx)
	switch {
	case ctx.Err() != nil:
		h.ui.Error("Interrupted: the build was cancelled and every plugin stopped")
		if err != nil && opts.verbose {
			h.ui.Error("Cancelled with: " + err.Error())
		}
		return exitInterrupted
	case err != nil:
		h.crashes.report(h.ui, err)
		return exitFail
	}
	return code
}

// run loads the template, makes sure the plugins are built, prepares the
// output directory and runs the builds or the command.
func (h *host) run(ctx context.Context) (int, error) {
	tpl, err := loadTemplate(h.opts.template)
	if err != nil {
		return exitFail, err
	}
	if tpl.Description != "" {
		h.ui.Say(tpl.Description)
	}
	binDir, err := h.plugins(ctx, tpl)
	if err != nil {
		return exitFail, err
	}
	outDir, err := tpl.outputDir(h.opts.out)
	if err != nil {
		return exitFail, err
	}
	h.ui.Say("Output directory: " + outDir)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return exitFail, fmt.Errorf("host: %w", err)
	}
	if err := writeInputs(outDir, tpl.Inputs, h.ui); err != nil {
		return exitFail, err
	}
	l := &launcher{binDir: binDir, tplDir: tpl.Dir, workDir: outDir, logger: h.logger(), pidFile: h.opts.pidFile}
	if h.opts.verbose {
		l.stderr = func(name string) io.Writer { return lineWriter{h.root.Named(name + " (stderr)")} }
	}
	defer l.killAll()
	comps := &components{l: l, ui: h.root}
	if h.opts.command != "" {
		return supervise(ctx, h.opts.grace, l, h.ui, func() (int, error) {
			return h.runCommand(ctx, tpl, comps, outDir)
		})
	}
	p := &pipeline{tpl: tpl, comps: comps, ui: h.root, crashes: h.crashes,
		hook: &dispatchHook{ui: h.root, crashes: h.crashes, fallback: &local.Communicator{Dir: outDir}}}
	return supervise(ctx, h.opts.grace, l, h.ui, func() (int, error) { return exitOK, p.run(ctx) })
}

// plugins builds the example plugins if any is used, checks, with what
// the built plugins describe of themselves, that every example plugin the
// template or -command names exists and is of the right kind, and returns
// their directory.
func (h *host) plugins(ctx context.Context, tpl *Template) (string, error) {
	if !h.usesExamples(tpl) {
		return "", nil
	}
	root, err := moduleRoot(tpl.Dir, ".")
	if err != nil {
		return h.prebuilt(ctx, tpl, err)
	}
	cacheDir := h.opts.cache
	if cacheDir == "" {
		if cacheDir, err = defaultCacheDir(root); err != nil {
			return "", err
		}
	}
	b := &pluginBuild{root: root, cacheDir: cacheDir, say: h.ui.Say}
	if err := b.ensure(ctx); err != nil {
		return "", err
	}
	cat, err := describeCatalog(ctx, b.binaries())
	if err != nil {
		return "", err
	}
	if err := cat.check(tpl, h.opts.command); err != nil {
		return "", err
	}
	return b.binaries(), nil
}

// prebuilt returns the plugins of the -cache directory as they are, when
// the module's sources, needed to check they are up to date, are not
// around (notFound says why).
func (h *host) prebuilt(ctx context.Context, tpl *Template, notFound error) (string, error) {
	if h.opts.cache == "" {
		return "", notFound
	}
	dir := (&pluginBuild{cacheDir: h.opts.cache}).binaries()
	cat, err := describeCatalog(ctx, dir)
	if err != nil {
		return "", fmt.Errorf("%w; and no plugins in -cache: %v", notFound, err)
	}
	if err := cat.check(tpl, h.opts.command); err != nil {
		return "", err
	}
	h.ui.Say("Using the example plugins in " + dir + " (no sources here to check them against)")
	return dir, nil
}

func (h *host) usesExamples(tpl *Template) bool {
	if h.opts.command != "" && !isPath(h.opts.command) {
		return true
	}
	for _, s := range tpl.sections() {
		for _, c := range *s.list {
			if c.Plugin == "" {
				return true
			}
		}
	}
	return false
}

// runCommand runs the command plugin with the template's components.
func (h *host) runCommand(ctx context.Context, tpl *Template, comps *components, outDir string) (int, error) {
	c := &Component{Kind: "command", Type: h.opts.command, Name: h.opts.command}
	if isPath(h.opts.command) {
		abs, err := filepath.Abs(h.opts.command)
		if err != nil {
			return exitFail, fmt.Errorf("host: -command: %w", err)
		}
		c.Type, c.Plugin, c.Name = "", abs, strings.TrimSuffix(filepath.Base(abs), ".exe")
	}
	cmd, err := comps.command(c)
	if err != nil {
		return exitFail, err
	}
	args := h.opts.args
	if len(args) == 0 && tpl.Commands[h.opts.command] != nil {
		args = tpl.Commands[h.opts.command]
		h.ui.Say(fmt.Sprintf("Running command %q with the template's arguments: %s", c.Name, strings.Join(args, " ")))
	}
	env := &environment{tpl: tpl, comps: comps, ui: h.root.Named(c.Name), cache: newDirCache(filepath.Join(outDir, ".cache"))}
	return cmd.Run(ctx, env, args), nil
}

func isPath(name string) bool { return strings.ContainsAny(name, `/\`) }

// logger is the plugin clients' logger: discarded unless verbose.
func (h *host) logger() *slog.Logger {
	if !h.opts.verbose {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(lineWriter{h.root.Named("log")}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lineWriter prints each Write, a whole line or more, as Messages of ui.
type lineWriter struct{ ui packer.Ui }

func (w lineWriter) Write(p []byte) (int, error) {
	w.ui.Message(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// supervise runs job and returns its result. If ctx ends first, the job
// has grace to notice (its calls carry ctx to the plugins); then every
// plugin is killed, which makes the job's pending calls fail, and the job
// gets grace once more before supervise gives up on it.
func supervise(ctx context.Context, grace time.Duration, l *launcher, ui packer.Ui, job func() (int, error)) (int, error) {
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := job()
		done <- result{code, err}
	}()
	select {
	case r := <-done:
		return r.code, r.err
	case <-ctx.Done():
	}
	ui.Say(fmt.Sprintf("Interrupted: cancelling (plugins get %v to stop)", grace))
	t := time.NewTimer(grace)
	defer t.Stop()
	for attempt := 0; ; attempt++ {
		select {
		case r := <-done:
			return r.code, r.err
		case <-t.C:
		}
		if attempt > 0 {
			return exitFail, errors.New("host: the build did not end after its plugins were killed")
		}
		ui.Say("Plugins did not stop in time: killing them")
		l.killAll()
		t.Reset(grace)
	}
}
