package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// console is the host's terminal: every line any component prints goes
// through it, whole, so that lines from concurrent components never mix.
// On a terminal it also owns the one progress bar line at the bottom. Safe
// for concurrent use.
type console struct {
	out, errOut io.Writer
	tty         bool // out is a terminal: draw progress as a bar
	in          *bufio.Reader
	verbose     bool

	mu  sync.Mutex // guards writes to out and errOut, and bar
	bar string     // the progress bar currently drawn on out, or ""
}

// newConsole returns a console writing to out and errOut and reading
// answers from in. tty selects the progress rendering.
func newConsole(out, errOut io.Writer, in io.Reader, tty, verbose bool) *console {
	return &console{out: out, errOut: errOut, in: bufio.NewReader(in), tty: tty, verbose: verbose}
}

// isTerminal reports whether f is a character device: a terminal, in
// practice, when it is standard output.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// println writes one line (a trailing newline is added) to out, or to
// errOut when toErr is set.
func (c *console) println(toErr bool, line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearBarLocked()
	w := c.out
	if toErr {
		w = c.errOut
	}
	fmt.Fprintln(w, line)
	c.drawBarLocked()
}

// setBar draws s as the progress bar line, replacing the previous one. Only
// used on a terminal.
func (c *console) setBar(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearBarLocked()
	c.bar = s
	c.drawBarLocked()
}

// endBar prints s as an ordinary line in place of the bar and removes the
// bar.
func (c *console) endBar(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearBarLocked()
	c.bar = ""
	fmt.Fprintln(c.out, s)
}

func (c *console) clearBarLocked() {
	if c.bar != "" {
		io.WriteString(c.out, "\r\x1b[K")
	}
}

func (c *console) drawBarLocked() {
	if c.bar != "" {
		io.WriteString(c.out, c.bar)
	}
}

// ask prints prompt and reads one line of answer. Questions are asked one
// at a time.
func (c *console) ask(prompt string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearBarLocked()
	fmt.Fprint(c.out, prompt+" ")
	line, err := c.in.ReadString('\n')
	c.drawBarLocked()
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("host: read answer: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
