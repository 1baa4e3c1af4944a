package diagnose

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/lint"
)

// Locate reads what the project's configuration says about the report's
// findings: it finds the job the log belongs to (jobName, else the commands
// the log echoed), runs the lint rules each finding's signature names on
// that job, and records their edits and whether the configuration confirms
// the finding, contradicts it, or no longer has the cause. A finding that
// the configuration confirms is ranked first.
func (m *Matcher) Locate(r *Report, p *lint.Project, jobName string) {
	cfg := p.Config
	view := &ConfigView{Path: cfg.Files[0].Path}
	r.Config = view
	for _, prob := range cfg.Problems {
		view.Notes = append(view.Notes, prob.String())
	}
	job := findJob(r, cfg, jobName, view)
	if job == nil {
		m.locateWithoutJob(r, p)
		return
	}
	runs := 0
	for _, c := range job.Commands() {
		if echoed(r.commands, c.Text) {
			runs++
		}
	}
	for i := range r.Findings {
		m.locateFinding(&r.Findings[i], p, job, runs > 0 || len(r.commands) == 0)
	}
	promoteConfirmed(r)
}

// findJob picks the job by name, else the one whose script holds the most
// commands the log echoed.
func findJob(r *Report, cfg *ciconfig.Config, name string, view *ConfigView) *ciconfig.Job {
	if name != "" {
		if j := cfg.Job(name); j != nil {
			view.Job, view.JobFrom = name, "flag"
			return j
		}
		view.Notes = append(view.Notes, fmt.Sprintf("no job %q in %s", name, view.Path))
		return nil
	}
	if len(r.commands) == 0 {
		view.Notes = append(view.Notes, "the log shows no command of a script, so its job is unknown: pass --job-name")
		return nil
	}
	best, bestScore := []*ciconfig.Job(nil), 0
	for _, j := range cfg.Jobs {
		score := 0
		for _, c := range j.Commands() {
			if echoed(r.commands, c.Text) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore = []*ciconfig.Job{j}, score
		case score == bestScore && score > 0:
			best = append(best, j)
		}
	}
	switch {
	case len(best) == 0:
		view.Notes = append(view.Notes, "no job's script matches the commands in the log: pass --job-name")
		return nil
	case len(best) == 1:
	default:
		for _, j := range best {
			view.Candidates = append(view.Candidates, j.Name)
		}
		view.Notes = append(view.Notes, fmt.Sprintf("several jobs run these commands (%s); showing %s: pass --job-name to choose", strings.Join(view.Candidates, ", "), best[0].Name))
	}
	view.Job, view.JobFrom = best[0].Name, "log"
	return best[0]
}

// echoed reports whether the log echoed a command. The runner echoes a
// multi-line command as its first line followed by "# collapsed multi-line
// command", so a prefix match on normalised space is enough.
func echoed(commands []string, text string) bool {
	want := strings.Join(strings.Fields(text), " ")
	for _, c := range commands {
		c, _, _ = strings.Cut(c, " # collapsed multi-line command")
		c = strings.Join(strings.Fields(c), " ")
		if c != "" && (c == want || strings.HasPrefix(want, c)) {
			return true
		}
	}
	return false
}

// locateFinding runs the signature's rules on the job. sameJob says whether
// the job runs the commands the log shows (or the log shows none).
func (m *Matcher) locateFinding(f *Finding, p *lint.Project, job *ciconfig.Job, sameJob bool) {
	sig := m.signature(f.ID)
	if sig == nil || len(sig.Rules) == 0 {
		return
	}
	found := lint.Check(p.Config, job, sig.Rules, p.Options)
	if len(found) == 0 {
		if f.ID == "pull-policy-not-allowed" && len(p.Config.Externals) > 0 {
			includeOrigin(f, p.Config)
			return
		}
		f.ConfigStatus, f.ConfigNote = absentCause(p.Config, job, f.ID, sameJob)
		return
	}
	m.confirm(f, p, job, found)
}

// maxWhere bounds the lines a confirmation quotes: the diff shows them all.
const maxWhere = 3

// confirm records the lint findings that confirm a finding, and the change
// that fixes them: lint's plan for those rules in that job, made and
// checked in memory as `lint --fix` makes it, shown as edits of the files
// as they are now.
func (m *Matcher) confirm(f *Finding, p *lint.Project, job *ciconfig.Job, found []lint.Finding) {
	f.ConfigStatus = "confirmed"
	var where []string
	read := fileReader(p.Config)
	var external []edit.Edit
	for _, lf := range found {
		if w := fmt.Sprintf("%s:%d %s", lf.Path, lf.Line, strings.TrimSpace(lf.Source)); !slices.Contains(where, w) {
			where = append(where, w)
		}
		if ext := externalOrigin(p.Config, lf.Path); ext != nil {
			// The text lives in another project's template: the edit that
			// the project can make is the guide's, inline configuration
			// instead of the include.
			edits, _ := lint.ReplaceInclude(p.Config, *ext, "its "+lf.Path+":"+fmt.Sprint(lf.Line)+" has "+strings.TrimSpace(lf.Source))
			if applyTogether(external, edits, read) {
				external = append(external, edits...)
			}
		}
	}
	sel := lint.Selection{Rules: m.signature(f.ID).Rules}
	if job != nil {
		sel.Job = job.Name
	}
	var manual []string
	if plan, err := lint.Plan(p, sel); err == nil {
		for _, c := range plan.Changes {
			f.Edits = append(f.Edits, edit.Between(c.Path, c.Old, c.New)...)
		}
		for _, lf := range plan.Left {
			if strings.HasPrefix(lf.Note, "needs a manual change") {
				manual = append(manual, fmt.Sprintf("%s:%d %s", lf.Path, lf.Line, lf.Note))
			}
		}
	}
	// An include replaced by inline configuration goes with the plan when
	// both apply together.
	if applyTogether(f.Edits, external, read) {
		f.Edits = append(f.Edits, external...)
	}
	subject := "the configuration (no job identified)"
	if job != nil {
		subject = "job " + job.Name
	}
	if len(found) == 1 {
		// One finding: its message says what the line means (the node
		// rule names the Dockerfile's FROM line, for instance).
		where[0] += " (" + found[0].Message + ")"
	}
	if len(where) > maxWhere {
		where = append(where[:maxWhere], fmt.Sprintf("and %d more", len(where)-maxWhere))
	}
	f.ConfigNote = fmt.Sprintf("%s confirms it: %s", subject, strings.Join(where, "; "))
	if len(manual) > 0 {
		f.ConfigNote += "; " + strings.Join(manual, "; ")
	}
	f.diff, _ = edit.Diff(f.Edits, read)
}

// Patch returns the root cause's edits as a patch that `git apply`
// accepts, or "" when there are none.
func (r *Report) Patch(p *lint.Project) (string, error) {
	root := r.RootCause()
	if root == nil || len(root.Edits) == 0 {
		return "", nil
	}
	return edit.Patch(root.Edits, fileReader(p.Config))
}

// fileReader reads the configuration's files from what was loaded, so that
// applyTogether reports whether more applies together with base: an edit
// that overlaps one of base is left for after the first fix.
func applyTogether(base, more []edit.Edit, read func(string) ([]byte, error)) bool {
	_, err := edit.Patch(append(slices.Clip(base), more...), read)
	return err == nil
}

// edits are checked against the very text they were computed from.
func fileReader(cfg *ciconfig.Config) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		for _, f := range cfg.Files {
			if f.Path == path {
				return f.Src, nil
			}
		}
		return fs.ReadFile(cfg.FS, path)
	}
}

// locateWithoutJob handles a log whose job could not be found (it failed
// before its script ran, or the commands differ): the signatures' rules run
// over every job, and a pull policy that no file read here sets is traced
// to the includes that ci-doctor cannot read.
func (m *Matcher) locateWithoutJob(r *Report, p *lint.Project) {
	for i := range r.Findings {
		f := &r.Findings[i]
		sig := m.signature(f.ID)
		if sig == nil || len(sig.Rules) == 0 {
			continue
		}
		var found []lint.Finding
		for _, j := range p.Config.Jobs {
			found = append(found, lint.Check(p.Config, j, sig.Rules, p.Options)...)
		}
		if len(found) > 0 {
			m.confirm(f, p, nil, found)
			continue
		}
		if f.ID == "pull-policy-not-allowed" {
			includeOrigin(f, p.Config)
		}
	}
}

// includeOrigin names the includes a setting must come from when no file
// read here has it, and proposes the guide's inline replacement.
func includeOrigin(f *Finding, cfg *ciconfig.Config) {
	var origins []string
	for _, ext := range cfg.Externals {
		origins = append(origins, fmt.Sprintf("%s:%d include of %s %s", ext.File.Path, ext.Start, ext.Kind, ext.Target))
		edits, _ := lint.ReplaceInclude(cfg, ext, "it sets a pull_policy the runner does not allow")
		if applyTogether(f.Edits, edits, fileReader(cfg)) {
			f.Edits = append(f.Edits, edits...)
		}
	}
	if len(origins) == 0 {
		return
	}
	f.ConfigStatus = "confirmed"
	f.ConfigNote = "no file read here sets pull_policy, so it comes from an include that ci-doctor cannot read: " +
		strings.Join(origins, "; ") + ". Replace the include by inline configuration without pull_policy (platform guide, Common errors)"
	f.diff, _ = edit.Diff(f.Edits, fileReader(cfg))
}

// absentCause explains a finding whose cause the job's configuration does
// not show: the include it may come from, a fix already made, or nothing.
func absentCause(cfg *ciconfig.Config, job *ciconfig.Job, id string, sameJob bool) (string, string) {
	if !sameJob {
		return "contradicted", fmt.Sprintf("the configuration contradicts the log: job %s in %s runs none of the commands the log shows; the log may come from another job or another version of the file", job.Name, cfg.Files[0].Path)
	}
	return "fixed", fmt.Sprintf("job %s no longer shows this cause in %s: if this log comes from an older commit, it is already fixed on this branch", job.Name, cfg.Files[0].Path)
}

// promoteConfirmed ranks a confirmed finding first when the root cause is
// not confirmed, and says why.
func promoteConfirmed(r *Report) {
	root := r.RootCause()
	if root == nil || root.ConfigStatus == "confirmed" {
		return
	}
	i := slices.IndexFunc(r.Findings, func(f Finding) bool { return f.ConfigStatus == "confirmed" && !f.Phase.post() })
	if i <= 0 {
		return
	}
	promoted := r.Findings[i]
	r.Findings[0].RootCause = false
	promoted.RootCause = true
	promoted.ConfigNote += " (ranked first because the configuration confirms it)"
	r.Findings = append([]Finding{promoted}, slices.Delete(r.Findings, i, i+1)...)
}

// externalOrigin returns the include of another project that a file of
// the configuration came with, or nil for the project's own files. For a
// file that a template included in turn, it is the project's own include,
// the one its edit can replace.
func externalOrigin(cfg *ciconfig.Config, path string) *ciconfig.External {
	for _, f := range cfg.Files {
		if f.Path == path {
			ext := f.From
			for ext != nil && ext.File.From != nil {
				ext = ext.File.From
			}
			return ext
		}
	}
	return nil
}
