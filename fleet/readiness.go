package fleet

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/internal/redact"
	"github.com/ci-doctor/ci-doctor/remote"
	"github.com/ci-doctor/ci-doctor/store"
)

// readiness lints the project's configuration on its default branch, as
// `ci-doctor lint` does, and stores the count of findings per rule.
func (cr *crawl) readiness(ctx context.Context, p gitlabapi.Project) {
	r := store.Readiness{Host: cr.out.Host, ProjectID: p.ID, Project: p.Path, Ref: p.DefaultBranch, CheckedAt: time.Now().UTC()}
	findings, err := cr.lint(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		r.Error = redact.String(err.Error())
	}
	r.Findings = findings
	if err := cr.st.PutReadiness(context.WithoutCancel(ctx), r); err != nil {
		cr.notes.add(fmt.Sprintf("%s: readiness not stored: %v", p.Path, err))
	}
}

// lint reads and lints one project's configuration.
func (cr *crawl) lint(ctx context.Context, p gitlabapi.Project) (map[string]int, error) {
	path := p.CIConfigPath
	switch {
	case p.DefaultBranch == "":
		return nil, errors.New("the repository is empty: no default branch")
	case strings.Contains(path, "@") || strings.Contains(path, "://"):
		return nil, fmt.Errorf("the configuration lives in another project (%s): lint that project", path)
	}
	lp, err := remote.RepoProject(ctx, cr.c, projectRef(p), p.DefaultBranch, path)
	if errors.Is(err, fs.ErrNotExist) {
		if path == "" {
			path = ".gitlab-ci.yml"
		}
		return nil, fmt.Errorf("no %s on %s", path, p.DefaultBranch)
	}
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, f := range lp.Lint() {
		counts[f.Rule]++
	}
	return counts, nil
}
