package termui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// ANSI sequences that take the cursor up n lines (cursorUp, with n) and
// erase from the cursor to the end of the screen.
const (
	cursorUp   = "\x1b[%dA"
	eraseBelow = "\r\x1b[J"
)

// console is the output the Uis of one New share: every line goes through
// it whole, and on a terminal it owns the bar lines at the bottom. Safe for
// concurrent use.
type console struct {
	s  settings
	in *bufio.Reader

	ask sync.Mutex // held while a question is asked; taken before mu

	mu       sync.Mutex // guards the writers and the fields below
	bars     []*tracker // the bars to draw, oldest first
	drawn    int        // how many bar lines are on the screen
	prompted bool       // the cursor is at the end of a prompt
}

func newConsole(s settings) *console {
	return &console{s: s, in: bufio.NewReader(s.in)}
}

// lines writes each line of text, after prefix, to Err (toErr) or Out.
func (c *console) lines(toErr bool, prefix, text string) {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		b.WriteString(prefix)
		b.WriteString(line)
		b.WriteByte('\n')
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeLocked(toErr, b.String())
}

// writeLocked writes whole lines to Err or Out, keeping the bars below
// them.
func (c *console) writeLocked(toErr bool, text string) {
	c.clearLocked()
	w := c.s.out
	if toErr {
		w = c.s.err
	}
	io.WriteString(w, text)
	c.drawLocked()
}

// clearLocked erases the bars from the screen, or ends the open prompt's
// line, so that the cursor is at the start of a free line.
func (c *console) clearLocked() {
	if c.prompted {
		io.WriteString(c.s.out, "\n")
		c.prompted = false
	}
	if c.drawn > 0 {
		fmt.Fprintf(c.s.out, cursorUp+eraseBelow, c.drawn)
		c.drawn = 0
	}
}

// drawLocked draws every bar, one line each, unless a prompt waits for its
// answer on the last line.
func (c *console) drawLocked() {
	if len(c.bars) == 0 || c.prompted {
		return
	}
	var b strings.Builder
	width := c.s.barWidth()
	for _, t := range c.bars {
		b.WriteString(t.barLocked(width))
		b.WriteByte('\n')
	}
	io.WriteString(c.s.out, b.String())
	c.drawn = len(c.bars)
}

// redrawLocked replaces the bars on the screen by their current state.
func (c *console) redrawLocked() {
	if c.prompted {
		return
	}
	c.clearLocked()
	c.drawLocked()
}

// removeBarLocked takes t off the bars and prints final in its place.
func (c *console) removeBarLocked(t *tracker, final string) {
	for i, b := range c.bars {
		if b == t {
			c.bars = append(c.bars[:i], c.bars[i+1:]...)
			break
		}
	}
	c.writeLocked(false, final+"\n")
}

// askLine prints prompt, then blocks until a line is read from In, and
// returns it without its line ending. Questions are asked one at a time;
// lines printed meanwhile appear below the prompt.
func (c *console) askLine(prompt string) (string, error) {
	c.ask.Lock()
	defer c.ask.Unlock()
	c.mu.Lock()
	c.clearLocked()
	io.WriteString(c.s.out, prompt)
	c.prompted = true
	c.mu.Unlock()

	line, err := c.in.ReadString('\n')

	c.mu.Lock()
	if c.prompted {
		c.prompted = false
		if !c.s.echo { // no terminal echoed the answer and its newline
			io.WriteString(c.s.out, "\n")
		}
		c.drawLocked()
	}
	c.mu.Unlock()
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("termui: read answer: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
