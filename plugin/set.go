package plugin

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote"
)

// Kind names a kind of component, spelled as the handshake line, the
// control service, describe and errors spell it.
type Kind string

// The five kinds of component.
const (
	KindBuilder       Kind = kindBuilder
	KindCommand       Kind = kindCommand
	KindHook          Kind = kindHook
	KindPostProcessor Kind = kindPostProcessor
	KindProvisioner   Kind = kindProvisioner
)

// allKinds lists every kind with its remote service, in the fixed order
// the handshake line, Control.Info and describe use.
var allKinds = []struct {
	kind    Kind
	service string
}{
	{KindBuilder, remote.BuilderService},
	{KindCommand, remote.CommandService},
	{KindHook, remote.HookService},
	{KindPostProcessor, remote.PostProcessorService},
	{KindProvisioner, remote.ProvisionerService},
}

// serviceOf returns the remote service of kind k, or "" for an unknown
// kind.
func serviceOf(k Kind) string {
	for _, ks := range allKinds {
		if ks.kind == k {
			return ks.service
		}
	}
	return ""
}

// DefaultName is the name of a set's default component of a kind, the
// one Client.Builder (Command, Hook, ...) returns; packer-plugin-sdk's
// sets use the same name for the component named after the plugin itself.
// A plugin served by ServeBuilder and friends offers its one component
// under this name.
const DefaultName = "-"

// maxNameLen bounds the length of a component name.
const maxNameLen = 128

// factory makes one instance of a component.
type factory func() interface{}

// Set is a plugin that serves several named components of every kind, as
// today's Packer plugins do (packer-plugin-sdk's plugin.Set): the host
// picks one by kind and name (Client.BuilderNamed and friends), and every
// such request gets a fresh instance, made by the factory registered under
// that name and served on a stream of its own over the process's one
// connection, for as long as the host keeps its proxy. A component
// registered under DefaultName is also the single component that
// Client.Builder (Command, Hook, ...) reaches: one instance per session,
// made when the host connects.
//
// Register the components, then call Run from main (or Serve). A Set is
// safe for concurrent use; components registered after serving began are
// offered to the sessions that start later.
type Set struct {
	mu         sync.Mutex // guards the fields below
	version    string
	components map[Kind]map[string]factory
}

// NewSet returns an empty set. It does not block.
func NewSet() *Set {
	return &Set{components: make(map[Kind]map[string]factory)}
}

// singleSet is the set of a plugin served with Serve or ServeBuilder and
// friends: component, under DefaultName, for each kind it implements.
// Requests for it get that one value, not copies.
func singleSet(component interface{}) (*Set, error) {
	kinds, err := componentKinds(component)
	if err != nil {
		return nil, err
	}
	s := NewSet()
	for _, k := range kinds {
		s.add(Kind(k), DefaultName, func() interface{} { return component })
	}
	return s, nil
}

// RegisterBuilder registers factory as the builder called name: every
// request for it gets the builder factory returns then. It panics if name
// is empty, longer than 128 bytes, or holds anything but ASCII letters,
// digits and "-", "_", "."; if factory is nil; or if the set already has a
// builder of that name. It is safe for concurrent use.
func (s *Set) RegisterBuilder(name string, factory func() packer.Builder) {
	s.register(KindBuilder, name, factory != nil, func() interface{} { return factory() })
}

// RegisterCommand is RegisterBuilder for a command.
func (s *Set) RegisterCommand(name string, factory func() packer.Command) {
	s.register(KindCommand, name, factory != nil, func() interface{} { return factory() })
}

// RegisterHook is RegisterBuilder for a hook.
func (s *Set) RegisterHook(name string, factory func() packer.Hook) {
	s.register(KindHook, name, factory != nil, func() interface{} { return factory() })
}

// RegisterPostProcessor is RegisterBuilder for a post-processor.
func (s *Set) RegisterPostProcessor(name string, factory func() packer.PostProcessor) {
	s.register(KindPostProcessor, name, factory != nil, func() interface{} { return factory() })
}

// RegisterProvisioner is RegisterBuilder for a provisioner.
func (s *Set) RegisterProvisioner(name string, factory func() packer.Provisioner) {
	s.register(KindProvisioner, name, factory != nil, func() interface{} { return factory() })
}

// SetVersion sets the plugin's version, which describe and Control.Info
// report (packer-plugin-sdk reports a semantic version such as "1.2.0";
// any string is accepted). The default is "". It is safe for concurrent
// use.
func (s *Set) SetVersion(version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version = version
}

// register is the body of the Register* methods; ok is false for a nil
// factory.
func (s *Set) register(k Kind, name string, ok bool, f factory) {
	if !ok {
		panic(fmt.Sprintf("plugin: register %s %q: nil factory", k, name))
	}
	if err := checkName(name); err != nil {
		panic(fmt.Sprintf("plugin: register %s: %v", k, err))
	}
	if !s.add(k, name, f) {
		panic(fmt.Sprintf("plugin: register %s %q: already registered", k, name))
	}
}

// add registers f as the component of kind k called name, unless there
// is one already.
func (s *Set) add(k Kind, name string, f factory) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	byName := s.components[k]
	if byName == nil {
		byName = make(map[string]factory)
		s.components[k] = byName
	}
	if byName[name] != nil {
		return false
	}
	byName[name] = f
	return true
}

// checkName checks that name can be a component's name.
func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("name %q: want 1 to %d bytes", name, maxNameLen)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return fmt.Errorf("name %q: want ASCII letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}

// Description returns what the set offers, as describe prints it. It
// does not block and is safe for concurrent use.
func (s *Set) Description() *Description {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &Description{Version: s.version, ProtocolVersions: slices.Clone(supportedVersions)}
	for _, ks := range allKinds {
		names := make([]string, 0, len(s.components[ks.kind]))
		for name := range s.components[ks.kind] {
			names = append(names, name)
		}
		sort.Strings(names)
		*d.list(ks.kind) = names
	}
	return d
}

// factory returns the factory of the component of kind k called name, or
// an error wrapping ErrUnknownComponent that lists what the set offers.
func (s *Set) factory(k Kind, name string) (factory, error) {
	s.mu.Lock()
	f := s.components[k][name]
	s.mu.Unlock()
	if f == nil {
		return nil, s.Description().Lookup(k, name)
	}
	return f, nil
}

// defaultKinds returns the kinds of which the set has a default
// component, in the fixed order, or nil if none.
func (s *Set) defaultKinds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var kinds []string
	for _, ks := range allKinds {
		if s.components[ks.kind][DefaultName] != nil {
			kinds = append(kinds, string(ks.kind))
		}
	}
	return kinds
}

// empty reports whether the set has no component at all.
func (s *Set) empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, byName := range s.components {
		if len(byName) > 0 {
			return false
		}
	}
	return true
}

// mainServices makes the default components of one session and returns
// the services that serve them on the plugin's main object, by name.
func (s *Set) mainServices() (map[string]interface{}, error) {
	services := make(map[string]interface{})
	for _, k := range s.defaultKinds() {
		inst, err := s.instance(Kind(k), DefaultName)
		if err != nil {
			return nil, err
		}
		rcvr, err := remote.ComponentReceiver(serviceOf(Kind(k)), inst)
		if err != nil {
			return nil, err
		}
		services[serviceOf(Kind(k))] = rcvr
	}
	return services, nil
}

// instance makes an instance of the component of kind k called name.
func (s *Set) instance(k Kind, name string) (interface{}, error) {
	f, err := s.factory(k, name)
	if err != nil {
		return nil, err
	}
	inst := f()
	if inst == nil {
		return nil, fmt.Errorf("plugin: the factory of %s %q returned nil", k, name)
	}
	return inst, nil
}
