package signatures

import (
	"strings"
	"text/template"
)

var templateFuncs = template.FuncMap{"node": NodeVersion}

// RenderFix fills the fix text with the named groups that the matching
// patterns captured. A group that did not match renders empty.
func (s *Signature) RenderFix(groups map[string]string) string {
	if s.fixTemplate == nil {
		return strings.TrimSpace(s.Fix)
	}
	var b strings.Builder
	if err := s.fixTemplate.Execute(&b, groups); err != nil {
		// Parsing succeeded at load time, so only odd data can fail here;
		// the unrendered text is still more use than nothing.
		return strings.TrimSpace(s.Fix)
	}
	return strings.TrimSpace(b.String())
}
