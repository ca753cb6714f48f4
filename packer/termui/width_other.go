//go:build !linux

package termui

import "os"

// terminalWidth returns 0: the size of a terminal is only asked for on
// Linux; elsewhere the width comes from $COLUMNS or DefaultWidth.
func terminalWidth(*os.File) int { return 0 }
