package packertest

import "errors"

// ErrNotFound is wrapped by the error an Environment returns for a component
// name it does not have.
var ErrNotFound = errors.New("packertest: not found")

// ErrNoAnswer is wrapped by the error Ui.Ask returns when it has no AskFunc
// and no queued answer left.
var ErrNoAnswer = errors.New("packertest: no answer queued")
