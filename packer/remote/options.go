package remote

import (
	"errors"
	"fmt"
	"log/slog"
	"net/rpc"

	"github.com/muxplug/muxplug/mux"
)

// Options tunes the objects Register and the New functions create. A nil
// *Options and the zero value both mean the defaults. The Options are
// copied; changing them afterwards has no effect.
type Options struct {
	// Logger receives the stacks of recovered panics, failures of calls
	// that cannot return an error (Ui.Say, Artifact.Id, Cache.Lock, ...)
	// and protocol problems. Nil means slog.Default().
	Logger *slog.Logger

	// WrapTransportError, if set, is applied to every transport failure
	// (a broken stream or session, rpc.ErrShutdown, an unexpected end of
	// stream; never an error the remote method returned) before it is
	// returned or logged. The error it receives wraps ErrTransport. It may
	// be called from any goroutine and may block briefly (package plugin
	// waits for a dying plugin's exit status to attach it).
	WrapTransportError func(error) error
}

// options is the resolved form of Options that every proxy and server
// shares.
type options struct {
	log  *slog.Logger
	wrap func(error) error
}

func newOptions(o *Options) *options {
	r := &options{log: slog.Default()}
	if o != nil {
		if o.Logger != nil {
			r.log = o.Logger
		}
		r.wrap = o.WrapTransportError
	}
	return r
}

// transportError classifies err, returned by an rpc.Client call of method
// on b, and wraps it: a net/rpc ServerError is the peer rejecting the
// request (a protocol error); anything else is a transport failure, which
// is wrapped with ErrTransport, the broker's error if the session is gone,
// and then WrapTransportError.
func (o *options) transportError(b *mux.Broker, method string, err error) error {
	var se rpc.ServerError
	if errors.As(err, &se) {
		return fmt.Errorf("remote: %s: %w: %s", method, ErrProtocol, string(se))
	}
	var re *Error
	if errors.Is(err, ErrExpired) || errors.Is(err, ErrTransport) || errors.As(err, &re) {
		return err // already final: an expired object, a broken link, a remote error
	}
	if b != nil {
		if berr := b.Err(); berr != nil && !errors.Is(err, mux.ErrClosed) {
			err = fmt.Errorf("%w (%w)", err, berr)
		}
	}
	err = fmt.Errorf("remote: %s: %w: %w", method, ErrTransport, err)
	if o.wrap != nil {
		err = o.wrap(err)
	}
	return err
}
