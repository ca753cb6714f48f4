package remote

import (
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/remote/internal/wire"
)

// uiKind serves a packer.Ui as service "Ui".
var uiKind = &kind{svc: "Ui", rcvr: func(st site, obj interface{}) interface{} {
	return &uiServer{st: st, ui: obj.(packer.Ui)}
}}

// uiClient is a packer.Ui whose methods are calls to a Ui the peer serves.
// The methods without an error result log a failed call.
type uiClient struct{ *peer }

func newUiClient(p *peer) packer.Ui { return &uiClient{p} }

func (u *uiClient) Ask(query string) (string, error) {
	var reply wire.StringReply
	err := u.call("Ask", &wire.StringArgs{S: query}, &reply)
	return reply.S, err
}

func (u *uiClient) Say(message string) { u.say("Say", message) }

func (u *uiClient) Message(message string) { u.say("Message", message) }

func (u *uiClient) Error(message string) { u.say("Error", message) }

func (u *uiClient) say(method, message string) {
	u.logFailure(method, u.call(method, &wire.StringArgs{S: message}, new(wire.ErrReply)))
}

func (u *uiClient) Machine(category string, args ...string) {
	err := u.call("Machine", &wire.MachineArgs{Category: category, Args: args}, new(wire.ErrReply))
	u.logFailure("Machine", err)
}

// uiServer serves a packer.Ui. TrackStart, TrackUpdate and TrackEnd are
// in progress.go.
type uiServer struct {
	st     site
	ui     packer.Ui
	tracks table[*tracker]
}

func (s *uiServer) Ask(args *wire.StringArgs, reply *wire.StringReply) error {
	defer s.st.guard("Ui.Ask", &reply.Err)
	answer, err := s.ui.Ask(args.S)
	reply.S, reply.Err = answer, encodeError(err)
	return nil
}

func (s *uiServer) Say(args *wire.StringArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.Say", &reply.Err)
	s.ui.Say(args.S)
	return nil
}

func (s *uiServer) Message(args *wire.StringArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.Message", &reply.Err)
	s.ui.Message(args.S)
	return nil
}

func (s *uiServer) Error(args *wire.StringArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.Error", &reply.Err)
	s.ui.Error(args.S)
	return nil
}

func (s *uiServer) Machine(args *wire.MachineArgs, reply *wire.ErrReply) error {
	defer s.st.guard("Ui.Machine", &reply.Err)
	s.ui.Machine(args.Category, args.Args...)
	return nil
}

// shutdown ends the progress reports still open once the Ui is no longer
// served, and waits for them.
// shutdown ends every open report and waits for their drains.
func (s *uiServer) shutdown() {
	for _, t := range s.tracks.close() {
		t.update(0, true)
		<-t.finished
	}
}
