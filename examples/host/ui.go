package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/muxplug/muxplug/packer"
)

// Ui is the packer.Ui the host gives one component. It prints each line
// with the component's name, Packer-style:
//
//	==> files: Say lines and Error lines (errors go to standard error)
//	    files: Message lines
//
// Machine lines appear only in verbose mode. It is safe for concurrent use.
type Ui struct {
	name string
	c    *console
}

var _ packer.Ui = (*Ui)(nil)

// newUi returns the Ui of the component called name.
func newUi(c *console, name string) *Ui { return &Ui{name: name, c: c} }

func (u *Ui) sayPrefix() string     { return "==> " + u.name + ": " }
func (u *Ui) messagePrefix() string { return "    " + u.name + ": " }

// Ask prints the query and blocks until a line is read from standard
// input.
func (u *Ui) Ask(query string) (string, error) {
	return u.c.ask(u.sayPrefix() + query)
}

// Say prints message as a top-level step.
func (u *Ui) Say(message string) { u.print(false, u.sayPrefix(), message) }

// Message prints message as detail.
func (u *Ui) Message(message string) { u.print(false, u.messagePrefix(), message) }

// Error prints message to standard error.
func (u *Ui) Error(message string) { u.print(true, u.sayPrefix(), message) }

// Machine prints a machine-readable event in verbose mode.
func (u *Ui) Machine(category string, args ...string) {
	if u.c.verbose {
		u.print(false, u.messagePrefix(), fmt.Sprintf("machine: %s %q", category, args))
	}
}

// TrackProgress reports the transfer of src as it is read from stream: as a
// bar on a terminal, as a few plain lines otherwise (see progress.go).
func (u *Ui) TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser {
	return newProgress(u.c, u.messagePrefix()+src, currentSize, totalSize, stream)
}

// print prints each line of message with prefix: a multi-line message
// keeps the prefix on every line.
func (u *Ui) print(toErr bool, prefix, message string) {
	for _, line := range strings.Split(strings.TrimRight(message, "\n"), "\n") {
		u.c.println(toErr, prefix+line)
	}
}
