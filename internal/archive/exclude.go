package archive

import (
	"fmt"
	"path"
	"strings"
)

// matcher decides which paths an exclude list leaves out. The zero value
// excludes nothing.
type matcher struct {
	patterns []string
}

// newMatcher checks every pattern and returns their matcher.
func newMatcher(patterns []string) (matcher, error) {
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return matcher{}, fmt.Errorf("archive: exclude pattern %q: %w", p, err)
		}
	}
	return matcher{patterns: patterns}, nil
}

// excluded reports whether the slash-separated relative path rel, or any
// directory above it, matches a pattern by its path or its base name.
func (m matcher) excluded(rel string) bool {
	if len(m.patterns) == 0 || rel == "." || rel == "" {
		return false
	}
	return eachPrefix(rel, func(p string) bool { return m.matchOne(p) })
}

// eachPrefix calls f with every directory above the slash-separated
// relative path rel, outermost first, then with rel itself, until f
// returns true; it reports whether f did. For "a/b/c" f sees "a", "a/b"
// and "a/b/c".
func eachPrefix(rel string, f func(prefix string) bool) bool {
	for end := 0; end < len(rel); {
		next := strings.IndexByte(rel[end+1:], '/')
		if next < 0 {
			end = len(rel)
		} else {
			end += 1 + next
		}
		if f(rel[:end]) {
			return true
		}
	}
	return false
}

// matchOne reports whether p or its base name matches a pattern.
func (m matcher) matchOne(p string) bool {
	base := path.Base(p)
	for _, pat := range m.patterns {
		// Patterns were checked by newMatcher, so Match cannot fail.
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
		if ok, _ := path.Match(pat, base); ok {
			return true
		}
	}
	return false
}
