package termui

import (
	"strconv"
	"strings"
)

// machineEscaper escapes a field of a machine-readable line as Packer
// does, so that a line splits on commas into its fields.
var machineEscaper = strings.NewReplacer(",", "%!(PACKER_COMMA)", "\r", `\r`, "\n", `\n`)

// MachineLine formats one line of machine-readable output, without its
// newline: "timestamp,target,type,data..." with each field escaped (see
// the package doc). With no data the line ends in a comma, as in Packer.
// It does not block and is safe for concurrent use.
func MachineLine(unix int64, target, typ string, data ...string) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(unix, 10))
	b.WriteByte(',')
	b.WriteString(machineEscaper.Replace(target))
	b.WriteByte(',')
	b.WriteString(machineEscaper.Replace(typ))
	b.WriteByte(',')
	for i, d := range data {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(machineEscaper.Replace(d))
	}
	return b.String()
}

// machine prints one machine-readable line, stamped by the clock, to Out.
func (u *Ui) machine(target, typ string, data ...string) {
	c := u.c
	c.mu.Lock()
	defer c.mu.Unlock()
	line := MachineLine(c.s.now().Unix(), target, typ, data...)
	c.writeLocked(false, line+"\n")
}
