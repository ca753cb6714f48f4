package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// kindCommand is the kind of a command plugin, which no template section
// holds.
const kindCommand = "command"

// catalog maps each example plugin's name to the kind of component it
// serves ("" if unknown), so that a template naming a plugin that does not
// exist, or one of another kind, is rejected before any plugin starts.
type catalog map[string]string

// serveCall finds the Serve function an example plugin's main.go calls,
// which says what kind of component the plugin is.
var serveCall = regexp.MustCompile(`plugin\.Serve(Builder|Command|Hook|PostProcessor|Provisioner)\(`)

var serveKinds = map[string]string{"Builder": kindBuilder, "Command": kindCommand, "Hook": kindHook,
	"PostProcessor": kindPostProcessor, "Provisioner": kindProvisioner}

// sourceCatalog reads the kinds of the named example plugins of the
// module at root from their main.go.
func sourceCatalog(root string, names []string) catalog {
	cat := make(catalog, len(names))
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(root, pluginsDir, name, "main.go"))
		if m := serveCall.FindSubmatch(src); err == nil && m != nil {
			cat[name] = serveKinds[string(m[1])]
		} else {
			cat[name] = ""
		}
	}
	return cat
}

// binCatalog lists the plugins of a directory of built plugins, of unknown
// kinds.
func binCatalog(dir string) (catalog, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("host: list plugins: %w", err)
	}
	cat := make(catalog)
	for _, e := range entries {
		if !e.IsDir() {
			cat[strings.TrimSuffix(e.Name(), ".exe")] = ""
		}
	}
	return cat, nil
}

// names lists the plugins of the kind, sorted.
func (cat catalog) names(kind string) []string {
	var names []string
	for name, k := range cat {
		if k == kind || k == "" {
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
	case have != "" && have != kind:
		return fmt.Errorf("%q is a %s, not a %s; %s", name, have, kind, valid)
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
