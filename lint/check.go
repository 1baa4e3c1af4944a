package lint

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
)

// Options say how to lint.
type Options struct {
	// ReadFile reads a project file (a Dockerfile) by its path relative
	// to the root; nil reads nothing.
	ReadFile func(path string) ([]byte, error)
	// Ignore holds the project's ignores (from .ci-doctor.yml).
	Ignore []Ignore
	// PrivilegedTags are runner tags of runners that do allow privileged
	// mode: jobs with one of them run elsewhere, and the rules about
	// Docker leave them alone.
	PrivilegedTags []string

	// pipeline is what the pipeline's jobs did with images before a plan's
	// first fix (pipelineImages), for the questions one job asks about the
	// others: a fix of one job must not change the answer another job's fix
	// got (a build pushes because a later job pushed its image). nil:
	// read from the configuration linted.
	pipeline map[string]imagesOfJob
}

// checker runs rules and collects their findings.
type checker struct {
	cfg      *ciconfig.Config
	opts     Options
	only     map[string]bool
	findings map[string]*Finding
	order    []string
	// images are what each job does with images, by job name
	// (jobImages), made on first use.
	images map[string]imagesOfJob
	// scripts are the repository's shell scripts read so far (script),
	// nil for one that could not be read: jobs often run the same one.
	scripts map[string]*ciconfig.File
}

// Lint runs every rule over every job that runs and returns the findings
// sorted by path, line and column, each reported once however many jobs
// share the text it points at.
func Lint(cfg *ciconfig.Config, opts Options) []Finding {
	c := newChecker(cfg, opts, nil)
	for _, j := range cfg.Jobs {
		c.job(j)
	}
	return c.result()
}

// Check runs the named rules on one job, for diagnose.
func Check(cfg *ciconfig.Config, job *ciconfig.Job, ruleIDs []string, opts Options) []Finding {
	only := map[string]bool{}
	for _, id := range ruleIDs {
		only[id] = true
	}
	c := newChecker(cfg, opts, only)
	c.job(job)
	return c.result()
}

// lintJob runs on one job the rules that Lint runs and, in the same pass,
// the on-demand rules named in also.
func lintJob(cfg *ciconfig.Config, job *ciconfig.Job, also []string, opts Options) []Finding {
	only := map[string]bool{}
	for _, r := range rules {
		only[r.ID] = !r.onDemand || slices.Contains(also, r.ID)
	}
	c := newChecker(cfg, opts, only)
	c.job(job)
	return c.result()
}

func newChecker(cfg *ciconfig.Config, opts Options, only map[string]bool) *checker {
	return &checker{cfg: cfg, opts: opts, only: only, findings: map[string]*Finding{}}
}

func (c *checker) job(j *ciconfig.Job) {
	v := newJobView(c, j)
	if v.elsewhere() {
		return
	}
	for _, r := range rules {
		if r.check != nil && (c.only == nil && !r.onDemand || c.only[r.ID]) {
			r.check(c, v)
		}
	}
}

// report records a finding of rule at (f, line, col) for job v.
func (c *checker) report(v *jobView, rule string, f *ciconfig.File, line, col int, msg string, fix fixFunc) {
	if c.suppressed(rule, f, line, v) {
		return
	}
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%d", rule, f.Path, line, col)
	if prev, ok := c.findings[key]; ok {
		prev.Jobs = appendJob(prev.Jobs, v.job.Name)
		return
	}
	fd := &Finding{Rule: rule, Path: f.Path, Line: line, Column: max(col, 1), Message: msg, Source: f.Line(line)}
	if v != nil {
		fd.Jobs = []string{v.job.Name}
	}
	if fix != nil {
		fd.Edits, fd.Note = fix()
	}
	c.findings[key] = fd
	c.order = append(c.order, key)
}

func appendJob(jobs []string, name string) []string {
	for _, j := range jobs {
		if j == name {
			return jobs
		}
	}
	return append(jobs, name)
}

func (c *checker) result() []Finding {
	out := make([]Finding, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, *c.findings[k])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return out
}

// suppressed applies "# ci-doctor: ignore <rule-id>" on the line or the
// line above, and the project's ignores.
func (c *checker) suppressed(rule string, f *ciconfig.File, line int, v *jobView) bool {
	for _, comment := range f.CommentsAt(line) {
		if rest, ok := strings.CutPrefix(comment, "ci-doctor: ignore"); ok {
			ids := strings.Fields(strings.ReplaceAll(rest, ",", " "))
			if len(ids) == 0 {
				return true
			}
			for _, id := range ids {
				if id == rule {
					return true
				}
			}
		}
	}
	job := ""
	if v != nil {
		job = v.job.Name
	}
	for _, ig := range c.opts.Ignore {
		if ig.matches(rule, f.Path, job) {
			return true
		}
	}
	return false
}
