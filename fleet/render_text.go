package fleet

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// RenderText writes the summary as tables for a terminal.
func RenderText(w io.Writer, s *Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ci-doctor report: %s, %s to %s (UTC)\n%s\n", s.Scope, day(s.Since), day(s.Until), headline(s))
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	if len(s.Causes) > 0 {
		fmt.Fprintln(tw, "\nCAUSE\tJOBS\tPROJECTS\tFIRST SEEN\tLAST SEEN\tTREND\tLATEST")
		for _, c := range s.Causes {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", c.ID, c.Jobs, c.Projects, day(c.FirstSeen), day(c.LastSeen), c.Trend, first(c.Examples))
		}
	}
	if len(s.Unrecognised) > 0 {
		fmt.Fprintln(tw, "\nUNRECOGNISED\tJOBS\tPROJECTS\tERROR LINE (varying parts masked)")
		for _, t := range s.Unrecognised {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.ID, t.Jobs, t.Projects, t.Template)
		}
	}
	if len(s.Readiness) > 0 {
		fmt.Fprintln(tw, "\nPROJECT\tFINDINGS\tRULES (ci-doctor lint on the default branch)")
		for _, r := range s.Readiness {
			n := "-"
			if r.Error == "" {
				n = fmt.Sprint(total(r.Findings))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Project, n, ruleList(r))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Unrecognised) > 0 {
		fmt.Fprintf(&b, "\nTurn an unrecognised error into a signature: ci-doctor signatures new --from-report %s\n", s.Unrecognised[0].ID)
	}
	if len(s.Readiness) > 0 {
		fmt.Fprintf(&b, "\n%s\n", readinessLine(s.Readiness))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// first is the first example, or "".
func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// readinessLine sums the readiness up: how many projects are ready, and
// the rules that block most projects.
func readinessLine(rs []ProjectReadiness) string {
	ready, failing, unchecked := 0, 0, 0
	byRule := map[string]int{}
	for _, r := range rs {
		switch {
		case r.Error != "":
			unchecked++
		case len(r.Findings) == 0:
			ready++
		default:
			failing++
			for rule := range r.Findings {
				byRule[rule]++
			}
		}
	}
	line := fmt.Sprintf("%d of %d projects ready, %d not ready, %d not checked", ready, len(rs), failing, unchecked)
	rules := slices.SortedFunc(maps.Keys(byRule), func(a, b string) int {
		if byRule[a] != byRule[b] {
			return byRule[b] - byRule[a]
		}
		return strings.Compare(a, b)
	})
	if len(rules) > 0 {
		var parts []string
		for _, rule := range rules[:min(3, len(rules))] {
			parts = append(parts, fmt.Sprintf("%s (%s)", rule, Plural(byRule[rule], "project")))
		}
		line += "; most common: " + strings.Join(parts, ", ")
	}
	return line
}

// sortedRules lists a findings map's rules in order.
func sortedRules(findings map[string]int) []string {
	return slices.Sorted(maps.Keys(findings))
}

// Plural says "1 project" or "3 projects".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
