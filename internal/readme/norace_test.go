//go:build !race

package readme

// raceEnabled reports whether the test binary was built with -race.
const raceEnabled = false
