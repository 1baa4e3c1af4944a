package lint

import (
	"fmt"
	"strings"
)

// MarkdownTable renders the lint rules as the README's table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| rule | severity | what it finds |\n|---|---|---|\n")
	for _, r := range rules {
		if r.onDemand {
			continue
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, r.severity, r.Summary)
	}
	return b.String()
}
