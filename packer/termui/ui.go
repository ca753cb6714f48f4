package termui

import (
	"fmt"
	"io"
	"strings"

	"github.com/muxplug/muxplug/packer"
)

// Ui is a packer.Ui that prints to a terminal or a file (see the package
// doc for what it prints). Its methods are safe for concurrent use, and
// for concurrent use with the other Uis of the same New. The zero value is
// not usable: get a Ui from New or Named.
type Ui struct {
	c    *console
	name string
}

var _ packer.Ui = (*Ui)(nil)

// New returns a Ui configured by cfg, whose lines carry no name: "==> "
// before a Say, four spaces before a Message. A nil cfg is the zero Config.
// New does not block and starts nothing; there is nothing to close.
func New(cfg *Config) *Ui {
	if cfg == nil {
		cfg = new(Config)
	}
	return &Ui{c: newConsole(cfg.settings())}
}

// Named returns a Ui that shares u's output, and whose every line names
// the component called name ("==> name: ", "    name: "); in
// machine-readable mode name is the target of its lines. It does not
// block.
func (u *Ui) Named(name string) *Ui {
	return &Ui{c: u.c, name: name}
}

// Name returns the name given to Named, or "" for a Ui from New.
func (u *Ui) Name() string { return u.name }

func (u *Ui) sayPrefix() string {
	if u.name == "" {
		return "==> "
	}
	return "==> " + u.name + ": "
}

func (u *Ui) messagePrefix() string {
	if u.name == "" {
		return "    "
	}
	return "    " + u.name + ": "
}

// Say prints message as a step: each of its lines after "==> name: ". It
// blocks only while another line is being written.
func (u *Ui) Say(message string) {
	if u.c.s.machine {
		u.machine(u.name, "ui", "say", message)
		return
	}
	u.c.lines(false, u.sayPrefix(), message)
}

// Message prints message as detail: each of its lines after
// "    name: ". It blocks only while another line is being written.
func (u *Ui) Message(message string) {
	if u.c.s.machine {
		u.machine(u.name, "ui", "message", message)
		return
	}
	u.c.lines(false, u.messagePrefix(), message)
}

// Error prints message to Config.Err: each of its lines after
// "==> name: ". It blocks only while another line is being written.
func (u *Ui) Error(message string) {
	if u.c.s.machine {
		u.machine(u.name, "ui", "error", message)
		return
	}
	u.c.lines(true, u.sayPrefix(), message)
}

// Machine prints an event of the given category with its data: a line of
// machine-readable output, or, for people, a Message line if
// Config.ShowMachine is set and nothing otherwise. A category "t,type"
// names the target t itself, as in Packer.
func (u *Ui) Machine(category string, args ...string) {
	if u.c.s.machine {
		target := u.name
		if t, typ, ok := strings.Cut(category, ","); ok {
			target, category = t, typ
		}
		u.machine(target, category, args...)
		return
	}
	if u.c.s.showMachine {
		u.c.lines(false, u.messagePrefix(), fmt.Sprintf("machine: %s %q", category, args))
	}
}

// Ask prints query after "==> name: " and blocks until a line can be read
// from Config.In; it returns that line without its line ending. Questions
// from concurrent calls are asked one after another. At the end of In
// with nothing read, the error wraps io.EOF. In machine-readable mode Ask
// fails at once with ErrMachineReadable.
func (u *Ui) Ask(query string) (string, error) {
	if u.c.s.machine {
		return "", fmt.Errorf("%w (asked %q)", ErrMachineReadable, query)
	}
	return u.c.askLine(u.sayPrefix() + query + " ")
}

// TrackProgress returns a reader that reads from stream and shows how far
// the transfer of src has got: currentSize bytes were transferred before
// stream, of totalSize (0 or less if unknown). Closing the reader closes
// stream, once, and replaces the bar by a summary line. With ProgressOff or
// in machine-readable mode it returns stream itself. It does not block.
func (u *Ui) TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser {
	if u.c.s.machine || u.c.s.noProgress {
		return stream
	}
	return newTracker(u.c, u.messagePrefix()+src, currentSize, totalSize, stream)
}
