package readme

import (
	"regexp"
	"strings"
)

// Markers are HTML comments, invisible on a rendered page, on the line
// before a fenced block: a fileMarker names the file of the repository the
// block shows, whole; newModuleMarker says that the commands of the block
// are meant for a module of the reader's own, not for this repository.
const (
	fileMarker      = "<!-- file: "
	newModuleMarker = "<!-- run: in a new module -->"
)

// block is a fenced code block of the README.
type block struct {
	lang      string // the info string: "go", "sh"
	text      string // the content, each line ending in "\n"
	file      string // from a fileMarker, or ""
	newModule bool   // after a newModuleMarker
	section   string // the "## " heading above it
	line      int    // of the opening fence, 1-based
}

// span is an inline code span of the README's prose: `text`.
type span struct {
	text    string // with line breaks as spaces, and `\|` as `|` in tables
	section string
	line    int
}

// parse splits a README into its fenced blocks and the code spans of the
// text around them.
func parse(readme string) (blocks []block, spans []span) {
	var (
		section, marker string
		open            *block
		para            []string // the lines of the paragraph being read
		paraLine        int
	)
	flush := func() {
		spans = append(spans, paragraphSpans(para, section, paraLine)...)
		para = nil
	}
	for i, line := range strings.Split(readme, "\n") {
		switch {
		case open != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, *open)
			open = nil
		case open != nil:
			open.text += line + "\n"
		case strings.HasPrefix(line, "```"):
			flush()
			open = &block{lang: strings.TrimSpace(line[3:]), section: section, line: i + 1}
			open.file = strings.TrimSuffix(strings.TrimPrefix(marker, fileMarker), " -->")
			if !strings.HasPrefix(marker, fileMarker) {
				open.file = ""
			}
			open.newModule = marker == newModuleMarker
		case strings.TrimSpace(line) == "":
			flush()
		default:
			if strings.HasPrefix(line, "## ") {
				section = strings.TrimPrefix(line, "## ")
			}
			if len(para) == 0 {
				paraLine = i + 1
			}
			para = append(para, line)
		}
		if strings.TrimSpace(line) != "" && open == nil {
			marker = strings.TrimSpace(line)
		}
	}
	flush()
	return blocks, spans
}

var codeSpan = regexp.MustCompile("`([^`]+)`")

// paragraphSpans returns the code spans of a paragraph, which may cross
// line breaks. In a table row, `\|` stands for `|`, as GitHub renders it.
func paragraphSpans(lines []string, section string, first int) []span {
	var out []span
	text := strings.Join(lines, "\n")
	for _, m := range codeSpan.FindAllStringSubmatchIndex(text, -1) {
		s := text[m[2]:m[3]]
		line := first + strings.Count(text[:m[0]], "\n")
		if strings.HasPrefix(lines[line-first], "|") {
			s = strings.ReplaceAll(s, `\|`, "|")
		}
		out = append(out, span{text: strings.ReplaceAll(s, "\n", " "), section: section, line: line})
	}
	return out
}

// isCommand reports whether a code span of the prose is a command to run
// rather than a name, a path or a fragment: it starts with a go subcommand
// (with arguments), cd, bash, or the CI script's path.
var isCommand = regexp.MustCompile(`^(go (build|clean|env|generate|get|install|list|mod|run|test|vet) |cd |bash |\.ci/)`).MatchString

// reduceBench makes a go test command that runs benchmarks run each of
// them once: -benchtime 1x and -count 1, whatever the command asks for.
func reduceBench(cmd string) string {
	if !strings.Contains(cmd, "go test") || !strings.Contains(cmd, "-bench") {
		return cmd
	}
	cmd = regexp.MustCompile(`-count[ =]\d+`).ReplaceAllString(cmd, "-count 1")
	if bt := regexp.MustCompile(`-benchtime[ =]\S+`); bt.MatchString(cmd) {
		return bt.ReplaceAllString(cmd, "-benchtime 1x")
	}
	return strings.Replace(cmd, "go test", "go test -benchtime 1x", 1)
}

// expectedOutput returns X for a command whose comment says
// `# prints "X"`, and "" otherwise.
func expectedOutput(line string) string {
	m := regexp.MustCompile(`#.*\bprints "([^"]+)"`).FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return m[1]
}
