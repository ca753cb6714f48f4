package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/muxplug/muxplug/examples/internal/config"
	"github.com/muxplug/muxplug/packer"
)

// Config is the provisioner's configuration.
type Config struct {
	// Inline holds the commands to run, in order.
	Inline []string `json:"inline"`

	// Env holds environment variables exported to every command.
	Env map[string]string `json:"env"`
}

// ExitError reports a command that exited with a non-zero status.
type ExitError struct {
	Command string // the command as configured
	Status  int    // its exit status
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("shell: command %q exited with status %d", e.Command, e.Status)
}

// Provisioner runs shell commands through a Communicator. Its zero value is
// ready for Prepare.
type Provisioner struct {
	cfg    Config
	prefix string // the export statements put before every command
}

var _ packer.Provisioner = (*Provisioner)(nil)

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Prepare decodes and validates the configuration.
func (p *Provisioner) Prepare(raws ...interface{}) error {
	var cfg Config
	if err := config.Decode(&cfg, raws...); err != nil {
		return fmt.Errorf("shell: %w", err)
	}
	if len(cfg.Inline) == 0 {
		return errors.New("shell: inline is required: list at least one command")
	}
	for i, c := range cfg.Inline {
		if strings.TrimSpace(c) == "" {
			return fmt.Errorf("shell: inline command %d is empty", i)
		}
	}
	names := make([]string, 0, len(cfg.Env))
	for name := range cfg.Env {
		if !envName.MatchString(name) {
			return fmt.Errorf("shell: env name %q is not a valid shell variable name", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var prefix strings.Builder
	for _, name := range names {
		fmt.Fprintf(&prefix, "export %s=%s; ", name, quote(cfg.Env[name]))
	}
	p.cfg, p.prefix = cfg, prefix.String()
	return nil
}

// Provision runs the commands in order, sending their standard output to
// ui.Message and their standard error to ui.Error line by line as they
// print it. It stops at the first command that fails (*ExitError) and
// returns ctx's error, wrapped, when ctx ends.
func (p *Provisioner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	if comm == nil {
		return errors.New("shell: no communicator: the builder gave none to the provision hook")
	}
	for _, command := range p.cfg.Inline {
		ui.Say("Running: " + command)
		cmd := &packer.RemoteCmd{Command: p.prefix + command}
		if err := cmd.RunWithUi(ctx, comm, ui); err != nil {
			return fmt.Errorf("shell: %w", err)
		}
		if status := cmd.ExitStatus(); status != 0 {
			return &ExitError{Command: command, Status: status}
		}
	}
	return nil
}

// quote quotes s for a POSIX shell.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
