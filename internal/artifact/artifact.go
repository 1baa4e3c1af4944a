// Package artifact keeps files that tests make for a person to look at
// afterwards (screenshots, load test figures): in $CI_DOCTOR_ARTIFACTS,
// which .ci/run sets, or in ci-doctor-artifacts in the temporary folder.
package artifact

import (
	"cmp"
	"os"
	"path/filepath"
	"testing"
)

// Write writes data to the artifact named name and logs where it is.
func Write(t testing.TB, name string, data []byte) {
	t.Helper()
	dir := cmp.Or(os.Getenv("CI_DOCTOR_ARTIFACTS"), filepath.Join(os.TempDir(), "ci-doctor-artifacts"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
