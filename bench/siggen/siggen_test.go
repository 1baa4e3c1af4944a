package siggen

import (
	"testing"

	"github.com/ci-doctor/ci-doctor/signatures"
)

func TestSignatures(t *testing.T) {
	builtin := signatures.Builtin()
	sigs, err := Signatures(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 4*len(builtin) {
		t.Fatalf("%d signatures, want %d", len(sigs), 4*len(builtin))
	}
	// Every variant has literals of its own: the database really grows.
	literals := map[string]bool{}
	n := 0
	for _, s := range sigs {
		for _, p := range s.Patterns {
			for _, l := range p.Literals {
				literals[l] = true
				n++
			}
		}
	}
	if len(literals) < n*3/4 {
		t.Errorf("%d distinct literals among %d", len(literals), n)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	n, err := Write(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := signatures.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != n+n/2 {
		t.Errorf("loaded %d signatures, want %d variants and the built-in ones", len(sigs), n)
	}
}
