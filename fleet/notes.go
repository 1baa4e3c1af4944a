package fleet

import (
	"fmt"
	"sync"
)

// noteSet gathers what limited a crawl, once per message with a count:
// a thousand erased logs make one note, not a thousand.
type noteSet struct {
	mu    sync.Mutex
	order []string
	count map[string]int
}

func (n *noteSet) add(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.count == nil {
		n.count = map[string]int{}
	}
	if n.count[msg] == 0 {
		n.order = append(n.order, msg)
	}
	n.count[msg]++
}

// list returns the notes in the order first seen, with their counts.
func (n *noteSet) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.order))
	for _, msg := range n.order {
		if c := n.count[msg]; c > 1 {
			msg = fmt.Sprintf("%s (%d times)", msg, c)
		}
		out = append(out, msg)
	}
	return out
}
