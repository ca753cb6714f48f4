package codec_test

import (
	"fmt"
	"net"
	"net/rpc"
	"sort"

	"github.com/muxplug/muxplug/codec"
)

// Greeter is a net/rpc service for the example.
type Greeter struct{}

// GreetArgs is the argument of Greeter.Hello.
type GreetArgs struct {
	Name  string
	Times int
}

// Hello greets args.Name args.Times times.
func (Greeter) Hello(args *GreetArgs, reply *[]string) error {
	for range args.Times {
		*reply = append(*reply, "hello, "+args.Name)
	}
	return nil
}

// A net/rpc client and server talking msgpack over an in-memory
// connection.
func ExampleNewClientCodec() {
	clientConn, serverConn := net.Pipe()

	srv := rpc.NewServer()
	if err := srv.Register(Greeter{}); err != nil {
		fmt.Println(err)
		return
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.ServeCodec(codec.NewServerCodec(serverConn)) // returns when the connection ends
	}()

	client := rpc.NewClientWithCodec(codec.NewClientCodec(clientConn))
	var reply []string
	err := client.Call("Greeter.Hello", &GreetArgs{Name: "gopher", Times: 2}, &reply)
	fmt.Println(reply, err)

	err = client.Call("Greeter.Goodbye", &GreetArgs{}, &reply)
	fmt.Println(err)

	client.Close() // closes clientConn; the server sees the end and returns
	<-served
	// Output:
	// [hello, gopher hello, gopher] <nil>
	// rpc: can't find method Greeter.Goodbye
}

// Values decoded into an interface{} come back with the types the package
// documentation lists.
func ExampleMarshal() {
	b, err := codec.Marshal(map[string]interface{}{
		"name":  "web",
		"port":  8080,
		"tags":  []string{"a", "b"},
		"blob":  []byte{0xde, 0xad},
		"ratio": float32(0.5),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var v interface{}
	if err := codec.Unmarshal(b, &v); err != nil {
		fmt.Println(err)
		return
	}
	m := v.(map[string]interface{})
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s: %T %v\n", k, m[k], m[k])
	}
	// Output:
	// blob: []uint8 [222 173]
	// name: string web
	// port: int64 8080
	// ratio: float64 0.5
	// tags: []interface {} [a b]
}
