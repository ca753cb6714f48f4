// Package bench compares muxplug with hashicorp/go-plugin and with the
// design it replaces (Packer's old net/rpc + gob, one TCP port per object),
// each measured against raw floors taken in the same run.
//
// It is a module of its own so that the library's go.mod stays free of
// go-plugin and gRPC. Run it from this directory:
//
//	go test -run '^$' -bench . -count 6 | tee new.txt
//	benchstat new.txt
//
// Every plugin process in these benchmarks is the test binary itself,
// started again in a role chosen by an environment variable (see
// main_test.go), so nothing has to be built first.
package bench
