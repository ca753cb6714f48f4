package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/muxplug/muxplug/packer"
)

// writeInputs creates the template's input files in dir. Sized inputs hold
// pseudo-random bytes seeded by their path, so a run is reproducible.
func writeInputs(dir string, inputs []Input, ui packer.Ui) error {
	for _, in := range inputs {
		path := filepath.Join(dir, in.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("host: input %s: %w", in.Path, err)
		}
		var err error
		if in.Size > 0 {
			err = writeRandom(path, in.Path, in.Size)
		} else {
			err = os.WriteFile(path, []byte(in.Content), 0o644)
		}
		if err != nil {
			return fmt.Errorf("host: input %s: %w", in.Path, err)
		}
		ui.Message(fmt.Sprintf("created input %s (%d bytes)", in.Path, max(in.Size, int64(len(in.Content)))))
	}
	return nil
}

// writeRandom writes size pseudo-random bytes seeded by key to path.
func writeRandom(path, key string, size int64) error {
	seed := sha256.Sum256([]byte(key))
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:16])))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var word [8]byte
	for n := int64(0); n < size; n += 8 {
		binary.LittleEndian.PutUint64(word[:], rng.Uint64())
		w.Write(word[:min(8, size-n)])
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
