package remote

import (
	"io"

	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// Progress across the wire (see objrpc's progress types). The side that
// calls TrackProgress on a proxy Ui keeps the stream: it asks the peer to
// begin a report (Ui.TrackStart), and reports the running total of the
// bytes read through the reader it returns (Ui.TrackUpdate, one-way), at most once
// per objrpc.ProgressInterval, plus the final total when the reader is
// closed (Ui.TrackEnd). The serving side calls the real Ui's TrackProgress
// with a Tracker's synthetic stream, drains the reader it returns on a
// goroutine of the report, and answers TrackEnd once that is done; nothing
// of the report remains on either side.

// TrackProgress begins a report on the peer's Ui and returns a reader that
// reads from stream and reports through it. If the report cannot begin,
// the failure is logged and stream is returned as it is.
func (u *uiClient) TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser {
	if stream == nil {
		stream = io.NopCloser(eofReader{})
	}
	var reply wire.TrackReply
	args := &wire.TrackStartArgs{Src: src, Current: currentSize, Total: totalSize}
	if err := u.Call("TrackStart", args, &reply); err != nil {
		u.LogFailure("TrackStart", err)
		return stream
	}
	return objrpc.NewProgressReader(stream, func(n int64, final bool) {
		args := &wire.TrackArgs{ID: reply.ID, N: n}
		if final {
			u.LogFailure("TrackEnd", u.Call("TrackEnd", args, new(objrpc.Empty)))
		} else {
			u.LogFailure("TrackUpdate", u.Send("TrackUpdate", args))
		}
	})
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// TrackStart begins a report on the served Ui. The report lives until
// TrackEnd or the end of the Ui's lifetime.
func (s *uiServer) TrackStart(c *objrpc.Call, args *wire.TrackStartArgs, reply *wire.TrackReply) error {
	t := objrpc.NewTracker(c.Lifetime())
	rc := s.ui.TrackProgress(args.Src, args.Current, args.Total, t.Source())
	id, ok := s.tracks.PutNext(t)
	if !ok { // the Ui is going away: end the report at once
		t.Update(0, true)
		t.Drain(rc, c.Logger())
		return nil
	}
	go t.Drain(rc, c.Logger()) // owned by the report: Close waits for it
	reply.ID = id
	return nil
}

// TrackUpdate announces the running total of a report. An unknown id (a
// report that ended) is ignored: updates may overtake each other.
func (s *uiServer) TrackUpdate(_ *objrpc.Call, args *wire.TrackArgs, _ *objrpc.Empty) error {
	if t := s.tracks.Get(args.ID, false); t != nil {
		t.Update(args.N, false)
	}
	return nil
}

// TrackEnd announces the final total, and returns once the real Ui's
// reader has seen it all and has been closed.
func (s *uiServer) TrackEnd(_ *objrpc.Call, args *wire.TrackArgs, _ *objrpc.Empty) error {
	if t := s.tracks.Get(args.ID, true); t != nil {
		t.Update(args.N, true)
		t.Wait()
	}
	return nil
}
