package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"testing"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/internal/archive"
	"github.com/muxplug/muxplug/mux"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
)

// errUserSentinel is registered by TestMain as "remote_test.custom".
var errUserSentinel = errors.New("user: custom failure")

// TestErrorIdentity sends errors wrapping each known sentinel across the
// wire (as a Provisioner.Prepare result) and checks errors.Is, the message
// and the code on the host.
func TestErrorIdentity(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		sentinel error
		code     string
	}{
		{"canceled", fmt.Errorf("step: %w", context.Canceled), context.Canceled, "canceled"},
		{"deadline", fmt.Errorf("step: %w", context.DeadlineExceeded), context.DeadlineExceeded, "deadline_exceeded"},
		{"eof", io.EOF, io.EOF, "eof"},
		{"unexpected eof", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), io.ErrUnexpectedEOF, "unexpected_eof"},
		{"not exist", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist}, fs.ErrNotExist, "fs.not_exist"},
		{"os not exist", func() error { _, err := os.Open("/does/not/exist"); return err }(), os.ErrNotExist, "fs.not_exist"},
		{"permission", fmt.Errorf("x: %w", fs.ErrPermission), fs.ErrPermission, "fs.permission"},
		{"mux closed", fmt.Errorf("x: %w", mux.ErrClosed), mux.ErrClosed, "mux.closed"},
		{"mux accept timeout", fmt.Errorf("x: %w: %w", mux.ErrRejected, mux.ErrAcceptTimeout), mux.ErrAcceptTimeout, "mux.accept_timeout"},
		{"codec malformed", fmt.Errorf("x: %w", codec.ErrMalformed), codec.ErrMalformed, "codec.malformed"},
		{"codec too large", fmt.Errorf("x: %w", codec.ErrTooLarge), codec.ErrTooLarge, "codec.too_large"},
		{"panic sentinel", fmt.Errorf("x: %w", objrpc.ErrPanic), objrpc.ErrPanic, "panic"},
		{"expired", fmt.Errorf("x: %w", objrpc.ErrExpired), objrpc.ErrExpired, "objrpc.expired"},
		{"archive", fmt.Errorf("x: %w", archive.ErrUnsafePath), archive.ErrUnsafePath, "archive.unsafe_path"},
		{"registered", fmt.Errorf("x: %w", errUserSentinel), errUserSentinel, "remote_test.custom"},
		{"registered by TestMain", fmt.Errorf("x: %w", packertest.ErrNotFound), packertest.ErrNotFound, "packertest.not_found"},
		{"plain", errors.New("just text"), nil, "error"},
		{"empty message", errors.New(""), nil, "error"},
		{"forwarded unknown code", &objrpc.Error{Code: "elsewhere.thing", Message: "from a third party"}, nil, "elsewhere.thing"},
	}
	var next error
	s := connect(t, "pipe", &packertest.Provisioner{PrepareFunc: func(...interface{}) error { return next }})
	p := s.hc.Provisioner()
	for _, c := range cases {
		next = c.err
		err := p.Prepare()
		var re *objrpc.Error
		if !errors.As(err, &re) {
			t.Errorf("%s: Prepare() = %T %v, want an *objrpc.Error", c.name, err, err)
			continue
		}
		if re.Code != c.code || re.Message != c.err.Error() || err.Error() != c.err.Error() {
			t.Errorf("%s: got code %q message %q; want %q, %q", c.name, re.Code, re.Message, c.code, c.err.Error())
		}
		if c.sentinel != nil && !errors.Is(err, c.sentinel) {
			t.Errorf("%s: errors.Is(%v, %v) = false on the far side", c.name, err, c.sentinel)
		}
		if c.sentinel == nil && re.Unwrap() != nil {
			t.Errorf("%s: Unwrap() = %v, want nil", c.name, re.Unwrap())
		}
	}
	next = nil
	if err := p.Prepare(); err != nil {
		t.Errorf("a nil error came back as %T %v", err, err)
	}
}

func TestRegisterError(t *testing.T) {
	other := errors.New("other")
	for _, c := range []struct {
		name     string
		code     string
		sentinel error
	}{
		{"empty code", "", other},
		{"nil sentinel", "x.nil", nil},
		{"built-in code", "canceled", other},
		{"taken code", "remote_test.custom", other},
		{"sentinel registered already", "remote_test.again", errUserSentinel},
		{"built-in sentinel", "remote_test.eof", io.EOF},
	} {
		if err := objrpc.RegisterError(c.code, c.sentinel); err == nil {
			t.Errorf("%s: objrpc.RegisterError(%q, %v) = nil, want an error", c.name, c.code, c.sentinel)
		}
	}
}
