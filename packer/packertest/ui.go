package packertest

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// Kind says which Ui method produced a Record.
type Kind string

// The kinds of Record, one per method of packer.Ui that prints something.
const (
	KindAsk     Kind = "ask"
	KindSay     Kind = "say"
	KindMessage Kind = "message"
	KindError   Kind = "error"
	KindMachine Kind = "machine"
)

// Record is one call to a Ui that prints something.
type Record struct {
	Kind Kind

	// Text is the message, the query of Ask, or the category of Machine.
	Text string

	// Args holds the data fields of Machine; it is nil for other kinds.
	Args []string
}

// String formats r as "kind: text", followed by the args of Machine, for
// test failure messages.
func (r Record) String() string {
	if r.Kind == KindMachine {
		return fmt.Sprintf("%s: %s %q", r.Kind, r.Text, r.Args)
	}
	return fmt.Sprintf("%s: %s", r.Kind, r.Text)
}

// Progress is what a Ui saw of one TrackProgress call.
type Progress struct {
	Src         string // src given to TrackProgress
	CurrentSize int64  // currentSize given to TrackProgress
	TotalSize   int64  // totalSize given to TrackProgress

	// Updates holds, for each Read of the returned reader that returned
	// data, the number of bytes read through it so far.
	Updates []int64

	// Transferred is the number of bytes read through the returned reader.
	Transferred int64

	// Closed reports whether the returned reader was closed.
	Closed bool
}

// Ui is a packer.Ui that records what it is asked to print (Records) and
// the transfers it tracks (Progress). Ask is answered by AskFunc if set,
// otherwise from the answers queued with QueueAnswers.
//
// The zero value is ready to use. A Ui is safe for concurrent use.
type Ui struct {
	// AskFunc, if not nil, answers every Ask.
	AskFunc func(query string) (string, error)

	mu       sync.Mutex // guards the fields below
	records  []Record
	answers  []string
	progress []*Progress
}

var _ packer.Ui = (*Ui)(nil)

// QueueAnswers adds answers that later calls to Ask return, one per call,
// in order. It is not consulted when AskFunc is set.
func (u *Ui) QueueAnswers(answers ...string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.answers = append(u.answers, answers...)
}

// Ask records query, then returns the answer from AskFunc or the next
// queued answer. Without either it returns an error wrapping ErrNoAnswer.
// It blocks only as long as AskFunc does.
func (u *Ui) Ask(query string) (string, error) {
	u.add(Record{Kind: KindAsk, Text: query})
	if u.AskFunc != nil {
		return u.AskFunc(query)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.answers) == 0 {
		return "", fmt.Errorf("packertest: ask %q: %w", query, ErrNoAnswer)
	}
	answer := u.answers[0]
	u.answers = u.answers[1:]
	return answer, nil
}

// Say records message with KindSay.
func (u *Ui) Say(message string) { u.add(Record{Kind: KindSay, Text: message}) }

// Message records message with KindMessage.
func (u *Ui) Message(message string) { u.add(Record{Kind: KindMessage, Text: message}) }

// Error records message with KindError.
func (u *Ui) Error(message string) { u.add(Record{Kind: KindError, Text: message}) }

// Machine records category and a copy of args with KindMachine.
func (u *Ui) Machine(category string, args ...string) {
	u.add(Record{Kind: KindMachine, Text: category, Args: cloneStrings(args)})
}

func (u *Ui) add(r Record) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.records = append(u.records, r)
}

// Records returns a copy of every call recorded so far, in order.
func (u *Ui) Records() []Record {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]Record, len(u.records))
	for i, r := range u.records {
		r.Args = cloneStrings(r.Args)
		out[i] = r
	}
	return out
}

// Texts returns the Text of every record of the given kind, in order.
func (u *Ui) Texts(kind Kind) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, r := range u.records {
		if r.Kind == kind {
			out = append(out, r.Text)
		}
	}
	return out
}

// String returns every record, one per line, for test failure messages.
func (u *Ui) String() string {
	var b strings.Builder
	for _, r := range u.Records() {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TrackProgress records a new Progress and returns a reader that reads from
// stream, recording every Read that returns data as an update. Closing the
// returned reader closes stream once and marks the Progress closed; every
// Close returns the error of the first. Like any reader, the returned one
// must not be read from several goroutines at once. A nil stream reads as
// empty.
func (u *Ui) TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser {
	p := &Progress{Src: src, CurrentSize: currentSize, TotalSize: totalSize}
	u.mu.Lock()
	u.progress = append(u.progress, p)
	u.mu.Unlock()
	return &progressReader{ui: u, p: p, stream: stream}
}

// Progress returns a copy of every TrackProgress call recorded so far, in
// order, with what happened to its reader until now.
func (u *Ui) Progress() []Progress {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]Progress, len(u.progress))
	for i, p := range u.progress {
		out[i] = *p
		out[i].Updates = append([]int64(nil), p.Updates...)
	}
	return out
}

// progressReader is the reader TrackProgress returns. Its Progress is
// guarded by ui.mu.
type progressReader struct {
	ui     *Ui
	p      *Progress
	stream io.ReadCloser

	once     sync.Once
	closeErr error
}

func (r *progressReader) Read(b []byte) (int, error) {
	if r.stream == nil {
		return 0, io.EOF
	}
	n, err := r.stream.Read(b)
	if n > 0 {
		r.ui.mu.Lock()
		r.p.Transferred += int64(n)
		r.p.Updates = append(r.p.Updates, r.p.Transferred)
		r.ui.mu.Unlock()
	}
	return n, err
}

func (r *progressReader) Close() error {
	r.once.Do(func() {
		if r.stream != nil {
			r.closeErr = r.stream.Close()
		}
		r.ui.mu.Lock()
		r.p.Closed = true
		r.ui.mu.Unlock()
	})
	return r.closeErr
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}
