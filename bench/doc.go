// Package bench compares muxplug with hashicorp/go-plugin (its net/rpc and
// gRPC protocols) and with the design it replaces (Packer's old net/rpc +
// gob, one TCP port per object), each against floors measured in the same
// run: a raw Unix-socket ping-pong with a child process and a raw
// hashicorp/yamux stream with a child, tuned as a zero mux.Config tunes
// muxplug's.
//
// It is a module of its own so that the library's go.mod stays free of
// go-plugin and gRPC. Run it from this directory with a fixed number of
// rounds:
//
//	go test -run '^$' -bench . -benchtime 30x
//
// Each benchmark starts its child processes once, then runs its contenders
// in interleaved rounds and reports each one's median (see compare), so
// that the ratios hold on a noisy machine even when the absolute times do
// not. Every plugin process is the test binary itself, started again in a
// role chosen by an environment variable (see main_test.go), so nothing
// has to be built first.
package bench
