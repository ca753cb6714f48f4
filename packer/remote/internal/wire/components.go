package wire

import "github.com/muxplug/muxplug/packer/objrpc"

// MachineArgs is the argument of Ui.Machine.
type MachineArgs struct {
	Category string   `codec:"category"`
	Args     []string `codec:"args"`
}

// TrackStartArgs is the argument of Ui.TrackStart, which begins a
// progress report on the host's Ui.
type TrackStartArgs struct {
	Src     string `codec:"src"`
	Current int64  `codec:"current"`
	Total   int64  `codec:"total"`
}

// TrackReply is the reply of Ui.TrackStart: the id of the new report.
type TrackReply struct {
	ID uint64 `codec:"id"`
	objrpc.Result
}

// TrackArgs is the argument of Ui.TrackUpdate and Ui.TrackEnd: the report
// and the number of bytes transferred so far through it (a running total,
// not a delta, so that updates may be applied in any order).
type TrackArgs struct {
	ID uint64 `codec:"id"`
	N  int64  `codec:"n"`
}

// PrepareReply is the reply of Builder.Prepare.
type PrepareReply struct {
	Warnings []string `codec:"warnings"`
	objrpc.Result
}

// BuilderRunArgs is the argument of Builder.Run.
type BuilderRunArgs struct {
	objrpc.CallState `codec:"call"`
	Ui               objrpc.Ref `codec:"ui"`
	Hook             objrpc.Ref `codec:"hook"`
}

// HookRunArgs is the argument of Hook.Run. Data is the msgpack encoding of
// the hook data.
type HookRunArgs struct {
	objrpc.CallState `codec:"call"`
	Name             string     `codec:"name"`
	Ui               objrpc.Ref `codec:"ui"`
	Comm             objrpc.Ref `codec:"comm"`
	Data             []byte     `codec:"data"`
}

// ProvisionArgs is the argument of Provisioner.Provision.
type ProvisionArgs struct {
	objrpc.CallState `codec:"call"`
	Ui               objrpc.Ref `codec:"ui"`
	Comm             objrpc.Ref `codec:"comm"`
}

// PostProcessArgs is the argument of PostProcessor.PostProcess.
type PostProcessArgs struct {
	objrpc.CallState `codec:"call"`
	Ui               objrpc.Ref `codec:"ui"`
	Artifact         objrpc.Ref `codec:"artifact"`
}

// PostProcessReply is the reply of PostProcessor.PostProcess. Input says
// that the result is the very artifact the caller passed (Artifact is then
// unset), whoever serves it.
type PostProcessReply struct {
	Artifact objrpc.Ref `codec:"artifact"`
	Input    bool       `codec:"input,omitempty"`
	Keep     bool       `codec:"keep"`
	objrpc.Result
}

// CommandRunArgs is the argument of Command.Run.
type CommandRunArgs struct {
	objrpc.CallState `codec:"call"`
	Env              objrpc.Ref `codec:"env"`
	Args             []string   `codec:"args"`
}

// IntReply is the reply of Command.Run.
type IntReply struct {
	N int `codec:"n"`
	objrpc.Result
}

// RLockReply is the reply of Cache.RLock.
type RLockReply struct {
	Path string `codec:"path"`
	OK   bool   `codec:"ok"`
	objrpc.Result
}
