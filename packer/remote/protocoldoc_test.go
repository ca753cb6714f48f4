package remote

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/muxplug/muxplug/internal/docgen"
	"github.com/muxplug/muxplug/internal/msgpack"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/packertest"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// TestProtocolDocServices renders every service's methods, with the
// msgpack shape of their arguments and replies, into docs/protocol.md.
func TestProtocolDocServices(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("| method | argument | reply |\n| --- | --- | --- |\n")
	for _, c := range []struct {
		k   *objrpc.Kind
		obj interface{}
	}{
		{builderKind, &packertest.Builder{}},
		{provisionerKind, &packertest.Provisioner{}},
		{postProcessorKind, &packertest.PostProcessor{}},
		{hookKind, &packertest.Hook{}},
		{commandKind, &packertest.Command{}},
		{uiKind, &packertest.Ui{}},
		{artifactKind, &packertest.Artifact{}},
		{environmentKind, &packertest.Environment{}},
		{cacheKind, &packertest.Cache{}},
		{communicatorKind, &packertest.Communicator{}},
	} {
		ms, err := objrpc.Describe(c.k.Receiver(c.obj))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			name := c.k.Service() + "." + m.Name
			if m.Cancellable {
				name += " ✱"
			}
			fmt.Fprintf(&sb, "| `%s` | `%s` | `%s` |\n", name, docgen.Shape(m.Args, wireNames), docgen.Shape(m.Reply, wireNames))
		}
	}
	docgen.Check(t, "services", sb.String())
}

// wireNames are the runtime's structs as sections 6 to 8 of the document
// name them.
var wireNames = map[reflect.Type]string{
	reflect.TypeOf(objrpc.Ref{}):       "ref",
	reflect.TypeOf(objrpc.CallState{}): "call",
	reflect.TypeOf(objrpc.Result{}):    "err",
	reflect.TypeOf(objrpc.NoArgs{}):    "{}",
	reflect.TypeOf(objrpc.Empty{}):     "{err}",
}

// TestProtocolDocVectors renders the bytes of real messages into
// docs/protocol.md, from the code that writes them.
func TestProtocolDocVectors(t *testing.T) {
	raws, err := objrpc.EncodeValue("configuration", []interface{}{map[string]interface{}{"name": "demo"}})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	frame := func(header, body interface{}) []byte {
		b, err := msgpack.AppendMessage(nil, header, body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sb.WriteString(docgen.Vector("A Builder.Prepare call", "the request on stream 0 for `Prepare(map[string]interface{}{\"name\": \"demo\"})`, Seq 1",
		append([]byte{1, 0, 0, 0, 0}, frame(&msgpack.RequestHeader{ServiceMethod: "Builder.Prepare", Seq: 1}, &wire.ConfigArgs{Raws: raws})...)))
	sb.WriteString("The first 5 bytes are the broker's stream header for id 0, sent once, with the stream's first request.\n\n")
	sb.WriteString(docgen.Vector("Its reply", "one warning, no error, behind the acceptor's status byte 0 (the stream's first byte)",
		append([]byte{0}, frame(&msgpack.ResponseHeader{ServiceMethod: "Builder.Prepare", Seq: 1}, &wire.PrepareReply{Warnings: []string{"w"}})...)))
	fail := &wire.PrepareReply{}
	fail.Err = objrpc.EncodeError(fmt.Errorf("bad: %w", fs.ErrNotExist))
	sb.WriteString(docgen.Vector("A failed reply", "the same call failing with an error wrapping fs.ErrNotExist",
		frame(&msgpack.ResponseHeader{ServiceMethod: "Builder.Prepare", Seq: 2}, fail)))
	sb.WriteString(docgen.Vector("A one-way Ui.Say", "Seq 0: no reply unless it fails",
		frame(&msgpack.RequestHeader{ServiceMethod: "Ui.Say"}, &wire.StringArgs{S: "hello"})))
	var chunks strings.Builder
	cw := objrpc.NewChunkWriter(&chunks)
	if _, err := cw.Write([]byte("file")); err != nil {
		t.Fatal(err)
	}
	if err := cw.Finish(nil); err != nil {
		t.Fatal(err)
	}
	sb.WriteString(docgen.Vector("An upload's byte stream", "the chunk \"file\" and the success marker",
		[]byte(chunks.String())))
	docgen.Check(t, "vectors", sb.String())
}
