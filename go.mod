module github.com/muxplug/muxplug

go 1.24

require (
	github.com/hashicorp/yamux v0.1.2
	github.com/ugorji/go/codec v1.3.2
	go.uber.org/goleak v1.3.0
)
