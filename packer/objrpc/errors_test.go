package objrpc

import (
	"errors"
	"testing"
)

func TestCodecOfErrors(t *testing.T) {
	if EncodeError(nil) != nil || DecodeError(nil) != nil {
		t.Error("nil error does not stay nil")
	}
	w := EncodeError(errors.New("x"))
	if w.Code != codePlain {
		t.Errorf("plain error code = %q, want %q", w.Code, codePlain)
	}
	if err := DecodeError(&WireError{Message: "m"}); err.(*Error).Code != codePlain {
		t.Errorf("a code-less wire error decodes with code %q", err.(*Error).Code)
	}
}
