package archive

import (
	"context"
	"io"
)

// ctxReader is an io.Reader that fails with ctx's error once ctx has ended,
// checked before every Read of r.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// copyBufSize is the size of the one buffer each Write or Extract uses to
// copy file contents.
const copyBufSize = 64 << 10
