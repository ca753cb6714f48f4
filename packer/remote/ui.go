package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/objrpc"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// uiKind serves a packer.Ui as service "Ui".
var uiKind = objrpc.NewKind("Ui", func(obj interface{}) interface{} {
	return &uiServer{ui: obj.(packer.Ui)}
})

// uiClient is a packer.Ui whose methods are calls to a Ui the peer serves.
// Say, Message, Error and Machine are one-way (objrpc's Proxy.Send): they
// return once the line is on its way, and a failure is logged.
type uiClient struct{ *objrpc.Proxy }

func newUiClient(p *objrpc.Proxy) packer.Ui { return &uiClient{p} }

func (u *uiClient) Ask(query string) (string, error) {
	var reply wire.StringReply
	err := u.Call("Ask", &wire.StringArgs{S: query}, &reply)
	return reply.S, err
}

func (u *uiClient) Say(message string) { u.say("Say", message) }

func (u *uiClient) Message(message string) { u.say("Message", message) }

func (u *uiClient) Error(message string) { u.say("Error", message) }

func (u *uiClient) say(method, message string) {
	u.LogFailure(method, u.Send(method, &wire.StringArgs{S: message}))
}

func (u *uiClient) Machine(category string, args ...string) {
	u.LogFailure("Machine", u.Send("Machine", &wire.MachineArgs{Category: category, Args: args}))
}

// uiServer serves a packer.Ui. TrackStart, TrackUpdate and TrackEnd are
// in progress.go.
type uiServer struct {
	ui     packer.Ui
	tracks objrpc.Table[*objrpc.Tracker]
}

func (s *uiServer) Ask(_ *objrpc.Call, args *wire.StringArgs, reply *wire.StringReply) error {
	answer, err := s.ui.Ask(args.S)
	reply.S = answer
	return err
}

func (s *uiServer) Say(_ *objrpc.Call, args *wire.StringArgs, _ *objrpc.Empty) error {
	s.ui.Say(args.S)
	return nil
}

func (s *uiServer) Message(_ *objrpc.Call, args *wire.StringArgs, _ *objrpc.Empty) error {
	s.ui.Message(args.S)
	return nil
}

func (s *uiServer) Error(_ *objrpc.Call, args *wire.StringArgs, _ *objrpc.Empty) error {
	s.ui.Error(args.S)
	return nil
}

func (s *uiServer) Machine(_ *objrpc.Call, args *wire.MachineArgs, _ *objrpc.Empty) error {
	s.ui.Machine(args.Category, args.Args...)
	return nil
}

// Close ends the progress reports still open once the Ui is no longer
// served, and waits for their drains.
func (s *uiServer) Close() error {
	for _, t := range s.tracks.Close() {
		t.Update(0, true)
		<-t.Finished()
	}
	return nil
}
