package signatures

import (
	"fmt"
	"strings"
)

// MarkdownTable renders the signatures as the README's table.
func MarkdownTable(sigs []*Signature) string {
	var b strings.Builder
	b.WriteString("| id | priority | failure | what it looks like |\n|---|---|---|---|\n")
	for _, s := range sigs {
		example := ""
		if len(s.Examples.Match) > 0 {
			example = strings.TrimSpace(strings.SplitN(strings.TrimSpace(s.Examples.Match[0]), "\n", 2)[0])
			if len(example) > 90 {
				example = example[:87] + "..."
			}
			example = "`" + strings.ReplaceAll(example, "|", `\|`) + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s |\n", s.ID, s.Priority, s.Title, example)
	}
	return b.String()
}
