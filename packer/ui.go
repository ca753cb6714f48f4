package packer

import "io"

// Ui is how a component talks to the person running the host. Every method is
// safe for concurrent use.
type Ui interface {
	// Ask prints query and blocks until the person answers, returning the
	// answer without its line ending.
	Ask(query string) (string, error)

	// Say prints a line of top-level progress.
	Say(message string)

	// Message prints a line of detail, below the last Say.
	Message(message string)

	// Error prints a line describing a problem.
	Error(message string)

	// Machine emits a machine-readable event of the given type with its
	// data fields.
	Machine(category string, args ...string)

	// TrackProgress returns a reader that reads from stream and reports how
	// far a transfer from src has got: currentSize bytes were already
	// transferred before stream, of totalSize in all (0 if unknown).
	// Closing the returned reader closes stream and ends the report.
	// Implementations report at a bounded rate, never once per Read.
	TrackProgress(src string, currentSize, totalSize int64, stream io.ReadCloser) io.ReadCloser
}
