package packertest

import (
	"context"
	"fmt"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Builder is a packer.Builder that records its calls. Prepare and Run call
// PrepareFunc and RunFunc when they are set, and do the documented default
// otherwise.
//
// The zero value is ready to use. A Builder is safe for concurrent use.
type Builder struct {
	// PrepareFunc, if not nil, is called by Prepare. Without it, Prepare
	// returns no warnings and no error.
	PrepareFunc func(raws ...interface{}) ([]string, error)

	// RunFunc, if not nil, is called by Run. Without it, Run says a line on
	// the Ui, runs the hook (if not nil) at packer.HookProvision with
	// Communicator and HookData, and returns ArtifactValue.
	RunFunc func(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error)

	// Communicator is what the default Run gives the hook; it may be nil.
	Communicator packer.Communicator

	// HookData is the data the default Run gives the hook.
	HookData interface{}

	// ArtifactValue is what the default Run returns. Nil means the build
	// produced nothing.
	ArtifactValue packer.Artifact

	mu       sync.Mutex // guards the fields below
	prepares [][]interface{}
	runs     int
}

var _ packer.Builder = (*Builder)(nil)

// Prepare records raws and calls PrepareFunc, if set.
func (b *Builder) Prepare(raws ...interface{}) ([]string, error) {
	b.mu.Lock()
	b.prepares = append(b.prepares, cloneRaws(raws))
	b.mu.Unlock()
	if b.PrepareFunc != nil {
		return b.PrepareFunc(raws...)
	}
	return nil, nil
}

// Run records the call and calls RunFunc, or does the default described at
// RunFunc. The default returns an error wrapping the hook's if the hook
// fails, and ctx's error if ctx has ended once the hook returns. It blocks
// as long as RunFunc or the hook do.
func (b *Builder) Run(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
	b.mu.Lock()
	b.runs++
	b.mu.Unlock()
	if b.RunFunc != nil {
		return b.RunFunc(ctx, ui, hook)
	}
	if ui != nil {
		ui.Say("packertest: building")
	}
	if hook != nil {
		if err := hook.Run(ctx, packer.HookProvision, ui, b.Communicator, b.HookData); err != nil {
			return nil, fmt.Errorf("packertest: builder: hook %s: %w", packer.HookProvision, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("packertest: builder: %w", err)
	}
	return b.ArtifactValue, nil
}

// PrepareCalls returns the raws of every Prepare call so far, in order.
func (b *Builder) PrepareCalls() [][]interface{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return cloneRawsList(b.prepares)
}

// RunCalls returns how many times Run was called.
func (b *Builder) RunCalls() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.runs
}

// cloneRaws copies raws, keeping a nil slice nil.
func cloneRaws(raws []interface{}) []interface{} {
	if raws == nil {
		return nil
	}
	return append([]interface{}(nil), raws...)
}

func cloneRawsList(list [][]interface{}) [][]interface{} {
	out := make([][]interface{}, len(list))
	for i, raws := range list {
		out[i] = cloneRaws(raws)
	}
	return out
}
