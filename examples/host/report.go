package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/plugin"
)

// crashes remembers the plugin crashes the host saw. An error that went
// through another plugin (a provisioner's crash, returned by the host to
// the builder, which fails with it) comes back as text only; the record
// lets the host still report the crash properly. Safe for concurrent use.
type crashes struct {
	mu   sync.Mutex // guards list
	list []*plugin.ExitError
}

// note records the *plugin.ExitError in err's chain, if any, and returns
// err.
func (c *crashes) note(err error) error {
	var ee *plugin.ExitError
	if errors.As(err, &ee) {
		c.mu.Lock()
		c.list = append(c.list, ee)
		c.mu.Unlock()
	}
	return err
}

// report prints err through ui: the error on one line, with each crash
// report shortened in it, then the last output of each crashed plugin, one
// line at a time.
func (c *crashes) report(ui packer.Ui, err error) {
	c.note(err)
	c.mu.Lock()
	list := append([]*plugin.ExitError(nil), c.list...)
	c.mu.Unlock()
	msg := err.Error()
	for _, ee := range list {
		if len(ee.Tail) > 0 {
			msg = strings.ReplaceAll(msg, ee.Error(), withoutTail(ee).Error())
		}
	}
	ui.Error("Error: " + msg)
	seen := make(map[*plugin.ExitError]bool)
	for _, ee := range list {
		if seen[ee] {
			continue
		}
		seen[ee] = true
		ui.Error(fmt.Sprintf("Plugin %q (pid %d) died; its last output:", ee.Name, ee.Pid))
		for _, line := range ee.Tail {
			ui.Error("  | " + line)
		}
	}
}

func withoutTail(ee *plugin.ExitError) *plugin.ExitError {
	short := *ee
	short.Tail = nil
	return &short
}
