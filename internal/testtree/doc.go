// Package testtree builds and reads small directory trees for tests.
//
// A test describes the tree it wants as a [Tree], a map from slash-separated
// relative names to [Node] values made with [Dir], [File] and [Link]; [Make]
// creates it under a directory, [Read] reads a directory back into a Tree and
// [Check] fails the test unless a directory holds exactly a given Tree.
//
// The package is for the tests of this module only: every function that can
// fail takes a testing.TB and stops the test with tb.Fatal. Nothing here
// starts a goroutine or keeps state between calls, so tests running in
// parallel may use it freely on different directories.
package testtree
