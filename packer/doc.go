// Package packer defines the components a Packer-style plugin provides
// (Builder, Provisioner, PostProcessor, Hook, Command) and the objects they
// exchange with the host (Ui, Artifact, Communicator, Cache, Environment).
//
// The package imports nothing but the standard library, so plugin authors can
// depend on it without pulling in any transport. Package
// github.com/muxplug/muxplug/packer/remote carries every method of every
// interface here across a muxplug connection; package
// github.com/muxplug/muxplug/packer/packertest has in-memory implementations
// for tests.
//
// # Contexts
//
// Every long call takes a context first. When such a call crosses the plugin
// boundary, the callee's context for that call ends when the caller's does,
// and carries the caller's deadline. Short calls (Ui.Say, Artifact.Id, Cache)
// take none.
//
// # Values of type interface{}
//
// Configurations (Builder.Prepare, Provisioner.Prepare,
// PostProcessor.Configure), Artifact.State values and Hook data are plain
// data when they cross the plugin boundary: strings, []byte, bools, numbers,
// time.Time, slices and maps of those. See package
// github.com/muxplug/muxplug/codec for the exact types they come back as.
package packer
