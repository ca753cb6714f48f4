package local_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/local"
)

func ExampleCommunicator_Start() {
	dir, err := os.MkdirTemp("", "local-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	comm := &local.Communicator{Dir: dir}
	var out bytes.Buffer
	cmd := &packer.RemoteCmd{Command: "echo hello; exit 3", Stdout: &out}
	ctx := context.Background()
	if err := comm.Start(ctx, cmd); err != nil {
		fmt.Println(err)
		return
	}
	if err := cmd.Wait(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(out.String())
	fmt.Println("status", cmd.ExitStatus())
	// Output:
	// hello
	// status 3
}

func ExampleCommunicator_UploadDir() {
	root, err := os.MkdirTemp("", "local-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	site := filepath.Join(root, "site")
	os.MkdirAll(filepath.Join(site, "css"), 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("<h1>hi</h1>"), 0o644)
	os.WriteFile(filepath.Join(site, "css", "a.css"), []byte("h1{}"), 0o644)
	os.WriteFile(filepath.Join(site, "debug.log"), []byte("noise"), 0o644)

	comm := &local.Communicator{Dir: filepath.Join(root, "machine")}
	ctx := context.Background()
	// "site" (no slash) creates machine/www/site; "site/" would copy the
	// contents straight into machine/www.
	if err := comm.UploadDir(ctx, "www", site, []string{"*.log"}); err != nil {
		fmt.Println(err)
		return
	}
	filepath.WalkDir(filepath.Join(root, "machine"), func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		fmt.Println(filepath.ToSlash(rel))
		return err
	})
	// Output:
	// machine
	// machine/www
	// machine/www/site
	// machine/www/site/css
	// machine/www/site/css/a.css
	// machine/www/site/index.html
}
