// Package wire holds the argument and reply structs of every method that
// package remote serves; they live here so that they stay out of remote's
// public API.
//
// Each struct travels as a msgpack map keyed by the field names given in
// its codec tags (see package codec). Every reply embeds objrpc.Result,
// whose "err" is nil when the method succeeded; the arguments of every
// cancellable method embed objrpc.CallState under "call". Values of type
// interface{} travel as one pre-encoded msgpack value ([]byte), so that a
// value that cannot be encoded is an error the sender reports, never a
// message that fails to leave.
package wire
