package store

import (
	"fmt"
	"strconv"
	"strings"
)

// idList is a condition "column is one of ids" on one parameter holding the
// whole list. One parameter, however many ids: an IN ($1, $2...) list would
// hit SQLite's and PostgreSQL's limits on the number of parameters (32766 and
// 65535) and need chunking, which would also break the single ordered stream
// Diagnoses returns.
type idList struct {
	sql string // the condition, to follow the column name
	arg string // the ids, as the dialect's list literal
}

// idListSyntax is how a dialect spells idList: a condition with a %s for the
// placeholder, and the brackets around the comma-separated ids. SQLite reads a
// JSON array; PostgreSQL an array literal, which (unlike a JSON set-returning
// function) the planner turns into a primary key lookup whatever the
// statistics say.
type idListSyntax struct {
	cond        string
	open, close string
}

// inIDs returns the condition "one of ids" on placeholder $n.
func (s *Store) inIDs(n int, ids []int64) idList {
	var b strings.Builder
	b.WriteString(s.d.ids.open)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteString(s.d.ids.close)
	return idList{sql: fmt.Sprintf(s.d.ids.cond, fmt.Sprintf("$%d", n)), arg: b.String()}
}
