package local

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"sync/atomic"

	"github.com/muxplug/muxplug/packer"
)

// Start runs rc.Command with Shell -c in Dir, wiring rc.Stdin, rc.Stdout
// and rc.Stderr (nil ones are connected to the null device), and returns
// once the process has started. A goroutine owned by the command waits for
// it, reports its end on rc (see the package documentation for the status
// rules) and exits; it lives no longer than the command plus WaitDelay.
// Ending ctx kills the command's process group. Start writes nothing to rc
// if it fails.
//
// rc.Stdin, unless it is nil or an *os.File, is read by a goroutine of its
// own until it reports EOF or an error; the end of the command is reported
// without waiting for that goroutine, which stops at its next write once
// the command has ended. A Read of rc.Stdin that never returns keeps only
// that goroutine alive: close the reader to release it. A Read error while
// the command exits 0 is reported with SetError.
func (c *Communicator) Start(ctx context.Context, rc *packer.RemoteCmd) error {
	if rc == nil {
		return errors.New("local: start: nil command")
	}
	feed, err := newStdinFeed(rc.Stdin)
	if err != nil {
		return fmt.Errorf("local: start %q: %w", rc.Command, err)
	}
	cmd := exec.CommandContext(ctx, c.shell(), "-c", rc.Command)
	cmd.Dir = c.Dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = rc.Stdin, rc.Stdout, rc.Stderr
	if feed != nil {
		cmd.Stdin = feed.pr
	}
	cmd.WaitDelay = c.waitDelay()
	killed := new(atomic.Bool)
	setProcessGroup(cmd, killed)
	if err := cmd.Start(); err != nil {
		if feed != nil {
			feed.abort()
		}
		return fmt.Errorf("local: start %q: %w", rc.Command, err)
	}
	if feed != nil {
		feed.start(rc.Stdin)
	}
	c.logger().Debug("local: command started", "command", rc.Command, "pid", cmd.Process.Pid, "dir", c.Dir)
	go c.wait(ctx, cmd, rc, feed, killed)
	return nil
}

// wait is the one goroutine that waits for cmd; it reports the end on rc.
func (c *Communicator) wait(ctx context.Context, cmd *exec.Cmd, rc *packer.RemoteCmd, feed *stdinFeed, killed *atomic.Bool) {
	err := cmd.Wait()
	if feed != nil {
		if ferr := feed.stop(); ferr != nil && err == nil {
			err = ferr
		}
	}
	ps := cmd.ProcessState
	var exitErr *exec.ExitError
	switch {
	case killed.Load() && (ps == nil || !ps.Success()):
		err = fmt.Errorf("local: command %q stopped: %w", rc.Command, ctx.Err())
	case ps == nil:
		err = fmt.Errorf("local: wait for %q: %w", rc.Command, err)
	case err == nil, errors.As(err, &exitErr):
		err = nil
	case errors.Is(err, exec.ErrWaitDelay):
		// Exited on its own; something it started kept the output open.
		c.logger().Warn("local: command's output still open after it exited; cut off",
			"command", rc.Command, "wait_delay", c.waitDelay())
		err = nil
	default:
		err = fmt.Errorf("local: command %q: copying its input or output: %w", rc.Command, err)
	}
	if err != nil {
		c.logger().Debug("local: command failed", "command", rc.Command, "err", err)
		rc.SetError(err)
		return
	}
	status := exitStatus(ps)
	c.logger().Debug("local: command exited", "command", rc.Command, "status", status)
	rc.SetExited(status)
}
