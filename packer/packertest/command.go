package packertest

import (
	"context"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Command is a packer.Command that records its calls. Run calls RunFunc
// when it is set, and otherwise says a line naming its arguments on the
// environment's Ui (when there is one) and returns 0.
//
// The zero value is ready to use. A Command is safe for concurrent use.
type Command struct {
	HelpText     string // returned by Help
	SynopsisText string // returned by Synopsis

	// RunFunc, if not nil, is called by Run.
	RunFunc func(ctx context.Context, env packer.Environment, args []string) int

	mu   sync.Mutex // guards runs
	runs [][]string
}

var _ packer.Command = (*Command)(nil)

// Help returns c.HelpText.
func (c *Command) Help() string { return c.HelpText }

// Synopsis returns c.SynopsisText.
func (c *Command) Synopsis() string { return c.SynopsisText }

// Run records a copy of args, then calls RunFunc or does the default
// described at Command. It blocks as long as RunFunc does.
func (c *Command) Run(ctx context.Context, env packer.Environment, args []string) int {
	c.mu.Lock()
	c.runs = append(c.runs, cloneStrings(args))
	c.mu.Unlock()
	if c.RunFunc != nil {
		return c.RunFunc(ctx, env, args)
	}
	if env != nil {
		if ui := env.Ui(); ui != nil {
			ui.Say("packertest: command " + strings.Join(args, " "))
		}
	}
	return 0
}

// RunCalls returns the args of every Run call so far, in order.
func (c *Command) RunCalls() [][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][]string, len(c.runs))
	for i, args := range c.runs {
		out[i] = cloneStrings(args)
	}
	return out
}
