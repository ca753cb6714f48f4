package termui

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name          string
		showMachine   bool
		call          func(u *Ui)
		wantOut, want string // want is for Err
	}{
		{name: "say", call: func(u *Ui) { u.Named("files").Say("Creating site") },
			wantOut: "==> files: Creating site\n"},
		{name: "message", call: func(u *Ui) { u.Named("files").Message("wrote a.txt") },
			wantOut: "    files: wrote a.txt\n"},
		{name: "error goes to Err", call: func(u *Ui) { u.Named("shell").Error("exit status 3") },
			want: "==> shell: exit status 3\n"},
		{name: "unnamed", call: func(u *Ui) { u.Say("step"); u.Message("detail") },
			wantOut: "==> step\n    detail\n"},
		{name: "every line prefixed", call: func(u *Ui) { u.Named("b").Message("one\ntwo\n") },
			wantOut: "    b: one\n    b: two\n"},
		{name: "empty message", call: func(u *Ui) { u.Named("b").Say("") },
			wantOut: "==> b: \n"},
		{name: "machine hidden", call: func(u *Ui) { u.Named("b").Machine("artifact", "0", "id") }},
		{name: "machine shown", showMachine: true, call: func(u *Ui) { u.Named("b").Machine("artifact", "0", "id") },
			wantOut: "    b: machine: artifact [\"0\" \"id\"]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, s := newUi(t, func(c *Config) { c.ShowMachine = tt.showMachine })
			tt.call(u)
			if got := s.out.String(); got != tt.wantOut {
				t.Errorf("Out = %q, want %q", got, tt.wantOut)
			}
			if got := s.err.String(); got != tt.want {
				t.Errorf("Err = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNamedSharesOutput(t *testing.T) {
	u, s := newUi(t, nil)
	a, b := u.Named("a"), u.Named("b")
	a.Say("1")
	b.Say("2")
	a.Message("3")
	if got, want := s.out.String(), "==> a: 1\n==> b: 2\n    a: 3\n"; got != want {
		t.Errorf("Out = %q, want %q", got, want)
	}
	if a.Name() != "a" || u.Name() != "" {
		t.Errorf("Name() = %q and %q, want \"a\" and \"\"", a.Name(), u.Name())
	}
}

func TestAsk(t *testing.T) {
	tests := []struct {
		name, in   string
		want       []string // answers, in order
		wantOut    string
		wantErrEOF bool // a further Ask fails with io.EOF
	}{
		{name: "lines", in: "yes\r\nno\n", want: []string{"yes", "no"},
			wantOut: "==> q: go on? \n==> q: go on? \n==> q: go on? \n", wantErrEOF: true},
		{name: "last line without newline", in: "maybe", want: []string{"maybe"},
			wantOut: "==> q: go on? \n==> q: go on? \n", wantErrEOF: true},
		{name: "empty answer", in: "\n", want: []string{""},
			wantOut: "==> q: go on? \n==> q: go on? \n", wantErrEOF: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, s := newUi(t, func(c *Config) { c.In = strings.NewReader(tt.in) })
			q := u.Named("q")
			for i, want := range tt.want {
				if got, err := q.Ask("go on?"); err != nil || got != want {
					t.Errorf("Ask %d on %q = %q, %v; want %q", i, tt.in, got, err, want)
				}
			}
			if _, err := q.Ask("go on?"); tt.wantErrEOF && !errors.Is(err, io.EOF) {
				t.Errorf("Ask at the end of %q: %v, want io.EOF", tt.in, err)
			}
			if got := s.out.String(); got != tt.wantOut {
				t.Errorf("Out = %q, want %q", got, tt.wantOut)
			}
		})
	}
}

func TestAskKeepsLinesOffThePrompt(t *testing.T) {
	r, w := io.Pipe()
	u, s := newUi(t, func(c *Config) { c.In = r })
	answered := make(chan string, 1)
	go func() {
		a, _ := u.Named("q").Ask("name?")
		answered <- a
	}()
	// The write blocks until Ask reads, so the prompt is out by then.
	if _, err := io.WriteString(w, "Ada"); err != nil {
		t.Fatal(err)
	}
	u.Named("x").Say("meanwhile")
	w.Close()
	if got := <-answered; got != "Ada" {
		t.Errorf("Ask = %q, want \"Ada\"", got)
	}
	if got, want := s.out.String(), "==> q: name? \n==> x: meanwhile\n"; got != want {
		t.Errorf("Out = %q, want %q (a line printed during a question starts a new line)", got, want)
	}
}

func TestAskOneAtATime(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.In = strings.NewReader("a\nb\n") })
	answers := make(chan string, 2)
	for _, name := range []string{"x", "y"} {
		go func() {
			a, err := u.Named(name).Ask("?")
			if err != nil {
				t.Error(err)
			}
			answers <- a
		}()
	}
	got := []string{<-answers, <-answers}
	if !(got[0] == "a" && got[1] == "b") && !(got[0] == "b" && got[1] == "a") {
		t.Errorf("answers = %q, want a and b", got)
	}
	if out := s.out.String(); out != "==> x: ? \n==> y: ? \n" && out != "==> y: ? \n==> x: ? \n" {
		t.Errorf("Out = %q, want two prompts on lines of their own", out)
	}
}

func TestAskWithBar(t *testing.T) {
	u, s := newUi(t, func(c *Config) { c.Progress = ProgressBar; c.Width = 40; c.In = strings.NewReader("yes\n") })
	r := u.Named("up").TrackProgress("f", 0, 0, io.NopCloser(strings.NewReader("")))
	if a, err := u.Named("q").Ask("go?"); err != nil || a != "yes" {
		t.Fatalf("Ask = %q, %v", a, err)
	}
	r.Close()
	bar := "    up: f 0 B --/s\n"
	want := bar + "\x1b[1A\r\x1b[J==> q: go? \n" + bar + "\x1b[1A\r\x1b[J    up: f: 0 B in 0s (--/s)\n"
	if got := s.out.String(); got != want {
		t.Errorf("Out = %q, want %q (the bar is erased for the prompt and drawn again after the answer)", got, want)
	}
}
