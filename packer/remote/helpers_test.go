package remote

import (
	"log/slog"
	"sort"
	"testing"

	"github.com/muxplug/muxplug/packer/local"
	"github.com/muxplug/muxplug/packer/packertest"
)

// newLocalComm returns a Communicator that runs commands and keeps files
// in a fresh temporary directory.
func newLocalComm(t testing.TB) *local.Communicator {
	t.Helper()
	return &local.Communicator{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logBuffer{}, nil))}
}

// sortedRecords returns recs sorted by kind and text, for comparing output
// that arrives on independent streams.
func sortedRecords(recs []packertest.Record) []packertest.Record {
	out := append([]packertest.Record(nil), recs...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Text < out[j].Text
	})
	return out
}
