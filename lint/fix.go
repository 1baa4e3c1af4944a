package lint

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ci-doctor/ci-doctor/edit"
)

// FixResult says what Fix changed.
type FixResult struct {
	// Fixed counts the findings whose edits were written.
	Fixed int
	// Files are the files written, relative to the root.
	Files []string
	// Skipped says why some findings' edits were not written.
	Skipped []string
}

// Fix writes the edits of the findings into the files under root. A
// finding whose edits overlap those of an earlier one is skipped (run
// again to apply it). Each file is written atomically, mode kept, and only
// if it has not changed since it was read.
func Fix(root string, findings []Finding) FixResult {
	var res FixResult
	type group struct {
		f     Finding
		edits []edit.Edit
	}
	byPath := map[string][]group{}
	var order []string
	for _, f := range findings {
		for _, e := range f.Edits {
			if _, ok := byPath[e.Path]; !ok {
				order = append(order, e.Path)
			}
		}
		seen := map[string]bool{}
		for _, e := range f.Edits {
			if !seen[e.Path] {
				seen[e.Path] = true
				var mine []edit.Edit
				for _, x := range f.Edits {
					if x.Path == e.Path {
						mine = append(mine, x)
					}
				}
				byPath[e.Path] = append(byPath[e.Path], group{f, mine})
			}
		}
	}
	for _, p := range order {
		full := filepath.Join(root, filepath.FromSlash(p))
		src, err := os.ReadFile(full)
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		var accepted []edit.Edit
		fixed := 0
		for _, g := range byPath[p] {
			if _, err := edit.Apply(src, append(append([]edit.Edit(nil), accepted...), g.edits...)); err != nil {
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s:%d: [%s] not fixed: %v (run --fix again)", g.f.Path, g.f.Line, g.f.Rule, err))
				continue
			}
			accepted = append(accepted, g.edits...)
			fixed++
		}
		out, err := edit.Apply(src, accepted)
		if err == nil {
			err = edit.WriteFile(full, src, out)
		}
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: not written: %v", p, err))
			continue
		}
		res.Files = append(res.Files, p)
		res.Fixed += fixed
	}
	return res
}
