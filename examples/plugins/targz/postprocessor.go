package main

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/muxplug/muxplug/examples/internal/config"
	"github.com/muxplug/muxplug/packer"
)

// BuilderID identifies the artifacts of this post-processor.
const BuilderID = "muxplug.targz"

// Config is the post-processor's configuration.
type Config struct {
	// Output is the archive to write; it is replaced if it exists.
	Output string `json:"output"`

	// Level is the gzip compression level, 1 to 9; 0 means
	// gzip.DefaultCompression.
	Level int `json:"level"`
}

// PostProcessor turns an artifact into a .tar.gz and its checksum. Its zero
// value is ready for Configure.
type PostProcessor struct {
	cfg Config
}

var _ packer.PostProcessor = (*PostProcessor)(nil)

// Configure decodes and validates the configuration.
func (p *PostProcessor) Configure(raws ...interface{}) error {
	var cfg Config
	if err := config.Decode(&cfg, raws...); err != nil {
		return fmt.Errorf("targz: %w", err)
	}
	if cfg.Output == "" {
		return errors.New("targz: output is required")
	}
	if cfg.Level == 0 {
		cfg.Level = gzip.DefaultCompression
	} else if cfg.Level < gzip.BestSpeed || cfg.Level > gzip.BestCompression {
		return fmt.Errorf("targz: level is %d, want 1 to 9", cfg.Level)
	}
	abs, err := filepath.Abs(cfg.Output)
	if err != nil {
		return fmt.Errorf("targz: output: %w", err)
	}
	cfg.Output = abs
	p.cfg = cfg
	return nil
}

// PostProcess writes the archive of artifact's files and its checksum file
// and returns them as a new Artifact. The input artifact is kept. The
// archive appears complete or not at all.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packer.Ui, artifact packer.Artifact) (packer.Artifact, bool, error) {
	files := artifact.Files()
	if len(files) == 0 {
		return nil, false, fmt.Errorf("targz: artifact %q has no files to pack", artifact.Id())
	}
	files, err := absFiles(files)
	if err != nil {
		return nil, false, err
	}
	root := archiveRoot(artifact, files)
	ui.Say(fmt.Sprintf("Packing %d files of %s into %s", len(files), root, p.cfg.Output))
	sum, err := writeArchive(ctx, ui, p.cfg.Output, p.cfg.Level, root, files)
	if err != nil {
		return nil, false, err
	}
	sumFile := p.cfg.Output + ".sha256"
	line := fmt.Sprintf("%s  %s\n", sum, filepath.Base(p.cfg.Output))
	if err := os.WriteFile(sumFile, []byte(line), 0o644); err != nil {
		return nil, false, fmt.Errorf("targz: write checksum: %w", err)
	}
	ui.Message("sha256 " + sum)
	return &Artifact{Archive: p.cfg.Output, SumFile: sumFile, SHA256: sum}, true, nil
}

// archiveRoot is the directory the archive's paths are relative to: the
// artifact's "dir" state if it is a string, else the files' common parent.
// The files are absolute.
func archiveRoot(artifact packer.Artifact, files []string) string {
	if dir, ok := artifact.State("dir").(string); ok && filepath.IsAbs(dir) {
		return filepath.Clean(dir)
	}
	root := filepath.Dir(files[0])
	for _, f := range files[1:] {
		for !within(root, f) && filepath.Dir(root) != root {
			root = filepath.Dir(root)
		}
	}
	return root
}

// within reports whether path is inside dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// absFiles returns files as absolute paths.
func absFiles(files []string) ([]string, error) {
	out := make([]string, len(files))
	for i, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("targz: artifact file %q: %w", f, err)
		}
		out[i] = abs
	}
	return out, nil
}
