package plugin

import (
	"bytes"
	"net"
	"testing"

	"github.com/muxplug/muxplug/internal/docgen"
)

// TestProtocolDocLaunch renders the handshake line and the authentication
// preface into docs/protocol.md, from the code that writes them.
func TestProtocolDocLaunch(t *testing.T) {
	hs := handshake{Version: 1, Network: "tcp", Addr: "127.0.0.1:10523", Kinds: []string{kindBuilder, kindProvisioner}}
	line := hs.String() + "\n"
	secret := bytes.Repeat([]byte{0xab}, secretSize)
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, len(authPreface)+secretSize)
		n, _ := c2.Read(b)
		got <- b[:n]
	}()
	if err := writePreface(c1, secret); err != nil {
		t.Fatal(err)
	}
	text := docgen.Vector("A handshake line", "`"+hs.String()+"`, with its LF", []byte(line)) +
		docgen.Vector("An authentication preface", "for a 32-byte secret of 0xab bytes", <-got) +
		docgen.Vector("The plugin's acknowledgement", "`muxplug-auth-ok`, with its LF", []byte(authAck))
	docgen.Check(t, "launch", text)
}
