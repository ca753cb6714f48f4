package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/muxplug/muxplug/plugin"
)

// kindCommand is the kind of a command plugin, which no template section
// holds.
const kindCommand = "command"

// catalog maps each example plugin's name to the kinds of the default
// components it serves, as the plugin describes itself (nil if it could
// not say), so that a template naming a plugin that does not exist, or one
// of another kind, is rejected before any plugin starts.
type catalog map[string][]string

// describeCatalog runs every plugin of dir, a directory of built plugins,
// with describe (plugin.Describe), all at once, and returns what they
// serve. A binary that does not describe itself is in the catalog with
// unknown kinds, and ctx bounds the runs.
func describeCatalog(ctx context.Context, dir string) (catalog, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("host: list plugins: %w", err)
	}
	cat := make(catalog)
	var mu sync.Mutex // guards cat
	var wg sync.WaitGroup
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			kinds := describedKinds(ctx, filepath.Join(dir, e.Name()))
			mu.Lock()
			cat[strings.TrimSuffix(e.Name(), ".exe")] = kinds
			mu.Unlock()
		}()
	}
	wg.Wait()
	return cat, ctx.Err()
}

// describedKinds returns the kinds of the default components of the
// plugin at path, or nil if it does not describe itself.
func describedKinds(ctx context.Context, path string) []string {
	d, err := plugin.Describe(ctx, exec.Command(path))
	if err != nil {
		return nil
	}
	kinds := []string{}
	for _, k := range []plugin.Kind{plugin.KindBuilder, plugin.KindCommand, plugin.KindHook,
		plugin.KindPostProcessor, plugin.KindProvisioner} {
		if slices.Contains(d.Names(k), plugin.DefaultName) {
			kinds = append(kinds, string(k))
		}
	}
	return kinds
}

// names lists the plugins of the kind, sorted.
func (cat catalog) names(kind string) []string {
	var names []string
	for name, kinds := range cat {
		if kinds == nil || slices.Contains(kinds, kind) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// lookup returns nil if the catalog has a plugin called name of the kind,
// and otherwise an error saying which plugins it has.
func (cat catalog) lookup(kind, name string) error {
	have, ok := cat[name]
	valid := fmt.Sprintf("the example %ss are: %s", kind, strings.Join(cat.names(kind), ", "))
	switch {
	case !ok:
		return fmt.Errorf("unknown %s %q; %s", kind, name, valid)
	case have != nil && !slices.Contains(have, kind):
		return fmt.Errorf("%q is a %s, not a %s; %s", name, strings.Join(have, " and a "), kind, valid)
	}
	return nil
}

// check returns an error, placed in the template, for the first component
// whose type is not an example plugin of its kind, or for a command that
// is not one.
func (cat catalog) check(tpl *Template, command string) error {
	for _, s := range tpl.sections() {
		for _, c := range *s.list {
			if c.Type == "" {
				continue // a plugin given by path
			}
			if err := cat.lookup(c.Kind, c.Type); err != nil {
				return tpl.errorAt(c.path+".type", err)
			}
		}
	}
	if command != "" && !isPath(command) {
		if err := cat.lookup(kindCommand, command); err != nil {
			return fmt.Errorf("host: -command %s: %w", command, err)
		}
	}
	return nil
}
