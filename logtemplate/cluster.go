package logtemplate

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Group is templates merged because they differ only in a few tokens.
type Group struct {
	ID       string   // ID(Template)
	Template string   // the merged template, differing tokens replaced by "<*>"
	Members  []string // the input templates merged into it, as given
}

// wildcard stands for the tokens in which a group's members differ.
const wildcard = "<*>"

// threshold is the share of positions at which two templates of the same
// length must hold the same token to be merged. Drain's authors tune it
// between 0.4 and 0.7 per data set, on raw lines; here Mask has already
// taken out the values that vary, so what still differs between two lines
// of the same error is a name no rule can know (a package, a missing
// command, a pod): one token in four to fifteen, a similarity of 0.75 and
// more ("E: Unable to locate package npm" and "... node", 5 of 6). 0.6
// merged, in the real corpus, a tar error with a shell's ("<PATH>: <PATH>:
// Cannot open: No such file or directory" and "<PATH>: line <NUM>: <PATH>:
// No such file or directory", 5 of 8), and would merge any two three-token
// lines that differ in one word ("Error: Unsupported argument", "Error:
// Missing argument"). A wrong merge hides an error inside another's group, while
// a missed one only shows the same error on two rows, so the threshold is
// 0.7: a difference in one token of four merges, two of six do not.
const threshold = 0.7

// cluster is one group while Cluster builds it. Its tokens are numbers
// that stand for strings (the words of vocabulary), as comparing numbers
// is several times faster than comparing strings in a crowded bucket.
type cluster struct {
	tokens  []int
	members []string
	weight  int
}

// vocabulary numbers the distinct tokens; the wildcard is 0.
type vocabulary struct {
	ids   map[string]int
	words []string
}

func newVocabulary() *vocabulary {
	return &vocabulary{ids: map[string]int{wildcard: 0}, words: []string{wildcard}}
}

func (v *vocabulary) id(word string) int {
	id, ok := v.ids[word]
	if !ok {
		id = len(v.words)
		v.ids[word] = id
		v.words = append(v.words, word)
	}
	return id
}

func (v *vocabulary) text(tokens []int) string {
	words := make([]string, len(tokens))
	for i, t := range tokens {
		words[i] = v.words[t]
	}
	return strings.Join(words, " ")
}

// bucketKey is Drain's fixed-depth path: the token count, then the first
// token, or a wildcard when that token holds a digit and so is likely a
// value no rule masked (Drain routes such tokens the same way).
type bucketKey struct {
	n     int
	first string
}

// Cluster merges templates Drain-style and returns the groups, largest
// weight first. weight[i] is how many jobs have templates[i] (for the order
// and for picking the merge order); a missing weight counts as 1, and the
// weights of a template given twice add up.
//
// The templates are taken heaviest first (then in lexical order), so the
// result does not depend on the order of the input, and the most common
// wording of an error is the one the others are compared with. Each is
// compared only with the groups of its bucket: O(templates × groups per
// bucket).
func Cluster(templates []string, weight []int) []Group {
	weights := map[string]int{}
	for i, t := range templates {
		w := 1
		if i < len(weight) {
			w = weight[i]
		}
		weights[t] += w
	}
	order := make([]string, 0, len(weights))
	for t := range weights {
		order = append(order, t)
	}
	slices.SortFunc(order, func(a, b string) int {
		return cmp.Or(cmp.Compare(weights[b], weights[a]), strings.Compare(a, b))
	})

	vocab := newVocabulary()
	buckets := map[bucketKey][]*cluster{}
	var all []*cluster
	for _, t := range order {
		words := strings.Fields(t)
		key := bucketKey{n: len(words)}
		if len(words) > 0 {
			key.first = words[0]
			if strings.ContainsAny(key.first, "0123456789") {
				key.first = wildcard
			}
		}
		tokens := make([]int, len(words))
		for i, w := range words {
			tokens[i] = vocab.id(w)
		}
		var best *cluster
		bestSim := threshold
		for _, c := range buckets[key] {
			if s := similarity(c.tokens, tokens, bestSim); s >= bestSim && (best == nil || s > bestSim) {
				best, bestSim = c, s
			}
		}
		if best == nil {
			best = &cluster{tokens: tokens}
			buckets[key] = append(buckets[key], best)
			all = append(all, best)
		} else {
			for i, tok := range tokens {
				if best.tokens[i] != tok {
					best.tokens[i] = 0
				}
			}
		}
		best.members = append(best.members, t)
		best.weight += weights[t]
	}
	return groups(all, vocab)
}

// similarity is the share of positions at which a group's template and a
// template of the same length hold the same token, or 0 as soon as it is
// sure to stay under min: most comparisons in a crowded bucket fail within
// the first few tokens. A wildcard counts as a difference, as in Drain: a
// group that has already absorbed many differences does not draw in
// everything of its length.
func similarity(group, tokens []int, min float64) float64 {
	n := len(tokens)
	if n == 0 {
		return 1
	}
	allowed := n - int(math.Ceil(min*float64(n)-1e-9))
	diff := 0
	for i, tok := range tokens {
		if group[i] != tok || tok == 0 {
			if diff++; diff > allowed {
				return 0
			}
		}
	}
	return float64(n-diff) / float64(n)
}

// groups turns the clusters into Groups, heaviest first. Two clusters of a
// bucket can end with the same template once both have absorbed the same
// differences; they become one group, so that an id names one group.
func groups(all []*cluster, vocab *vocabulary) []Group {
	byTemplate := map[string]*cluster{}
	var merged []*cluster
	for _, c := range all {
		t := vocab.text(c.tokens)
		if prev, ok := byTemplate[t]; ok {
			prev.members = append(prev.members, c.members...)
			prev.weight += c.weight
			continue
		}
		byTemplate[t] = c
		merged = append(merged, c)
	}
	out := make([]Group, 0, len(merged))
	weights := make(map[string]int, len(merged))
	for _, c := range merged {
		t := vocab.text(c.tokens)
		weights[t] = c.weight
		out = append(out, Group{ID: ID(t), Template: t, Members: c.members})
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(weights[b.Template], weights[a.Template]), strings.Compare(a.Template, b.Template))
	})
	return out
}
