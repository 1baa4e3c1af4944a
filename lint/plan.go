package lint

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

// FixPlan is what a fix would write, computed and checked in memory before
// anything is written: `lint --fix` writes it all or nothing, `diagnose
// --patch` prints it.
type FixPlan struct {
	// Changes are the files the fixes change, in the order they were
	// first changed, with their text before and after.
	Changes []FileChange
	// Fixed are the findings whose edits the plan holds.
	Fixed []Finding
	// Left is what lint finds in the fixed configuration. A finding whose
	// edit was refused is among them, its Note saying why it needs a
	// manual change.
	Left []Finding
}

// Selection limits a plan to the findings of some rules (on-demand ones
// included) in one job, as diagnose wants for a root cause. The zero
// Selection is what `ci-doctor lint` finds.
type Selection struct {
	Rules []string
	// Job is the job's name; "" for every job.
	Job string
	// had holds, as rule and job, what lint found in the selected jobs
	// before the plan's first fix (see withBaseline).
	had map[string]bool
}

// find returns what the selection finds in the configuration: with rules,
// their findings in the selected jobs and what lint finds there that it
// did not find before the plan (see withBaseline).
func (s Selection) find(cfg *ciconfig.Config, opts Options) []Finding {
	if s.Rules == nil {
		return Lint(cfg, opts)
	}
	var out []Finding
	for _, j := range cfg.Jobs {
		if s.Job != "" && j.Name != s.Job {
			continue
		}
		// One pass of every rule: the selected rules' findings first, then
		// the others' that are new, each in lint's order.
		var brought []Finding
		for _, f := range lintJob(cfg, j, s.Rules, opts) {
			switch {
			case slices.Contains(s.Rules, f.Rule):
				out = append(out, f)
			case !s.had[f.Rule+"\x00"+j.Name]:
				brought = append(brought, f)
			}
		}
		out = append(out, brought...)
	}
	return out
}

// withBaseline returns the selection with what lint finds in its jobs
// now, before any fix. A fix of the selected rules may bring a finding of
// another into the job (a build that BuildKit now makes must push with
// credentials): the plan fixes that one too, so that its result lints as
// clean as the job was, but not what the job had wrong before, which is
// not the root cause's.
func (s Selection) withBaseline(cfg *ciconfig.Config, opts Options) Selection {
	if s.Rules == nil {
		return s
	}
	s.had = map[string]bool{}
	for _, j := range cfg.Jobs {
		if s.Job == "" || j.Name == s.Job {
			for _, f := range lintJob(cfg, j, nil, opts) {
				s.had[f.Rule+"\x00"+j.Name] = true
			}
		}
	}
	return s
}

// FileChange is one file's text before and after a plan.
type FileChange struct {
	Path     string
	Old, New []byte
}

// maxFixes bounds the fixes of one plan: each round of lint applies one
// fix and lints again, and a fix that brought back what another removed
// must not go round for ever.
const maxFixes = 500

// Plan fixes what Lint finds in the project (its child pipelines
// included), one finding at a time, over the project's files in memory:
// each fix is applied, the configuration is read again (it must parse,
// hold no key twice and include what it included), and the project is
// linted again, until no fixable finding is left. Then the whole result is
// checked: no job may call a tool its image lacks (BuildKit's scripts,
// crane) that it did not call before, and every image the pipeline pushed
// is still pushed by some job. A fix that fails a check is not
// made, and the plan starts again without it: its finding stays, with the
// reason. sel limits the fixes (diagnose: the rules that confirm the root
// cause, in the failed job).
func Plan(p *Project, sel Selection) (*FixPlan, error) {
	ov := newOverlay(p.Config.FS)
	plan := &FixPlan{}
	var order []string
	for _, cfg := range p.configs() {
		// A child pipeline is read as the parent's fixes left the files
		// they share.
		start, err := cfg.Reload(ov)
		if err != nil {
			return nil, err
		}
		sub, next, paths, err := planConfig(start, p.Options, sel, ov)
		if err != nil {
			return nil, err
		}
		plan.Fixed = append(plan.Fixed, sub.Fixed...)
		plan.Left = mergeFindings(plan.Left, sub.Left)
		for _, path := range paths {
			if !slices.Contains(order, path) {
				order = append(order, path)
			}
		}
		ov = next
	}
	for _, path := range order {
		old, err := fs.ReadFile(p.Config.FS, path)
		if err != nil {
			return nil, err
		}
		if n := ov.changed[path]; !bytes.Equal(old, n) {
			plan.Changes = append(plan.Changes, FileChange{Path: path, Old: old, New: n})
		}
	}
	return plan, nil
}

// Refusals returns the project's findings (Project.Lint) as --fix would
// treat them: a finding whose fix the whole result's check refuses has no
// edits, and its note says why, so that what lint shows without --fix (the
// JSON and SARIF edits too) is what --fix would do.
func Refusals(p *Project) ([]Finding, error) {
	plan, err := Plan(p, Selection{})
	if err != nil {
		return nil, err
	}
	refused := map[string]Finding{}
	for _, f := range plan.Left {
		if len(f.Edits) == 0 && strings.HasPrefix(f.Note, manualPrefix) {
			refused[identity(f)] = f
		}
	}
	all := p.Lint()
	for i, f := range all {
		if r, ok := refused[identity(f)]; ok && len(f.Edits) > 0 {
			all[i].Edits, all[i].Note = nil, r.Note
		}
	}
	return all, nil
}

// manualPrefix starts the note of a finding whose fix was refused.
const manualPrefix = "needs a manual change: "

// planConfig plans the fixes of one configuration over the files as base
// has them, starting again without the fixes that the whole result's check
// refuses. It returns the plan (without Changes), the files it leaves and
// the paths it changed.
func planConfig(cfg *ciconfig.Config, opts Options, sel Selection, base *overlay) (*FixPlan, *overlay, []string, error) {
	opts.pipeline = pipelineImages(cfg)
	sel = sel.withBaseline(cfg, opts)
	refused := map[string]string{}
	for range maxAttempts {
		plan, ov, paths := planOnce(cfg, opts, sel, base, refused)
		blamed := blameTools(cfg, plan, ov)
		if len(blamed) == 0 {
			return plan, ov, paths, nil
		}
		for k, reason := range blamed {
			refused[k] = reason
		}
	}
	// Fixes keep undoing each other's tools: make none of them.
	return &FixPlan{Left: sel.find(cfg, opts)}, base, nil, nil
}

// maxAttempts bounds how often a configuration's plan starts again without
// the fixes that the whole result's check refused.
const maxAttempts = 20

// planOnce makes the fixes that pass the checks of one file, leaving out
// the refused ones, and returns the plan, the files it leaves and the
// paths it changed.
func planOnce(start *ciconfig.Config, opts Options, sel Selection, base *overlay, refused map[string]string) (*FixPlan, *overlay, []string) {
	ov, cfg := base, start
	done := map[string]bool{}
	plan := &FixPlan{}
	var order []string
	for range maxFixes {
		applied := false
		for _, f := range sel.find(cfg, opts) {
			if len(f.Edits) == 0 {
				continue
			}
			key := identity(f)
			if _, ok := refused[key]; ok {
				continue
			}
			if done[key] {
				// Its edit was made and the finding is still there: the
				// fix does not fix it, and making it again would not
				// either.
				refused[key] = "its automatic fix does not remove it"
				continue
			}
			files, err := applyEdits(ov, f.Edits)
			if err != nil {
				// The edits no longer fit the text (they were made before
				// an earlier fix of the same line): lint again.
				continue
			}
			next := ov.with(files)
			ncfg, reason := checkFix(cfg, next)
			if reason != "" {
				refused[key] = reason
				continue
			}
			for path := range files {
				if !slices.Contains(order, path) {
					order = append(order, path)
				}
			}
			ov, cfg = next, ncfg
			done[key] = true
			plan.Fixed = append(plan.Fixed, f)
			applied = true
			break
		}
		if !applied {
			break
		}
	}
	plan.Left = sel.find(cfg, opts)
	for i, f := range plan.Left {
		if reason, ok := refused[identity(f)]; ok {
			plan.Left[i].Edits = nil
			plan.Left[i].Note = joinNote(manualPrefix+reason, f.Note)
		}
	}
	return plan, ov, order
}

// blameTools checks the whole result for jobs that would call a tool their
// image lacks and did not before, and for images the pipeline pushed that
// no job would push any more, and returns the fixes of those jobs with the
// reason, to be left out.
func blameTools(before *ciconfig.Config, plan *FixPlan, ov *overlay) map[string]string {
	if len(plan.Fixed) == 0 {
		return nil
	}
	after, err := before.Reload(ov)
	if err != nil {
		return nil // checkFix read every step; this cannot fail
	}
	had := map[string]bool{}
	for _, j := range before.Jobs {
		for _, m := range missingTools(j) {
			had[m.key(j.Name)] = true
		}
	}
	blamed := map[string]string{}
	// An image the pipeline pushed before must still be pushed: a push
	// that a fix deleted because another job's build would push it
	// itself (push=true) holds only if that build was fixed too.
	still := map[string]bool{}
	for _, names := range pushedImages(after) {
		for _, name := range names {
			still[name] = true
		}
	}
	// In the configuration's order of jobs, and the first reason kept: a
	// fix shared by several jobs (a template's) names the same job each
	// time.
	pushed := pushedImages(before)
	for _, j := range before.Jobs {
		for _, name := range pushed[j.Name] {
			if still[name] {
				continue
			}
			for _, f := range plan.Fixed {
				if id := identity(f); slices.Contains(f.Jobs, j.Name) && blamed[id] == "" {
					blamed[id] = "job " + j.Name + " would no longer push " + name + ", and no other job would push it"
				}
			}
		}
	}
	for _, j := range after.Jobs {
		for _, m := range missingTools(j) {
			if had[m.key(j.Name)] {
				continue
			}
			// The fix that wrote the tool's name into the job is to blame;
			// when none did (the image changed, the daemon's service went),
			// every fix of the job, a shared template's too: a job left
			// without what it needs is no fix.
			var mine, callers []Finding
			for _, f := range plan.Fixed {
				if slices.Contains(f.Jobs, j.Name) {
					mine = append(mine, f)
					if writesTool(f, m.tool) {
						callers = append(callers, f)
					}
				}
			}
			if len(callers) == 0 {
				callers = mine
			}
			for _, f := range callers {
				blamed[identity(f)] = "job " + j.Name + " would " + m.what
			}
		}
	}
	return blamed
}

// pushedImages returns, by job, the names its script pushes to a registry
// (rewrite.RefKey's form): those of its docker pushes, of its BuildKit
// builds' outputs with push=true, and the targets of its crane copies and
// pushes.
func pushedImages(cfg *ciconfig.Config) map[string][]string {
	out := map[string][]string{}
	for _, j := range cfg.Jobs {
		var names []string
		for _, cmd := range j.Commands() {
			for _, d := range rewrite.DockerCommands(cmd.Text) {
				if d.Sub == "push" && len(d.Args) > 0 {
					names = append(names, d.Args[len(d.Args)-1].Value)
				}
			}
			names = append(names, rewrite.BuildctlPushes(cmd.Text)...)
			if w := rewrite.Words(cmd.Text); len(w) > 3 && path.Base(w[0].Value) == "crane" && (w[1].Value == "copy" || w[1].Value == "cp" || w[1].Value == "push") {
				names = append(names, w[len(w)-1].Value)
			}
		}
		for i, n := range names {
			names[i] = rewrite.RefKey(n)
		}
		out[j.Name] = names
	}
	return out
}

// identity names a finding across rounds of fixes, whose edits move its
// line: its rule, file, text and jobs.
func identity(f Finding) string {
	return f.Rule + "\x00" + f.Path + "\x00" + strings.TrimSpace(f.Source) + "\x00" + strings.Join(f.Jobs, ",")
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// applyEdits applies a finding's edits to the files they touch, as the
// overlay has them.
func applyEdits(ov *overlay, edits []edit.Edit) (map[string][]byte, error) {
	files := map[string][]byte{}
	var paths []string
	for _, e := range edits {
		if !slices.Contains(paths, e.Path) {
			paths = append(paths, e.Path)
		}
	}
	for _, path := range paths {
		src, err := ov.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var mine []edit.Edit
		for _, e := range edits {
			if e.Path == path {
				mine = append(mine, e)
			}
		}
		out, err := edit.Apply(src, mine)
		if err != nil {
			return nil, err
		}
		files[path] = out
	}
	return files, nil
}

// checkFix reads the configuration again over next and says what is wrong
// with the files that changed that was not wrong before, or "".
func checkFix(before *ciconfig.Config, next *overlay) (*ciconfig.Config, string) {
	after, err := before.Reload(next)
	if err != nil {
		return nil, "the fixed file would not be valid YAML (" + err.Error() + ")"
	}
	// A key the file already held twice is the user's: only one that the
	// fix adds refuses it.
	had := map[string]int{}
	for _, f := range before.Files {
		for _, d := range f.DuplicateKeys() {
			had[f.Path+"\x00"+d.Key]++
		}
	}
	for _, f := range after.Files {
		if _, changed := next.changed[f.Path]; !changed {
			continue
		}
		for _, d := range f.DuplicateKeys() {
			if k := f.Path + "\x00" + d.Key; had[k] > 0 {
				had[k]--
				continue
			}
			return nil, fmt.Sprintf("it would write a second %q key at %s:%d (the first is at line %d), and GitLab keeps only the last", d.Key, d.Path, d.Line, d.First)
		}
	}
	if len(after.Problems) > len(before.Problems) {
		return nil, "the fixed configuration could not be read whole: " + after.Problems[len(after.Problems)-1].String()
	}
	return after, ""
}

// writesTool reports whether a finding's edits write the tool's name.
func writesTool(f Finding, tool string) bool {
	for _, e := range f.Edits {
		if e.New != nil && strings.Contains(*e.New, tool) {
			return true
		}
	}
	return false
}

// daemonTool names the Docker daemon in a toolGap: no edit writes it.
const daemonTool = "Docker daemon"

// toolGap is a tool a job calls in an image without it: the tool's name,
// as a fix that wrote the call would hold it, and what the job would do.
type toolGap struct{ tool, what string }

// missingTools says which tools the platform guide uses that the job calls
// but its image lacks: BuildKit's scripts outside the BuildKit image, crane
// in an image without it when the job does not install it, curl (the
// guide's install line) in an Alpine image, and a cloud's CLI in the
// images the fixes write (BuildKit's, crane's), which have none: a login
// from `aws ecr get-login-password` needs it where the password is read.
// It also names the Docker daemon that a job's docker commands or own
// scripts (make image, ./build.sh) would go without.
func missingTools(j *ciconfig.Job) []toolGap {
	// No checker: the questions read no option of the rules.
	v := newJobView(nil, j)
	shown := v.shownImage()
	var out []toolGap
	if tool := v.lacksBuildKit(); tool != "" {
		out = append(out, toolGap{tool, "run " + tool + " in " + shown + ", which has no BuildKit"})
	}
	if tool := v.lacksCloudCLI(); tool != "" {
		out = append(out, toolGap{tool, "run " + tool + " in " + shown + ", which does not have it"})
	}
	if v.lacksCrane() {
		out = append(out, toolGap{"crane", "run crane in " + shown + ", which does not have it, without installing it"})
	}
	if v.lacksCurl() {
		out = append(out, toolGap{"curl", "run curl in " + shown + ", which has no curl, without installing it"})
	}
	if missing := v.unreachedDaemon(); missing != "" {
		// A fix that takes the variables and leaves the service (its own
		// fix refused, or its image named by a variable the file does not
		// set) leaves a client that no longer reaches the daemon.
		out = append(out, toolGap{daemonTool, "keep its Docker daemon service without " + missing + ", which reach it"})
	}
	if cmd := v.daemonLess(); cmd != "" {
		// A fix that takes the service away and leaves a command that needs
		// it (a docker command with no automatic replacement, a script
		// whose docker commands are not read here) leaves a job that works
		// nowhere. No edit writes the daemon's name, so every fix of the
		// job is to blame.
		out = append(out, toolGap{daemonTool, "run " + cmd + " without a Docker daemon, which it may need"})
	}
	return out
}

// key names the gap in a job across the fix: a tool's gap by what the job
// would do with it; the daemon's by the daemon alone, as the command named
// may change with the fix (docker login rewritten, make image left).
func (g toolGap) key(job string) string {
	if g.tool == daemonTool && strings.HasPrefix(g.what, "run ") {
		return job + "\x00" + g.tool
	}
	return job + "\x00" + g.what
}
