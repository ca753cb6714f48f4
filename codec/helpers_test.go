package codec

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/rpc"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// Payload is the argument and reply of the test service.
type Payload struct {
	Name string
	Data []byte
	N    int64
}

// Svc is the net/rpc service the contract tests call.
type Svc struct{}

// Echo returns its argument.
func (Svc) Echo(args *Payload, reply *Payload) error {
	*reply = *args
	return nil
}

// Fail returns an error whose text carries the argument's name.
func (Svc) Fail(args *Payload, reply *Payload) error {
	return errors.New("svc: refused " + args.Name)
}

// Big replies with args.N bytes of data.
func (Svc) Big(args *Payload, reply *Payload) error {
	reply.Data = make([]byte, args.N)
	return nil
}

// transport makes a connected pair of net.Conns for one test.
type transport struct {
	name string
	pair func(tb testing.TB) (client, server net.Conn)
}

// transports are the three kinds of connection the codec must work over.
var transports = []transport{
	{"pipe", pipePair},
	{"tcp", func(tb testing.TB) (net.Conn, net.Conn) { return listenPair(tb, "tcp", "127.0.0.1:0") }},
	{"unix", func(tb testing.TB) (net.Conn, net.Conn) {
		return listenPair(tb, "unix", filepath.Join(tb.TempDir(), "s"))
	}},
}

func pipePair(tb testing.TB) (net.Conn, net.Conn) {
	tb.Helper()
	c, s := net.Pipe()
	tb.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}

// listenPair listens on network/addr, dials it once and returns both ends.
func listenPair(tb testing.TB, network, addr string) (net.Conn, net.Conn) {
	tb.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		tb.Fatalf("listen %s %s: %v", network, addr, err)
	}
	defer ln.Close()
	type result struct {
		c   net.Conn
		err error
	}
	accepted := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		accepted <- result{c, err}
	}()
	client, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		ln.Close()
		<-accepted
		tb.Fatalf("dial %s %s: %v", network, ln.Addr(), err)
	}
	r := <-accepted
	if r.err != nil {
		client.Close()
		tb.Fatalf("accept %s: %v", network, r.err)
	}
	tb.Cleanup(func() { client.Close(); r.c.Close() })
	return client, r.c
}

// serveRPC serves Svc with the msgpack server codec on conn until conn
// ends, and returns an rpc.Client that uses the msgpack client codec on
// peer. Cleanup closes the client and waits for the server to finish.
func serveRPC(tb testing.TB, client, server io.ReadWriteCloser) *rpc.Client {
	tb.Helper()
	srv := rpc.NewServer()
	if err := srv.Register(Svc{}); err != nil {
		tb.Fatalf("register: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeCodec(NewServerCodec(server))
	}()
	c := rpc.NewClientWithCodec(NewClientCodec(client))
	tb.Cleanup(func() {
		c.Close()
		<-done
	})
	return c
}

// countingConn wraps a ReadWriteCloser and records every Write and Close.
type countingConn struct {
	io.ReadWriteCloser
	mu     sync.Mutex
	writes []int // length of each Write
	closes atomic.Int32
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, len(p))
	c.mu.Unlock()
	return c.ReadWriteCloser.Write(p)
}

func (c *countingConn) Close() error {
	c.closes.Add(1)
	return c.ReadWriteCloser.Close()
}

// takeWrites returns the lengths of the writes seen so far and forgets them.
func (c *countingConn) takeWrites() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.writes
	c.writes = nil
	return w
}

// memConn is an in-memory ReadWriteCloser: reads come from r, writes go to w.
type memConn struct {
	r      io.Reader
	w      bytes.Buffer
	closed atomic.Int32
}

func newMemConn(in []byte) *memConn { return &memConn{r: bytes.NewReader(in)} }

func (m *memConn) Read(p []byte) (int, error)  { return m.r.Read(p) }
func (m *memConn) Write(p []byte) (int, error) { return m.w.Write(p) }
func (m *memConn) Close() error {
	m.closed.Add(1)
	return nil
}

// frame builds a raw frame: a big-endian length prefix and then parts.
func frame(parts ...[]byte) []byte {
	var body []byte
	for _, p := range parts {
		body = append(body, p...)
	}
	n := len(body)
	return append([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// mustMarshal is Marshal for test fixtures.
func mustMarshal(tb testing.TB, v interface{}) []byte {
	tb.Helper()
	b, err := Marshal(v)
	if err != nil {
		tb.Fatalf("Marshal(%#v): %v", v, err)
	}
	return b
}

// requestFrame is the wire form of one request with the given header
// fields and body.
func requestFrame(tb testing.TB, method string, seq uint64, body interface{}) []byte {
	tb.Helper()
	return frame(mustMarshal(tb, []interface{}{method, seq}), mustMarshal(tb, body))
}
