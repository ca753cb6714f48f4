package mux_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/rpc"

	"github.com/muxplug/muxplug/codec"
	"github.com/muxplug/muxplug/mux"
)

// Greeter is a net/rpc receiver the plugin serves.
type Greeter struct{}

func (Greeter) Hello(name string, reply *string) error {
	*reply = "hello, " + name
	return nil
}

// ExampleClient runs a host and a plugin broker over net.Pipe, with
// net/rpc and package codec on stream 0: the plugin serves a service there
// and the host calls it.
func ExampleClient() {
	hostConn, pluginConn := net.Pipe()

	plugin, err := mux.Server(pluginConn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer plugin.Close()
	srv := rpc.NewServer()
	if err := srv.Register(Greeter{}); err != nil {
		log.Fatal(err)
	}
	go func() {
		conn, err := plugin.Accept(context.Background(), 0)
		if err != nil {
			log.Fatal(err)
		}
		srv.ServeCodec(codec.NewServerCodec(conn)) // until the host closes
	}()

	host, err := mux.Client(hostConn, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer host.Close()
	conn, err := host.Dial(context.Background(), 0)
	if err != nil {
		log.Fatal(err)
	}
	client := rpc.NewClientWithCodec(codec.NewClientCodec(conn))
	defer client.Close()

	var reply string
	if err := client.Call("Greeter.Hello", "gopher", &reply); err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply)
	// Output: hello, gopher
}
