package remote

import (
	"context"
	"errors"
	"fmt"
	"github.com/muxplug/muxplug/packer/objrpc"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// provisionWith serves a Provisioner that runs f in the plugin, calls it
// from the host with ui and comm, and returns its error.
func provisionWith(t *testing.T, network string, ui packer.Ui, comm packer.Communicator, f func(ctx context.Context, s *session, ui packer.Ui, comm packer.Communicator) error) error {
	t.Helper()
	var s *session
	fake := &packertest.Provisioner{ProvisionFunc: func(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
		return f(ctx, s, ui, comm)
	}}
	s = connect(t, network, fake)
	return s.hc.Provisioner().Provision(testCtx(t), ui, comm)
}

func TestUiMethods(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		hostUi := &packertest.Ui{}
		hostUi.QueueAnswers("yes")
		err := provisionWith(t, network, hostUi, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
			if answer, err := ui.Ask("continue?"); answer != "yes" || err != nil {
				return fmt.Errorf("Ask = %q, %v; want yes, nil", answer, err)
			}
			if _, err := ui.Ask("again?"); !errors.Is(err, packertest.ErrNoAnswer) {
				return fmt.Errorf("second Ask = %v, want packertest.ErrNoAnswer", err)
			}
			ui.Say("say")
			ui.Message("message")
			ui.Error("error")
			ui.Machine("artifact", "0", "id", "ami-1")
			ui.Machine("empty")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []packertest.Record{
			{Kind: packertest.KindAsk, Text: "continue?"},
			{Kind: packertest.KindAsk, Text: "again?"},
			{Kind: packertest.KindSay, Text: "say"},
			{Kind: packertest.KindMessage, Text: "message"},
			{Kind: packertest.KindError, Text: "error"},
			{Kind: packertest.KindMachine, Text: "artifact", Args: []string{"0", "id", "ami-1"}},
			{Kind: packertest.KindMachine, Text: "empty"},
		}
		if got := hostUi.Records(); !reflect.DeepEqual(normalizeArgs(got), normalizeArgs(want)) {
			t.Errorf("host ui records:\n got %v\nwant %v", got, want)
		}
	})
}

// normalizeArgs makes empty Args nil, for comparing records.
func normalizeArgs(recs []packertest.Record) []packertest.Record {
	out := append([]packertest.Record(nil), recs...)
	for i := range out {
		if len(out[i].Args) == 0 {
			out[i].Args = nil
		}
	}
	return out
}

// byteAtATime reads n bytes one per Read, sleeping pause before each.
type byteAtATime struct {
	n     int
	pause time.Duration
}

func (r *byteAtATime) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	if r.pause > 0 {
		time.Sleep(r.pause)
	}
	r.n--
	p[0] = 'x'
	return 1, nil
}

func TestProgressCoalesced(t *testing.T) {
	forEachNetwork(t, func(t *testing.T, network string) {
		hostUi := &packertest.Ui{}
		const size = 10000
		err := provisionWith(t, network, hostUi, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
			rc := ui.TrackProgress("file.iso", 5, size+5, io.NopCloser(&byteAtATime{n: size}))
			if n, err := io.Copy(io.Discard, rc); n != size || err != nil {
				return fmt.Errorf("copy = %d, %v", n, err)
			}
			if err := rc.Close(); err != nil {
				return err
			}
			// Close returns once the host's reader has been drained and closed.
			if p := hostUi.Progress(); len(p) != 1 || !p[0].Closed {
				return fmt.Errorf("host progress after Close = %+v, want one closed report", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ps := hostUi.Progress()
		if len(ps) != 1 {
			t.Fatalf("host saw %d progress reports, want 1", len(ps))
		}
		p := ps[0]
		if p.Src != "file.iso" || p.CurrentSize != 5 || p.TotalSize != size+5 || p.Transferred != size || !p.Closed {
			t.Errorf("host progress = %+v; want file.iso, 5, %d, %d transferred, closed", p, size+5, size)
		}
		// 10000 Reads happened in much less than a second: a start-of-
		// transfer update, maybe one more, and the final one.
		if len(p.Updates) > 4 {
			t.Errorf("host saw %d progress updates for %d reads, want a handful: %v", len(p.Updates), size, p.Updates)
		}
	})
}

func TestProgressOverTime(t *testing.T) {
	hostUi := &packertest.Ui{}
	var elapsed time.Duration
	err := provisionWith(t, "tcp", hostUi, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
		start := time.Now()
		rc := ui.TrackProgress("slow", 0, 0, io.NopCloser(&byteAtATime{n: 300, pause: 2 * time.Millisecond}))
		_, err := io.Copy(io.Discard, rc)
		rc.Close()
		elapsed = time.Since(start)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p := hostUi.Progress()[0]
	limit := int(elapsed/objrpc.ProgressInterval) + 3
	if len(p.Updates) < 2 || len(p.Updates) > limit || p.Transferred != 300 {
		t.Errorf("%d reads over %v gave %d updates (%v), want between 2 and %d, ending at 300",
			300, elapsed, len(p.Updates), p.Updates, limit)
	}
}

// TestProgressNotClosed leaves a report open when the call returns: the
// host's reader is still closed, and nothing stays behind.
func TestProgressNotClosed(t *testing.T) {
	hostUi := &packertest.Ui{}
	err := provisionWith(t, "pipe", hostUi, nil, func(ctx context.Context, _ *session, ui packer.Ui, _ packer.Communicator) error {
		rc := ui.TrackProgress("abandoned", 0, 10, io.NopCloser(&byteAtATime{n: 10}))
		_, err := io.Copy(io.Discard, rc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := hostUi.Progress(); len(p) != 1 || !p[0].Closed {
		t.Errorf("host progress = %+v, want one closed report", p)
	}
}
