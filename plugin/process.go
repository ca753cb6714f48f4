package plugin

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds on what a plugin may print on stdout before its handshake line.
const (
	maxStrayLines = 100
	maxStrayBytes = 64 << 10
	keptStrays    = 5 // stray lines quoted in errors
)

// process is a started plugin process: its pipes, the one goroutine that
// waits for it, and the relay of its output.
type process struct {
	cmd   *exec.Cmd
	name  string
	relay *relay
	log   *slog.Logger

	stdin            *os.File // host end of the stdin pipe, never written; nil if Cmd.Stdin was set
	stdout, stderr   *os.File // host ends of the output pipes
	drainTimeout     time.Duration
	handshake        chan handshakeResult // receives exactly one result
	exited, drained  chan struct{}        // closed after Wait returns / after the output is drained
	state            *os.ProcessState     // written before exited is closed
	mu               sync.Mutex           // guards strays, strayN, strayLen
	strays           []string             // last keptStrays stray lines
	strayN, strayLen int
}

type handshakeResult struct {
	hs  handshake
	err error
}

// startProcess starts cmd with env appended to its environment, its stdout
// and stderr on fresh pipes and, unless Cmd.Stdin is set, its stdin on a pipe
// the host never writes. cmd is modified and owned by the process from now on.
func startProcess(cmd *exec.Cmd, env []string, cfg *ClientConfig) (*process, error) {
	if cmd.Process != nil || cmd.Stdout != nil || cmd.Stderr != nil {
		return nil, fmt.Errorf("%w: Cmd must be unstarted with nil Stdout and Stderr (use ClientConfig.Stderr)", ErrInvalidConfig)
	}
	p := &process{cmd: cmd, name: cfg.Name, log: cfg.Logger, drainTimeout: cfg.KillTimeout,
		handshake: make(chan handshakeResult, 1), exited: make(chan struct{}), drained: make(chan struct{})}
	child, err := p.openPipes()
	if err != nil {
		return nil, err
	}
	if p.stdin != nil { // our pipe: its EOF means the host is gone
		env = append(env, envLifeline+"=1")
	}
	cmd.Env = append(baseEnv(cmd), env...)
	if cmd.Cancel != nil { // made by exec.CommandContext: stop gracefully first
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		if cmd.WaitDelay == 0 {
			cmd.WaitDelay = cfg.KillTimeout
		}
	}
	err = cmd.Start()
	closeAll(child...)
	if err != nil {
		closeAll(p.stdin, p.stdout, p.stderr)
		return nil, fmt.Errorf("plugin: start %s: %w", cfg.Name, err)
	}
	p.relay = newRelay(cfg.Name, cfg.Stderr, cfg.Logger, 2, cfg.OutputStall)
	go p.relay.produce("stderr", p.stderr)
	go p.readStdout()
	go p.wait()
	return p, nil
}

// openPipes creates the stdio pipes and returns the child's ends, which the
// caller closes once the child has started.
func (p *process) openPipes() (child []*os.File, err error) {
	var pipes [3][2]*os.File
	for i := range pipes {
		if i == 0 && p.cmd.Stdin != nil {
			continue
		}
		if pipes[i][0], pipes[i][1], err = os.Pipe(); err != nil {
			for _, pp := range pipes {
				closeAll(pp[0], pp[1])
			}
			return nil, fmt.Errorf("plugin: start %s: %w", p.name, err)
		}
	}
	if pipes[0][0] != nil {
		p.cmd.Stdin, p.stdin = pipes[0][0], pipes[0][1]
	}
	p.cmd.Stdout, p.stdout = pipes[1][1], pipes[1][0]
	p.cmd.Stderr, p.stderr = pipes[2][1], pipes[2][0]
	return []*os.File{pipes[0][0], pipes[1][1], pipes[2][1]}, nil
}

func baseEnv(cmd *exec.Cmd) []string {
	if cmd.Env != nil {
		return cmd.Env
	}
	return os.Environ()
}

func closeAll(fs ...*os.File) {
	for _, f := range fs {
		if f != nil {
			f.Close()
		}
	}
}

// wait is the one goroutine that calls cmd.Wait. Once the process has
// exited it gives the output pipes drainTimeout to reach EOF (a grandchild
// may hold them open), then cuts them off.
func (p *process) wait() {
	err := p.cmd.Wait()
	p.state = p.cmd.ProcessState
	if p.state == nil {
		p.log.Warn("plugin: wait failed", "plugin", p.name, "err", err)
	}
	close(p.exited)
	closeAll(p.stdin)
	p.awaitDrain()
	closeAll(p.stdout, p.stderr)
	close(p.drained)
}

func (p *process) awaitDrain() {
	t := time.NewTimer(p.drainTimeout)
	defer t.Stop()
	select {
	case <-p.relay.eof:
	case <-t.C:
		p.log.Warn("plugin: output still open after exit; cutting it off", "plugin", p.name)
		p.relay.cutOff()
		p.stdout.SetReadDeadline(time.Now())
		p.stderr.SetReadDeadline(time.Now())
		<-p.relay.eof // the readers return at once now
		return        // the bound is spent: the writer finishes on its own
	}
	select { // let the writer finish, within the same bound
	case <-p.relay.done:
	case <-t.C:
		p.log.Warn("plugin: Stderr writer is slow; not waiting for it", "plugin", p.name)
	}
}

// readStdout scans stdout for the handshake line, then relays the rest.
func (p *process) readStdout() {
	defer p.relay.producers.Done()
	announced := false
	splitLines(p.stdout, maxLineBytes, func(line []byte) {
		if !announced {
			if announced = p.preHandshake(line); announced {
				return
			}
		}
		p.relay.add("stdout", line)
	})
	if !announced {
		p.handshake <- handshakeResult{err: io.EOF}
	}
}

// preHandshake handles a stdout line seen before the handshake. It reports
// true once a handshake result was delivered (a handshake line, good or bad,
// or too much stray output).
func (p *process) preHandshake(line []byte) bool {
	if isHandshakeLine(line) {
		hs, err := parseHandshake(string(line))
		p.handshake <- handshakeResult{hs: hs, err: err}
		return true
	}
	p.mu.Lock()
	p.strayN++
	p.strayLen += len(line)
	p.strays = append(p.strays, string(line))
	if len(p.strays) > keptStrays {
		p.strays = p.strays[1:]
	}
	tooMuch := p.strayN > maxStrayLines || p.strayLen > maxStrayBytes
	p.mu.Unlock()
	p.log.Warn("plugin: stray line before handshake", "plugin", p.name, "line", string(line))
	if tooMuch {
		p.handshake <- handshakeResult{err: fmt.Errorf(
			"plugin: %s printed more than %d lines or %d bytes before its handshake line",
			p.name, maxStrayLines, maxStrayBytes)}
	}
	return tooMuch
}

// seen describes what the plugin printed so far, for error messages: the
// stray stdout lines and, if withTail, the last output lines.
func (p *process) seen(withTail bool) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "stray stdout lines: %d", p.strayN)
	if len(p.strays) > 0 {
		fmt.Fprintf(&b, " (last: %q)", p.strays)
	}
	if !withTail {
		return b.String()
	}
	if tail := p.relay.tail(); len(tail) > 0 {
		fmt.Fprintf(&b, "; last output: %q", strings.Join(tail, "\n"))
	} else {
		b.WriteString("; no other output")
	}
	return b.String()
}

// exitError returns the *ExitError describing the exited process; it must
// only be called after exited is closed.
func (p *process) exitError(err error) *ExitError {
	return newExitError(p.name, p.state, p.relay.tail(), err)
}

// kill sends SIGKILL unless the process has already exited.
func (p *process) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		p.log.Warn("plugin: kill failed", "plugin", p.name, "err", err)
	}
}
