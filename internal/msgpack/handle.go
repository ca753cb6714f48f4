package msgpack

import (
	"errors"
	"fmt"
	"reflect"
	"sync"

	ugorji "github.com/ugorji/go/codec"
)

// handle is the one msgpack configuration of the library. WriteExt keeps
// strings and []byte apart on the wire and encodes time.Time as the msgpack
// timestamp extension; MapType makes maps decoded into interface{} come back
// as map[string]interface{}.
//
// Every input is passed through checkValues before the handle decodes it,
// so every container length the decoder sees is backed by bytes that are
// really there. That makes it safe, and cheaper, to let the decoder size
// each slice and map from its announced length in one allocation
// (MaxInitLen) rather than growing it an element at a time, which for a
// long list allocated about five times its final size.
var handle = newHandle()

func newHandle() *ugorji.MsgpackHandle {
	h := &ugorji.MsgpackHandle{WriteExt: true}
	h.MapType = reflect.TypeOf(map[string]interface{}(nil))
	h.RawToString = false
	h.MaxDepth = MaxDepth + 1     // checkValues enforces MaxDepth first; this is a backstop
	h.MaxInitLen = MaxMessageSize // lengths are checked against the input first
	return h
}

// encoders and decoders are pooled: an idle codec holds neither.
var (
	encoderPool = sync.Pool{New: func() any { return ugorji.NewEncoderBytes(nil, handle) }}
	decoderPool = sync.Pool{New: func() any { return ugorji.NewDecoderBytes(nil, handle) }}
)

// Marshal encodes v as msgpack with the library's handle. It is safe for
// concurrent use.
func Marshal(v interface{}) ([]byte, error) {
	var out []byte
	if err := encodeInto(&out, v); err != nil {
		return nil, err
	}
	return out, nil
}

// Unmarshal decodes msgpack data into v, which must be a non-nil pointer.
// All of data must be used by one value. Malformed data gives an error
// wrapping ErrMalformed; see the package doc for the checks. It is safe
// for concurrent use.
func Unmarshal(data []byte, v interface{}) error {
	d := decoderPool.Get().(*ugorji.Decoder)
	defer decoderPool.Put(d)
	defer d.ResetBytes(nil) // do not pin data in the pool
	if err := CheckValues(data, 1); err != nil {
		return err
	}
	d.ResetBytes(data)
	if err := decode(d, v); err != nil {
		return err
	}
	if n := d.NumBytesRead(); n != len(data) {
		return fmt.Errorf("codec: %d trailing bytes after value: %w", len(data)-n, ErrMalformed)
	}
	return nil
}

// encodeInto appends the encoding of v to *out.
func encodeInto(out *[]byte, v interface{}) error {
	e := encoderPool.Get().(*ugorji.Encoder)
	defer encoderPool.Put(e)
	e.ResetBytes(out)
	if err := e.Encode(v); err != nil {
		return fmt.Errorf("codec: encode %T: %w", v, err)
	}
	return nil
}

// decode decodes one value from d into v, turning any failure (including a
// panic inside the decoder, which hostile bytes must never turn into a crash)
// into an error that wraps ErrMalformed. A v that is not a non-nil pointer
// is the caller's mistake, not the bytes': that error does not wrap
// ErrMalformed.
func decode(d *ugorji.Decoder, v interface{}) (err error) {
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("codec: cannot decode into %T: need a non-nil pointer", v)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("codec: decode %T: %v: %w", v, r, ErrMalformed)
		}
	}()
	if err := d.Decode(v); err != nil {
		if errors.Is(err, ErrMalformed) {
			return err
		}
		return fmt.Errorf("codec: decode %T: %v: %w", v, err, ErrMalformed)
	}
	return nil
}
