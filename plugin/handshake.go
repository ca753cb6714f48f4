package plugin

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Environment variables the host sets for the plugin (protocol version 1).
// docs/protocol.md describes each of them.
const (
	// MagicCookieKey and MagicCookieValue mark a process as started by a
	// plugin host. They are not a security feature: they only let a plugin
	// binary started by hand explain itself instead of hanging.
	MagicCookieKey   = "PACKER_PLUGIN_MAGIC_COOKIE"
	MagicCookieValue = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"

	envMinPort  = "PACKER_PLUGIN_MIN_PORT"
	envMaxPort  = "PACKER_PLUGIN_MAX_PORT"
	envVersions = "PACKER_PLUGIN_PROTOCOL_VERSIONS"
	envNetwork  = "PACKER_PLUGIN_NETWORK"
	envSecret   = "PACKER_PLUGIN_AUTH_SECRET"
	envUnixDir  = "PACKER_PLUGIN_UNIX_DIR"
	envLifeline = "PACKER_PLUGIN_STDIN_LIFELINE"
)

// ProtocolVersion is the newest wire protocol version this package speaks.
const ProtocolVersion = 1

// supportedVersions lists every protocol version this package speaks, in
// increasing order.
var supportedVersions = []int{ProtocolVersion}

// handshakePrefix starts every handshake line; a stdout line without it is a
// stray line, skipped by the host.
const handshakePrefix = "muxplug|"

// maxHandshakeLine bounds the length of a handshake line.
const maxHandshakeLine = 4096

// handshake is the content of the line a plugin prints once it listens:
//
//	muxplug|<version>|<network>|<address>[|<extension>...]
//
// The one extension version 1 defines is "kinds=" followed by the
// comma-separated component kinds the plugin serves; other extensions are
// ignored.
type handshake struct {
	Version int
	Network string   // "tcp" or "unix"
	Addr    string   // host:port or socket path
	Kinds   []string // from the kinds extension; nil when the line has none
}

// kindsExtension starts the extension field that lists the plugin's kinds.
const kindsExtension = "kinds="

// String formats h as a handshake line, without the newline.
func (h handshake) String() string {
	line := fmt.Sprintf("%s%d|%s|%s", handshakePrefix, h.Version, h.Network, h.Addr)
	if h.Kinds != nil {
		line += "|" + kindsExtension + strings.Join(h.Kinds, ",")
	}
	return line
}

// isHandshakeLine reports whether line claims to be a handshake line; only
// such lines are parsed, any other line before it is stray output.
func isHandshakeLine(line []byte) bool {
	return bytes.HasPrefix(line, []byte(handshakePrefix))
}

// parseHandshake parses one handshake line (with or without its trailing
// "\n" or "\r\n"). Errors are *HandshakeError values quoting the line.
func parseHandshake(line string) (handshake, error) {
	raw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	h, err := parseFields(raw)
	if err != nil {
		return handshake{}, &HandshakeError{Line: raw, Err: err}
	}
	return h, nil
}

func parseFields(raw string) (handshake, error) {
	if len(raw) > maxHandshakeLine {
		return handshake{}, fmt.Errorf("longer than %d bytes", maxHandshakeLine)
	}
	f := strings.Split(raw, "|")
	if len(f) < 4 || f[0] != strings.TrimSuffix(handshakePrefix, "|") {
		return handshake{}, errors.New(`want "muxplug|<version>|<network>|<address>"`)
	}
	v, err := parseVersion(f[1])
	if err != nil {
		return handshake{}, err
	}
	if f[2] != "tcp" && f[2] != "unix" {
		return handshake{}, fmt.Errorf("unknown network %q", f[2])
	}
	if f[3] == "" || strings.ContainsAny(f[3], "\r\n\x00") {
		return handshake{}, fmt.Errorf("bad address %q", f[3])
	}
	h := handshake{Version: v, Network: f[2], Addr: f[3]}
	for _, ext := range f[4:] {
		list, ok := strings.CutPrefix(ext, kindsExtension)
		if !ok {
			continue // an extension of a later version: ignored
		}
		if h.Kinds != nil {
			return handshake{}, errors.New("more than one kinds extension")
		}
		if h.Kinds, err = parseKinds(list); err != nil {
			return handshake{}, err
		}
	}
	return h, nil
}

// parseKinds parses the list of the kinds extension: one or more kinds
// separated by commas, each made of lower-case ASCII letters and dashes,
// none twice. Kinds this host does not know are kept: it cannot dispense
// them, but a later plugin may serve them next to ones it knows.
func parseKinds(list string) ([]string, error) {
	kinds := strings.Split(list, ",")
	for i, k := range kinds {
		if k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz-") != "" {
			return nil, fmt.Errorf("bad component kind %q", k)
		}
		if slices.Contains(kinds[:i], k) {
			return nil, fmt.Errorf("component kind %q listed twice", k)
		}
	}
	return kinds, nil
}

// parseVersion parses a protocol version: 1 to 9 decimal digits, no sign.
func parseVersion(s string) (int, error) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad protocol version %q", s)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("bad protocol version %q", s)
	}
	return v, nil
}

// parseVersionList parses the PACKER_PLUGIN_PROTOCOL_VERSIONS value: decimal
// versions separated by commas.
func parseVersionList(s string) ([]int, error) {
	var vs []int
	for _, f := range strings.Split(s, ",") {
		v, err := parseVersion(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// chooseVersion returns the newest version both sides speak. When there is
// none it returns the plugin's newest version, so that the host can tell
// which side to upgrade, and false.
func chooseVersion(host, plugin []int) (int, bool) {
	best, newest := 0, 0
	for _, p := range plugin {
		newest = max(newest, p)
		for _, h := range host {
			if h == p {
				best = max(best, p)
			}
		}
	}
	if best == 0 {
		return newest, false
	}
	return best, true
}
