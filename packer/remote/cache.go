package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// cacheKind serves a packer.Cache as service "Cache".
var cacheKind = objrpc.NewKind("Cache", func(obj interface{}) interface{} {
	return &cacheServer{c: obj.(packer.Cache)}
})

// cacheClient is a packer.Cache whose methods are calls to a Cache the peer
// serves. Its methods have no error result: a failed call is logged, and
// Lock and RLock then return an empty path (and false).
type cacheClient struct{ *objrpc.Proxy }

func newCacheClient(p *objrpc.Proxy) packer.Cache { return &cacheClient{p} }

func (c *cacheClient) Lock(key string) string {
	var reply wire.StringReply
	c.LogFailure("Lock", c.Call("Lock", &wire.StringArgs{S: key}, &reply))
	return reply.S
}

func (c *cacheClient) Unlock(key string) {
	c.LogFailure("Unlock", c.Call("Unlock", &wire.StringArgs{S: key}, new(objrpc.Empty)))
}

func (c *cacheClient) RLock(key string) (string, bool) {
	var reply wire.RLockReply
	c.LogFailure("RLock", c.Call("RLock", &wire.StringArgs{S: key}, &reply))
	return reply.Path, reply.OK
}

func (c *cacheClient) RUnlock(key string) {
	c.LogFailure("RUnlock", c.Call("RUnlock", &wire.StringArgs{S: key}, new(objrpc.Empty)))
}

// cacheServer serves a packer.Cache.
type cacheServer struct{ c packer.Cache }

func (s *cacheServer) Lock(_ *objrpc.Call, args *wire.StringArgs, reply *wire.StringReply) error {
	reply.S = s.c.Lock(args.S)
	return nil
}

func (s *cacheServer) Unlock(_ *objrpc.Call, args *wire.StringArgs, _ *objrpc.Empty) error {
	s.c.Unlock(args.S)
	return nil
}

func (s *cacheServer) RLock(_ *objrpc.Call, args *wire.StringArgs, reply *wire.RLockReply) error {
	reply.Path, reply.OK = s.c.RLock(args.S)
	return nil
}

func (s *cacheServer) RUnlock(_ *objrpc.Call, args *wire.StringArgs, _ *objrpc.Empty) error {
	s.c.RUnlock(args.S)
	return nil
}
