package signatures

import (
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/sahilm/fuzzy"
)

// Lookup finds the signatures a person means by query: a fuzzy match
// (github.com/sahilm/fuzzy, the characters of the query in order) over each
// signature's id, title and example error lines, best first. "nodemodule"
// finds node-module-version-mismatch, "pull polcy" pull-policy-not-allowed.
func Lookup(sigs []*Signature, query string) []*Signature {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil
	}
	var texts []string
	var owner []int
	for i, s := range sigs {
		for _, t := range searchTexts(s) {
			texts = append(texts, t)
			owner = append(owner, i)
		}
	}
	best := map[int]int{}
	for _, m := range fuzzy.Find(query, texts) {
		i := owner[m.Index]
		if score, ok := best[i]; !ok || m.Score > score {
			best[i] = m.Score
		}
	}
	return ranked(sigs, best, func(a, b int) bool { return a > b })
}

// Closest returns the signatures whose id or title words are nearest to the
// query by edit distance, for a "did you mean" when Lookup finds nothing.
func Closest(sigs []*Signature, query string, n int) []*Signature {
	q := strings.ToLower(strings.TrimSpace(query))
	dist := map[int]int{}
	for i, s := range sigs {
		d := levenshtein.ComputeDistance(q, s.ID)
		for _, w := range strings.Fields(strings.ToLower(s.Title)) {
			d = min(d, levenshtein.ComputeDistance(q, w))
		}
		dist[i] = d
	}
	out := ranked(sigs, dist, func(a, b int) bool { return a < b })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// ranked orders the signatures present in score by better(score), ties by id.
func ranked(sigs []*Signature, score map[int]int, better func(a, b int) bool) []*Signature {
	idx := make([]int, 0, len(score))
	for i := range score {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool {
		sa, sb := score[idx[a]], score[idx[b]]
		if sa != sb {
			return better(sa, sb)
		}
		return sigs[idx[a]].ID < sigs[idx[b]].ID
	})
	out := make([]*Signature, len(idx))
	for k, i := range idx {
		out[k] = sigs[i]
	}
	return out
}

// searchTexts are the strings a person might remember a signature by.
func searchTexts(s *Signature) []string {
	texts := []string{s.ID, s.Title}
	for _, ex := range s.Examples.Match {
		for _, line := range strings.Split(ex, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				texts = append(texts, line)
			}
		}
	}
	return texts
}
