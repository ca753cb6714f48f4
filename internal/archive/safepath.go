package archive

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// entryName checks the name of an entry read from a stream and returns it
// cleaned: a slash-separated path relative to the destination, "." for the
// destination itself.
func entryName(name string) (string, error) {
	if reason := unsafeName(name); reason != "" {
		return "", fmt.Errorf("archive: %q: %s: %w", name, reason, ErrUnsafePath)
	}
	return path.Clean(name), nil
}

func unsafeName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.IndexByte(name, 0) >= 0:
		return "name contains a NUL byte"
	case path.IsAbs(name) || filepath.IsAbs(name) || filepath.VolumeName(name) != "":
		return "absolute name"
	case os.PathSeparator != '/' && strings.ContainsRune(name, os.PathSeparator):
		return "name contains a path separator other than a slash"
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return `name has a ".." element`
		}
	}
	return ""
}

// checkLink checks the target of the link whose cleaned entry name is rel:
// the target must be relative, may start with ".." elements but have none
// after a named element, and must not climb above the destination from the
// link's directory.
func checkLink(rel, target string) error {
	if reason := unsafeTarget(rel, target); reason != "" {
		return fmt.Errorf("archive: %q: link to %q: %s: %w", rel, target, reason, ErrUnsafePath)
	}
	return nil
}

func unsafeTarget(rel, target string) string {
	switch {
	case target == "":
		return "empty target"
	case strings.IndexByte(target, 0) >= 0:
		return "target contains a NUL byte"
	case path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "":
		return "absolute target"
	case os.PathSeparator != '/' && strings.ContainsRune(target, os.PathSeparator):
		return "target contains a path separator other than a slash"
	}
	up, named := 0, false
	for _, el := range strings.Split(target, "/") {
		switch el {
		case "", ".":
		case "..":
			if named {
				return `target has a ".." element after a named one`
			}
			up++
		default:
			named = true
		}
	}
	if up > depth(path.Dir(rel)) {
		return "target leaves the destination"
	}
	return ""
}

// depth returns the number of elements of the cleaned relative path rel: 0
// for ".".
func depth(rel string) int {
	if rel == "." {
		return 0
	}
	return strings.Count(rel, "/") + 1
}
