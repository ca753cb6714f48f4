package remote

import (
	"fmt"
	"runtime/debug"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// guard recovers a panic in the served method named method, logs it with
// its stack, and makes the call fail with code "panic". Every served
// method defers it first: `defer st.guard("Ui.Say", &reply.Err)`.
func (st site) guard(method string, errp **wire.Error) {
	r := recover()
	if r == nil {
		return
	}
	st.opts.log.Error("remote: recovered a panic in a served method",
		"method", method, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	*errp = &wire.Error{Code: codePanic, Message: fmt.Sprintf("remote: panic in %s: %v", method, r)}
}

// importObject turns a wire reference received over b into the object to
// pass to the real method: nil for the nil object, this side's own object
// for "yours", and otherwise a proxy (made by mk) whose stream belongs to
// s. s and mk may be nil when o cannot be a plain reference.
func importObject[T any](s *scope, b *mux.Broker, o wire.Object, svc string, mk func(*peer) T) (T, error) {
	var zero T
	switch {
	case o.ID == 0:
		return zero, nil
	case !o.Yours && s != nil:
		return mk(newScopedPeer(s, svc, o.ID)), nil
	case !o.Yours:
		return zero, fmt.Errorf("remote: %s %d: unexpected reference: %w", svc, o.ID, ErrProtocol)
	}
	obj, ok := registryLookup(b, o.ID)
	if !ok {
		return zero, fmt.Errorf("remote: %s %d handed back: %w", svc, o.ID, ErrExpired)
	}
	t, ok := obj.(T)
	if !ok {
		return zero, fmt.Errorf("remote: object %d handed back as a %s is a %T: %w", o.ID, svc, obj, ErrProtocol)
	}
	return t, nil
}

// importUi, importHook, importComm and importArtifact import the objects a
// call carries into that call's inbound scope in.
func (in *scope) importUi(o wire.Object) (packer.Ui, error) {
	return importObject(in, in.b, o, uiKind.svc, newUiClient)
}

func (in *scope) importHook(o wire.Object) (packer.Hook, error) {
	return importObject(in, in.b, o, hookKind.svc, newHookClient)
}

func (in *scope) importComm(o wire.Object) (packer.Communicator, error) {
	return importObject(in, in.b, o, communicatorKind.svc, newCommunicatorClient)
}

func (in *scope) importArtifact(o wire.Object) (packer.Artifact, error) {
	return importObject(in, in.b, o, artifactKind.svc, newArtifactClient)
}
