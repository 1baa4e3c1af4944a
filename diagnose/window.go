package diagnose

import (
	"slices"

	"github.com/ci-doctor/ci-doctor/edit"

	"github.com/ci-doctor/ci-doctor/signatures"
)

// maxPending bounds the candidates of one signature that wait for their
// window to close: a log that repeats a trigger line a million times must
// not hold a million candidates.
const maxPending = 8

// sigState is one signature's progress through the log.
type sigState struct {
	sig *signatures.Signature
	// seen records, for each require, capture, unless and near pattern, where it
	// last matched and what it captured.
	requires, captures, unless, near []sighting
	// nearOf is, for each trigger, the index of its near pattern in near,
	// or -1.
	nearOf []int
	// reach is how far after a trigger a line may still change it: the
	// window, or an unless's own within when that is further.
	reach   int
	pending []candidate
	finding *Finding
	// triggered is the last line a trigger matched: a line that matches
	// several triggers is still one occurrence.
	triggered int
	// recorded is the last line whose occurrence was recorded: two
	// candidates of one line (triggers waiting for different near lines)
	// that are both confirmed count once.
	recorded int
	// vetoed says that an unless pattern dropped one of its triggers.
	vetoed bool
	// lastGroups are the groups of the last trigger that captured any.
	lastGroups map[string]string
}

type sighting struct {
	line   int // 0: never
	groups map[string]string
	ev     Evidence
}

// candidate is a trigger line waiting for the lines after it.
type candidate struct {
	ev      Evidence
	column  int
	section string
	groups  map[string]string
	context []Evidence
	// earlier are the groups of the signature's last trigger before this
	// one that captured any: a bare "Error: ErrImagePull" under 'Failed to
	// pull image "busybox"' is about that image (see sameAs).
	earlier  map[string]string
	required []bool
	vetoed   bool
	extra    []Evidence
	// near is the index of the near pattern the trigger needs (-1: none),
	// within how far it may be, nearSeen whether it was seen that near.
	near, within int
	nearSeen     bool
	// until is the last line that can still change the candidate.
	until int
}

func (st *sigState) init(sig *signatures.Signature) {
	st.sig = sig
	st.requires = make([]sighting, len(sig.Requires))
	st.captures = make([]sighting, len(sig.Captures))
	st.unless = make([]sighting, len(sig.Unless))
	st.reach = sig.Window
	for i := range sig.Unless {
		st.reach = max(st.reach, st.unlessWithin(i))
	}
	st.nearOf = sig.NearOf()
	st.near = make([]sighting, len(sig.PatternsOf(signatures.RoleNear)))
}

// matched records that pattern ref matched the run's current line.
func (st *sigState) matched(s *run, ref patternRef, p *signatures.Pattern, loc []int, before []byte) {
	num, text := s.cur.Num, s.cur.Text
	w := st.sig.Window
	if ref.role == signatures.RoleTrigger {
		if st.triggered == num && !st.yieldNearOnly(s, num, st.nearOf[ref.idx]) && !st.otherNear(num, st.nearOf[ref.idx]) || len(st.pending) == maxPending {
			return
		}
		st.triggered = num
		c := candidate{
			ev:       Evidence{Line: num, Text: clip(text), Match: true},
			column:   s.cur.Indent + runeColumn(text, matchStart(p, loc)),
			section:  s.cur.Section,
			groups:   groups(p, text, loc),
			earlier:  st.lastGroups,
			required: make([]bool, len(st.requires)),
			near:     st.nearOf[ref.idx],
			until:    num + st.reach,
		}
		if c.near >= 0 {
			c.within = p.Within
			c.until = num + max(st.reach, p.Within)
		}
		if st.finding == nil {
			c.context = s.contextLines(before, num, 2)
		}
		if len(c.groups) > 0 {
			st.lastGroups = c.groups
		}
		if w == 0 {
			st.sameLine(&c, text)
		}
		// Lines that came before the trigger but within the window count.
		for i, r := range st.requires {
			if r.line > 0 && r.line >= num-w {
				c.required[i] = true
				c.addSighting(r)
			}
		}
		for _, r := range st.captures {
			if r.line > 0 && r.line >= num-w {
				c.addSighting(r)
			}
		}
		for i, r := range st.unless {
			if r.line > 0 && r.line >= num-st.unlessWithin(i) && !st.sig.Unless[i].After && (!st.sig.Unless[i].Before || r.line < num) && st.sameAs(i, &c, r.groups) {
				c.vetoed = true
			}
		}
		if c.near >= 0 {
			if r := st.near[c.near]; r.line > 0 && r.line >= num-c.within {
				c.nearSeen = true
				c.addSighting(r)
			}
		}
		if len(st.pending) == 0 {
			s.pendingSigs++
		}
		st.pending = append(st.pending, c)
		st.resolve(s, num+1) // a window of 0 settles at once
		return
	}
	sight := sighting{line: num, groups: groups(p, text, loc), ev: Evidence{Line: num, Text: clip(text), Match: true}}
	switch ref.role {
	case signatures.RoleRequire:
		st.requires[ref.idx] = sight
	case signatures.RoleCapture:
		st.captures[ref.idx] = sight
	case signatures.RoleUnless:
		st.unless[ref.idx] = sight
	case signatures.RoleNear:
		st.near[ref.idx] = sight
	}
	// Lines after a trigger, within its window, count too.
	for i := range st.pending {
		c := &st.pending[i]
		if ref.role == signatures.RoleNear {
			if c.near == ref.idx && !c.nearSeen && num <= c.ev.Line+c.within {
				c.nearSeen = true
				c.addSighting(sight)
			}
			continue
		}
		if ref.role == signatures.RoleUnless {
			// One that speaks only of what comes after it has no say on
			// the triggers seen so far.
			after, before := st.sig.Unless[ref.idx].After, st.sig.Unless[ref.idx].Before
			if !before && num <= c.ev.Line+st.unlessWithin(ref.idx) && (!after || num > c.ev.Line) && st.sameAs(ref.idx, c, sight.groups) {
				c.vetoed = true
			}
			continue
		}
		if num > c.ev.Line+w {
			continue
		}
		switch ref.role {
		case signatures.RoleRequire:
			if !c.required[ref.idx] {
				c.required[ref.idx] = true
				c.addSighting(sight)
			}
		case signatures.RoleCapture:
			c.addSighting(sight)
		}
	}
}

// yieldNearOnly lets a second trigger on line num take the place of the
// line's first, when the first counts only beside a near line not seen yet
// and the second needs none (near < 0): a registry's bare "unauthorized:
// ..." needs docker's push heading, unless its words are a known message on
// their own. It reports whether the first gave way.
func (st *sigState) yieldNearOnly(s *run, num, near int) bool {
	n := len(st.pending)
	if near >= 0 || n == 0 {
		return false
	}
	if last := st.pending[n-1]; last.ev.Line != num || last.near < 0 || last.nearSeen {
		return false
	}
	st.pending = st.pending[:n-1]
	if n == 1 {
		s.pendingSigs--
	}
	return true
}

// otherNear reports whether a second trigger on line num, which counts only
// beside near line near, waits beside the line's first instead of being
// dropped: the first waits for another near line, not seen yet. A crash
// counts beside a build step for another CPU or beside the daemon's warning
// that the image is for another platform; either may be the one the log has.
func (st *sigState) otherNear(num, near int) bool {
	if near < 0 {
		return false
	}
	for _, c := range st.pending {
		if c.ev.Line == num && (c.near < 0 || c.near == near || c.nearSeen) {
			return false
		}
	}
	return true
}

// unlessWithin is how far from a trigger (before or after) unless pattern i
// vetoes it: its own within, or the signature's window.
func (st *sigState) unlessWithin(i int) int {
	if w := st.sig.Unless[i].Within; w > 0 {
		return w
	}
	return st.sig.Window
}

// sameAs reports whether unless pattern i, which captured unlessGroups,
// may veto candidate c: always, unless the pattern names a group (its
// same:) that both must have captured alike; a trigger without the group
// takes it from the signature's trigger before it, and when that has none
// either, only an unless with after: vetoes it.
func (st *sigState) sameAs(i int, c *candidate, unlessGroups map[string]string) bool {
	name := st.sig.Unless[i].Same
	if name == "" {
		return true
	}
	v := c.groups[name]
	if v == "" {
		v = c.earlier[name]
	}
	if v == "" {
		// An unless that speaks of what came before it vetoes a trigger that
		// named nothing: nothing says it was about something else.
		return st.sig.Unless[i].After
	}
	return v == unlessGroups[name]
}

// sameLine tries the requires, captures and unless patterns of a signature
// whose window is 0 on its trigger's line, the only line where they count.
func (st *sigState) sameLine(c *candidate, text []byte) {
	for i, p := range st.sig.Requires {
		if loc := p.Regexp().FindSubmatchIndex(text); loc != nil {
			c.required[i] = true
			c.addSighting(sighting{line: c.ev.Line, groups: groups(p, text, loc), ev: c.ev})
		}
	}
	for _, p := range st.sig.Captures {
		if loc := p.Regexp().FindSubmatchIndex(text); loc != nil {
			c.addSighting(sighting{line: c.ev.Line, groups: groups(p, text, loc), ev: c.ev})
		}
	}
	for i, p := range st.sig.Unless {
		if p.After || p.Before {
			// It speaks only of what came before, or after, its own line.
			continue
		}
		if p.Same == "" {
			c.vetoed = c.vetoed || p.Regexp().Match(text)
		} else if loc := p.Regexp().FindSubmatchIndex(text); loc != nil {
			c.vetoed = c.vetoed || st.sameAs(i, c, groups(p, text, loc))
		}
	}
}

// matchStart returns where a match begins for a person: at the pattern's
// group named "at" when it has one, else at the start of the match. A
// pattern that needs the words before a message to be sure of it (a
// registry's "denied:" after a request) points at the message itself.
func matchStart(p *signatures.Pattern, loc []int) int {
	if i := p.Regexp().SubexpIndex("at"); i > 0 && loc[2*i] >= 0 {
		return loc[2*i]
	}
	return loc[0]
}

// addSighting merges a require or capture line into the candidate: its
// groups (without overwriting the trigger's) and its line as evidence.
func (c *candidate) addSighting(r sighting) {
	for k, v := range r.groups {
		if _, ok := c.groups[k]; !ok {
			if c.groups == nil {
				c.groups = map[string]string{}
			}
			c.groups[k] = v
		}
	}
	if r.ev.Line != c.ev.Line {
		c.extra = append(c.extra, r.ev)
	}
}

// resolve settles the candidates whose window closed before line num.
func (st *sigState) resolve(s *run, num int) {
	if len(st.pending) == 0 {
		return
	}
	kept := st.pending[:0]
	for _, c := range st.pending {
		if c.until >= num {
			kept = append(kept, c)
			continue
		}
		if c.confirmed() && c.ev.Line != st.recorded {
			st.record(c)
			st.recorded = c.ev.Line
		}
		st.vetoed = st.vetoed || c.vetoed
	}
	st.pending = kept
	if len(kept) == 0 {
		s.pendingSigs--
	}
}

func (c *candidate) confirmed() bool {
	if c.vetoed || c.near >= 0 && !c.nearSeen {
		return false
	}
	for _, ok := range c.required {
		if !ok {
			return false
		}
	}
	return true
}

// maxEvidence bounds the evidence lines of one finding.
const maxEvidence = 8

// record adds a confirmed occurrence to the signature's finding.
func (st *sigState) record(c candidate) {
	phase := PhaseOf(c.section)
	f := st.finding
	if f == nil {
		f = &Finding{
			ID: st.sig.ID, Title: st.sig.Title, Priority: st.sig.Priority,
			Cause: st.sig.Cause, Snippet: st.sig.Snippet, References: st.sig.References,
			Edits: []edit.Edit{},
		}
		st.finding = f
	}
	f.Occurrences++
	// The first occurrence outside after_script and the upload stages is
	// the one shown; an occurrence there only stands in until one comes.
	if f.Occurrences == 1 || (f.Phase.post() && !phase.post()) {
		f.Line, f.Column, f.Text = c.ev.Line, c.column, c.ev.Text
		f.Section, f.Phase = c.section, phase
		f.Fix = st.sig.RenderFix(c.groups)
		f.Evidence = mergeEvidence(c.context, append([]Evidence{c.ev}, c.extra...))
	} else if len(f.Evidence) < maxEvidence {
		f.Evidence = append(f.Evidence, c.ev)
	}
	if !phase.post() {
		f.last = c.ev.Line
	}
}

// mergeEvidence returns the matched lines and the context lines in line
// order, each line once: a context line that a pattern matched is shown as
// matched.
func mergeEvidence(context, matched []Evidence) []Evidence {
	ev := append(append([]Evidence(nil), matched...), context...)
	slices.SortStableFunc(ev, func(a, b Evidence) int { return a.Line - b.Line })
	return slices.CompactFunc(ev, func(a, b Evidence) bool { return a.Line == b.Line })
}
