package remote

import (
	"context"
	"fmt"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// peer is the client side of one object the peer serves: the proxies of
// every interface embed one and make their calls through it. id is the
// object's id in the peer's namespace, 0 for a main component (whose
// client the user gave to a New function).
type peer struct {
	b    *mux.Broker
	id   uint32
	svc  string // the service name, "Ui", "Builder", ...
	link *link
	opts *options
}

// newMainPeer returns the peer of a main component reached through c.
func newMainPeer(c Caller, b *mux.Broker, svc string, o *Options) *peer {
	return &peer{b: b, svc: svc, link: newFixedLink(b, c), opts: newOptions(o)}
}

// newScopedPeer returns a peer of the object id whose stream belongs to s
// (it is closed with s).
func newScopedPeer(s *scope, svc string, id uint32) *peer {
	return &peer{b: s.b, id: id, svc: svc, link: s.link(id), opts: s.opts}
}

// newSessionPeer returns a peer of the object id whose stream lasts as long
// as the session (returned artifacts).
func newSessionPeer(b *mux.Broker, opts *options, svc string, id uint32) *peer {
	return &peer{b: b, id: id, svc: svc, link: &link{b: b, id: id}, opts: opts}
}

func (p *peer) remoteRef() (*mux.Broker, uint32) { return p.b, p.id }

// call calls method on the object and returns the transport failure or the
// error the remote method returned.
func (p *peer) call(method string, args interface{}, reply wire.Reply) error {
	name := p.svc + "." + method
	c, err := p.link.client()
	if err != nil {
		return p.opts.transportError(p.b, name, err)
	}
	if err := c.start(name, args, reply)(); err != nil {
		return p.failure(name, err)
	}
	return decodeError(reply.Failure())
}

// failure describes a call of name that got no reply: the object's
// lifetime ended under it (ErrExpired), or the transport failed.
func (p *peer) failure(name string, err error) error {
	if p.link.expired() {
		return fmt.Errorf("remote: %s: %w (%v)", name, ErrExpired, err)
	}
	return p.opts.transportError(p.b, name, err)
}

// callCtx makes a long call: it fills in *call from ctx (id, deadline,
// already cancelled), sends the request and, while waiting for the reply,
// forwards the end of ctx to the peer as a Cancel of this call.
func (p *peer) callCtx(ctx context.Context, method string, call *wire.Call, args interface{}, reply wire.Reply) error {
	stop, err := p.startCtx(ctx, method, call, args, reply)
	stop()
	return err
}

// startCtx is callCtx without the end: the end of ctx is forwarded as a
// Cancel of the call until the caller calls stop (never nil), which may be
// long after the reply (Communicator.Start).
func (p *peer) startCtx(ctx context.Context, method string, call *wire.Call, args interface{}, reply wire.Reply) (stop func() bool, err error) {
	name := p.svc + "." + method
	c, err := p.link.client()
	if err != nil {
		return func() bool { return true }, p.opts.transportError(p.b, name, err)
	}
	*call = newCall(ctx)
	wait := c.start(name, args, reply)
	stop = forwardCancel(ctx, c, p.svc, *call)
	if err := wait(); err != nil {
		return stop, p.failure(name, err)
	}
	return stop, decodeError(reply.Failure())
}

// logFailure reports the failure of a call whose method has no error
// result to return it in.
func (p *peer) logFailure(method string, err error) {
	if err != nil {
		p.opts.log.Warn("remote: call failed", "method", p.svc+"."+method, "err", err)
	}
}

// valueLimit bounds an encoded interface{} value, leaving room in
// codec.MaxMessageSize for the rest of its message.
const valueLimit = codec.MaxMessageSize - 64<<10

// encodeValue encodes an interface{} value that crosses the wire (see the
// package doc for what survives).
func encodeValue(what string, v interface{}) ([]byte, error) {
	b, err := codec.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("remote: encode %s: %w", what, err)
	}
	if len(b) > valueLimit {
		return nil, fmt.Errorf("remote: encode %s: %d bytes, limit %d: %w", what, len(b), valueLimit, codec.ErrTooLarge)
	}
	return b, nil
}

// decodeValue decodes a value encoded by encodeValue. An empty encoding
// (a peer that sent none) is nil.
func decodeValue(what string, b []byte) (interface{}, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var v interface{}
	if err := codec.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("remote: decode %s: %w", what, err)
	}
	return v, nil
}

// encodeRaws and decodeRaws carry the raws of Prepare and Configure.
func encodeRaws(raws []interface{}) ([]byte, error) {
	return encodeValue("configuration", raws)
}

func decodeRaws(b []byte) ([]interface{}, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var raws []interface{}
	if err := codec.Unmarshal(b, &raws); err != nil {
		return nil, fmt.Errorf("remote: decode configuration: %w", err)
	}
	return raws, nil
}
