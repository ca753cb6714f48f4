package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/muxplug/muxplug/packer"
)

// Event is one line of the log file.
type Event struct {
	Time time.Time   `json:"time"`
	Hook string      `json:"hook"`
	Data interface{} `json:"data,omitempty"`
}

// Hook reports hook points. Set its fields before the first Run; Run is
// safe for concurrent use. The zero value only reports through the Ui.
type Hook struct {
	// Log, if set, is a file that gets one JSON Event line per run.
	Log string

	// Marker, if set, is a file uploaded to the machine at the provision
	// hook (when the hook is given a Communicator). Its content names the
	// hook point and nothing else, so that a build that packs it stays
	// reproducible; the times are in Log.
	Marker string

	mu sync.Mutex // serializes appends to Log
}

var _ packer.Hook = (*Hook)(nil)

// Run reports the hook point through ui, logs it, and at the provision hook
// uploads the marker through comm.
func (h *Hook) Run(ctx context.Context, name string, ui packer.Ui, comm packer.Communicator, data interface{}) error {
	ui.Say(fmt.Sprintf("Hook %q reached", name))
	if err := h.log(Event{Time: time.Now().UTC(), Hook: name, Data: data}); err != nil {
		return err
	}
	if name != packer.HookProvision || h.Marker == "" || comm == nil {
		return nil
	}
	content := fmt.Sprintf("provisioned: the notify hook ran at %s\n", name)
	if err := comm.Upload(ctx, h.Marker, strings.NewReader(content), nil); err != nil {
		return fmt.Errorf("notify: upload marker: %w", err)
	}
	ui.Message("left marker " + h.Marker)
	return nil
}

func (h *Hook) log(ev Event) error {
	if h.Log == "" {
		return nil
	}
	line, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("notify: log: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f, err := os.OpenFile(h.Log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("notify: log: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("notify: log: %w", err)
	}
	return nil
}
