package packertest_test

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/muxplug/muxplug/packer/packertest"
)

func TestUiRecordsInOrder(t *testing.T) {
	ui := &packertest.Ui{}
	ui.QueueAnswers("yes")
	ui.Say("say 1")
	ui.Message("message 1")
	args := []string{"a", "b"}
	ui.Machine("artifact", args...)
	args[0] = "changed by caller"
	ui.Error("error 1")
	if _, err := ui.Ask("continue?"); err != nil {
		t.Fatalf("Ask: %v", err)
	}
	ui.Machine("bare")

	want := []packertest.Record{
		{Kind: packertest.KindSay, Text: "say 1"},
		{Kind: packertest.KindMessage, Text: "message 1"},
		{Kind: packertest.KindMachine, Text: "artifact", Args: []string{"a", "b"}},
		{Kind: packertest.KindError, Text: "error 1"},
		{Kind: packertest.KindAsk, Text: "continue?"},
		{Kind: packertest.KindMachine, Text: "bare"},
	}
	got := ui.Records()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Records() =\n%v\nwant\n%v", got, want)
	}
	got[2].Args[0] = "changed by test"
	if again := ui.Records(); again[2].Args[0] != "a" {
		t.Errorf("changing a returned record changed the Ui: Args = %q", again[2].Args)
	}
	if got, want := ui.Texts(packertest.KindSay), []string{"say 1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Texts(say) = %q, want %q", got, want)
	}
	if got := ui.String(); !strings.Contains(got, "machine: artifact [\"a\" \"b\"]\n") {
		t.Errorf("String() = %q, want the machine line in it", got)
	}
}

func TestUiAsk(t *testing.T) {
	t.Run("queue", func(t *testing.T) {
		ui := &packertest.Ui{}
		ui.QueueAnswers("one", "two")
		for _, want := range []string{"one", "two"} {
			if got, err := ui.Ask("q"); got != want || err != nil {
				t.Fatalf("Ask(%q) = %q, %v; want %q, nil", "q", got, err, want)
			}
		}
		if got, err := ui.Ask("q3"); !errors.Is(err, packertest.ErrNoAnswer) || got != "" {
			t.Errorf("Ask with an empty queue = %q, %v; want ErrNoAnswer", got, err)
		}
	})
	t.Run("func", func(t *testing.T) {
		ui := &packertest.Ui{AskFunc: func(q string) (string, error) { return "re: " + q, nil }}
		ui.QueueAnswers("ignored")
		if got, err := ui.Ask("name?"); got != "re: name?" || err != nil {
			t.Errorf("Ask(%q) = %q, %v; want %q, nil", "name?", got, err, "re: name?")
		}
	})
}

// countingCloser is a stream that counts its Close calls.
type countingCloser struct {
	io.Reader
	mu     sync.Mutex
	closes int
}

func (c *countingCloser) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closes++
	return errors.New("close error")
}

func TestUiTrackProgress(t *testing.T) {
	ui := &packertest.Ui{}
	stream := &countingCloser{Reader: strings.NewReader("hello, world")}
	r := ui.TrackProgress("src.iso", 100, 112, stream)
	buf := make([]byte, 5)
	var got []byte
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
	if string(got) != "hello, world" {
		t.Errorf("read %q through the tracker, want %q", got, "hello, world")
	}
	if p := ui.Progress(); len(p) != 1 || p[0].Closed {
		t.Fatalf("Progress() before Close = %+v, want one open record", p)
	}
	for i := range 2 {
		if err := r.Close(); err == nil || err.Error() != "close error" {
			t.Errorf("Close #%d = %v, want the stream's error", i+1, err)
		}
	}
	if stream.closes != 1 {
		t.Errorf("stream closed %d times, want 1", stream.closes)
	}
	want := packertest.Progress{
		Src: "src.iso", CurrentSize: 100, TotalSize: 112,
		Updates: []int64{5, 10, 12}, Transferred: 12, Closed: true,
	}
	if p := ui.Progress(); len(p) != 1 || !reflect.DeepEqual(p[0], want) {
		t.Errorf("Progress() = %+v, want [%+v]", p, want)
	}
}

func TestUiTrackProgressNilStream(t *testing.T) {
	ui := &packertest.Ui{}
	r := ui.TrackProgress("nothing", 0, 0, nil)
	if n, err := r.Read(make([]byte, 4)); n != 0 || err != io.EOF {
		t.Errorf("Read of a nil stream = %d, %v; want 0, EOF", n, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close of a nil stream = %v, want nil", err)
	}
}

func TestUiConcurrent(t *testing.T) {
	ui := &packertest.Ui{}
	const workers, each = 8, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ui.Say("x")
				ui.Machine("m", "a")
				_ = ui.Records()
			}
		}()
	}
	wg.Wait()
	if n := len(ui.Texts(packertest.KindSay)); n != workers*each {
		t.Errorf("recorded %d Say lines, want %d", n, workers*each)
	}
}
