package remote

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer"
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
	streams := startCmdStreams(c.b, cmd)
	args := &wire.StartArgs{Command: cmd.Command, Stdin: streams.id(streams.stdin),
		Stdout: streams.id(streams.stdout), Stderr: streams.id(streams.stderr)}
	stop, err := c.startCtx(ctx, "Start", &args.Call, args, new(wire.ErrReply))
	if err != nil {
		stop()
		streams.finish(true)
		return err
	}
	go c.wait(args.Call.ID, cmd, streams, stop)
	return nil
}

// wait waits for the command's end on the peer and reports it to cmd. It
// owns streams and the cancel forwarding (stop).
func (c *communicatorClient) wait(id uint64, cmd *packer.RemoteCmd, streams *cmdStreams, stop func() bool) {
	defer stop()
	const name = "Communicator.Wait"
	var reply wire.WaitReply
	cl, err := c.link.client()
	if err == nil {
		err = cl.start(name, &wire.WaitArgs{ID: id}, &reply)()
	}
	if err != nil {
		streams.finish(true)
		cmd.SetError(fmt.Errorf("remote: command %q: %w", cmd.Command, c.failure(name, err)))
		return
	}
	streams.finish(false)
	if err := decodeError(reply.Err); err != nil {
		cmd.SetError(fmt.Errorf("remote: command %q: %w", cmd.Command, err))
		return
	}
	cmd.SetExited(reply.Status)
}

// cmdStreams are the streams a caller serves for one command.
type cmdStreams struct {
	stdin, stdout, stderr *dataStream // nil when cmd has none
}

func startCmdStreams(b *mux.Broker, cmd *packer.RemoteCmd) *cmdStreams {
	s := new(cmdStreams)
	if r := cmd.Stdin; r != nil {
		s.stdin = serveData(b, func(conn net.Conn) error {
			_, err := io.Copy(conn, r)
			return err // the stream is closed next: the command reads EOF
		})
	}
	if w := cmd.Stdout; w != nil {
		s.stdout = serveData(b, func(conn net.Conn) error { _, err := io.Copy(w, conn); return err })
	}
	if w := cmd.Stderr; w != nil {
		s.stderr = serveData(b, func(conn net.Conn) error { _, err := io.Copy(w, conn); return err })
	}
	return s
}

func (s *cmdStreams) id(d *dataStream) uint32 {
	if d == nil {
		return 0
	}
	return d.id
}

// finish ends the streams once the command has ended: stdout and stderr
// drain to their end (or, with abort, are cut), and stdin is abandoned
// without waiting for a Read of cmd.Stdin that may never return.
func (s *cmdStreams) finish(abort bool) {
	if s.stdin != nil {
		s.stdin.final.Store(true)
		s.stdin.abort()
	}
	for _, d := range []*dataStream{s.stdout, s.stderr} {
		if d != nil {
			_ = d.finish(abort) // a failed copy is the writer's business
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
func (r *runningCmd) dial(ctx context.Context, b *mux.Broker, args *wire.StartArgs) error {
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
		conn, err := b.Dial(ctx, s.id)
		if err == nil {
			_, err = conn.Write(nil) // announce the dial: the caller waits in Accept
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

func (s *communicatorServer) Start(args *wire.StartArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Communicator.Start", &reply.Err)
	ctx, end := s.calls.begin(args.Call, s.st)
	run := &runningCmd{rc: &packer.RemoteCmd{Command: args.Command}, end: end}
	added, started := false, false
	defer func() {
		if !started {
			if added {
				s.cmds.get(args.Call.ID, true)
			}
			run.release()
		}
	}()
	if err := run.dial(ctx, s.st.b, args); err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	if added = s.cmds.put(args.Call.ID, run); !added {
		reply.Err = encodeError(fmt.Errorf("remote: command %q: %w", args.Command, ErrExpired))
		return nil
	}
	if err := s.c.Start(ctx, run.rc); err != nil {
		reply.Err = encodeError(err)
		return nil
	}
	started = true
	return nil
}

// Wait waits for the command started by the Start call args.ID to end,
// then closes its streams and reports its exit status, or the error it
// ended with. If the Communicator stops being served first, the command's
// context ends and Wait fails with ErrExpired.
func (s *communicatorServer) Wait(args *wire.WaitArgs, reply *wire.WaitReply) error {
	defer s.st.guard("Communicator.Wait", &reply.Err)
	run := s.cmds.get(args.ID, false)
	if run == nil {
		reply.Err = encodeError(fmt.Errorf("remote: Communicator.Wait: no command %d: %w", args.ID, ErrProtocol))
		return nil
	}
	select {
	case <-run.rc.Done():
	case <-s.st.life:
	case <-s.st.b.Done():
	}
	s.cmds.get(args.ID, true)
	run.release()
	select {
	case <-run.rc.Done():
		reply.Status = run.rc.ExitStatus()
		reply.Err = encodeError(run.rc.Wait(context.Background()))
	default:
		reply.Err = encodeError(fmt.Errorf("remote: command %q: the communicator went away: %w", run.rc.Command, ErrExpired))
	}
	return nil
}
