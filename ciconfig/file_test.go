package ciconfig

import "testing"

// TestSpan checks where block entries end: at the key's own indentation,
// except for a key's sequence written there ("services:" then
// "- docker:dind"), whose items are the key's; a sequence item ends at its
// next sibling.
func TestSpan(t *testing.T) {
	f := newFile(".gitlab-ci.yml", []byte(".qa:\n  image: alpine\n  services:\n  - docker:dind\n  - name: postgres\n    alias: db\n  variables:\n    A: \"1\"\n"))
	for _, tt := range []struct{ start, end int }{
		{2, 2}, // image: alpine
		{3, 6}, // services: and its three lines
		{4, 4}, // - docker:dind
		{5, 6}, // - name: postgres, alias: db
		{7, 8}, // variables:
	} {
		if s, e := f.Span(tt.start); s != tt.start || e != tt.end {
			t.Errorf("Span(%d) = %d, %d, want %d, %d", tt.start, s, e, tt.start, tt.end)
		}
	}
}
