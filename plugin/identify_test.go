package plugin

import (
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/muxplug/muxplug/mux"
)

// lateCallBrokerTimeout is the "latecall" plugin's BrokerTimeout.
const lateCallBrokerTimeout = 100 * time.Millisecond

func init() {
	// A plugin from before the kinds extension: its handshake line names
	// no kinds, so the host must ask Control.Info.
	helpers["nokinds"] = func() int {
		return helperServeWith(&ServeConfig{Stdout: withoutKinds{os.Stdout}})
	}
	// A plugin that expects another secret than the host's.
	helpers["badsecret"] = func() int {
		return helperServeWith(&ServeConfig{Getenv: func(k string) string {
			if k == envSecret {
				return strings.Repeat("cd", secretSize)
			}
			return os.Getenv(k)
		}})
	}
	// A plugin that gives the main stream little time to show up.
	helpers["latecall"] = func() int {
		return helperServeWith(&ServeConfig{Mux: &mux.Config{BrokerTimeout: lateCallBrokerTimeout}})
	}
}

// withoutKinds writes the handshake line without its kinds extension.
type withoutKinds struct{ w io.Writer }

func (o withoutKinds) Write(p []byte) (int, error) {
	line := string(p)
	if i := strings.Index(line, "|"+kindsExtension); i >= 0 {
		line = line[:i] + "\n"
	}
	if _, err := io.WriteString(o.w, line); err != nil {
		return 0, err
	}
	return len(p), nil
}

func TestKindsFromControlInfo(t *testing.T) {
	c := newTestClient(t, "nokinds", nil)
	b, err := c.Builder()
	if err != nil {
		t.Fatalf("Builder from a plugin that announces no kinds: %v", err)
	}
	if _, err := b.Prepare("x"); err != nil {
		t.Errorf("Prepare = %v", err)
	}
	_, err = c.Provisioner()
	if !errors.Is(err, ErrWrongKind) || !strings.Contains(err.Error(), "serves builder, not a provisioner") {
		t.Errorf("Provisioner = %v, want ErrWrongKind naming the builder Control.Info reported", err)
	}
}

func TestStartRefusedSecret(t *testing.T) {
	c := newTestClient(t, "badsecret", nil)
	start := time.Now()
	_, err := c.Start()
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("Start with a plugin that refuses our secret = %v, want ErrAuth", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Start took %v to notice", d)
	}
	if !c.Exited() {
		t.Error("plugin still running after a failed Start")
	}
}

// TestLateFirstCall: Start opens the main stream itself, so a first call
// made long after the plugin's BrokerTimeout still reaches the plugin.
func TestLateFirstCall(t *testing.T) {
	c := newTestClient(t, "latecall", nil)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lateCallBrokerTimeout) // the scenario: the host dawdles
	var reply string
	if err := call(c, "Echo", "late", &reply); err != nil || reply != "late" {
		t.Errorf("Echo after %v = %q, %v", 3*lateCallBrokerTimeout, reply, err)
	}
}

func TestServeAnnouncesKinds(t *testing.T) {
	env := goodEnv()
	var stdout syncBuffer
	err := Serve(context.Background(), stubBuilder{}, &ServeConfig{Stdout: &stdout, Stdin: strings.NewReader(""),
		Logger: discardLogger(), Getenv: func(k string) string { return env[k] }})
	if !errors.Is(err, ErrHostGone) {
		t.Errorf("Serve = %v, want ErrHostGone", err)
	}
	hs, err := parseHandshake(stdout.String())
	if err != nil || !reflect.DeepEqual(hs.Kinds, []string{kindBuilder}) {
		t.Errorf("handshake line %q announces %q, %v; want [builder]", stdout.String(), hs.Kinds, err)
	}
}
