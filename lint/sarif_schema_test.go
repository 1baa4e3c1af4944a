package lint

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	// The SARIF 2.1.0 schema (OASIS) comes with go-sarif, as the text of
	// a Go constant; the blank import keeps that module in go.mod for this
	// test, and gojsonschema (which go-sarif validates with) reads it.
	_ "github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"
)

// sarifSchemaDoc reads the schema from go-sarif's source in the module cache.
var sarifSchemaDoc = sync.OnceValues(func() (*gojsonschema.Schema, error) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/owenrumney/go-sarif/v3").Output()
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(filepath.Join(string(bytes.TrimSpace(dir)), "pkg", "report", "v210", "sarif", "schema.go"))
	if err != nil {
		return nil, err
	}
	_, text, _ := strings.Cut(string(src), "`")
	text, _, _ = strings.Cut(text, "`")
	return gojsonschema.NewSchema(gojsonschema.NewStringLoader(text))
})

// validateSARIF checks a SARIF document against the 2.1.0 schema.
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	schema, err := sarifSchemaDoc()
	if err != nil {
		t.Fatalf("reading the SARIF schema: %v", err)
	}
	res, err := schema.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		t.Errorf("sarif output does not parse: %v", err)
		return
	}
	for _, e := range res.Errors() {
		t.Errorf("sarif output breaks the 2.1.0 schema: %s", e)
	}
}

// TestSARIFSchema checks the golden SARIF output against the schema.
func TestSARIFSchema(t *testing.T) {
	doc, err := os.ReadFile("testdata/render/findings.sarif")
	if err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, doc)
}
