package plugin

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// unixSocketName is the socket's file name inside its private directory.
const unixSocketName = "plugin.sock"

// listenTCP listens on 127.0.0.1 at a port in [minPort, maxPort]. It starts
// at a random port and tries the next one (wrapping around the range) while
// ports are taken, so that plugins started together rarely collide. It wraps
// ErrNoPort once every port has been tried.
func listenTCP(minPort, maxPort uint) (net.Listener, error) {
	if minPort == 0 || minPort > maxPort || maxPort > 65535 {
		return nil, fmt.Errorf("%w: port range %d-%d", ErrBadEnvironment, minPort, maxPort)
	}
	n := maxPort - minPort + 1
	start := uint(rand.UintN(n))
	var last error
	for i := range n {
		port := minPort + (start+i)%n
		addr := net.JoinHostPort("127.0.0.1", strconv.FormatUint(uint64(port), 10))
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) && !errors.Is(err, syscall.EACCES) {
			return nil, fmt.Errorf("%w: %w", errListen, err)
		}
		last = err
	}
	return nil, fmt.Errorf("%w %d-%d: %w", ErrNoPort, minPort, maxPort, last)
}

// listenUnix listens on a unix socket with 0600 permissions inside dir,
// which must be a directory only its owner can enter (0700).
func listenUnix(dir string) (net.Listener, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errListen, err)
	}
	if !fi.IsDir() || fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s is not a private directory (mode %v)", ErrBadEnvironment, dir, fi.Mode())
	}
	path := filepath.Join(dir, unixSocketName)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errListen, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("%w: %w", errListen, err)
	}
	return ln, nil
}

// privateDir creates a fresh directory that only the current user can enter.
func privateDir() (string, error) {
	dir, err := os.MkdirTemp("", "muxplug-")
	if err != nil {
		return "", fmt.Errorf("plugin: create socket directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("plugin: create socket directory: %w", err)
	}
	return dir, nil
}
