package fleet

import (
	"context"
	"errors"

	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/store"
)

// ErrNoTemplate is FindTemplate's answer for an id the store does not know.
var ErrNoTemplate = errors.New("no such unrecognised error")

// FindTemplate returns the unrecognised error a report listed under id,
// with its real lines, for `ci-doctor signatures new --from-report`. An id
// of a single masked line is found directly; the id of lines merged by
// Cluster is found by clustering the store's templates again, which finds
// the same group as long as the store holds the same lines.
func FindTemplate(ctx context.Context, st *store.Store, id string) (Template, error) {
	byTemplate := map[string]*group{}
	add := func(templateID string) error {
		return st.Diagnoses(ctx, store.Filter{TemplateID: templateID}, func(d store.Diagnosis) error {
			g := byTemplate[d.Template]
			if g == nil {
				g = &group{}
				byTemplate[d.Template] = g
			}
			g.addJob(d)
			return nil
		})
	}
	if err := add(id); err != nil {
		return Template{}, err
	}
	if len(byTemplate) == 1 {
		for text := range byTemplate {
			return templateOf(logtemplate.Group{ID: id, Template: text, Members: []string{text}}, byTemplate), nil
		}
	}
	counts, err := st.Templates(ctx)
	if err != nil {
		return Template{}, err
	}
	all := map[string]*group{}
	for text, jobs := range counts {
		all[text] = &group{jobs: jobs}
	}
	for _, cl := range cluster(all) {
		if cl.ID != id {
			continue
		}
		for _, member := range cl.Members {
			if err := add(logtemplate.ID(member)); err != nil {
				return Template{}, err
			}
		}
		return templateOf(cl, byTemplate), nil
	}
	return Template{}, ErrNoTemplate
}
