package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/muxplug/muxplug/plugin"
)

// launcher starts one plugin process per component and kills them all at
// the end. Safe for concurrent use.
type launcher struct {
	binDir  string                      // the example plugins
	tplDir  string                      // base of Component.Plugin paths
	workDir string                      // the plugins' working directory
	stderr  func(name string) io.Writer // if set, the plugins' stderr lines go there
	logger  *slog.Logger                // the clients' logger
	pidFile string                      // if set, gets "name pid" per started plugin

	mu      sync.Mutex // guards clients and killed
	clients []*plugin.Client
	killed  bool
}

// start launches the plugin of c and returns its started client. The
// client is killed by killAll.
func (l *launcher) start(c *Component) (*plugin.Client, error) {
	path := filepath.Join(l.binDir, exeName(c.Type))
	if c.Plugin != "" {
		path = c.Plugin
		if !filepath.IsAbs(path) {
			path = filepath.Join(l.tplDir, path)
		}
	}
	cmd := exec.Command(path, c.Args...)
	cmd.Dir = l.workDir
	var stderr io.Writer
	if l.stderr != nil {
		stderr = l.stderr(c.Name)
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		Cmd:     cmd,
		Managed: true,
		Name:    c.Name,
		Stderr:  stderr,
		Logger:  l.logger,
	})
	if err := l.add(c.Name, client); err != nil {
		return nil, err
	}
	if _, err := client.Start(); err != nil {
		return nil, fmt.Errorf("host: start %s plugin %q: %w", c.Kind, c.Name, err)
	}
	// Start has returned, so cmd.Process is set and no longer written.
	if err := l.recordPid(c.Name, cmd.Process.Pid); err != nil {
		return nil, err
	}
	return client, nil
}

func (l *launcher) add(name string, c *plugin.Client) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.killed {
		c.Kill()
		return fmt.Errorf("host: not starting plugin %q: shutting down", name)
	}
	l.clients = append(l.clients, c)
	return nil
}

func (l *launcher) recordPid(name string, pid int) error {
	if l.pidFile == "" {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.OpenFile(l.pidFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("host: pid file: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s %d\n", name, pid)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("host: pid file: %w", err)
	}
	return nil
}

// killAll kills every plugin started so far, concurrently, and blocks until
// they are all gone. Plugins started afterwards are killed at once. Safe to
// call many times.
func (l *launcher) killAll() {
	l.mu.Lock()
	l.killed = true
	clients := l.clients
	l.clients = nil
	l.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Kill()
		}()
	}
	wg.Wait()
}
