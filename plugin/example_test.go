package plugin_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/muxplug/muxplug/packer/packertest"
	"github.com/muxplug/muxplug/plugin"
)

// A plugin's main function that wants to decide how to exit uses Serve
// instead of ServeBuilder.
func ExampleServe() {
	builder := &packertest.Builder{} // your packer.Builder
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	err := plugin.Serve(ctx, builder, nil)
	switch {
	case errors.Is(err, plugin.ErrNotPlugin):
		fmt.Fprintln(os.Stderr, "run me through the host, please")
		os.Exit(1)
	case err != nil && ctx.Err() == nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(5)
	}
}

// A host runs a builder plugin and kills it when done.
func ExampleNewClient() {
	client := plugin.NewClient(&plugin.ClientConfig{
		Cmd:     exec.Command("packer-builder-example"),
		Managed: true,
		Stderr:  os.Stderr,
	})
	defer plugin.CleanupClients()

	builder, err := client.Builder() // starts the plugin
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	warnings, err := builder.Prepare(map[string]interface{}{"region": "eu-west-1"})
	fmt.Println(warnings, err)
}
