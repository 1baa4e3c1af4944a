package diagnose

import (
	"slices"
)

// finish settles what is still pending, ranks the findings and builds the
// fallback when nothing explains a failure.
func (s *run) finish() *Report {
	s.resolvePending(int(^uint(0) >> 1))
	r := &s.report
	r.Lines = s.line
	if r.Lines == 0 {
		r.Notes = append(r.Notes, "the log is empty: there is nothing to diagnose")
	}
	if s.job.Status == "failed" || s.job.Status == "unknown" {
		s.job.FailedSection = s.lastMain
		s.job.Phase = PhaseOf(s.lastMain)
	}
	r.Findings = []Finding{}
	for i := range s.states {
		if f := s.states[i].finding; f != nil {
			if f.Section == "" {
				// Lines outside any stage (the runner's final ERROR line)
				// belong to where the job was when it failed.
				f.Phase = s.job.Phase
			}
			r.Findings = append(r.Findings, *f)
		}
	}
	s.supersede(r.Findings)
	anchor := s.job.FailureLine
	if anchor == 0 {
		anchor = s.line + 1
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int { return compareFindings(&a, &b, anchor) })
	r.Findings = dropSameLine(r.Findings)
	// A job that succeeded has no root cause, whatever warnings it printed.
	if len(r.Findings) > 0 && s.job.Status != "succeeded" && !r.Findings[0].tolerated {
		r.Findings[0].RootCause = true
	}
	if r.RootCause() == nil && s.job.Status != "succeeded" {
		r.Unmatched = s.fallback()
	}
	return r
}

// dropSameLine keeps one finding per line of the log: two signatures that
// match the same line read one message twice, a specific one ("pod
// OOMKilled") and a generic one ("Job failed (system failure)"), and the
// better ranked, the specific one, says all there is. findings are ranked.
func dropSameLine(findings []Finding) []Finding {
	kept := findings[:0]
	for _, f := range findings {
		if !slices.ContainsFunc(kept, func(k Finding) bool { return k.Line == f.Line }) {
			kept = append(kept, f)
		}
	}
	return kept
}

// supersede marks the findings whose every occurrence is in the output of
// a script command that another command followed: the script went on after
// it, so that command did not fail the job (a job's shell stops at the
// first command that fails), and what failed is in the last command's
// output or after it. Lines before the first command are the runner's
// preparation and its services' logs, unless the log shows nothing of the
// runner (no stage, no executor): then it is an excerpt that begins in the
// output of a command it does not show.
func (s *run) supersede(findings []Finding) {
	if s.lastCommand == nil {
		return
	}
	from := s.firstCommand
	if s.lastMain == "" && s.job.Executor == "" {
		from = 0
	}
	for i := range findings {
		f := &findings[i]
		line := f.last
		if line == 0 {
			line = f.Line
		}
		f.superseded = !f.Phase.post() && line > from && line < s.lastCommand.Line
		f.tolerated = s.tolerant.holds(f.Line) && s.tolerant.holds(line)
	}
}

// compareFindings orders findings by relevance: first those from the part
// of the job that decided its outcome (not after_script or uploads, not a
// command whose failure the script goes past, not a command that the
// script went on after), then by the signature's
// priority, then by nearness to where the job failed.
func compareFindings(a, b *Finding, anchor int) int {
	if pa, pb := a.Phase.post(), b.Phase.post(); pa != pb {
		if pa {
			return 1
		}
		return -1
	}
	if a.tolerated != b.tolerated {
		if a.tolerated {
			return 1
		}
		return -1
	}
	if a.superseded != b.superseded {
		if a.superseded {
			return 1
		}
		return -1
	}
	if a.Priority != b.Priority {
		return b.Priority - a.Priority
	}
	return distance(a, anchor) - distance(b, anchor)
}

func distance(f *Finding, anchor int) int {
	line := f.last
	if line == 0 {
		line = f.Line
	}
	if line > anchor {
		return line - anchor
	}
	return anchor - line
}
