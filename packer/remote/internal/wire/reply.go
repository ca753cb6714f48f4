package wire

// Reply is implemented by every reply struct: Failure returns its Err.
type Reply interface {
	Failure() *Error
}

// Failure returns r.Err.
func (r *ErrReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *StringReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *StringsReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *ValueReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *ObjectReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *TrackReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *PrepareReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *PostProcessReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *IntReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *RLockReply) Failure() *Error { return r.Err }

// Failure returns r.Err.
func (r *WaitReply) Failure() *Error { return r.Err }
