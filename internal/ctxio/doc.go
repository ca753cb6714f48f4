// Package ctxio makes copies of file contents stop when a context ends.
//
// io.Copy has no context; wrapping its source with [NewReader] makes the
// copy fail with the context's error within one Read of the context ending.
package ctxio
