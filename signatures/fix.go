package signatures

import (
	"strings"
	"text/template"
)

var templateFuncs = template.FuncMap{"node": NodeVersion}

// template returns the fix text parsed as a template. The loader calls it to
// refuse a bad one; the built-in signatures were checked when their table
// was generated, so they parse only when a diagnosis renders their fix.
func (s *Signature) template() (*template.Template, error) {
	s.fix.once.Do(func() {
		s.fix.tmpl, s.fix.err = template.New(s.ID).Option("missingkey=zero").Funcs(templateFuncs).Parse(s.Fix)
	})
	return s.fix.tmpl, s.fix.err
}

// RenderFix fills the fix text with the named groups that the matching
// patterns captured. A group that did not match renders empty.
func (s *Signature) RenderFix(groups map[string]string) string {
	tmpl, err := s.template()
	if err != nil {
		return strings.TrimSpace(s.Fix)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, groups); err != nil {
		// Parsing succeeded at load time, so only odd data can fail here;
		// the unrendered text is still more use than nothing.
		return strings.TrimSpace(s.Fix)
	}
	return strings.TrimSpace(b.String())
}
