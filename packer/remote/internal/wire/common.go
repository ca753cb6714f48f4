package wire

import "time"

// Error is a failed method's error: a code naming the sentinel it wraps
// ("error" when none is known) and its message.
type Error struct {
	Code    string `codec:"code"`
	Message string `codec:"msg"`
}

// Object names an object that crosses the wire. ID 0 is the nil object.
// With Yours unset, ID is an id the sender serves and the receiver dials;
// with Yours set, ID is an id the receiver itself serves (the sender had
// received it earlier), and the receiver uses its own object.
type Object struct {
	ID    uint32 `codec:"id"`
	Yours bool   `codec:"yours,omitempty"`
}

// Call is the cancellation state every long call carries. ID names the call
// to a later Cancel; Deadline is the caller's deadline in Unix nanoseconds
// (0 for none); Canceled says that the caller's context had already been
// cancelled when the call was sent.
type Call struct {
	ID       uint64 `codec:"id"`
	Deadline int64  `codec:"deadline,omitempty"`
	Canceled bool   `codec:"canceled,omitempty"`
}

// CancelArgs is the argument of every service's Cancel method: the ID of
// the call whose context ends.
type CancelArgs struct {
	ID uint64 `codec:"id"`
}

// Empty is the argument of methods that take none.
type Empty struct{}

// ErrReply is the reply of methods that return nothing but an error.
type ErrReply struct {
	Err *Error `codec:"err"`
}

// StringArgs is the argument of methods that take one string.
type StringArgs struct {
	S string `codec:"s"`
}

// StringReply is the reply of methods that return one string.
type StringReply struct {
	S   string `codec:"s"`
	Err *Error `codec:"err"`
}

// StringsReply is the reply of methods that return a []string.
type StringsReply struct {
	S   []string `codec:"s"`
	Err *Error   `codec:"err"`
}

// ValueReply is the reply of methods that return an interface{}: Value is
// its msgpack encoding.
type ValueReply struct {
	Value []byte `codec:"value"`
	Err   *Error `codec:"err"`
}

// ObjectReply is the reply of methods that return an object.
type ObjectReply struct {
	Object Object `codec:"object"`
	Err    *Error `codec:"err"`
}

// ConfigArgs carries configuration raws: Raws is the msgpack encoding of
// the []interface{} given to Prepare or Configure.
type ConfigArgs struct {
	Raws []byte `codec:"raws"`
}

// FileInfo is packer.FileInfo on the wire. Mode holds fs.FileMode bits.
type FileInfo struct {
	Name    string    `codec:"name"`
	Size    int64     `codec:"size"`
	Mode    uint32    `codec:"mode"`
	ModTime time.Time `codec:"mtime"`
}
