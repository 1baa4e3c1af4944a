package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ci-doctor/ci-doctor/edit"
)

// Write writes the plan's files under root, all or none. Every file must
// still hold the text the plan was computed from; each is written
// atomically (edit.WriteFile, mode kept); when one cannot be written, the
// files written before it get their old text back, so that the project is
// never left half fixed. The error says what happened to each file.
func (p *FixPlan) Write(root string) error {
	full := func(path string) string { return filepath.Join(root, filepath.FromSlash(path)) }
	for _, c := range p.Changes {
		cur, err := os.ReadFile(full(c.Path))
		if err != nil {
			return fmt.Errorf("nothing written: %w", err)
		}
		if string(cur) != string(c.Old) {
			return fmt.Errorf("nothing written: %s changed while it was being fixed", c.Path)
		}
	}
	for i, c := range p.Changes {
		err := edit.WriteFile(full(c.Path), c.Old, c.New)
		if err == nil {
			continue
		}
		var undo []error
		for _, w := range p.Changes[:i] {
			if uerr := edit.WriteFile(full(w.Path), w.New, w.Old); uerr != nil {
				undo = append(undo, uerr)
			}
		}
		if len(undo) > 0 {
			return fmt.Errorf("%w; and restoring the files written before it failed: %w", err, errors.Join(undo...))
		}
		return fmt.Errorf("nothing written (the files written before it were restored): %w", err)
	}
	return nil
}
