package termui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, out := range map[string]interface{ Write([]byte) (int, error) }{
		"buffer": new(bytes.Buffer), "file": f, "pipe": w, "nil file": (*os.File)(nil),
	} {
		if IsTerminal(out) {
			t.Errorf("IsTerminal(%s) = true", name)
		}
	}
}

func TestSettingsDefaults(t *testing.T) {
	s := new(Config).settings()
	if s.out != os.Stdout || s.err != os.Stderr || s.in != os.Stdin || s.now == nil || s.lineInterval != DefaultLineInterval {
		t.Errorf("zero Config: settings %+v, want the standard streams, time.Now and DefaultLineInterval", s)
	}
	t.Setenv("COLUMNS", "132")
	if got := (&settings{out: new(bytes.Buffer)}).barWidth(); got != 132 {
		t.Errorf("barWidth with $COLUMNS=132 = %d", got)
	}
	t.Setenv("COLUMNS", "nonsense")
	if got := (&settings{out: new(bytes.Buffer)}).barWidth(); got != DefaultWidth {
		t.Errorf("barWidth with a bad $COLUMNS = %d, want %d", got, DefaultWidth)
	}
	if got := (&settings{width: 50}).barWidth(); got != 50 {
		t.Errorf("barWidth with Width 50 = %d", got)
	}
	for mode, bar := range map[Progress]bool{ProgressAuto: false, ProgressBar: true, ProgressLines: false, Progress(42): false} {
		if got := (&Config{Out: new(bytes.Buffer), Progress: mode}).settings().bar; got != bar {
			t.Errorf("Progress %d on a buffer: bar = %v, want %v", mode, got, bar)
		}
	}
}
