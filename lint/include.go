package lint

import (
	"fmt"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
)

// ReplaceInclude proposes what the guide recommends for an included
// template that sets something the runner refuses (a pull_policy):
// configuration written inline instead of the include. ci-doctor cannot
// read the template, so the edit puts a comment where the include was,
// saying what to copy; the whole include: key goes when it was the only
// one, as an empty include: is an error.
func ReplaceInclude(cfg *ciconfig.Config, ext ciconfig.External, why string) ([]edit.Edit, string) {
	f := ext.File
	start, end := ext.Start, ext.End
	ind := indent(f, start)
	if only, keyLine := onlyInclude(cfg, ext); only {
		start, ind = keyLine, indent(f, keyLine)
	}
	comment := []string{
		fmt.Sprintf("# ci-doctor: the include of %s %s was removed: %s.", ext.Kind, ext.Target, why),
		"# Copy the jobs you need from it here, inline, without pull_policy (the runner uses its default policy).",
	}
	text := ind + strings.Join(comment, "\n"+ind)
	return []edit.Edit{edit.Replace(f.Path, start, end, f.Text(start, end), text)},
		"the jobs that came from " + ext.Target + " must now be written inline: copy them without pull_policy"
}

// onlyInclude reports whether ext is the only entry of its include: key,
// and the key's line.
func onlyInclude(cfg *ciconfig.Config, ext ciconfig.External) (bool, int) {
	f := ext.File
	for l := ext.Start; l >= 1; l-- {
		text := strings.TrimSpace(stripComment(f.Line(l)))
		if strings.HasPrefix(text, "include:") && ciconfig.IndentOf(f.Line(l)) == 0 {
			keyStart, keyEnd := f.Span(l)
			// Only item when the key's block holds nothing but this entry.
			return (keyStart == l && keyEnd == ext.End && (l+1 == ext.Start || l == ext.Start)), l
		}
	}
	return false, 0
}
