package ciconfig

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// ScriptSections are the keys that hold commands, in the order they run.
var ScriptSections = []string{"before_script", "script", "after_script"}

// Command is one shell command of a job's script, located in its file.
type Command struct {
	// Section is before_script, script or after_script.
	Section string
	// Text is the command as the shell gets it: a multi-line plain
	// scalar folded into one line, "\"-continued lines joined.
	Text string
	File *File
	// Start and End are the command's lines in File; Item is the line of
	// the script item ("- ..." or "script: |") the command belongs to.
	Start, End, Item int
	// Block is true inside a literal or folded block ("- |"), where a
	// command is one of several lines of the item.
	Block bool
	// Node is the scalar holding the command.
	Node *yaml.Node
	// From is where the script entry came from (see Entry.From).
	From string
}

// maxCommands bounds the commands read from one job: !reference chains
// and aliases must not multiply them without end.
const maxCommands = 10000

// Commands returns the job's commands, section by section.
func (j *Job) Commands() []Command {
	j.config.mu.Lock()
	defer j.config.mu.Unlock()
	var out []Command
	for _, sec := range ScriptSections {
		e := j.Get(sec)
		if e == nil {
			continue
		}
		j.commands(sec, e, e.Value, e.File, 0, &out)
	}
	return out
}

// commands appends the commands of a script value: a string, a list,
// nested lists and !reference tags, which GitLab flattens.
func (j *Job) commands(sec string, e *Entry, n *yaml.Node, f *File, depth int, out *[]Command) {
	n = resolve(n)
	if n == nil || depth > maxDepth || len(*out) >= maxCommands {
		return
	}
	switch {
	case n.Tag == "!reference":
		target, tf := j.config.reference(n, j)
		if target != nil {
			j.commands(sec, e, target, tf, depth+1, out)
		}
	case n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			j.commands(sec, e, item, f, depth+1, out)
		}
	case n.Kind == yaml.ScalarNode:
		*out = append(*out, scalarCommands(sec, e, n, f)...)
	}
}

// scalarCommands splits one script scalar into commands with their lines.
func scalarCommands(sec string, e *Entry, n *yaml.Node, f *File) []Command {
	item := f.ItemLine(n)
	if n == e.Value {
		item = e.KeyNode.Line // "script: |" or "script: make"
	}
	base := Command{Section: sec, File: f, Node: n, From: e.From, Item: item}
	if n.Style&yaml.LiteralStyle == 0 {
		// One command, however many lines it spans (plain and quoted
		// scalars fold their lines; a folded block is one command).
		c := base
		c.Text = strings.TrimSpace(n.Value)
		_, end := f.Span(item)
		c.Start, c.End = n.Line, end
		c.Block = n.Style&yaml.FoldedStyle != 0
		if c.Block {
			c.Start = n.Line + 1
		}
		return []Command{c}
	}
	// A literal block: its content lines are the source lines after the
	// indicator, one for one.
	var out []Command
	lines := strings.Split(strings.TrimRight(n.Value, "\n"), "\n")
	first := n.Line + 1
	for i := 0; i < len(lines); i++ {
		start, text := i, strings.TrimSpace(lines[i])
		for i+1 < len(lines) {
			if strings.HasSuffix(text, "\\") {
				i++
				text = strings.TrimSpace(strings.TrimSuffix(text, "\\")) + " " + strings.TrimSpace(lines[i])
				continue
			}
			// A quoted string goes on over the next lines (ssh host "cd
			// app &&", then docker's lines, then the closing quote): its
			// lines are words of one command, run on that host, not the
			// job's commands. A quote never closed opens nothing.
			q := openQuote(text)
			if q == 0 || !slices.ContainsFunc(lines[i+1:], func(l string) bool { return strings.IndexByte(l, q) >= 0 }) {
				break
			}
			i++
			text += "\n" + strings.TrimSpace(lines[i])
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		c := base
		c.Text, c.Block = text, true
		c.Start, c.End = first+start, first+i
		out = append(out, c)
		// A here-document's body is the command's input, not commands:
		// a pipeline file written with cat <<EOF holds docker lines that
		// this job never runs, here-documents of its own among them.
		// An operator whose delimiter never comes on a line of its own
		// ($((1<<n)), a quoted "<<EOF") opens nothing.
		for _, delim := range heredocDelims(text) {
			for j := i + 1; j < len(lines); j++ {
				if strings.TrimSpace(lines[j]) == delim {
					i = j
					break
				}
			}
		}
	}
	return out
}

// openQuote returns the quote (' or ") that a shell line leaves open, or 0.
// Inside double quotes a backslash escapes the next character; a # outside
// quotes starts a comment.
func openQuote(text string) byte {
	var q byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case q == 0 && c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
			return 0
		case q == 0 && c == '\\':
			i++
		case q == 0 && (c == '\'' || c == '"'):
			q = c
		case q == '"' && c == '\\':
			i++
		case c == q:
			q = 0
		}
	}
	return q
}

// heredocDelims returns the delimiters of the here-documents a command line
// opens (<<EOF, <<-'EOF', << "END"), in order; not a here-string (<<<).
func heredocDelims(text string) []string {
	var out []string
	for _, m := range heredocOpen().FindAllStringSubmatchIndex(text, -1) {
		if m[0] > 0 && text[m[0]-1] == '<' {
			continue
		}
		out = append(out, text[m[2]:m[3]])
	}
	return out
}

// heredocOpen matches a here-document's operator and delimiter, quoted or
// not.
var heredocOpen = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)
})

// reference resolves "!reference [job, key, ...]" against the resolved
// jobs: GitLab looks the path up in the merged configuration.
func (c *Config) reference(n *yaml.Node, from *Job) (*yaml.Node, *File) {
	path := scalars(n)
	if len(path) < 2 {
		from.problem(nil, "a !reference needs a job and a key")
		return nil, nil
	}
	var m *Map
	switch path[0] {
	case "default":
		m = c.defaults
	case "variables":
		m = c.vars
	default:
		m = c.extends(path[0], from, nil)
	}
	var e *Entry
	for _, key := range path[1:] {
		if e = m.Get(key); e == nil {
			from.problem(nil, "!reference "+strings.Join(path, ", ")+": not found")
			return nil, nil
		}
		m = e.Map
	}
	return e.Value, e.File
}
