package plugin

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// SecureConfig makes Start check the plugin binary before it runs it:
// Start reads the file Cmd.Path names (relative to Cmd.Dir if relative,
// as exec does), hashes it with Hash and refuses to start the plugin with
// a *ChecksumError unless the sum is Checksum.
//
// What the check protects against: running a binary other than the one
// whose sum the host was given — a plugin replaced, upgraded or truncated
// on disk since, or a wrong file at that path. What it does not protect
// against: the file changing between the check and the exec (whoever can
// write the file in that window wins); what the binary loads or runs
// once started (shared libraries, an interpreter named by a script's #!
// line, files it reads, its children); a reattached plugin (Reattach runs
// nothing, and a SecureConfig with it is an error); and anyone who can
// change the host's own configuration, where the expected sum lives. It
// is an integrity check against accidents and stale installs, not a
// sandbox.
type SecureConfig struct {
	// Checksum is the expected sum, as raw bytes (decode a hex string
	// with encoding/hex). It must not be empty.
	Checksum []byte

	// Hash makes the hash to compute. Nil means sha256.New.
	Hash func() hash.Hash
}

// ChecksumError is the error of a Start that refused to run a binary
// whose sum is not the expected one. It wraps ErrChecksum.
type ChecksumError struct {
	Path     string // the file that was hashed
	Expected []byte // SecureConfig.Checksum
	Actual   []byte // the file's sum
}

// Error names the file and both sums, in hex.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("checksum mismatch for %s: expected %x, actual %x", e.Path, e.Expected, e.Actual)
}

// Unwrap returns ErrChecksum.
func (e *ChecksumError) Unwrap() error { return ErrChecksum }

// clone returns a copy of s that shares nothing the caller may change.
func (s *SecureConfig) clone() *SecureConfig {
	if s == nil {
		return nil
	}
	c := *s
	c.Checksum = bytes.Clone(s.Checksum)
	return &c
}

func (s *SecureConfig) validate() error {
	if len(s.Checksum) == 0 {
		return fmt.Errorf("%w: SecureConfig.Checksum is empty", ErrInvalidConfig)
	}
	if n := s.newHash().Size(); n != len(s.Checksum) {
		return fmt.Errorf("%w: SecureConfig.Checksum has %d bytes, the hash makes %d", ErrInvalidConfig, len(s.Checksum), n)
	}
	return nil
}

func (s *SecureConfig) newHash() hash.Hash {
	if s.Hash == nil {
		return sha256.New()
	}
	return s.Hash()
}

// verify checks the binary cmd runs; a nil s checks nothing. It blocks
// while it reads the file.
func (s *SecureConfig) verify(cmd *exec.Cmd) error {
	if s == nil {
		return nil
	}
	if cmd.Err != nil {
		return fmt.Errorf("checksum: %w", cmd.Err)
	}
	path := cmd.Path
	if !filepath.IsAbs(path) && cmd.Dir != "" {
		path = filepath.Join(cmd.Dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("checksum: %w", err)
	}
	defer f.Close()
	h := s.newHash()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("checksum %s: %w", path, err)
	}
	if sum := h.Sum(nil); !bytes.Equal(sum, s.Checksum) {
		return &ChecksumError{Path: path, Expected: bytes.Clone(s.Checksum), Actual: sum}
	}
	return nil
}
