package packertest_test

import (
	"context"
	"fmt"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/packertest"
)

// A build wired from fakes: the builder runs its provision hook, the hook
// runs a provisioner, and the provisioner runs a scripted command. The
// recording Ui then shows everything that was printed, in order.
func Example() {
	comm := &packertest.Communicator{StartFunc: packertest.Reply("apt: done\n", "", 0)}
	prov := &packertest.Provisioner{Command: "apt-get install -y nginx"}
	hook := &packertest.Hook{
		RunFunc: func(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
			return prov.Provision(ctx, ui, comm)
		},
	}
	builder := &packertest.Builder{
		Communicator:  comm,
		ArtifactValue: &packertest.Artifact{IdValue: "ami-1234"},
	}

	ui := &packertest.Ui{}
	artifact, err := builder.Run(context.Background(), ui, hook)
	if err != nil {
		fmt.Println("build failed:", err)
		return
	}
	fmt.Print(ui)
	fmt.Println("artifact:", artifact.Id())
	fmt.Println("hooks:", hook.Names())
	fmt.Println("commands:", comm.Commands())
	// Output:
	// say: packertest: building
	// say: packertest: provisioning
	// message: apt: done
	// artifact: ami-1234
	// hooks: [packer_provision]
	// commands: [apt-get install -y nginx]
}

// Scripting answers to Ask.
func ExampleUi_QueueAnswers() {
	ui := &packertest.Ui{}
	ui.QueueAnswers("yes")
	answer, err := ui.Ask("Overwrite the image?")
	fmt.Println(answer, err)
	_, err = ui.Ask("Really?")
	fmt.Println(err)
	// Output:
	// yes <nil>
	// packertest: ask "Really?": packertest: no answer queued
}
