package termui

import "errors"

// ErrMachineReadable is the error of Ask in machine-readable mode, where
// nobody is there to answer.
var ErrMachineReadable = errors.New("termui: machine-readable output cannot ask questions")
