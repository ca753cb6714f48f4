package bench

import (
	"fmt"
	"net"
	"net/rpc"
	"os"
	"testing"
	"time"
)

// The design muxplug replaces: Packer's old plugin transport, net/rpc with
// gob over a TCP connection, and a new TCP listener (a new port) for every
// object that crosses the boundary, here the Ui a Provision calls back.

// oldProvisioner is the plugin's receiver in the old design.
type oldProvisioner struct{}

func (oldProvisioner) Prepare(args PrepareArgs, reply *string) error {
	*reply = args.Config["name"]
	return nil
}

// Provision dials the Ui at the address the host opened for it and says
// 100 lines.
func (oldProvisioner) Provision(uiAddr string, reply *int) error {
	ui, err := rpc.Dial("tcp", uiAddr)
	if err != nil {
		return err
	}
	defer ui.Close()
	for i := 0; i < 100; i++ {
		var n int
		if err := ui.Call("Ui.Say", "line", &n); err != nil {
			return err
		}
		*reply += n
	}
	return nil
}

func oldDesignMain() int {
	exitOnStdinEOF()
	srv := rpc.NewServer()
	if err := srv.RegisterName("Provisioner", oldProvisioner{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(l.Addr())
	srv.Accept(l)
	return 1
}

func dialOldDesign(b *testing.B) *rpc.Client {
	c, err := rpc.Dial("tcp", startChild(b, "olddesign"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// oldSmall is one small gob call into a plugin process.
func oldSmall(c *rpc.Client) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			var reply string
			if err := c.Call("Provisioner.Prepare", PrepareArgs{Config: map[string]string{"name": "bench"}}, &reply); err != nil || reply != "bench" {
				return fmt.Errorf("prepare: %q, %v", reply, err)
			}
		}
		return nil
	})
}

// oldCallbacks serves the Ui on a new port for each Provision, as the old
// design did for every object.
func oldCallbacks(c *rpc.Client) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		for i := 0; i < n; i++ {
			if err := oldProvision(c); err != nil {
				return err
			}
		}
		return nil
	})
}

func oldProvision(c *rpc.Client) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	srv := rpc.NewServer()
	if err := srv.RegisterName("Ui", goUi{}); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := l.Accept()
		if err == nil {
			srv.ServeConn(conn)
		}
	}()
	var total int
	err = c.Call("Provisioner.Provision", l.Addr().String(), &total)
	l.Close()
	<-done
	if err == nil && total != 100*len("line") {
		err = fmt.Errorf("provision: got %d", total)
	}
	return err
}
