package packertest

import (
	"context"
	"errors"
	"sync"

	"github.com/muxplug/muxplug/packer"
)

// PostProcessorBuilderID is the BuilderId of the artifacts a PostProcessor
// makes by default.
const PostProcessorBuilderID = "packertest.postprocessor"

// PostProcessor is a packer.PostProcessor that records its calls. Configure
// and PostProcess call ConfigureFunc and PostProcessFunc when they are set,
// and do the documented default otherwise.
//
// The zero value is ready to use. A PostProcessor is safe for concurrent
// use.
type PostProcessor struct {
	// ConfigureFunc, if not nil, is called by Configure. Without it,
	// Configure returns nil.
	ConfigureFunc func(raws ...interface{}) error

	// PostProcessFunc, if not nil, is called by PostProcess. Without it,
	// PostProcess says a line on the Ui and returns Keep with either the
	// input artifact itself (if ReturnInput is set) or a new *Artifact
	// with the input's Id and Files, the String "post-processed " followed
	// by the input's String, and BuilderID as its BuilderId.
	PostProcessFunc func(ctx context.Context, ui packer.Ui, artifact packer.Artifact) (packer.Artifact, bool, error)

	// BuilderID is the BuilderId of the artifacts the default PostProcess
	// makes; empty means PostProcessorBuilderID.
	BuilderID string

	// ReturnInput makes the default PostProcess return its input.
	ReturnInput bool

	// Keep is the keep result of the default PostProcess.
	Keep bool

	mu         sync.Mutex // guards the fields below
	configures [][]interface{}
	inputs     []*Artifact
}

var _ packer.PostProcessor = (*PostProcessor)(nil)

// Configure records raws and calls ConfigureFunc, if set.
func (p *PostProcessor) Configure(raws ...interface{}) error {
	p.mu.Lock()
	p.configures = append(p.configures, cloneRaws(raws))
	p.mu.Unlock()
	if p.ConfigureFunc != nil {
		return p.ConfigureFunc(raws...)
	}
	return nil
}

// PostProcess records what artifact reports (see PostProcessCalls), then
// calls PostProcessFunc or does the default described at PostProcessFunc.
// The default returns an error for a nil artifact. It blocks as long as
// PostProcessFunc does.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packer.Ui, artifact packer.Artifact) (packer.Artifact, bool, error) {
	in := snapshotArtifact(artifact)
	p.mu.Lock()
	p.inputs = append(p.inputs, in)
	p.mu.Unlock()
	if p.PostProcessFunc != nil {
		return p.PostProcessFunc(ctx, ui, artifact)
	}
	if in == nil {
		return nil, false, errors.New("packertest: post-processor: nil artifact")
	}
	if ui != nil {
		ui.Say("packertest: post-processing " + in.IdValue)
	}
	if p.ReturnInput {
		return artifact, p.Keep, nil
	}
	out := &Artifact{
		BuilderIdValue: p.BuilderID,
		FilesValue:     in.FilesValue,
		IdValue:        in.IdValue,
		StringValue:    "post-processed " + in.StringValue,
	}
	if out.BuilderIdValue == "" {
		out.BuilderIdValue = PostProcessorBuilderID
	}
	return out, p.Keep, nil
}

// ConfigureCalls returns the raws of every Configure call so far, in order.
func (p *PostProcessor) ConfigureCalls() [][]interface{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return cloneRawsList(p.configures)
}

// PostProcessCalls returns, for every PostProcess call so far, an Artifact
// holding what the input artifact's BuilderId, Files, Id and String
// returned during the call (nil for a nil input). State is not recorded.
func (p *PostProcessor) PostProcessCalls() []*Artifact {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*Artifact, len(p.inputs))
	for i, in := range p.inputs {
		if in != nil {
			out[i] = snapshotArtifact(in)
		}
	}
	return out
}
