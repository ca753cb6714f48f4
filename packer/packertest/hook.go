package packertest

import (
	"context"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// HookCall is one call to Hook.Run.
type HookCall struct {
	Name string      // the hook point
	Data interface{} // the hook data, as received

	// Ui and Comm are the Ui and Communicator the call received (either
	// may be nil). Received across a plugin connection, they may stop
	// working once the call has returned.
	Ui   packer.Ui
	Comm packer.Communicator
}

// Hook is a packer.Hook that records its calls. Run calls RunFunc when it
// is set and returns nil otherwise.
//
// The zero value is ready to use. A Hook is safe for concurrent use.
type Hook struct {
	// RunFunc, if not nil, is called by Run.
	RunFunc func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error

	mu    sync.Mutex // guards calls
	calls []HookCall
}

var _ packer.Hook = (*Hook)(nil)

// Run records the call and returns what RunFunc returns, or nil. It blocks
// as long as RunFunc does.
func (h *Hook) Run(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
	h.mu.Lock()
	h.calls = append(h.calls, HookCall{Name: name, Data: data, Ui: ui, Comm: comm})
	h.mu.Unlock()
	if h.RunFunc != nil {
		return h.RunFunc(ctx, name, ui, comm, data)
	}
	return nil
}

// Calls returns every Run call so far, in order.
func (h *Hook) Calls() []HookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]HookCall(nil), h.calls...)
}

// Names returns the hook point of every Run call so far, in order.
func (h *Hook) Names() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, c := range h.calls {
		out = append(out, c.Name)
	}
	return out
}
