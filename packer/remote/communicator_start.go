package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// Start and Wait. The caller serves a stream for each of cmd's Stdin,
// Stdout and Stderr that is set, and calls Start with their ids; the
// callee dials them, runs the command through the real Communicator with
// a RemoteCmd wired to them, and returns. The caller then waits for the
// end with a Wait call on its own goroutine. When the command has ended,
// the callee closes the streams (after the command's last output) and
// answers Wait; the caller lets the output copies drain and only then
// calls cmd.SetExited (or cmd.SetError). The Start call's context stays
// with the command: cancelling it, even after Start returned, stops the
// command.

// Start starts cmd on the peer and returns once it has started. If the
// transport fails while the command runs, the command ends with
// cmd.SetError (exit status packer.ExitStatusUnknown).
//
// A goroutine copies cmd.Stdin to the command; like os/exec, it returns
// only when a Read of cmd.Stdin does, which may be after the command
// ended if cmd.Stdin never ends.
func (c *communicatorClient) Start(ctx context.Context, cmd *packer.RemoteCmd) error {
	streams, err := startCmdStreams(c.Conn(), cmd)
	if err != nil {
		return err
	}
	args := &wire.StartArgs{Command: cmd.Command, Stdin: streams.id(streams.stdin),
		Stdout: streams.id(streams.stdout), Stderr: streams.id(streams.stderr)}
	stop, err := c.Proxy.Start(ctx, "Start", args, new(objrpc.Empty))
	if err != nil {
		stop()
		streams.finish(true)
		return err
	}
	go c.wait(args.ID, cmd, streams, stop)
	return nil
}

// wait waits for the command's end on the peer and reports it to cmd. It
// owns streams and the cancel forwarding (stop).
func (c *communicatorClient) wait(id uint64, cmd *packer.RemoteCmd, streams *cmdStreams, stop func() bool) {
	defer stop()
	var reply wire.WaitReply
	err := c.Call("Wait", &wire.WaitArgs{ID: id}, &reply)
	var re *objrpc.Error
	streams.finish(err != nil && !errors.As(err, &re)) // no reply: cut the output
	if err != nil {
		cmd.SetError(fmt.Errorf("remote: command %q: %w", cmd.Command, err))
		return
	}
	cmd.SetExited(reply.Status)
}

// cmdStreams are the streams a caller serves for one command.
type cmdStreams struct {
	stdin, stdout, stderr *objrpc.DataStream // nil when cmd has none
}

func startCmdStreams(c *objrpc.Conn, cmd *packer.RemoteCmd) (*cmdStreams, error) {
	s := new(cmdStreams)
	var fns [3]func(net.Conn) error
	if r := cmd.Stdin; r != nil {
		fns[0] = func(conn net.Conn) error {
			_, err := io.Copy(conn, r)
			return err // the stream is closed next: the command reads EOF
		}
	}
	if w := cmd.Stdout; w != nil {
		fns[1] = func(conn net.Conn) error { _, err := io.Copy(w, conn); return err }
	}
	if w := cmd.Stderr; w != nil {
		fns[2] = func(conn net.Conn) error { _, err := io.Copy(w, conn); return err }
	}
	for i, d := range []**objrpc.DataStream{&s.stdin, &s.stdout, &s.stderr} {
		if fns[i] == nil {
			continue
		}
		var err error
		if *d, err = c.ServeData(fns[i]); err != nil {
			s.finish(true)
			return nil, err
		}
	}
	return s, nil
}

func (s *cmdStreams) id(d *objrpc.DataStream) uint32 {
	if d == nil {
		return 0
	}
	return d.ID()
}

// finish ends the streams once the command has ended: stdout and stderr
// drain to their end (or, with abort, are cut), and stdin is abandoned
// without waiting for a Read of cmd.Stdin that may never return.
func (s *cmdStreams) finish(abort bool) {
	if s.stdin != nil {
		s.stdin.Abort() // its copy may wait for a Read of cmd.Stdin that never returns
	}
	for _, d := range []*objrpc.DataStream{s.stdout, s.stderr} {
		if d != nil {
			_ = d.Finish(abort) // a failed copy is the writer's business
		}
	}
}

// runningCmd is a command the callee started and the caller has not yet
// waited for.
type runningCmd struct {
	rc    *packer.RemoteCmd
	end   func() // ends the Start call's context
	conns []net.Conn
	once  sync.Once
}

// dial dials the caller's streams and wires them to r.rc.
func (r *runningCmd) dial(ctx context.Context, c *objrpc.Conn, args *wire.StartArgs) error {
	for _, s := range []struct {
		id  uint32
		set func(net.Conn)
	}{
		{args.Stdin, func(c net.Conn) { r.rc.Stdin = c }},
		{args.Stdout, func(c net.Conn) { r.rc.Stdout = c }},
		{args.Stderr, func(c net.Conn) { r.rc.Stderr = c }},
	} {
		if s.id == 0 {
			continue
		}
		conn, err := c.Broker().Dial(ctx, s.id)
		if err == nil {
			_, err = conn.Write(nil) // announce the dial: nothing else may come soon
		}
		if err != nil {
			return fmt.Errorf("remote: command %q: open stream: %w", args.Command, err)
		}
		r.conns = append(r.conns, conn)
		s.set(conn)
	}
	return nil
}

// release closes the streams and ends the context; it is idempotent.
func (r *runningCmd) release() {
	r.once.Do(func() {
		for _, c := range r.conns {
			c.Close()
		}
		r.end()
	})
}

func (s *communicatorServer) Start(c *objrpc.Call, args *wire.StartArgs, _ *objrpc.Empty) error {
	ctx := c.Context()
	run := &runningCmd{rc: &packer.RemoteCmd{Command: args.Command}, end: c.KeepContext()}
	added, started := false, false
	defer func() {
		if !started {
			if added {
				s.cmds.Get(args.ID, true)
			}
			run.release()
		}
	}()
	if err := run.dial(ctx, c.Conn(), args); err != nil {
		return err
	}
	if added = s.cmds.Put(args.ID, run); !added {
		return fmt.Errorf("remote: command %q: %w", args.Command, objrpc.ErrExpired)
	}
	if err := s.c.Start(ctx, run.rc); err != nil {
		return err
	}
	started = true
	return nil
}

// Wait waits for the command started by the Start call args.ID to end,
// then closes its streams and reports its exit status, or the error it
// ended with. If the Communicator stops being served first, the command's
// context ends and Wait fails with ErrExpired.
func (s *communicatorServer) Wait(c *objrpc.Call, args *wire.WaitArgs, reply *wire.WaitReply) error {
	run := s.cmds.Get(args.ID, false)
	if run == nil {
		return fmt.Errorf("remote: Communicator.Wait: no command %d: %w", args.ID, objrpc.ErrProtocol)
	}
	select {
	case <-run.rc.Done():
	case <-c.Lifetime().Done():
	}
	s.cmds.Get(args.ID, true)
	run.release()
	select {
	case <-run.rc.Done():
		reply.Status = run.rc.ExitStatus()
		return run.rc.Wait(context.Background())
	default:
		return fmt.Errorf("remote: command %q: the communicator went away: %w", run.rc.Command, objrpc.ErrExpired)
	}
}
