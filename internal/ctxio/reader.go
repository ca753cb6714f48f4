package ctxio

import (
	"context"
	"io"
)

// NewReader returns an io.Reader that reads from r but fails with ctx's
// error, without reading, once ctx has ended. The check comes before every
// Read, so a Read already blocked in r is not interrupted. The reader is as
// safe for concurrent use as r; it does not close r.
func NewReader(ctx context.Context, r io.Reader) io.Reader {
	return reader{ctx, r}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
