package signatures

import "testing"

func TestDigestFollowsWhatDecides(t *testing.T) {
	sigs := Builtin()
	d := Digest(sigs)
	if len(d) != 12 {
		t.Fatalf("Digest = %q, want 12 hex digits", d)
	}
	reversed := make([]*Signature, len(sigs))
	for i, s := range sigs {
		reversed[len(sigs)-1-i] = s
	}
	if Digest(reversed) != d {
		t.Error("the order of the signatures changed the digest")
	}
	first := sigs[0]
	reworded := &Signature{ID: first.ID, Priority: first.Priority, Window: first.Window, Patterns: first.Patterns,
		Requires: first.Requires, Captures: first.Captures, Unless: first.Unless, Fix: "another wording"}
	if Digest(append([]*Signature{reworded}, sigs[1:]...)) != d {
		t.Error("the wording of a fix changed the digest")
	}
	changed := &Signature{ID: first.ID, Priority: first.Priority, Window: first.Window,
		Patterns: append([]*Pattern{{Source: "new pattern"}}, first.Patterns...)}
	if Digest(append([]*Signature{changed}, sigs[1:]...)) == d {
		t.Error("a new pattern left the digest as it was")
	}
}
