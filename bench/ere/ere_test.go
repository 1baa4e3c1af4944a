package ere

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/signatures"
)

func TestTranslate(t *testing.T) {
	for _, tc := range []struct{ re2, ere string }{
		{`plain text`, `plain text`},
		{`a\.b\(c\)\[d\]\{e\}\|f\*g\+h\?i\^j\$k\\l`, `a\.b\(c\)\[d\]\{e\}\|f\*g\+h\?i\^j\$k\\l`},
		{`(?P<host>\S+?) (?:xa|yb)\d{2,}`, `([^[:space:]]+) (xa|yb)[0-9]{2,}`},
		{`(?i)ab1`, `[aA][bB]1`},
		{`^\$ docker$`, `\$ docker$`},
		{`(?:^|: )x`, `(|: )x`},
		{`\bword\B`, `\bword\B`},
		{`[^\]]*[.:/]\s*`, `[^]]*[./:][[:space:]]*`},
		{`[^;\s]+[\w-]`, `[^[:space:];]+[0-9A-Z_a-z-]`},
		{`[\[\\^]`, `[\[\\^]`},
		{`[\^-]`, `[\^-]`},
		{`x{3}y{1,2}`, `x{3}y{1,2}`},
		{`(?:ab)*`, `(ab)*`},
		{`[✕✖]`, `.`},
		{`(?:"|“)x`, `.x`},
	} {
		got, err := Translate(tc.re2)
		if err != nil || got != tc.ere {
			t.Errorf("Translate(%q) = %q, %v; want %q", tc.re2, got, err, tc.ere)
		}
	}
}

// exampleLines returns the lines of every example of the built-in
// signatures, with and without a runner's timestamp prefix.
func exampleLines(t *testing.T, sigs []*signatures.Signature) []string {
	t.Helper()
	var lines []string
	for _, s := range sigs {
		for _, ex := range append(append([]string(nil), s.Examples.Match...), s.Examples.NoMatch...) {
			for _, l := range strings.Split(strings.TrimRight(ex, "\n"), "\n") {
				lines = append(lines, l, "2026-11-27T12:54:19.022018Z 01O "+l)
			}
		}
	}
	return lines
}

// TestBuiltinPatterns checks every built-in pattern: the translation is
// valid RE2 too, and wherever the pattern matches an example line, the
// translation does (it may match more, having no ^).
func TestBuiltinPatterns(t *testing.T) {
	sigs := signatures.Builtin()
	lines := exampleLines(t, sigs)
	for _, s := range sigs {
		for _, role := range []signatures.Role{signatures.RoleTrigger, signatures.RoleRequire, signatures.RoleCapture, signatures.RoleUnless} {
			for _, p := range s.PatternsOf(role) {
				e, err := Translate(p.Source)
				if err != nil {
					t.Fatalf("%s: %v", s.ID, err)
				}
				re, err := regexp.Compile(e)
				if err != nil {
					t.Fatalf("%s: %q is not valid RE2: %v", s.ID, e, err)
				}
				for _, l := range lines {
					if p.Regexp().MatchString(l) && !re.MatchString(l) {
						t.Errorf("%s: %q matches %q but %q does not", s.ID, p.Source, l, e)
					}
				}
			}
		}
	}
}

// TestTools runs the translations through grep -E and rg, when they are
// installed: both must accept every pattern and select the lines that the
// translations select under RE2.
func TestTools(t *testing.T) {
	sigs := signatures.Builtin()
	var patterns []string
	var res []*regexp.Regexp
	for _, s := range sigs {
		for _, p := range s.Patterns {
			e, err := Translate(p.Source)
			if err != nil {
				t.Fatal(err)
			}
			patterns = append(patterns, e)
			res = append(res, regexp.MustCompile(e))
		}
	}
	lines := exampleLines(t, sigs)
	var want []string
	for _, l := range lines {
		for _, re := range res {
			if re.MatchString(l) {
				want = append(want, l)
				break
			}
		}
	}
	for _, tool := range [][]string{{"grep", "-E"}, {"rg", "--no-unicode", "--no-config"}} {
		t.Run(tool[0], func(t *testing.T) {
			path, err := exec.LookPath(tool[0])
			if err != nil {
				t.Skipf("%s is not installed", tool[0])
			}
			file := filepath.Join(t.TempDir(), "patterns")
			if err := os.WriteFile(file, []byte(strings.Join(patterns, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(path, append(tool[1:], "-f", file)...)
			cmd.Env = []string{"LC_ALL=C.UTF-8"}
			cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
			var out, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\n%s", tool, err, stderr.String())
			}
			if got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s selects\n%s\nwant\n%s", tool[0], strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
