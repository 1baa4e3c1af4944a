package lint

import (
	"regexp"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"go.yaml.in/yaml/v3"
)

// fixFunc computes a finding's edits, or a note saying why there are none.
// It runs only for findings that are reported.
type fixFunc func() ([]edit.Edit, string)

// noteOnly is a fix that proposes no edit.
func noteOnly(note string) fixFunc {
	return func() ([]edit.Edit, string) { return nil, note }
}

// These edits work on the text, line by line, so that every byte they do
// not touch (comments, quoting, blank lines, indentation) stays as it was.

const unsureFlow = "written in flow style ({...} or [...]) across lines: edit it by hand"

// blockEntry reports whether e is written as a block entry on its own
// line ("key: ..." or "- key: ..."), which can be edited by whole lines.
func blockEntry(e *ciconfig.Entry) bool {
	t := strings.TrimLeft(e.File.Line(e.Line()), " ")
	t = strings.TrimPrefix(t, "- ")
	return strings.HasPrefix(t, e.Key+":") || strings.HasPrefix(t, `"`+e.Key+`":`) || strings.HasPrefix(t, `'`+e.Key+`':`)
}

// itemStart reports whether e's key line also opens a sequence item
// ("- name: x"): deleting its lines would take the item's dash with it.
func itemStart(e *ciconfig.Entry) bool {
	return strings.HasPrefix(strings.TrimLeft(e.File.Line(e.Line()), " "), "- ")
}

// deleteEntry deletes a mapping entry with its nested lines. When it is
// the only entry of its mapping, the mapping becomes {} rather than null:
// GitLab rejects "variables:" with nothing under it, and a mapping that an
// alias merges must stay one.
func deleteEntry(e *ciconfig.Entry) ([]edit.Edit, string) {
	f := e.File
	if blockEntry(e) && !itemStart(e) {
		start, end := f.Span(e.Line())
		if parent := onlyChildOf(f, start, end); parent > 0 {
			text := f.Line(parent)
			if i := ciconfig.CommentStart(text); i >= 0 {
				text = strings.TrimRight(text[:i], " ")
			}
			return []edit.Edit{edit.Replace(f.Path, parent, end, f.Text(parent, end), text+" {}")}, ""
		}
		return []edit.Edit{edit.Delete(f.Path, start, end, f.Text(start, end))}, ""
	}
	line := f.Line(e.Line())
	if strings.Count(line, "{") == strings.Count(line, "}") {
		// One flow mapping on one line: drop "key: value" from it.
		re := regexp.MustCompile(`(,\s*)?\b` + regexp.QuoteMeta(e.Key) + `:\s*(\[[^\]]*\]|"[^"]*"|'[^']*'|[^,}]*)(\s*,)?`)
		loc := re.FindStringSubmatchIndex(line)
		if loc != nil {
			repl := line[:loc[0]]
			if loc[2] >= 0 && loc[6] >= 0 {
				repl += ","
			}
			repl += line[loc[1]:]
			return []edit.Edit{edit.Replace(f.Path, e.Line(), e.Line(), line, repl)}, ""
		}
	}
	return nil, unsureFlow
}

// deleteItem deletes one item of a block sequence, or the whole entry when
// it is the only item.
func deleteItem(seq *ciconfig.Entry, itemLine int) ([]edit.Edit, string) {
	f := seq.File
	if len(seq.Value.Content) == 1 {
		return deleteEntry(seq)
	}
	if strings.HasPrefix(strings.TrimLeft(f.Line(itemLine), " "), "-") {
		start, end := f.Span(itemLine)
		return []edit.Edit{edit.Delete(f.Path, start, end, f.Text(start, end))}, ""
	}
	return nil, unsureFlow
}

// replaceOnLine replaces the first old on a line by new.
func replaceOnLine(f *ciconfig.File, line int, old, new string) ([]edit.Edit, string) {
	text := f.Line(line)
	if !strings.Contains(text, old) {
		return nil, "the text to change is not on one line: edit it by hand"
	}
	return []edit.Edit{edit.Replace(f.Path, line, line, text, strings.Replace(text, old, new, 1))}, ""
}

// indent returns the leading spaces of a line.
func indent(f *ciconfig.File, line int) string {
	text := f.Line(line)
	return text[:len(text)-len(strings.TrimLeft(text, " "))]
}

// childIndent guesses the indentation of a block mapping's children: that
// of its first child, else two spaces deeper than its key.
func childIndent(e *ciconfig.Entry) string {
	if e.Map != nil && len(e.Map.Entries) > 0 && e.Map.Entries[0].File == e.File {
		return indent(e.File, e.Map.Entries[0].Line())
	}
	return indent(e.File, e.Line()) + "  "
}

// insertCommand inserts a command before cmd, in the same list or block.
func insertCommand(cmd ciconfig.Command, text string) ([]edit.Edit, string) {
	f := cmd.File
	if cmd.Block {
		return []edit.Edit{edit.Insert(f.Path, cmd.Start, indent(f, cmd.Start)+text)}, ""
	}
	item := f.Line(cmd.Item)
	if strings.HasPrefix(strings.TrimLeft(item, " "), "- ") {
		return []edit.Edit{edit.Insert(f.Path, cmd.Item, indent(f, cmd.Item)+"- "+text)}, ""
	}
	return nil, "the script is a single string: add `" + text + "` before `" + cmd.Text + "` by hand"
}

// setVariable adds name: value to the job's own variables (creating the
// block when the job has none), or fixes the value it has.
func setVariable(v *jobView, name, value string) ([]edit.Edit, string) {
	j := v.job
	if j.Def == nil || j.Def.Map == nil {
		return nil, "the job is not a block mapping: add " + name + " by hand"
	}
	f := j.Def.File
	if own := j.Own.Get("variables"); own != nil && own.File == f {
		if own.Value.Kind == yaml.ScalarNode && own.Value.Tag == "!!null" && blockEntry(own) && !itemStart(own) {
			// "variables:" with nothing under it.
			line := f.Line(own.Line())
			text := indent(f, own.Line()) + own.Key + ":\n" + indent(f, own.Line()) + "  " + name + ": " + value
			return []edit.Edit{edit.Replace(f.Path, own.Line(), own.Line(), line, text)}, ""
		}
		if own.Value.Kind != yaml.MappingNode || !blockEntry(own) {
			return nil, unsureFlow
		}
		if own.Value.Style&yaml.FlowStyle != 0 {
			if len(own.Value.Content) > 0 || own.Value.Line != own.Line() {
				return nil, unsureFlow
			}
			// "variables: {}" becomes a block with the one variable.
			line := f.Line(own.Line())
			text := indent(f, own.Line()) + own.Key + ":\n" + childIndent(own) + name + ": " + value
			return []edit.Edit{edit.Replace(f.Path, own.Line(), own.Line(), line, text)}, ""
		}
		if cur := own.Map.Get(name); cur != nil {
			return replaceOnLine(cur.File, cur.Line(), cur.File.Line(cur.Line()), indent(cur.File, cur.Line())+name+": "+value)
		}
		return []edit.Edit{edit.Insert(f.Path, own.Line()+1, childIndent(own)+name+": "+value)}, ""
	}
	ind := childIndent(j.Def)
	return []edit.Edit{edit.Insert(f.Path, j.Def.Line()+1, ind+"variables:\n"+ind+"  "+name+": "+value)}, ""
}

// onlyChildOf returns the line of the block key ("key:" alone) whose only
// content is the entry on lines start..end, or 0.
func onlyChildOf(f *ciconfig.File, start, end int) int {
	parent := start - 1
	for parent > 0 && strings.TrimSpace(stripComment(f.Line(parent))) == "" {
		parent--
	}
	head := strings.TrimSpace(stripComment(f.Line(parent)))
	if parent == 0 || !strings.HasSuffix(head, ":") && !anchorOnly().MatchString(head) || ciconfig.IndentOf(f.Line(parent)) >= ciconfig.IndentOf(f.Line(start)) {
		return 0
	}
	for n := end + 1; n <= f.NumLines(); n++ {
		if strings.TrimSpace(stripComment(f.Line(n))) == "" {
			continue
		}
		if ciconfig.IndentOf(f.Line(n)) > ciconfig.IndentOf(f.Line(parent)) {
			return 0
		}
		break
	}
	return parent
}

// anchorOnly matches a key line that only defines an anchor: "key: &name".
var anchorOnly = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`:\s+&\S+$`) })

func stripComment(line string) string {
	if i := ciconfig.CommentStart(line); i >= 0 {
		return line[:i]
	}
	return line
}
