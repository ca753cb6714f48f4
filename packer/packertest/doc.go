// Package packertest provides in-memory implementations of the interfaces of
// package github.com/muxplug/muxplug/packer, for tests.
//
// Each fake records every call it receives, in order, so that a test can
// assert what a component did or what arrived across a plugin connection.
// The accessors that return records (Records, PrepareCalls, Calls, ...)
// return copies: a test may keep and change them freely. Records that hold
// values given by the caller (configurations, hook data) copy the slice but
// not the values in it.
//
// Every fake is safe for concurrent use. Their exported fields configure
// them: set the fields before the first call and do not change them
// afterwards. Use them by pointer: each holds a mutex and must not be
// copied after first use. The zero value of every fake works, with the
// defaults each type documents; NewCache and NewCommunicator give a Cache
// and a Communicator backed by a temporary directory of a test.
//
// Communicator does its work with package
// github.com/muxplug/muxplug/packer/local, so commands really run (with
// /bin/sh) and files really move, unless a StartFunc such as Reply scripts
// the commands.
//
// The fakes start no goroutines, so they can be used in tests that check
// for leaked goroutines.
//
// Errors returned by the fakes begin with "packertest:"; a lookup of a
// component an Environment does not have wraps ErrNotFound.
package packertest
