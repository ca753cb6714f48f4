package mux

import (
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/yamux"
)

// ErrClosed is returned by every operation on a Broker whose session has
// ended, by Close or because the connection failed; Err wraps it with the
// cause of a failure. It is also a rejection reason: the acceptor closing.
var ErrClosed = errors.New("mux: closed")

// ErrDuplicateID is returned by an Accept for an id another Accept waits
// for, and is the reason a dialer's stream is rejected when one for the
// same id was already waiting to be accepted (never silently dropped).
var ErrDuplicateID = errors.New("mux: duplicate stream id")

// ErrAcceptTimeout is returned by an Accept nobody dialed within
// Config.BrokerTimeout, and is the reason a dialer's stream is rejected
// when nobody accepted it within the acceptor's BrokerTimeout.
var ErrAcceptTimeout = errors.New("mux: accept timeout")

// ErrRejected is wrapped by the error of a dialer's Read (and Write) once
// the acceptor refused the stream, together with the reason
// (ErrAcceptTimeout, ErrDuplicateID, ErrClosed or ErrBadHeader) if known.
var ErrRejected = errors.New("mux: stream rejected by peer")

// ErrBadHeader is the reason an acceptor gives for a stream whose header it
// could not decode (an unknown header version, for example).
var ErrBadHeader = errors.New("mux: bad stream header")

// ErrBadConfig is wrapped by the error Client and Server return for an
// invalid Config.
var ErrBadConfig = errors.New("mux: invalid config")

// ErrProtocol is wrapped by Err when a frame broke the yamux protocol: an
// unknown version or type, data beyond a window, an unexpected flag.
var ErrProtocol = errors.New("mux: protocol error")

// ErrStreamReset is wrapped by a stream's Read or Write error once the
// peer's yamux reset it: its accept backlog was full, or it gave up on a
// stream it had closed (Config.StreamCloseTimeout).
var ErrStreamReset = errors.New("mux: stream reset by peer")

// ErrKeepAliveTimeout is wrapped by Err when the peer did not answer a
// keepalive ping within Config.ConnectionWriteTimeout.
var ErrKeepAliveTimeout = errors.New("mux: keepalive timeout")

// closedError is the error of a broker whose session ended for cause;
// a nil cause means a local Close.
func closedError(cause error) error {
	switch {
	case cause == nil:
		return ErrClosed
	case errors.Is(cause, io.EOF):
		cause = io.ErrUnexpectedEOF // to the streams, a truncation, not a clean end
	}
	return fmt.Errorf("%w: session lost: %w", ErrClosed, cause)
}

// yamuxError gives an error of yamux the identity of this package's
// sentinel for it, keeping yamux's error too.
func yamuxError(err error) error {
	switch err {
	case yamux.ErrConnectionReset:
		return fmt.Errorf("%w: %w", ErrStreamReset, err)
	case yamux.ErrKeepAliveTimeout:
		return fmt.Errorf("%w: %w", ErrKeepAliveTimeout, err)
	case yamux.ErrInvalidVersion, yamux.ErrInvalidMsgType, yamux.ErrRecvWindowExceeded,
		yamux.ErrDuplicateStream, yamux.ErrUnexpectedFlag:
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	}
	return err
}
