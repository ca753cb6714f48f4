package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/muxplug/muxplug/plugin"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one ends the host at once; its
	// plugins then exit on their own when their connection drops.
	context.AfterFunc(ctx, stop)
	code := execute(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	plugin.CleanupClients()
	os.Exit(code)
}
