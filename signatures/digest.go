package signatures

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// Digest names a set of signatures by what decides a diagnosis: ids,
// priorities, windows and patterns, not the wording of causes and fixes.
// A stored diagnosis made with another digest may be out of date (`ci-doctor
// report --rediagnose`). The order of sigs does not matter.
func Digest(sigs []*Signature) string {
	parts := make([]string, 0, len(sigs))
	for _, s := range sigs {
		var b strings.Builder
		b.WriteString(s.ID + "\x00" + strconv.Itoa(s.Priority) + "\x00" + strconv.Itoa(s.Window))
		for _, group := range [][]*Pattern{s.Patterns, s.Requires, s.Captures, s.Unless} {
			b.WriteString("\x01")
			for _, p := range group {
				b.WriteString(p.Source + "\x00")
				if p.Near != nil {
					b.WriteString("\x03" + p.Near.Source + "\x00")
				}
				if p.Within != 0 {
					b.WriteString("\x04" + strconv.Itoa(p.Within) + "\x00")
				}
				if p.Same != "" {
					b.WriteString("\x05" + p.Same + "\x00")
				}
				if p.After {
					b.WriteString("\x06")
				}
				if p.Before {
					b.WriteString("\x07")
				}
			}
		}
		parts = append(parts, b.String())
	}
	slices.Sort(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x02")))
	return hex.EncodeToString(sum[:6])
}
