package mux

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// yamuxLogger routes yamux's log lines (yamux.Logger) to a slog.Logger.
// yamux prefixes its lines with "[ERR] " or "[WARN] "; the prefix becomes
// the record's level and the rest its message.
type yamuxLogger struct{ l *slog.Logger }

func (y yamuxLogger) Print(v ...interface{}) { y.log(fmt.Sprint(v...)) }

func (y yamuxLogger) Printf(format string, v ...interface{}) { y.log(fmt.Sprintf(format, v...)) }

func (y yamuxLogger) Println(v ...interface{}) { y.log(fmt.Sprintln(v...)) }

func (y yamuxLogger) log(line string) {
	level, msg := parseYamuxLine(line)
	y.l.Log(context.Background(), level, msg, "component", "yamux")
}

// parseYamuxLine splits a yamux log line into a level and a message.
func parseYamuxLine(line string) (slog.Level, string) {
	line = strings.TrimRight(line, "\n")
	for _, p := range []struct {
		prefix string
		level  slog.Level
	}{
		{"[ERR] ", slog.LevelError},
		{"[WARN] ", slog.LevelWarn},
		{"[INFO] ", slog.LevelInfo},
		{"[DEBUG] ", slog.LevelDebug},
	} {
		if rest, ok := strings.CutPrefix(line, p.prefix); ok {
			return p.level, rest
		}
	}
	return slog.LevelInfo, line
}
