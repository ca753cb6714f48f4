package objrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/muxplug/muxplug/internal/msgpack"
	"github.com/muxplug/muxplug/mux"
)

// ErrPanic is wrapped by the error of a call whose served method panicked
// (code "panic"). The error's message carries the panic value; the stack
// goes to the serving side's logger.
var ErrPanic = errors.New("objrpc: panic in served method")

// ErrExpired is wrapped by the error of a call on an object whose lifetime
// is over: an object received by a call and used after that call
// returned, or one whose scope has closed on either side.
var ErrExpired = errors.New("objrpc: object used after its lifetime ended")

// ErrProtocol is wrapped by the error of a call that the peer could not
// make sense of: an unknown object id or method, an object of the wrong
// kind, an argument or value that does not decode.
var ErrProtocol = errors.New("objrpc: protocol error")

// ErrTransport is wrapped by every transport failure: the stream or the
// session carrying a call broke, or the object's stream could not be
// opened. Such errors pass through Options.WrapTransportError.
var ErrTransport = errors.New("objrpc: transport failed")

// Error is the error a call returns when the method on the far side
// returned one (or panicked). Code names the sentinel the original error
// wrapped, and Message is its text. Error returns Message unchanged, and
// Unwrap returns the sentinel that Code stands for on this side (nil for a
// code this side does not know), so that errors.Is works across the wire.
//
// Codes of the sentinels every muxplug side knows:
//
//	error                  none known
//	panic                  ErrPanic (the served method panicked)
//	objrpc.expired         ErrExpired
//	objrpc.protocol        ErrProtocol
//	objrpc.transport       ErrTransport (a nested call failed in transit)
//	canceled               context.Canceled
//	deadline_exceeded      context.DeadlineExceeded
//	unexpected_eof         io.ErrUnexpectedEOF
//	eof                    io.EOF
//	closed_pipe            io.ErrClosedPipe
//	short_write            io.ErrShortWrite
//	fs.not_exist           fs.ErrNotExist
//	fs.exist               fs.ErrExist
//	fs.permission          fs.ErrPermission
//	fs.invalid             fs.ErrInvalid
//	fs.closed              fs.ErrClosed
//	mux.accept_timeout     mux.ErrAcceptTimeout
//	mux.duplicate_id       mux.ErrDuplicateID
//	mux.bad_header         mux.ErrBadHeader
//	mux.rejected           mux.ErrRejected
//	mux.closed             mux.ErrClosed
//	mux.bad_config         mux.ErrBadConfig
//	codec.malformed        codec.ErrMalformed
//	codec.too_large        codec.ErrTooLarge
//
// plus those added with RegisterError (package remote adds its archive
// codes). An error carries one code: the first sentinel, in the order
// RegisterError's codes and then this table, that errors.Is finds in it;
// an *Error received from a third party keeps its code even if this side
// does not know it.
type Error struct {
	Code    string // the code; see above
	Message string // the original error's text

	sentinel error // what Code stands for here; nil if unknown
}

// Error returns e.Message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel that e.Code stands for, or nil.
func (e *Error) Unwrap() error { return e.sentinel }

// codePlain is the code of an error that wraps no known sentinel.
const codePlain = "error"

// codePanic is the code of a recovered panic.
const codePanic = "panic"

// builtinCodes maps the codes every side knows to their sentinels, in the
// order they are tried: specific ones before the ones they may wrap.
var builtinCodes = []codeEntry{
	{codePanic, ErrPanic},
	{"objrpc.expired", ErrExpired},
	{"objrpc.protocol", ErrProtocol},
	{"objrpc.transport", ErrTransport},
	{"canceled", context.Canceled},
	{"deadline_exceeded", context.DeadlineExceeded},
	{"unexpected_eof", io.ErrUnexpectedEOF},
	{"eof", io.EOF},
	{"closed_pipe", io.ErrClosedPipe},
	{"short_write", io.ErrShortWrite},
	{"fs.not_exist", fs.ErrNotExist},
	{"fs.exist", fs.ErrExist},
	{"fs.permission", fs.ErrPermission},
	{"fs.invalid", fs.ErrInvalid},
	{"fs.closed", fs.ErrClosed},
	{"mux.accept_timeout", mux.ErrAcceptTimeout},
	{"mux.duplicate_id", mux.ErrDuplicateID},
	{"mux.bad_header", mux.ErrBadHeader},
	{"mux.rejected", mux.ErrRejected},
	{"mux.closed", mux.ErrClosed},
	{"mux.bad_config", mux.ErrBadConfig},
	{"codec.malformed", msgpack.ErrMalformed},
	{"codec.too_large", msgpack.ErrTooLarge},
}

type codeEntry struct {
	code     string
	sentinel error
}

// userCodes holds the codes added with RegisterError. Like gob.Register's
// table it is process state on purpose: a sentinel is package-level too,
// and both ends of every connection must agree on its code.
var userCodes struct {
	mu      sync.RWMutex // guards entries
	entries []codeEntry
}

// RegisterError makes errors wrapping sentinel cross the wire as code, so
// that errors.Is(err, sentinel) holds on the far side, provided the far
// side registered the same code for its own copy of the sentinel (a plugin
// and its host usually both import the package that declares it). Call it
// at init time, before any call crosses the wire. It is safe for
// concurrent use.
//
// It returns an error if code is empty, is one of the codes listed at
// Error or already registered, or if sentinel is nil or already registered
// under another code. Registered codes are tried, in the order they were
// registered, before the built-in ones.
func RegisterError(code string, sentinel error) error {
	if code == "" || sentinel == nil {
		return fmt.Errorf("objrpc: register error: empty code or nil sentinel (code %q)", code)
	}
	userCodes.mu.Lock()
	defer userCodes.mu.Unlock()
	for _, table := range [][]codeEntry{builtinCodes, userCodes.entries} {
		for _, e := range table {
			if e.code == code {
				return fmt.Errorf("objrpc: register error: code %q is already taken by %q", code, e.sentinel)
			}
			if e.sentinel == sentinel {
				return fmt.Errorf("objrpc: register error: %q is already registered as %q", sentinel, e.code)
			}
		}
	}
	userCodes.entries = append(userCodes.entries, codeEntry{code, sentinel})
	return nil
}

// codeOf returns the code for err: the first registered or built-in
// sentinel it wraps, else the code of an *Error it wraps, else codePlain.
func codeOf(err error) string {
	userCodes.mu.RLock()
	for _, e := range userCodes.entries {
		if errors.Is(err, e.sentinel) {
			userCodes.mu.RUnlock()
			return e.code
		}
	}
	userCodes.mu.RUnlock()
	for _, e := range builtinCodes {
		if errors.Is(err, e.sentinel) {
			return e.code
		}
	}
	var re *Error
	if errors.As(err, &re) && re.Code != "" {
		return re.Code
	}
	return codePlain
}

// sentinelOf returns the sentinel code stands for on this side, or nil.
func sentinelOf(code string) error {
	for _, e := range builtinCodes {
		if e.code == code {
			return e.sentinel
		}
	}
	userCodes.mu.RLock()
	defer userCodes.mu.RUnlock()
	for _, e := range userCodes.entries {
		if e.code == code {
			return e.sentinel
		}
	}
	return nil
}

// EncodeError turns err into its wire form; nil stays nil. It is safe for
// concurrent use.
func EncodeError(err error) *WireError {
	if err == nil {
		return nil
	}
	return &WireError{Code: codeOf(err), Message: err.Error()}
}

// DecodeError turns a wire error back into an error (an *Error); nil
// stays nil. It is safe for concurrent use.
func DecodeError(w *WireError) error {
	if w == nil {
		return nil
	}
	code := w.Code
	if code == "" {
		code = codePlain
	}
	return &Error{Code: code, Message: w.Message, sentinel: sentinelOf(code)}
}
