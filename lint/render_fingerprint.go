package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// fingerprints returns one identity per finding, shared by the Code Quality
// and SARIF reports. It hashes the rule, the path and the trimmed text of
// the line, not the line number, so a finding keeps its identity when lines
// are added above it and GitLab's merge request widget does not report it
// as fixed and new again. Identical triples are told apart by their rank
// among the findings.
func fingerprints(findings []Finding) []string {
	seen := map[string]int{}
	out := make([]string, len(findings))
	for i, f := range findings {
		key := f.Rule + "\x00" + f.Path + "\x00" + strings.TrimSpace(f.Source)
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, seen[key]))
		seen[key]++
		out[i] = hex.EncodeToString(sum[:])
	}
	return out
}
