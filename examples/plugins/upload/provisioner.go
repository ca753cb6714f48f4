package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/muxplug/muxplug/examples/internal/config"
	"github.com/muxplug/muxplug/packer"
)

// Config is the provisioner's configuration.
type Config struct {
	// Source is the local file or directory to upload.
	Source string `json:"source"`

	// Destination is where it goes on the machine. With a trailing slash,
	// the source keeps its name inside Destination.
	Destination string `json:"destination"`

	// Exclude lists patterns of paths left out of a directory upload.
	Exclude []string `json:"exclude"`

	// BytesPerSecond, if positive, limits the rate of a file upload: the
	// demo sets it so that its progress bar is there to be seen. Zero means
	// no limit.
	BytesPerSecond int64 `json:"bytes_per_second"`
}

// Provisioner uploads a file or a directory through a Communicator. Its
// zero value is ready for Prepare.
type Provisioner struct {
	cfg Config
}

var _ packer.Provisioner = (*Provisioner)(nil)

// Prepare decodes and validates the configuration. The source must exist
// at this point.
func (p *Provisioner) Prepare(raws ...interface{}) error {
	var cfg Config
	if err := config.Decode(&cfg, raws...); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if cfg.Source == "" || cfg.Destination == "" {
		return errors.New("upload: source and destination are required")
	}
	if _, err := os.Stat(cfg.Source); err != nil {
		return fmt.Errorf("upload: source: %w", err)
	}
	if cfg.BytesPerSecond < 0 {
		return fmt.Errorf("upload: bytes_per_second is %d, want 0 (no limit) or more", cfg.BytesPerSecond)
	}
	p.cfg = cfg
	return nil
}

// Provision uploads the source. A file goes through ui.TrackProgress, so
// the person sees how far it has got.
func (p *Provisioner) Provision(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	if comm == nil {
		return errors.New("upload: no communicator: the builder gave none to the provision hook")
	}
	fi, err := os.Stat(p.cfg.Source)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	if fi.IsDir() {
		return p.uploadDir(ctx, ui, comm)
	}
	return p.uploadFile(ctx, ui, comm)
}

func (p *Provisioner) uploadFile(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	src, dst := p.cfg.Source, p.cfg.Destination
	if strings.HasSuffix(dst, "/") {
		dst = path.Join(dst, filepath.Base(src))
	}
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("upload: %w", err)
	}
	ui.Say(fmt.Sprintf("Uploading %s => %s (%d bytes)", src, dst, fi.Size()))
	var stream io.ReadCloser = f
	if rate := p.cfg.BytesPerSecond; rate > 0 {
		ui.Message(fmt.Sprintf("at most %d bytes per second", rate))
		stream = readCloser{newPacedReader(ctx, f, rate), f}
	}
	r := ui.TrackProgress(filepath.Base(src), 0, fi.Size(), stream)
	defer r.Close() // closes f too
	if err := comm.Upload(ctx, dst, r, packer.NewFileInfo(fi)); err != nil {
		return fmt.Errorf("upload: %s: %w", src, err)
	}
	return nil
}

// readCloser reads from one value and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

func (p *Provisioner) uploadDir(ctx context.Context, ui packer.Ui, comm packer.Communicator) error {
	src, dst := p.cfg.Source, p.cfg.Destination
	ui.Say(fmt.Sprintf("Uploading directory %s => %s", src, dst))
	if err := comm.UploadDir(ctx, dst, src, p.cfg.Exclude); err != nil {
		return fmt.Errorf("upload: directory %s: %w", src, err)
	}
	return nil
}
