package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestLibrariesStayIndependent enforces the layering: the diagnosing
// packages never import the command line or the GitLab client, so they can
// be used and tested without either.
func TestLibrariesStayIndependent(t *testing.T) {
	forbidden := []string{"github.com/spf13/cobra", "gitlab.com/gitlab-org/api/client-go"}
	for _, dir := range []string{"../../diagnose", "../../signatures"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, file := range files {
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path := strings.Trim(imp.Path.Value, `"`)
				for _, bad := range forbidden {
					if strings.HasPrefix(path, bad) {
						t.Errorf("%s imports %s", file, path)
					}
				}
			}
		}
	}
}
