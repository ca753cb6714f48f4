package plugin

import (
	"context"
	"slices"
	"time"
)

// refusedAddr is the address of the handshake line with which a plugin
// refuses every version the host offered: it announces its own newest
// version there, then exits (see docs/protocol.md, section 2).
const refusedAddr = "-"

// refused reports whether h is a plugin's refusal.
func (h handshake) refused() bool { return h.Addr == refusedAddr }

// checkAnnounced checks the version of the handshake line hs. A refusal,
// whatever version it names, is a *VersionError carrying the plugin's last
// output, for which checkAnnounced waits until the plugin has exited and
// its output is drained (at most crashWait, or until ctx ends). A line
// that announces a version the host did not offer is a *HandshakeError
// wrapping a *VersionError with the output so far.
func (c *Client) checkAnnounced(ctx context.Context, p *process, hs handshake) error {
	if !hs.refused() {
		if slices.Contains(c.versions, hs.Version) {
			return nil
		}
		return &HandshakeError{Line: hs.String(), Err: c.versionError(p, hs)}
	}
	t := time.NewTimer(crashWait)
	defer t.Stop()
	select {
	case <-p.drained:
	case <-t.C:
	case <-ctx.Done():
	}
	return c.versionError(p, hs)
}

func (c *Client) versionError(p *process, hs handshake) *VersionError {
	return &VersionError{Host: c.versions, Plugin: hs.Version, Tail: p.relay.tail()}
}
