package packertest

import (
	"fmt"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Environment is a packer.Environment that returns its exported fields and
// records every call. A component name that is not in the matching map (or
// maps to nil) is an error wrapping ErrNotFound.
//
// The zero value is ready to use: it has no Ui, no Cache and no
// components. An Environment is safe for concurrent use.
type Environment struct {
	UiValue        packer.Ui                       // returned by Ui
	CacheValue     packer.Cache                    // returned by Cache
	Builders       map[string]packer.Builder       // looked up by Builder
	Hooks          map[string]packer.Hook          // looked up by Hook
	Provisioners   map[string]packer.Provisioner   // looked up by Provisioner
	PostProcessors map[string]packer.PostProcessor // looked up by PostProcessor

	mu    sync.Mutex // guards calls
	calls []Call
}

var _ packer.Environment = (*Environment)(nil)

// Ui records the call and returns e.UiValue.
func (e *Environment) Ui() packer.Ui {
	e.record("Ui", "")
	return e.UiValue
}

// Cache records the call and returns e.CacheValue.
func (e *Environment) Cache() packer.Cache {
	e.record("Cache", "")
	return e.CacheValue
}

// Builder records the call and returns e.Builders[name].
func (e *Environment) Builder(name string) (packer.Builder, error) {
	e.record("Builder", name)
	return lookup(e.Builders, "builder", name)
}

// Hook records the call and returns e.Hooks[name].
func (e *Environment) Hook(name string) (packer.Hook, error) {
	e.record("Hook", name)
	return lookup(e.Hooks, "hook", name)
}

// Provisioner records the call and returns e.Provisioners[name].
func (e *Environment) Provisioner(name string) (packer.Provisioner, error) {
	e.record("Provisioner", name)
	return lookup(e.Provisioners, "provisioner", name)
}

// PostProcessor records the call and returns e.PostProcessors[name].
func (e *Environment) PostProcessor(name string) (packer.PostProcessor, error) {
	e.record("PostProcessor", name)
	return lookup(e.PostProcessors, "post-processor", name)
}

// Calls returns every call so far, in order.
func (e *Environment) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.calls...)
}

func (e *Environment) record(method, name string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, Call{Method: method, Name: name})
}

// lookup returns m[name], or an error wrapping ErrNotFound when there is no
// such component. T is one of the packer component interfaces.
func lookup[T comparable](m map[string]T, kind, name string) (T, error) {
	var zero T
	c, ok := m[name]
	if !ok || c == zero {
		return zero, fmt.Errorf("packertest: environment: %s %q: %w", kind, name, ErrNotFound)
	}
	return c, nil
}
