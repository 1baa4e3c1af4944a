package fleet

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/golden"
)

// TestRenderTextAndMarkdown keeps each format's output beside its input.
func TestRenderTextAndMarkdown(t *testing.T) {
	for _, name := range summaryCases(t) {
		for format, ext := range map[string]string{"text": ".txt", "markdown": ".md"} {
			var buf bytes.Buffer
			if err := Render(&buf, format, loadSummary(t, name)); err != nil {
				t.Fatalf("%s as %s: %v", name, format, err)
			}
			golden.Check(t, filepath.Join("testdata", "summaries", name+ext), buf.Bytes())
		}
	}
}

// TestJSONIsTheContract checks that the JSON output reads back into the
// same summary and has the documented keys.
func TestJSONIsTheContract(t *testing.T) {
	for _, name := range summaryCases(t) {
		s := loadSummary(t, name)
		var buf bytes.Buffer
		if err := Render(&buf, "json", s); err != nil {
			t.Fatal(err)
		}
		var back Summary
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want, got := mustJSON(t, s), mustJSON(t, &back); got != want {
			t.Errorf("%s: the JSON does not read back into the same summary", name)
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(buf.Bytes(), &keys); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"scope", "since", "until", "jobs", "diagnosed", "unmatched", "causes", "readiness", "unrecognised"} {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s: no %q key in the JSON", name, k)
			}
		}
	}
}

func mustJSON(t *testing.T, s *Summary) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnknownFormat(t *testing.T) {
	err := Render(&bytes.Buffer{}, "yaml", &Summary{})
	if err == nil || !strings.Contains(err.Error(), "text, json, markdown, html") {
		t.Errorf("err = %v, want the list of formats", err)
	}
}
