package plugin

import (
	"context"
	"os"
	"time"

	"github.com/muxplug/muxplug/packer/objrpc"
)

// Kill ends the executing subprocess (if it is running) and performs the
// cleanup: it asks the plugin to exit (the Control.Exit call), closes the
// connection, waits up to KillTimeout for the process to exit, kills it if
// it has not, and waits until the process is reaped and its output relayed.
// A Start in progress is interrupted and fails.
//
// Kill blocks until all that is done: about KillTimeout at worst, plus the
// same again for the output relay if a grandchild holds the plugin's output
// open or the Stderr writer is stuck. It is safe to call many times and
// concurrently; every call returns once the first has finished. A killed
// client cannot be started again.
func (c *Client) Kill() {
	c.killOnce.Do(c.kill)
}

func (c *Client) kill() {
	close(c.killed)
	c.mu.Lock()
	if c.interrupt != nil {
		c.interrupt(ErrKilled)
	}
	c.mu.Unlock()
	c.startMu.Lock()
	if !c.started {
		c.started, c.startErr = true, ErrKilled
	}
	c.startMu.Unlock()

	c.mu.Lock()
	p, dir := c.proc, c.unixDir
	c.mu.Unlock()
	if p != nil {
		c.stop(p)
	} else if c.reattached() {
		c.detach() // never signals a process it did not start
	}
	c.wg.Wait()
	if dir != "" {
		os.RemoveAll(dir)
	}
	c.mu.Lock()
	// What stays is what Exited and the error reports need (the process,
	// its status and last output): a Client kept after Kill, in a plugin
	// catalogue say, keeps no session, stream table or served object.
	c.broker, c.conn, c.interrupt = nil, nil, nil
	c.mu.Unlock()
	unmanage(c)
}

// stop is the shutdown sequence: ask, close, wait the grace period, kill,
// then wait for the output to drain.
func (c *Client) stop(p *process) {
	grace := c.cfg.KillTimeout
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	c.mu.Lock()
	b, rc := c.broker, c.conn
	c.mu.Unlock()
	if rc != nil {
		if err := callControl(ctx, rc, "Exit", new(objrpc.Empty)); err != nil {
			c.cfg.Logger.Debug("plugin: exit request failed", "plugin", c.cfg.Name, "err", err)
		}
	}
	if b != nil {
		b.Close()
	}
	if rc != nil {
		rc.Close()
	}
	closeAll(p.stdin) // a plugin still waiting for us sees EOF and exits
	select {
	case <-p.exited:
	case <-ctx.Done():
		c.cfg.Logger.Warn("plugin: did not exit in time; killing it", "plugin", c.cfg.Name, "grace", grace)
		p.kill()
		c.awaitExit(p, grace)
	}
	<-p.drained // bounded by the process's drain timeout
}

// awaitExit waits for a killed process to be reaped. SIGKILL cannot be
// ignored, but a process in uninterruptible sleep can take a while: log it.
func (c *Client) awaitExit(p *process, patience time.Duration) {
	t := time.NewTimer(patience)
	defer t.Stop()
	select {
	case <-p.exited:
		return
	case <-t.C:
		c.cfg.Logger.Error("plugin: still not reaped after SIGKILL; waiting", "plugin", c.cfg.Name)
	}
	<-p.exited
}
