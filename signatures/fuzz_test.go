package signatures

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any file a user drops in a signature folder is accepted or
// refused with an error naming it, never a panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("builtin/*.yaml")
	for _, p := range files[:min(len(files), 5)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(validBody))
	f.Add([]byte("id: x\npatterns: ['(?P<a>" + "(" + "']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err == nil {
			s.RenderFix(map[string]string{"compiled": "115"})
		}
	})
}
