// Package wire holds the argument and reply structs of every net/rpc method
// that package remote serves. net/rpc requires them to be exported types;
// they live here so that they stay out of remote's public API.
//
// Each struct travels as a msgpack map keyed by the field names given in
// its codec tags (see package codec). Every reply carries Err, a nil
// pointer when the method succeeded: errors never travel as net/rpc error
// strings, so that their codes survive. Values of type interface{} travel
// as one pre-encoded msgpack value ([]byte), so that a value that cannot be
// encoded is an error the sender reports, never a message that fails to
// leave.
package wire
