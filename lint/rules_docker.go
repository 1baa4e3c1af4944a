package lint

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/ci-doctor/ci-doctor/ciconfig"
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/rewrite"
)

func init() {
	ruleByID["docker-command"].check = checkDockerCommands
}

// checkDockerCommands reports each script line that runs docker, with the
// guide's replacement: BuildKit rootless for builds, crane for registry
// work, the job's own image for docker run. The whole script is rewritten
// at once, as a push decides whether the build before it pushes.
func checkDockerCommands(c *checker, v *jobView) {
	if v.remoteDaemon() {
		return
	}
	checkScriptDockerCommands(c, v)
	checkDaemonTools(c, v)
	results := v.rewritten()
	// The lines of a script are rewritten together (a build pushes because
	// a later push line goes), so the first finding carries every edit and
	// --fix applies all of them or none.
	// Whether the job keeps one image is the same for each of its lines.
	together := fixedWith
	if oneImage(v, results) != "" {
		together = seeNoteOf
	}
	if onlyVersions(results) {
		// docker --version asks no daemon: a job whose only docker
		// command shows the client's version runs as it is.
		return
	}
	first := -1
	for i, lr := range results {
		if len(lr.Changes) == 0 {
			continue
		}
		cmd := v.cmds[i]
		line, col := lineOf(cmd, "docker")
		var subs []string
		for _, ch := range lr.Changes {
			subs = append(subs, "docker "+ch.Cmd.Sub)
		}
		need := "needs a Docker daemon, which these runners do not have"
		if onlyVersions(results[i : i+1]) {
			need = "needs no daemon, but goes with the job's other docker commands"
		}
		msg := fmt.Sprintf("%s %s: %s", strings.Join(subs, ", "), need, outcome(lr))
		fix := noteOnly(fmt.Sprintf("%s %s:%d", together, v.cmds[max(first, 0)].File.Path, firstLine(v, results, first)))
		if first < 0 {
			first = i
			fix = func() ([]edit.Edit, string) { return rewriteJob(v, results) }
		}
		c.report(v, "docker-command", cmd.File, line, col, msg, fix)
	}
}

// checkDaemonTools reports each script line that runs one of daemonTools
// (docker-compose up, dgoss run, kind create cluster): they need a Docker
// daemon as docker does, and no fix replaces them.
func checkDaemonTools(c *checker, v *jobView) {
	for _, cmd := range v.cmds {
		for _, tool := range daemonTools {
			if commandWord(cmd.Text, tool) < 0 {
				continue
			}
			line, col := lineOf(cmd, tool)
			c.report(v, "docker-command", cmd.File, line, col,
				tool+" needs a Docker daemon, which these runners do not have: no automatic replacement (see the note)",
				noteOnly(tool+" runs containers through the Docker daemon, and no fix replaces it: change the job by hand (the platform guide's What not to do)"))
		}
	}
}

// onlyVersions reports whether every docker command of the lines is
// docker --version, which prints the client's version without a daemon.
func onlyVersions(results []rewrite.LineResult) bool {
	for _, lr := range results {
		for _, ch := range lr.Changes {
			if ch.Cmd.Sub != "--version" {
				return false
			}
		}
	}
	return true
}

// The notes of a job's other docker-command findings point at its first,
// which carries the job's edits and its note.
const (
	fixedWith = "fixed together with"
	seeNoteOf = "see the note of"
)

// PointerNote reports whether a finding's note only points at another
// finding's ("fixed together with .gitlab-ci.yml:15"), which says the rest.
func PointerNote(note string) bool {
	return strings.HasPrefix(note, fixedWith+" ") || strings.HasPrefix(note, seeNoteOf+" ")
}

// rewritten returns the job's script lines with their docker commands
// rewritten, computed once per job.
func (v *jobView) rewritten() []rewrite.LineResult {
	if v.rewrite == nil {
		texts := make([]string, len(v.cmds))
		for i, cmd := range v.cmds {
			texts[i] = cmd.Text
		}
		used, built := v.otherJobs()
		v.rewrite = rewrite.RewriteScript(texts, used, built)
	}
	return v.rewrite
}

// otherJobs returns what the configuration's other jobs do with images
// (jobImages): the images they run or push unbuilt, and the tags they
// build.
func (v *jobView) otherJobs() (used, built []string) {
	if v.c == nil {
		return nil, nil
	}
	for name, images := range v.c.jobImages() {
		if name != v.job.Name {
			used = append(used, images.used...)
			built = append(built, images.built...)
		}
	}
	return used, built
}

// imagesOfJob is what one job does with images, as written.
type imagesOfJob struct {
	// used are its image:, the images of its docker run and docker create
	// commands, and those it pushes without building or tagging them.
	used []string
	// built are the tags of its docker builds and the names its BuildKit
	// builds push.
	built []string
	// fromStore are the images its docker tags take from the daemon's
	// store without its building them.
	fromStore []string
}

// jobImages returns what each job does with images, by job name: as the
// plan found them before its first fix, or as the configuration has them,
// read once for the whole configuration.
func (c *checker) jobImages() map[string]imagesOfJob {
	if c.opts.pipeline != nil {
		return c.opts.pipeline
	}
	if c.images == nil {
		c.images = pipelineImages(c.cfg)
	}
	return c.images
}

// pipelineImages reads what each job of a configuration does with images.
func pipelineImages(cfg *ciconfig.Config) map[string]imagesOfJob {
	out := map[string]imagesOfJob{}
	for _, j := range cfg.Jobs {
		var images imagesOfJob
		if img := imageName(j.Get("image")); img != "" {
			images.used = append(images.used, img)
		}
		var all []rewrite.DockerCmd
		for _, cmd := range j.Commands() {
			for _, d := range rewrite.DockerCommands(cmd.Text) {
				if img := d.Image(); img != "" {
					images.used = append(images.used, img)
				}
				all = append(all, d)
			}
			images.built = append(images.built, rewrite.BuildctlPushes(cmd.Text)...)
		}
		ctx := rewrite.JobContext(all)
		images.used = append(images.used, ctx.PushedUnbuilt()...)
		images.built = append(images.built, ctx.Built...)
		for _, d := range all {
			if d.Sub == "tag" && len(d.Args) > 0 && !slices.Contains(ctx.Built, d.Args[0].Value) {
				images.fromStore = append(images.fromStore, d.Args[0].Value)
			}
		}
		out[j.Name] = images
	}
	return out
}

// localHandOff returns an image that the job hands to another job, or takes
// from one, through the daemon's store under a name without a registry or
// a namespace (flask-app:latest built here, tagged and pushed there; my-image
// built there, run here), and that other job; "" when there is none.
func localHandOff(v *jobView) (string, string) {
	if v.c == nil {
		return "", ""
	}
	all := v.c.jobImages()
	mine := all[v.job.Name]
	for _, other := range slices.Sorted(maps.Keys(all)) {
		if other == v.job.Name {
			continue
		}
		theirs := all[other]
		if name := sharedLocal(mine.built, theirs.taken()); name != "" {
			return name, other
		}
		if name := sharedLocal(theirs.built, mine.taken()); name != "" {
			return name, other
		}
	}
	return "", ""
}

// taken are the images a job takes from the daemon's store without
// building them: those it runs or pushes, and those it tags.
func (images imagesOfJob) taken() []string {
	return slices.Concat(images.used, images.fromStore)
}

// sharedLocal returns the first of built, a name without a registry, that
// taken holds; "".
func sharedLocal(built, taken []string) string {
	for _, name := range built {
		if localOnly(name) && slices.Contains(taken, name) {
			return name
		}
	}
	return ""
}

// localOnly reports whether an image name has neither a registry nor a
// namespace (my-image, flask-app:latest): a name that only a daemon's
// store holds, since Docker Hub's library takes no one's pushes.
func localOnly(name string) bool {
	repo, _, _ := strings.Cut(name, "@")
	if i := strings.LastIndex(repo, ":"); i >= 0 && !strings.Contains(repo[i:], "/") {
		repo = repo[:i]
	}
	return repo != "" && !strings.ContainsAny(repo, "/$")
}

func firstLine(v *jobView, results []rewrite.LineResult, first int) int {
	if first < 0 {
		return 0
	}
	line, _ := lineOf(v.cmds[first], "docker")
	return line
}

// rewriteJob turns a job's rewritten script lines into edits, with the
// image and variable a job that now builds with BuildKit needs. A job runs
// in one image: when its rewritten script would need two (BuildKit for a
// build and a docker run's image, two docker run images, or a docker run
// image and the job's own image for its other commands), or a docker run
// gives no command to run, nothing is edited and the note says what to do
// by hand.
func rewriteJob(v *jobView, results []rewrite.LineResult) ([]edit.Edit, string) {
	if note := oneImage(v, results); note != "" {
		return nil, note
	}
	if name, other := localHandOff(v); name != "" {
		// On a shell runner the jobs shared one daemon's store; without it
		// an image goes from job to job only through a registry, and a
		// name with none would be Docker Hub's library.
		return nil, "the image " + name + " goes between this job and job " + other + " through the runner's Docker daemon, under a name without a registry: BuildKit and crane hand images on only through one, so build and push the registry's name in one job, then fix the rest"
	}
	if cmd := v.daemonTool(); cmd != "" {
		// The pull or build before it fills the daemon's store for it:
		// without the daemon neither is of use.
		return nil, cmd + " needs the Docker daemon as well, and the images the job's docker commands pull or build for it, and has no automatic replacement, so the job's docker commands are left as they are too: change the job by hand"
	}
	if note := insecureRegistry(v); note != "" {
		return nil, note
	}
	var edits []edit.Edit
	var notes []string
	builds, pushAt := false, -1
	for _, lr := range results {
		for _, ch := range lr.Changes {
			builds = builds || ch.Cmd.Sub == "build"
		}
	}
	keep := keepLast(v, results)
	for i, lr := range results {
		if builds {
			if moved := homeNotRoot(lr); moved.New != lr.New {
				lr = moved
				if !slices.Contains(notes, homeNote) {
					notes = append(notes, homeNote)
				}
			}
		}
		if len(lr.Changes) == 0 {
			e, note := replaceCommand(v.cmds[i], lr, false)
			if note != "" {
				notes = append(notes, note)
			}
			edits = append(edits, e...)
			continue
		}
		e, note := replaceCommand(v.cmds[i], lr, keep[i])
		if note != "" {
			notes = append(notes, note)
		}
		edits = append(edits, e...)
		for _, ch := range lr.Changes {
			if ch.Result.Note != "" && !slices.Contains(notes, ch.Result.Note) {
				notes = append(notes, ch.Result.Note)
			}
			if ch.Result.Action == rewrite.UseImage && ch.Result.Image != "" {
				e, note := setImage(v, jobImage{name: ch.Result.Image})
				if note != "" {
					notes = append(notes, note)
				}
				edits = append(edits, e...)
			}
		}
		if pushAt < 0 && strings.Contains(lr.New, "push=true") {
			pushAt = i
		}
	}
	if builds {
		edits = append(edits, buildkitJob(v)...)
	}
	if pushAt >= 0 && !v.authenticatedBefore(pushAt) && !pushesToProjectRegistry(results[pushAt].New) {
		// The Docker client may have found credentials that BuildKit does
		// not: a credential helper in the image this fix replaces (a
		// cloud's docker helper image), a config.json baked into it. A push
		// to the project's registry gets the guide's config.json from the
		// buildkit-push-without-auth fix instead.
		notes = append(notes, "nothing in the job logs in before the push, and BuildKit reads only ~/.docker/config.json: write it before the build (the guide's Registry authentication), or the registry answers 401"+
			replacedImage(v))
	}
	return edits, strings.Join(notes, "; ")
}

// replacedImage names the job's image when the fix replaces it with
// BuildKit's and it is not Docker's own: its credential helper may be what
// logged the Docker client in.
func replacedImage(v *jobView) string {
	name := v.imageName
	if name == "" || strings.Contains(name, buildkitImageName) || name == "docker" || strings.HasPrefix(name, "docker:") {
		return ""
	}
	return " (the job's image " + name + " may have carried the credentials)"
}

// oneImage says why the job's rewritten script cannot run in one image, or
// "" when it can.
func oneImage(v *jobView, results []rewrite.LineResult) string {
	if v.shellTag != "" {
		// The shell runner's host runs the script whatever image: says:
		// neither BuildKit's image nor crane's would come with it.
		return "this job goes to a shell runner (tag " + v.shellTag + "), which ignores image:, so no image brings BuildKit or crane to it: send it to these runners (its tags:) first, then fix it"
	}
	var need []string
	add := func(image string) {
		if !contains(need, image) {
			need = append(need, image)
		}
	}
	builds, other := false, false
	for i, lr := range results {
		if len(lr.Changes) == 0 {
			other = other || !trivialCommand(v.cmds[i].Text)
			continue
		}
		for _, ch := range lr.Changes {
			builds = builds || ch.Cmd.Sub == "build"
			if ch.Result.Action == rewrite.Manual {
				// Rewriting the rest would leave this command in an
				// image that cannot run it: the job is changed by hand.
				return "docker " + ch.Cmd.Sub + " on line " + fmt.Sprint(v.cmds[i].Start) + " has no automatic replacement (" + ch.Result.Note + "), so the job's other docker commands are left as they are too: change the job by hand"
			}
			if ch.Result.Action != rewrite.UseImage {
				continue
			}
			if ch.Result.Command == "" || strings.HasPrefix(ch.Result.Command, "-") {
				return "docker run " + ch.Result.Image + " gives the image no command, so it runs the image's own entrypoint and command, which a job's script does not run: read them with `crane config " + ch.Result.Image + "` and write that command in the script of a job with image: " + ch.Result.Image
			}
			add(ch.Result.Image)
		}
	}
	if builds {
		add(buildkitImageName + ":rootless")
	}
	if len(need) > 0 && other && !dockerImage().MatchString(v.imageName) && !strings.Contains(v.imageName, buildkitImageName) {
		// The job's other commands run in its own image, or in the
		// runner's default one when it names none (a shell runner's host
		// had mvn and trivy beside docker).
		add(v.shownImage())
	}
	if len(need) < 2 {
		return ""
	}
	return "this job would need " + fmt.Sprint(len(need)) + " images (" + strings.Join(need, ", ") + ") and a job runs in one: split it into one job per image, the later ones with needs: on the earlier and artifacts: for the files they pass on"
}

// trivialCommand reports whether a script line only prints, moves or sets
// things, which any image's shell does (BuildKit's and crane's images have
// busybox). A variable set from a command's output is not: the command may
// be a program of the job's image (VERSION="$(./target/release/polkadot
// --version)").
func trivialCommand(text string) bool {
	text = strings.TrimSpace(text)
	word, _, _ := strings.Cut(text, " ")
	switch word {
	case "", "echo", "printf", "cd", "export", "set", "mkdir", "ls", "cat", "pwd", "env", "true", "sleep", "date", "unset", "#",
		"cp", "mv", "rm", "ln", "touch", "chmod", "test", "[", "grep", "sed", "head", "tail", "tr", "cut", "sort", "wc", "tee",
		"hostname", "whoami", "id", "uname":
		return true
	}
	return assignment().MatchString(word) && !strings.Contains(text, "$(") && !strings.Contains(text, "`")
}

// assignment matches a shell word that sets a variable (NAME=..., the
// value's first piece).
var assignment = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`) })

// outcome says in words what becomes of a line.
func outcome(lr rewrite.LineResult) string {
	switch {
	case lr.Deleted && slices.ContainsFunc(lr.Changes, func(c rewrite.Change) bool { return c.Result.JoinsLogin() }):
		return "its registry goes into the one ~/.docker/config.json that the job's last login writes"
	case lr.Deleted:
		return "it is no longer needed (remove it)"
	case lr.New == lr.Old:
		return "no automatic replacement (see the note)"
	case strings.HasPrefix(lr.New, "buildctl-daemonless.sh"):
		return "build with BuildKit rootless (buildctl-daemonless.sh)"
	default:
		return "use `" + lr.New + "`"
	}
}

// buildkitJob gives a job that now builds with BuildKit what the guide's
// build job has: the BuildKit image with a shell entrypoint, and
// BUILDKITD_FLAGS.
func buildkitJob(v *jobView) []edit.Edit {
	var out []edit.Edit
	if !strings.Contains(v.imageName, buildkitImageName) {
		if e, _ := setImage(v, buildkitImage); e != nil {
			out = append(out, e...)
		}
	}
	if flags, _ := v.variable("BUILDKITD_FLAGS"); !strings.Contains(flags, sandboxFlag) {
		if e, _ := setVariable(v, "BUILDKITD_FLAGS", sandboxFlag); e != nil {
			out = append(out, e...)
		}
	}
	return out
}

// The images a rewritten job may need, with the entrypoint each needs for
// the runner to run the job's script: BuildKit's image starts buildkitd,
// crane's debug image starts crane.
var (
	buildkitImage = jobImage{name: buildkitImageName + ":rootless", entrypoint: "['sh', '-c']"}
	craneImage    = jobImage{name: "gcr.io/go-containerregistry/crane:debug", entrypoint: "['']"}
)

// jobImage is an image: entry a fix writes.
type jobImage struct{ name, entrypoint string }

// block is the entry at indentation ind: the name alone, or a map with the
// entrypoint.
func (img jobImage) block(ind string) string {
	if img.entrypoint == "" {
		return ind + "image: " + img.name
	}
	return ind + "image:\n" + ind + "  name: " + img.name + "\n" + ind + "  entrypoint: " + img.entrypoint
}

// setImage gives the job its own image. An image the job does not write
// itself (from default: or a template) is overridden in the job, not
// changed where it lives, as other jobs use it too.
func setImage(v *jobView, img jobImage) ([]edit.Edit, string) {
	j := v.job
	if j.Def == nil || j.Def.Map == nil || !blockEntry(j.Def) {
		return nil, unsureFlow
	}
	f := j.Def.File
	ind := childIndent(j.Def)
	if own := j.Own.Get("image"); own != nil && own.File == f && blockEntry(own) && !itemStart(own) {
		return replaceImage(own, ind, img), ""
	}
	return []edit.Edit{edit.Insert(f.Path, j.Def.Line()+1, img.block(ind))}, ""
}

// replaceImage writes img, at indentation ind, over an image: entry
// written in block style.
func replaceImage(e *ciconfig.Entry, ind string, img jobImage) []edit.Edit {
	f := e.File
	start, end := f.Span(e.Line())
	return []edit.Edit{edit.Replace(f.Path, start, end, f.Text(start, end), img.block(ind))}
}

// rootDockerConfig is Docker's configuration folder of root, which a
// script in Docker's image (root) writes or removes itself.
const rootDockerConfig = "/root/.docker"

// homeNote says why a line that calls no docker changed.
const homeNote = rootDockerConfig + " becomes $HOME/.docker: BuildKit's image runs as a user who may not enter /root, and BuildKit reads the login there"

// homeNotRoot moves a line's use of root's Docker configuration folder to
// the home of the user BuildKit's rootless image runs as (uid 1000), which
// may not enter /root: there the login is written and read
// (mkdir -p /root/.docker && echo ... > /root/.docker/config.json, then
// rm -f /root/.docker/config.json after the push).
func homeNotRoot(lr rewrite.LineResult) rewrite.LineResult {
	if lr.Deleted || !strings.Contains(lr.New, rootDockerConfig) {
		return lr
	}
	lr.New = strings.ReplaceAll(lr.New, rootDockerConfig, "$HOME/.docker")
	if lr.Layout != nil {
		layout := make([]string, len(lr.Layout))
		for i, l := range lr.Layout {
			layout[i] = strings.ReplaceAll(l, rootDockerConfig, "$HOME/.docker")
		}
		lr.Layout = layout
	}
	return lr
}

// keepLast marks, for each list (a section of one file) whose commands are
// all deleted, its last command, which is kept as a no-op: an empty
// script, or an after_script left without a value, is not a valid job.
func keepLast(v *jobView, results []rewrite.LineResult) []bool {
	type list struct {
		section string
		file    *ciconfig.File
	}
	last, kept := map[list]int{}, map[list]bool{}
	for i, cmd := range v.cmds {
		l := list{cmd.Section, cmd.File}
		last[l] = i
		kept[l] = kept[l] || !results[i].Deleted
	}
	out := make([]bool, len(v.cmds))
	for l, i := range last {
		out[i] = !kept[l]
	}
	return out
}

// replaceCommand writes a rewritten script line back into the YAML: as
// the same kind of item (a list item, a line of a block), keeping the
// indentation, with a buildctl command laid out one option per line as
// the guide does. keepOne says that the list would be left empty: a
// deleted item becomes a no-op instead.
func replaceCommand(cmd ciconfig.Command, lr rewrite.LineResult, keepOne bool) ([]edit.Edit, string) {
	f := cmd.File
	item := strings.HasPrefix(strings.TrimLeft(f.Line(cmd.Item), " "), "- ")
	if lr.New == lr.Old && !lr.Deleted {
		return nil, ""
	}
	lines := lr.Layout
	if lines == nil {
		lines = []string{lr.New}
	}
	switch {
	case cmd.Block:
		if lr.Deleted {
			return []edit.Edit{edit.Delete(f.Path, cmd.Start, cmd.End, f.Text(cmd.Start, cmd.End))}, ""
		}
		ind := indent(f, cmd.Start)
		text := ind + strings.Join(lines, " \\\n"+ind+"  ")
		return []edit.Edit{edit.Replace(f.Path, cmd.Start, cmd.End, f.Text(cmd.Start, cmd.End), text)}, ""
	case item:
		start, end := f.Span(cmd.Item)
		ind := indent(f, cmd.Item)
		if lr.Deleted {
			if keepOne || onlyItem(f, start, end) {
				return []edit.Edit{edit.Replace(f.Path, start, end, f.Text(start, end), ind+"- 'true'")}, ""
			}
			return []edit.Edit{edit.Delete(f.Path, start, end, f.Text(start, end))}, ""
		}
		text := ind + "- " + strings.Join(lines, "\n"+ind+"  ")
		if !plainSafe(lines) {
			text = ind + "- " + singleQuoted(strings.Join(lines, " "))
		}
		return []edit.Edit{edit.Replace(f.Path, start, end, f.Text(start, end), text)}, ""
	case !lr.Deleted && cmd.Start == cmd.End:
		return replaceOnLine(f, cmd.Start, lr.Old, strings.Join(lines, " "))
	}
	return nil, "the script is a single string: change `" + cmd.Text + "` by hand"
}

// onlyItem reports whether the item on lines start..end is alone in its
// list: deleting it would leave an empty script, which GitLab rejects.
// Above it, the lines of a previous item's block scalar are deeper than
// the list and belong to that item.
func onlyItem(f *ciconfig.File, start, end int) bool {
	ind := ciconfig.IndentOf(f.Line(start))
	for _, n := range []int{start - 1, end + 1} {
		for n >= 1 && n <= f.NumLines() && (strings.TrimSpace(stripComment(f.Line(n))) == "" || n < start && ciconfig.IndentOf(f.Line(n)) > ind) {
			if n < start {
				n--
			} else {
				n++
			}
		}
		if n >= 1 && n <= f.NumLines() && ciconfig.IndentOf(f.Line(n)) == ind && strings.HasPrefix(strings.TrimLeft(f.Line(n), " "), "-") {
			return false
		}
	}
	return true
}

// plainSafe reports whether lines can stand as a plain YAML scalar: no
// ": " or " #", and no leading character that YAML reads as syntax.
func plainSafe(lines []string) bool {
	for i, l := range lines {
		if strings.Contains(l, ": ") || strings.Contains(l, " #") || strings.HasSuffix(l, ":") {
			return false
		}
		if i == 0 && (l == "" || strings.ContainsRune("!&*{}[]|>'\"%@`#,?:-", rune(l[0]))) {
			return false
		}
	}
	return true
}

func singleQuoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
