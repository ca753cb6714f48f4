package plugin

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

func init() {
	// A set of every kind, with a default builder; Run is its main.
	helpers["set"] = func() int {
		writePidFile()
		testSet(true).runMain(os.Args[1:])
		return 0 // not reached: runMain exits
	}
	// A binary that answers describe with something else than JSON.
	helpers["notjson"] = func() int {
		fmt.Println("version 1")
		return 0
	}
	// The same set without default components.
	helpers["set-nodefault"] = func() int {
		testSet(false).runMain(os.Args[1:])
		return 0
	}
}

// testSetVersion is the version of the helper set.
const testSetVersion = "1.2.3-test"

// made counts the component instances the factories of the helper set
// made in its process.
var made atomic.Int64

// testSet returns the set of the "set" helper plugins: builders "counter"
// (and, with withDefault, "-"), "blocker" and "stub"; hook "mark";
// post-processor "keep"; provisioner "say"; command "hello".
func testSet(withDefault bool) *Set {
	s := NewSet()
	s.SetVersion(testSetVersion)
	if withDefault {
		s.RegisterBuilder(DefaultName, func() packer.Builder { made.Add(1); return new(counter) })
	}
	s.RegisterBuilder("counter", func() packer.Builder { made.Add(1); return new(counter) })
	s.RegisterBuilder("blocker", func() packer.Builder { made.Add(1); return blocker{} })
	s.RegisterBuilder("stub", func() packer.Builder { made.Add(1); return stubBuilder{} })
	s.RegisterHook("mark", func() packer.Hook { made.Add(1); return &packertest.Hook{} })
	s.RegisterPostProcessor("keep", func() packer.PostProcessor {
		made.Add(1)
		return &packertest.PostProcessor{}
	})
	s.RegisterProvisioner("say", func() packer.Provisioner {
		made.Add(1)
		return &packertest.Provisioner{}
	})
	s.RegisterCommand("hello", func() packer.Command {
		made.Add(1)
		return &packertest.Command{HelpText: "hello help", SynopsisText: "says hello",
			RunFunc: func(context.Context, packer.Environment, []string) int { return 7 }}
	})
	return s
}

// counter is a builder with state of its own: Prepare("Count") counts
// its calls on this instance and returns the count as its warning;
// Prepare("Made") returns how many instances the process has made, and
// Prepare("Pid") the process id.
type counter struct{ n atomic.Int64 }

func (c *counter) Prepare(raws ...interface{}) ([]string, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	switch raws[0] {
	case "Count":
		return []string{fmt.Sprint(c.n.Add(1))}, nil
	case "Made":
		return []string{fmt.Sprint(made.Load())}, nil
	case "Pid":
		return []string{fmt.Sprint(os.Getpid())}, nil
	}
	return nil, fmt.Errorf("counter: unknown request %v", raws[0])
}

func (c *counter) Run(context.Context, packer.Ui, packer.Hook) (packer.Artifact, error) {
	return nil, nil
}

// blocker is a builder whose Run says "running" on its Ui and then waits
// for its context to end.
type blocker struct{}

func (blocker) Prepare(...interface{}) ([]string, error) { return nil, nil }

func (blocker) Run(ctx context.Context, ui packer.Ui, _ packer.Hook) (packer.Artifact, error) {
	ui.Say("running")
	<-ctx.Done()
	return nil, ctx.Err()
}
