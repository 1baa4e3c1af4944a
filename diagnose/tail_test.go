package diagnose

import (
	"slices"
	"testing"
)

// TestLikelyRun checks which likely lines the fallback shows: the latest
// ones, unless the run that ends them is longer than the room, when the
// run's first lines and its last are shown (a message that npm or Cypress
// writes over many lines starts at the top).
func TestLikelyRun(t *testing.T) {
	lines := func(r *likelyRun, nums ...int) []Evidence {
		var likely []Evidence
		for _, n := range nums {
			e := Evidence{Line: n}
			r.add(e)
			likely = append(likely, e)
		}
		return likely
	}
	numbers := func(es []Evidence) []int {
		var ns []int
		for _, e := range es {
			ns = append(ns, e.Line)
		}
		return ns
	}
	tests := []struct {
		name  string
		lines []int
		slots int
		want  []int
	}{
		{"short run", []int{4, 5, 6}, 6, []int{4, 5, 6}},
		{"long run", []int{2, 3, 4, 5, 6, 7, 8, 9}, 6, []int{2, 3, 4, 5, 6, 9}},
		{"a blank line apart", []int{2, 4, 6, 8, 10, 12, 14}, 4, []int{2, 4, 6, 14}},
		{"separate lines", []int{2, 10, 20, 30}, 2, []int{20, 30}},
		{"a later run", []int{2, 3, 20, 21, 22}, 2, []int{20, 22}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r likelyRun
			likely := lines(&r, tt.lines...)
			if got := numbers(r.fill(likely, tt.slots, nil)); !slices.Equal(got, tt.want) {
				t.Errorf("fill = %v, want %v", got, tt.want)
			}
		})
	}
	var r likelyRun
	likely := lines(&r, 2, 3, 4, 5, 6, 7, 8)
	r.reset()
	if got := numbers(r.fill(likely, 3, nil)); !slices.Equal(got, []int{6, 7, 8}) {
		t.Errorf("after reset, fill = %v, want the latest lines", got)
	}
	// A record's indented details go before other lines when room runs out.
	r.reset()
	likely = lines(&r, 2, 3, 4, 16, 17)
	r.reset()
	if got := numbers(r.fill(likely, 3, map[int]bool{3: true, 4: true})); !slices.Equal(got, []int{2, 16, 17}) {
		t.Errorf("with details, fill = %v, want the record and the latest lines", got)
	}
}

// TestStepSummary follows BuildKit's error summary: the lines between its
// heading and its closing "------" are shown when none was flagged.
func TestStepSummary(t *testing.T) {
	var b stepSummary
	b.next([]byte("------"))
	b.next([]byte(" > [4/5] RUN useradd -u 1000 app:"))
	if !b.in {
		t.Fatal("the heading after the first dashes did not open the block")
	}
	b.plain = append(b.plain, Evidence{Line: 8, Text: "useradd: UID 1000 is not unique"})
	if got := b.next([]byte("------")); len(got) != 1 || got[0].Line != 8 {
		t.Errorf("closing the block returned %v, want its plain line", got)
	}
	if b.in {
		t.Error("the block is still open after its closing dashes")
	}
	b.next([]byte("------"))
	b.next([]byte("> [build 2/3] RUN make:"))
	b.plain = append(b.plain, Evidence{Line: 12})
	b.flagged = true
	if got := b.close(); got != nil {
		t.Errorf("a block with a flagged line returned %v, want nothing more", got)
	}
	if got := b.next([]byte("no dashes before: [x] y:")); got != nil || b.in {
		t.Error("a heading without dashes before it opened a block")
	}
}

// TestIsRule checks the lines that count as a rule under a heading, which
// the heading's message goes on past.
func TestIsRule(t *testing.T) {
	for text, want := range map[string]bool{
		"                    ------------------------------------": true,
		"=====":               true,
		"___":                 true,
		"--":                  false,
		"- item":              false,
		"":                    false,
		"No repo name found.": false,
	} {
		if got := isRule([]byte(text)); got != want {
			t.Errorf("isRule(%q) = %v, want %v", text, got, want)
		}
	}
}
