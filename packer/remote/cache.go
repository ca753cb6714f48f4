package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// cacheKind serves a packer.Cache as service "Cache".
var cacheKind = &kind{svc: "Cache", rcvr: func(st site, obj interface{}) interface{} {
	return &cacheServer{st: st, c: obj.(packer.Cache)}
}}

// cacheClient is a packer.Cache whose methods are calls to a Cache the peer
// serves. Its methods have no error result: a failed call is logged, and
// Lock and RLock then return an empty path (and false).
type cacheClient struct{ *peer }

func newCacheClient(p *peer) packer.Cache { return &cacheClient{p} }

func (c *cacheClient) Lock(key string) string {
	var reply wire.StringReply
	c.logFailure("Lock", c.call("Lock", &wire.StringArgs{S: key}, &reply))
	return reply.S
}

func (c *cacheClient) Unlock(key string) {
	c.logFailure("Unlock", c.call("Unlock", &wire.StringArgs{S: key}, new(wire.ErrReply)))
}

func (c *cacheClient) RLock(key string) (string, bool) {
	var reply wire.RLockReply
	c.logFailure("RLock", c.call("RLock", &wire.StringArgs{S: key}, &reply))
	return reply.Path, reply.OK
}

func (c *cacheClient) RUnlock(key string) {
	c.logFailure("RUnlock", c.call("RUnlock", &wire.StringArgs{S: key}, new(wire.ErrReply)))
}

// cacheServer serves a packer.Cache.
type cacheServer struct {
	st site
	c  packer.Cache
}

func (s *cacheServer) Lock(args *wire.StringArgs, reply *wire.StringReply) error {
	defer s.st.guard("Cache.Lock", &reply.Err)
	reply.S = s.c.Lock(args.S)
	return nil
}

func (s *cacheServer) Unlock(args *wire.StringArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Cache.Unlock", &reply.Err)
	s.c.Unlock(args.S)
	return nil
}

func (s *cacheServer) RLock(args *wire.StringArgs, reply *wire.RLockReply) error {
	defer s.st.guard("Cache.RLock", &reply.Err)
	reply.Path, reply.OK = s.c.RLock(args.S)
	return nil
}

func (s *cacheServer) RUnlock(args *wire.StringArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Cache.RUnlock", &reply.Err)
	s.c.RUnlock(args.S)
	return nil
}
