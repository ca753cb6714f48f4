package termui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Bar widths: the bar itself is barMin to barMax columns, and a label is
// cut to make room for at least barMin.
const (
	barMin = 8
	barMax = 40
)

// barLine renders label, a bar filled to frac (0 to 1) and right, in at
// most width-1 columns (the last column of a terminal is left free, so
// that a full line never wraps). The bar's width leaves rightW columns for
// right, which may be shorter.
func barLine(label, right string, frac float64, width, rightW int) string {
	room := width - 1 - rightW - 3 // " [" and "]"
	labelRunes := []rune(label)
	barW := min(max(room-len(labelRunes), barMin), barMax)
	if len(labelRunes)+barW > room {
		label = cutRunes(labelRunes, max(room-barW, 0))
	}
	filled := min(int(frac*float64(barW)), barW)
	bar := strings.Repeat("=", filled)
	if filled < barW {
		bar += ">" + strings.Repeat(" ", barW-filled-1)
	}
	return strings.TrimRight(fit(label+" ["+bar+"]"+right, width), " ")
}

// fit cuts s to at most width-1 runes.
func fit(s string, width int) string {
	return cutRunes([]rune(s), max(width-1, 1))
}

// cutRunes returns the first n runes of r, with "..." in place of the last
// three when some are cut.
func cutRunes(r []rune, n int) string {
	if len(r) <= n {
		return string(r)
	}
	if n <= 3 {
		return string(r[:n])
	}
	return string(r[:n-3]) + "..."
}

func padLeft(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat(" ", n-len(s)) + s
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// percent is how much of total done is, in whole percents, as text.
func percent(done, total int64) string {
	return strconv.FormatInt(min(max(done, 0), total)*100/total, 10)
}

// humanBytes formats n with a binary unit: "512 B", "1.5 KiB", "4.0 MiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// humanRate formats a rate in bytes per second in at most 10 columns:
// "512 B/s", "9.8 KiB/s", "612 KiB/s", "10.2 MiB/s"; "--/s" when unknown.
func humanRate(bytesPerSecond float64) string {
	if bytesPerSecond <= 0 {
		return "--/s"
	}
	v, exp := bytesPerSecond, 0
	for v >= 1024 && exp < 6 {
		v /= 1024
		exp++
	}
	unit := "B/s"
	if exp > 0 {
		unit = string("KMGTPE"[exp-1]) + "iB/s"
	}
	if v >= 100 || exp == 0 {
		return fmt.Sprintf("%.0f %s", math.Floor(v), unit)
	}
	return fmt.Sprintf("%.1f %s", math.Floor(v*10)/10, unit)
}

// etaString formats a time left in whole seconds: "7s", "1m05s", "2h03m";
// "--" when unknown.
func etaString(d time.Duration, known bool) string {
	if !known {
		return "--"
	}
	s := int64((d + time.Second - 1) / time.Second) // round up: never promise too early
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// elapsedString formats how long a transfer took, to a tenth of a second
// ("1.6s", "2m5.3s"), or to the millisecond below a second ("38ms").
func elapsedString(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
