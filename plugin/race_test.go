//go:build race

package plugin

func init() {
	load.plugins, load.callers, load.callbacks = 4, 20, 20
	load.fleet, load.cycles = 20, 30
}
