package objrpc

// The structs the runtime itself puts on the wire. Every struct travels as
// a msgpack map keyed by its codec tags.

// WireError is a failed method's error on the wire: the code of the
// sentinel it wraps ("error" when none is known) and its message.
type WireError struct {
	Code    string `codec:"code"`
	Message string `codec:"msg"`
}

// Ref names an object that crosses the wire. ID 0 is the nil object. With
// Yours unset, ID is an id the sender serves and the receiver dials; with
// Yours set, ID is an id the receiver itself serves (the sender had
// received it earlier) and the receiver uses its own object. Release says
// that the sender serves the object until the receiver releases it (see
// Conn.ExportReleasable); otherwise it lives as long as the scope that
// sent it.
type Ref struct {
	ID      uint32 `codec:"id"`
	Yours   bool   `codec:"yours,omitempty"`
	Release bool   `codec:"rel,omitempty"`
}

// CallState is the cancellation state a cancellable call carries. The
// argument struct of a cancellable method embeds it, tagged
// `codec:"call"`; Proxy.CallContext fills it in. ID names the call to a
// later Cancel; Deadline is the caller's deadline in Unix nanoseconds (0
// for none); Canceled says that the caller's context had already been
// cancelled when the call was sent.
type CallState struct {
	ID       uint64 `codec:"id"`
	Deadline int64  `codec:"deadline,omitempty"`
	Canceled bool   `codec:"canceled,omitempty"`
}

func (c *CallState) callState() *CallState { return c }

// cancellable is implemented by the arguments of cancellable methods,
// through their embedded CallState.
type cancellable interface{ callState() *CallState }

// Result is embedded (untagged) in the reply struct of every served
// method: Err is nil when the method succeeded, and otherwise the error
// it returned, with its code. Errors never travel as the response
// header's error string, which is kept for requests the server could not
// take (an unknown method, an argument that does not decode).
type Result struct {
	Err *WireError `codec:"err"`
}

func (r *Result) result() *Result { return r }

// Reply is implemented by every reply struct, through its embedded
// Result.
type Reply interface{ result() *Result }

// Empty is the reply of methods that return nothing but their error.
type Empty struct{ Result }

// NoArgs is the argument of methods that take none.
type NoArgs struct{}

// cancelArgs is the argument of the Cancel every service has: the call
// whose context ends.
type cancelArgs struct {
	ID uint64 `codec:"id"`
}

// releaseArgs is the argument of Runtime.Release: the ids of releasable
// objects the caller no longer uses.
type releaseArgs struct {
	IDs []uint32 `codec:"ids"`
}
