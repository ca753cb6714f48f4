// Package termui is a packer.Ui for a plugin host that runs in a terminal
// (or with its output sent to a file or a pipe): what components print is
// shown as Packer shows it, answers to questions are read from standard
// input, and transfers show their progress.
//
// New returns a Ui; Named returns one that shares its output with it but
// names a component on every line:
//
//	==> files: a Say line (and an Error line, which goes to Err)
//	    files: a Message line
//	    files: payload.bin [=======>        ]  45%  7.2 MiB/16.0 MiB  10.0 MiB/s  ETA 1s
//
// A multi-line message keeps the prefix on every line. The Uis that come
// from one New share one lock, so lines printed concurrently never mix.
//
// # Progress
//
// TrackProgress shows a transfer, depending on Config.Progress. As a bar
// (on a terminal, by default): one line per transfer in progress, kept at
// the bottom of the output below the ordinary lines, redrawn at most every
// BarInterval with the amount, the rate and the estimated time left; the bar
// gives way to a summary line when the reader is closed. As plain lines
// (when the output is not a terminal): a line at most every
// Config.LineInterval, and the summary line. The bar is drawn with the ANSI
// sequences "cursor up" and "erase below"; it never takes more columns
// than Config.Width, so that it never wraps.
//
// # Machine-readable output
//
// With Config.MachineReadable, every call prints one line in Packer's
// machine-readable format instead:
//
//	timestamp,target,type,data...
//
// where timestamp is in Unix seconds, target is the Ui's name (or, for
// Machine, the part of the category before a comma, as in Packer), and the
// data fields have each comma replaced by "%!(PACKER_COMMA)", each newline
// by `\n` and each carriage return by `\r`. Say, Message and Error print
// type "ui" with the data "say", "message" or "error" and the message; Ask
// fails with ErrMachineReadable; TrackProgress shows nothing.
//
// # Concurrency
//
// Every method of Ui is safe for concurrent use, and so is Read against
// Close on the readers TrackProgress returns. Nothing here starts a
// goroutine: progress is redrawn from the Reads of the transfer.
package termui
