package termui

import (
	"os"
	"syscall"
	"unsafe"
)

// terminalWidth returns the columns of the terminal f, or 0 if f is not a
// terminal or its size is unknown.
func terminalWidth(f *os.File) int {
	var size struct{ rows, cols, xpixels, ypixels uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&size)))
	if errno != 0 {
		return 0
	}
	return int(size.cols)
}
