package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/muxplug/muxplug/examples/internal/config"
	"github.com/muxplug/muxplug/packer"
	"github.com/muxplug/muxplug/packer/local"
)

// BuilderID identifies the artifacts of this builder.
const BuilderID = "muxplug.files"

// Config is the builder's configuration.
type Config struct {
	// OutputDir is the directory the build creates. It must not exist
	// unless Force is set, in which case it is removed first.
	OutputDir string `json:"output_dir"`

	// Files maps file names (slash-separated, inside OutputDir) to their
	// contents.
	Files map[string]string `json:"files"`

	// Count is how many numbered files (file-1.txt, ...) to generate in
	// addition to Files.
	Count int `json:"count"`

	// Force replaces an existing OutputDir.
	Force bool `json:"force"`
}

// Builder builds a directory of files. Its zero value is ready for Prepare;
// it runs one build at a time.
type Builder struct {
	cfg Config
}

var _ packer.Builder = (*Builder)(nil)

// Prepare decodes and validates the configuration. It warns when the build
// would produce no files at all.
func (b *Builder) Prepare(raws ...interface{}) ([]string, error) {
	var cfg Config
	if err := config.Decode(&cfg, raws...); err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	if cfg.OutputDir == "" {
		return nil, errors.New("files: output_dir is required")
	}
	if cfg.Count < 0 {
		return nil, fmt.Errorf("files: count is %d, want 0 or more", cfg.Count)
	}
	for name := range cfg.Files {
		if !fs.ValidPath(name) || name == "." {
			return nil, fmt.Errorf("files: file name %q must be a relative slash-separated path inside output_dir", name)
		}
	}
	abs, err := filepath.Abs(cfg.OutputDir)
	if err != nil {
		return nil, fmt.Errorf("files: output_dir: %w", err)
	}
	cfg.OutputDir = abs
	b.cfg = cfg
	var warnings []string
	if len(cfg.Files) == 0 && cfg.Count == 0 {
		warnings = append(warnings, "files: neither files nor count is set: the build starts empty")
	}
	return warnings, nil
}

// Run creates the output directory, writes the files, runs the provision
// hook with a Communicator rooted at the directory, and returns the
// directory as an Artifact. On failure or cancellation it removes what it
// created.
func (b *Builder) Run(ctx context.Context, ui packer.Ui, hook packer.Hook) (packer.Artifact, error) {
	dir := b.cfg.OutputDir
	if err := b.createDir(ui, dir); err != nil {
		return nil, err
	}
	art, err := b.build(ctx, ui, hook, dir)
	if err != nil {
		ui.Say("Removing " + dir + " after the failed build")
		if rmErr := os.RemoveAll(dir); rmErr != nil {
			ui.Error("files: " + rmErr.Error())
		}
		return nil, err
	}
	return art, nil
}

func (b *Builder) createDir(ui packer.Ui, dir string) error {
	if _, err := os.Lstat(dir); err == nil {
		if !b.cfg.Force {
			return fmt.Errorf("files: output_dir %s already exists (set \"force\": true to replace it)", dir)
		}
		ui.Say("Removing the previous " + dir)
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("files: remove old output_dir: %w", err)
		}
	}
	ui.Say("Creating " + dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("files: create output_dir: %w", err)
	}
	return nil
}

func (b *Builder) build(ctx context.Context, ui packer.Ui, hook packer.Hook, dir string) (packer.Artifact, error) {
	for _, f := range b.plan() {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("files: build cancelled: %w", err)
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(f.name)), f.content); err != nil {
			return nil, err
		}
		ui.Message(fmt.Sprintf("wrote %s (%d bytes)", f.name, len(f.content)))
	}
	ui.Say("Running the provision hook")
	comm := &local.Communicator{Dir: dir}
	data := map[string]interface{}{"builder": BuilderID, "output_dir": dir}
	if err := hook.Run(ctx, packer.HookProvision, ui, comm, data); err != nil {
		return nil, fmt.Errorf("files: provision: %w", err)
	}
	files, err := listFiles(dir)
	if err != nil {
		return nil, err
	}
	ui.Say(fmt.Sprintf("Build done: %d files in %s", len(files), dir))
	return &Artifact{Dir: dir, Paths: files}, nil
}

type plannedFile struct{ name, content string }

// plan returns the files to write, in a stable order.
func (b *Builder) plan() []plannedFile {
	var out []plannedFile
	for name, content := range b.cfg.Files {
		out = append(out, plannedFile{name, content})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for i := 1; i <= b.cfg.Count; i++ {
		out = append(out, plannedFile{
			name:    fmt.Sprintf("file-%d.txt", i),
			content: fmt.Sprintf("generated file %d of %d\n", i, b.cfg.Count),
		})
	}
	return out
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	return nil
}

// listFiles returns the absolute paths of the regular files under dir,
// sorted.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("files: list output: %w", err)
	}
	sort.Strings(files)
	return files, nil
}
