package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// go-plugin's gRPC protocol: a service written out by hand (no generated
// code, protobuf's wrapper messages) with a small unary call and a
// server-streaming download of bulkSize bytes in bulkWrite messages, the
// way go-plugin users stream files.

const (
	grpcPrepare  = "/bench.Bench/Prepare"
	grpcDownload = "/bench.Bench/Download"
)

// grpcBench is the plugin's implementation of the service.
type grpcBench struct{}

func (grpcBench) prepare(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	return wrapperspb.String(in.Value), nil
}

// download sends in.Value bulk bytes.
func (grpcBench) download(in *wrapperspb.Int64Value, stream grpc.ServerStream) error {
	msg := &wrapperspb.BytesValue{Value: bytes.Repeat([]byte{bulkByte}, bulkWrite)}
	for left := in.Value; left > 0; left -= bulkWrite {
		msg.Value = msg.Value[:min(left, bulkWrite)]
		if err := stream.SendMsg(msg); err != nil {
			return err
		}
	}
	return nil
}

var grpcBenchDesc = grpc.ServiceDesc{
	ServiceName: "bench.Bench",
	HandlerType: (*interface{})(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Prepare",
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			return srv.(grpcBench).prepare(ctx, in)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Download",
		ServerStreams: true,
		Handler: func(srv interface{}, stream grpc.ServerStream) error {
			in := new(wrapperspb.Int64Value)
			if err := stream.RecvMsg(in); err != nil {
				return err
			}
			return srv.(grpcBench).download(in, stream)
		},
	}},
}

// grpcBenchPlugin is the go-plugin plugin serving grpcBench.
type grpcBenchPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (grpcBenchPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	s.RegisterService(&grpcBenchDesc, grpcBench{})
	return nil
}

func (grpcBenchPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return c, nil
}

func goPluginGRPCMain() int {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: goPluginHandshake,
		Plugins:         goplugin.PluginSet{"bench": grpcBenchPlugin{}},
		GRPCServer:      goplugin.DefaultGRPCServer,
		Logger:          hclog.NewNullLogger(),
	})
	return 0
}

// startGoPluginGRPC launches the gRPC child and returns its connection.
func startGoPluginGRPC(b *testing.B) *grpc.ClientConn {
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  goPluginHandshake,
		Plugins:          goplugin.PluginSet{"bench": grpcBenchPlugin{}},
		Cmd:              childCmd(b, "goplugin-grpc"),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           hclog.NewNullLogger(),
		Stderr:           io.Discard,
	})
	b.Cleanup(client.Kill)
	rc, err := client.Client()
	if err != nil {
		b.Fatal(err)
	}
	raw, err := rc.Dispense("bench")
	if err != nil {
		b.Fatal(err)
	}
	return raw.(*grpc.ClientConn)
}

// grpcSmall is the small call.
func grpcSmall(c *grpc.ClientConn) func(int) (time.Duration, error) {
	return timed(func(n int) error {
		in, out := wrapperspb.String("bench"), new(wrapperspb.StringValue)
		for i := 0; i < n; i++ {
			if err := c.Invoke(context.Background(), grpcPrepare, in, out); err != nil {
				return err
			}
			if out.Value != "bench" {
				return fmt.Errorf("prepare: got %q", out.Value)
			}
		}
		return nil
	})
}

// grpcDownloader streams n transfers of bulkSize bytes from the plugin.
func grpcDownloader(c *grpc.ClientConn) func(int) (time.Duration, error) {
	desc := &grpc.StreamDesc{StreamName: "Download", ServerStreams: true}
	return timed(func(n int) error {
		w := &bulkChecker{}
		for i := 0; i < n; i++ {
			st, err := c.NewStream(context.Background(), desc, grpcDownload)
			if err != nil {
				return err
			}
			if err := st.SendMsg(wrapperspb.Int64(bulkSize)); err != nil {
				return err
			}
			if err := st.CloseSend(); err != nil {
				return err
			}
			for {
				msg := new(wrapperspb.BytesValue)
				if err := st.RecvMsg(msg); err == io.EOF {
					break
				} else if err != nil {
					return err
				}
				w.Write(msg.Value)
			}
		}
		return w.check(int64(n) * bulkSize)
	})
}
