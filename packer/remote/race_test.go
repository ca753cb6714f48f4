//go:build race

package remote

func init() { releaseRuns /= 10 }
