package lint

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/golden"

	"github.com/ci-doctor/ci-doctor/edit"
)

// renderFindings are the findings every format's golden file shows: one
// with a deletion, one with an insertion and a note, one without edits.
func renderFindings() []Finding {
	return []Finding{
		{
			Rule: "dind-service", Path: ".gitlab-ci.yml", Line: 8, Column: 7,
			Message: "a docker:dind service needs privileged mode, which these runners forbid",
			Jobs:    []string{"build"},
			Edits:   []edit.Edit{edit.Delete(".gitlab-ci.yml", 7, 8, "  services:\n    - docker:24-dind")},
			Source:  "    - docker:24-dind",
		},
		{
			Rule: "buildkit-missing-sandbox-flag", Path: ".gitlab-ci.yml", Line: 12, Column: 3,
			Message: "rootless BuildKit needs BUILDKITD_FLAGS: --oci-worker-no-process-sandbox",
			Jobs:    []string{"build", "release"},
			Edits:   []edit.Edit{edit.Insert(".gitlab-ci.yml", 13, "    BUILDKITD_FLAGS: --oci-worker-no-process-sandbox")},
			Note:    "keep the variable if the image changes: every rootless BuildKit needs it",
			Source:  "  variables:",
		},
		{
			Rule: "docker-command", Path: ".gitlab-ci.yml", Line: 15, Column: 7,
			Message: "a docker command needs a Docker daemon, which these runners do not have",
			Jobs:    []string{"build"},
			Source:  `    - docker build -t "$IMAGE" .`,
		},
	}
}

func render(t *testing.T, format string, findings []Finding, opts RenderOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, format, findings, opts); err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	return b.Bytes()
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		file, format string
		opts         RenderOptions
	}{
		{"findings.txt", "text", RenderOptions{}},
		{"findings-color.txt", "text", RenderOptions{Color: true}},
		{"findings.json", "json", RenderOptions{}},
		{"findings.codequality.json", "codequality", RenderOptions{}},
		{"findings.sarif", "sarif", RenderOptions{Version: "v1.2.3"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			golden.Check(t, filepath.Join("testdata", "render", tt.file), render(t, tt.format, renderFindings(), tt.opts))
		})
	}
}

func TestRenderEmpty(t *testing.T) {
	tests := []struct {
		format, want string
	}{
		{"text", ""},
		{"json", "{\n  \"findings\": []\n}\n"},
		{"codequality", "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			if got := string(render(t, tt.format, nil, RenderOptions{})); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("sarif", func(t *testing.T) {
		if got := string(render(t, "sarif", nil, RenderOptions{})); !strings.Contains(got, `"results": []`) {
			t.Errorf("got %s, want an empty results array", got)
		}
	})
}

func TestRenderUnknownFormat(t *testing.T) {
	err := Render(&bytes.Buffer{}, "xml", renderFindings(), RenderOptions{})
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Fatalf("got error %v, want one naming the format", err)
	}
}

// TestRenderFormatsAll checks that every format Formats advertises renders.
func TestRenderFormatsAll(t *testing.T) {
	for _, f := range Formats {
		render(t, f, renderFindings(), RenderOptions{})
	}
}

func TestRenderJSONNeverNull(t *testing.T) {
	var got struct {
		Findings []map[string]json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(render(t, "json", renderFindings(), RenderOptions{}), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 3 {
		t.Fatalf("got %d findings, want 3", len(got.Findings))
	}
	if e := string(got.Findings[2]["edits"]); e != "[]" {
		t.Errorf("edits of a finding without edits = %s, want []", e)
	}
}

// codeQuality parses a Code Quality report, failing on a missing field.
func codeQuality(t *testing.T, findings []Finding) []codeQualityIssue {
	t.Helper()
	out := render(t, "codequality", findings, RenderOptions{})
	if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		t.Fatal("the report starts with a BOM, which GitLab refuses")
	}
	var raw []map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	for i, issue := range raw {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity", "location"} {
			if _, ok := issue[k]; !ok {
				t.Errorf("issue %d has no %s", i, k)
			}
		}
	}
	var issues []codeQualityIssue
	if err := json.Unmarshal(out, &issues); err != nil {
		t.Fatal(err)
	}
	for i, issue := range issues {
		if issue.Location.Path == "" || issue.Location.Lines.Begin < 1 {
			t.Errorf("issue %d has no location: %+v", i, issue.Location)
		}
		switch issue.Severity {
		case "info", "minor", "major", "critical", "blocker":
		default:
			t.Errorf("issue %d has severity %q, which GitLab does not know", i, issue.Severity)
		}
	}
	return issues
}

func TestRenderCodeQualityFingerprints(t *testing.T) {
	base := codeQuality(t, renderFindings())
	if len(base) != 3 {
		t.Fatalf("got %d issues, want 3", len(base))
	}

	shifted := renderFindings()
	for i := range shifted {
		shifted[i].Line += 3
	}
	for i, issue := range codeQuality(t, shifted) {
		if issue.Fingerprint != base[i].Fingerprint {
			t.Errorf("issue %d: fingerprint changed when its line moved", i)
		}
	}

	twice := append(renderFindings()[:1], renderFindings()[:1]...)
	if issues := codeQuality(t, twice); issues[0].Fingerprint == issues[1].Fingerprint {
		t.Errorf("two identical findings share the fingerprint %s", issues[0].Fingerprint)
	}

	seen := map[string]bool{}
	for _, issue := range base {
		if seen[issue.Fingerprint] {
			t.Errorf("fingerprint %s appears twice", issue.Fingerprint)
		}
		seen[issue.Fingerprint] = true
	}
}

func TestRenderSARIF(t *testing.T) {
	findings := renderFindings()
	var log sarifLog
	if err := json.Unmarshal(render(t, "sarif", findings, RenderOptions{}), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || log.Schema != sarifSchema {
		t.Errorf("version %q, $schema %q", log.Version, log.Schema)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Version != "" {
		t.Errorf("driver version %q, want it omitted", run.Tool.Driver.Version)
	}
	if len(run.Tool.Driver.Rules) != len(Rules()) {
		t.Errorf("got %d rules, want %d", len(run.Tool.Driver.Rules), len(Rules()))
	}
	if len(run.Results) != len(findings) {
		t.Fatalf("got %d results, want %d", len(run.Results), len(findings))
	}
	fps := fingerprints(findings)
	for i, r := range run.Results {
		if r.RuleIndex == nil || run.Tool.Driver.Rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex does not point at %s", i, r.RuleID)
		}
		if r.PartialFingerprints[sarifFingerprintKey] != fps[i] {
			t.Errorf("result %d: fingerprint differs from the Code Quality one", i)
		}
		if got, want := len(r.Fixes) > 0, len(findings[i].Edits) > 0; got != want {
			t.Errorf("result %d: has fixes %v, want %v", i, got, want)
		}
	}
}

func TestSARIFChanges(t *testing.T) {
	tests := []struct {
		name string
		edit edit.Edit
		want sarifReplacement
	}{
		{
			"deletion", edit.Delete("a.yml", 7, 8, "x\ny"),
			sarifReplacement{DeletedRegion: sarifRegion{StartLine: 7, StartColumn: 1, EndLine: 9, EndColumn: 1}},
		},
		{
			"insertion", edit.Insert("a.yml", 13, "x\ny"),
			sarifReplacement{
				DeletedRegion:   sarifRegion{StartLine: 13, StartColumn: 1, EndLine: 13, EndColumn: 1},
				InsertedContent: &sarifText{Text: "x\ny\n"},
			},
		},
		{
			"replacement", edit.Replace("a.yml", 4, 4, "x", "y\nz"),
			sarifReplacement{
				DeletedRegion:   sarifRegion{StartLine: 4, StartColumn: 1, EndLine: 5, EndColumn: 1},
				InsertedContent: &sarifText{Text: "y\nz\n"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes := sarifChanges([]edit.Edit{tt.edit})
			if len(changes) != 1 || len(changes[0].Replacements) != 1 {
				t.Fatalf("got %+v, want one replacement", changes)
			}
			got, _ := json.Marshal(changes[0].Replacements[0])
			want, _ := json.Marshal(tt.want)
			if !bytes.Equal(got, want) {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestSARIFChangesGroupByFile(t *testing.T) {
	changes := sarifChanges([]edit.Edit{
		edit.Delete(".gitlab-ci.yml", 3, 3, "a"),
		edit.Replace("Dockerfile", 1, 1, "FROM node:18", "FROM node:20"),
		edit.Delete(".gitlab-ci.yml", 9, 9, "b"),
	})
	if len(changes) != 2 || changes[0].ArtifactLocation.URI != ".gitlab-ci.yml" || len(changes[0].Replacements) != 2 ||
		changes[1].ArtifactLocation.URI != "Dockerfile" {
		t.Errorf("got %+v, want the .gitlab-ci.yml change with 2 replacements, then Dockerfile", changes)
	}
}

func TestSARIFLevel(t *testing.T) {
	for severity, want := range map[string]string{
		"blocker": "error", "critical": "error", "major": "warning", "minor": "note", "info": "note",
	} {
		if got := sarifLevel(severity); got != want {
			t.Errorf("sarifLevel(%q) = %q, want %q", severity, got, want)
		}
	}
}

func TestCaret(t *testing.T) {
	tests := []struct {
		name, source string
		col          int
		indent, mark string
	}{
		{"word", "    - docker:dind", 7, "      ", "^" + strings.Repeat("~", len("ocker:dind"))},
		{"first column", "image: x", 1, "", "^" + strings.Repeat("~", len("mage:"))},
		{"on a space", "a  b", 2, " ", "^"},
		{"tabs kept", "\tRUN\tdocker build", 6, "\t   \t", "^" + strings.Repeat("~", len("ocker"))},
		{"multibyte before", "# é: docker", 7, "     ", "^" + strings.Repeat("~", len("ocker"))},
		{"past the end", "ab", 9, "  ", "^"},
		{"zero column", "ab", 0, "", "^~"},
		{"inside a rune", "é", 2, "", "^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			indent, mark := caret(tt.source, tt.col)
			if indent != tt.indent || mark != tt.mark {
				t.Errorf("caret(%q, %d) = %q, %q, want %q, %q", tt.source, tt.col, indent, mark, tt.indent, tt.mark)
			}
		})
	}
}

func TestCodePointColumn(t *testing.T) {
	tests := []struct {
		source   string
		col, got int
	}{
		{"abc", 2, 2},
		{"é: x", 5, 4},
		{"abc", 9, 9},
	}
	for _, tt := range tests {
		if got := codePointColumn(tt.source, tt.col); got != tt.got {
			t.Errorf("codePointColumn(%q, %d) = %d, want %d", tt.source, tt.col, got, tt.got)
		}
	}
}
