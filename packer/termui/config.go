package termui

import (
	"io"
	"os"
	"strconv"
	"time"
)

// Progress selects how TrackProgress shows a transfer.
type Progress int

// The ways to show progress. Values other than these behave like
// ProgressAuto.
const (
	// ProgressAuto draws a bar when Out is a terminal and prints plain
	// lines otherwise.
	ProgressAuto Progress = iota
	// ProgressBar always draws a bar.
	ProgressBar
	// ProgressLines always prints plain lines.
	ProgressLines
	// ProgressOff shows nothing: TrackProgress returns the stream itself.
	ProgressOff
)

// Defaults of the zero fields of a Config, and the bar's pace.
const (
	// DefaultWidth is the width of a bar line when Config.Width is zero
	// and $COLUMNS does not hold a positive number.
	DefaultWidth = 80

	// DefaultLineInterval is the default Config.LineInterval.
	DefaultLineInterval = 5 * time.Second

	// BarInterval is the least time between two draws of a bar.
	BarInterval = 100 * time.Millisecond
)

// Config configures a Ui. The zero value works: it writes to the process's
// standard output and error, reads answers from its standard input, and
// draws progress bars if standard output is a terminal. New copies the
// Config and never modifies it.
type Config struct {
	// Out receives Say and Message lines, Ask's prompts and progress (and,
	// in machine-readable mode, everything). Nil means os.Stdout.
	Out io.Writer

	// Err receives Error lines. Nil means os.Stderr.
	Err io.Writer

	// In is where Ask reads its answers, one line each. Nil means os.Stdin.
	// It is read through a buffer: nothing else should read from it.
	In io.Reader

	// MachineReadable selects Packer's machine-readable output (see the
	// package doc) instead of lines for people.
	MachineReadable bool

	// ShowMachine, for lines for people, prints the events of Machine as
	// Message lines "machine: TYPE [DATA...]"; by default they are not
	// shown, as in Packer.
	ShowMachine bool

	// Progress selects how transfers are shown. Zero is ProgressAuto: a
	// bar if Out is a terminal (an *os.File that is a character device,
	// with $TERM other than "dumb"), plain lines otherwise.
	Progress Progress

	// Width is the most columns a bar line takes. Zero means the width of
	// the terminal Out is (asked for at every draw, on Linux), else $COLUMNS
	// if it holds a positive number, else DefaultWidth.
	Width int

	// LineInterval is the least time between two plain progress lines of a
	// transfer. Zero or less means DefaultLineInterval (5s).
	LineInterval time.Duration

	// Now is the clock for rates, times left and the bar's pace. Nil means
	// time.Now.
	Now func() time.Time
}

// settings is a Config with its defaults filled in.
type settings struct {
	out, err     io.Writer
	in           io.Reader
	echo         bool // in is a terminal, which echoes answers
	machine      bool
	showMachine  bool
	bar          bool // progress as a bar rather than lines
	noProgress   bool
	width        int // 0: ask the terminal
	lineInterval time.Duration
	now          func() time.Time
}

func (cfg *Config) settings() settings {
	s := settings{out: cfg.Out, err: cfg.Err, in: cfg.In, machine: cfg.MachineReadable,
		showMachine: cfg.ShowMachine, width: cfg.Width, lineInterval: cfg.LineInterval, now: cfg.Now}
	if s.out == nil {
		s.out = os.Stdout
	}
	if s.err == nil {
		s.err = os.Stderr
	}
	if s.in == nil {
		s.in = os.Stdin
	}
	s.echo = isCharDevice(s.in)
	switch cfg.Progress {
	case ProgressBar:
		s.bar = true
	case ProgressLines:
	case ProgressOff:
		s.noProgress = true
	default:
		s.bar = IsTerminal(s.out)
	}
	if s.lineInterval <= 0 {
		s.lineInterval = DefaultLineInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// barWidth returns the columns a bar line may take.
func (s *settings) barWidth() int {
	if s.width > 0 {
		return s.width
	}
	if f, ok := s.out.(*os.File); ok {
		if n := terminalWidth(f); n > 0 {
			return n
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return DefaultWidth
}

// IsTerminal reports whether w is a terminal that understands the bar's
// escape sequences: an *os.File that is a character device, while $TERM is
// not "dumb". It does not block and is safe for concurrent use.
func IsTerminal(w io.Writer) bool {
	return os.Getenv("TERM") != "dumb" && isCharDevice(w)
}

// isCharDevice reports whether v is an *os.File that is a character
// device.
func isCharDevice(v interface{}) bool {
	f, ok := v.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
