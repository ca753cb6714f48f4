package mux

import (
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/yamux"
)

// ErrClosed is returned by every operation on a Broker whose session has
// ended, whether by Close or because the connection failed. Err wraps it
// together with the cause of a connection failure.
var ErrClosed = errors.New("mux: closed")

// ErrDuplicateID is returned by Accept when another Accept is already
// waiting for the same id. It is also the reason code a dialer receives
// when the acceptor already has a stream for that id waiting to be
// accepted; the second stream is rejected, never silently dropped.
var ErrDuplicateID = errors.New("mux: duplicate stream id")

// ErrAcceptTimeout is returned by Accept when nobody dialed the id within
// Config.BrokerTimeout, and it is the reason a dialer receives for a stream
// that nobody accepted within the acceptor's BrokerTimeout.
var ErrAcceptTimeout = errors.New("mux: accept timeout")

// ErrRejected is wrapped by the error a dialer's first Read returns when
// the acceptor refused the stream. The same error also wraps the reason
// (ErrAcceptTimeout, ErrDuplicateID, ErrClosed or ErrBadHeader) when the
// acceptor sent a reason this package knows.
var ErrRejected = errors.New("mux: stream rejected by peer")

// ErrBadHeader is the reason an acceptor gives for a stream whose header it
// could not decode (an unknown header version, for example).
var ErrBadHeader = errors.New("mux: bad stream header")

// ErrBadConfig is wrapped by the error Client and Server return for an
// invalid Config.
var ErrBadConfig = errors.New("mux: invalid config")

// ErrProtocol is wrapped by Err when the session ended because a frame
// broke the yamux protocol: an unknown version or frame type, data beyond
// a stream's receive window, a stream opened twice, an unexpected flag.
var ErrProtocol = errors.New("mux: protocol error")

// ErrStreamReset is wrapped by the error of a stream Read or Write after
// the peer reset the stream: its yamux refused the stream because too
// many were waiting to be accepted, or gave up waiting for this side to
// close a stream it had closed (Config.StreamCloseTimeout).
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
		// The connection ended under the session: to the streams that
		// is a truncation, never the clean end io.EOF would claim.
		cause = io.ErrUnexpectedEOF
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
