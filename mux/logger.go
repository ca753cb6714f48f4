package mux

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// yamuxLogger passes yamux's log lines (it implements yamux.Logger) to a
// slog.Logger instead of yamux's default, os.Stderr. yamux starts each
// line with a level in brackets, "[ERR] " or "[WARN] ": it becomes the
// record's level, and the rest of the line its message.
type yamuxLogger struct{ l *slog.Logger }

// Print logs the operands as fmt.Sprint formats them.
func (y yamuxLogger) Print(v ...interface{}) { y.log(fmt.Sprint(v...)) }

// Printf logs the operands as fmt.Sprintf formats them.
func (y yamuxLogger) Printf(format string, v ...interface{}) { y.log(fmt.Sprintf(format, v...)) }

// Println logs the operands as fmt.Sprintln formats them.
func (y yamuxLogger) Println(v ...interface{}) { y.log(fmt.Sprintln(v...)) }

func (y yamuxLogger) log(line string) {
	level, msg := parseYamuxLine(line)
	y.l.Log(context.Background(), level, msg, "component", "yamux")
}

// yamuxLevels maps the prefixes of yamux's log lines to levels.
var yamuxLevels = []struct {
	prefix string
	level  slog.Level
}{
	{"[ERR] ", slog.LevelError},
	{"[WARN] ", slog.LevelWarn},
	{"[INFO] ", slog.LevelInfo},
	{"[DEBUG] ", slog.LevelDebug},
}

// parseYamuxLine splits a yamux log line into a level and a message. A
// line without a known prefix is logged at LevelInfo.
func parseYamuxLine(line string) (slog.Level, string) {
	line = strings.TrimRight(line, "\n")
	for _, p := range yamuxLevels {
		if rest, ok := strings.CutPrefix(line, p.prefix); ok {
			return p.level, rest
		}
	}
	return slog.LevelInfo, line
}
