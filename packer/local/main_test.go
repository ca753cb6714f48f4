package local

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds every wait of these tests.
const testTimeout = 30 * time.Second

func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	tb.Cleanup(cancel)
	return ctx
}

func newComm(tb testing.TB) *Communicator {
	tb.Helper()
	return &Communicator{Dir: tb.TempDir()}
}

// stamp returns a distinct modification time for tree entries.
func stamp(i int) time.Time { return time.Unix(1_650_000_000+int64(i)*60, int64(i)*1000+3) }
