package rewrite

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// LineResult is what becomes of one line of a script.
type LineResult struct {
	// Line is the line's index in the lines given to RewriteScript.
	Line int
	Old  string
	// New is the line with its docker commands rewritten: Old when
	// nothing changes (Manual results change nothing), "" when Deleted.
	New     string
	Deleted bool
	// Layout is New over several lines, the command then one option per
	// line, as the guide writes buildctl in YAML; nil unless the line is
	// one such command.
	Layout []string
	// Changes are the line's docker commands and what becomes of each.
	Changes []Change
}

// Change is one docker command and what becomes of it.
type Change struct {
	Cmd    DockerCmd
	Result Result
}

// JobContext gathers what a job's docker commands (all of them, in order)
// tell about each other: the tags it builds, tags and pushes, the
// containers it creates, whether it builds at all.
func JobContext(cmds []DockerCmd) Context {
	var ctx Context
	for _, cmd := range cmds {
		switch cmd.Sub {
		case "build":
			if b, err := ParseBuild(cmd.Args); err == nil {
				ctx.BuildKit = true
				ctx.Built = append(ctx.Built, b.Tags...)
			}
		case "tag":
			if _, ops, err := parseFlags(cmd.Args, nil, true); err == nil && len(ops) == 2 {
				ctx.Aliases = append(ctx.Aliases, Alias{Src: ops[0].Raw, Dst: ops[1].Raw})
			}
		case "push":
			if _, ops, err := parseFlags(cmd.Args, pushFlags(), true); err == nil && len(ops) == 1 {
				ctx.Pushed = append(ctx.Pushed, ops[0].Raw)
			}
		case "create":
			ctx.Containers = append(ctx.Containers, created(cmd)...)
		}
	}
	return ctx
}

// RewriteScript rewrites the docker commands of a job's script, given as
// its lines (one command each, continuation lines joined), with what the
// whole script says as their Context (JobContext): so that docker build
// -t X then docker push X becomes one buildctl with push=true (the push
// line deleted), docker tag A B then docker push B becomes crane copy A B
// on the push's line (the tag line deleted), docker create then docker cp
// becomes crane export.
//
// It returns one LineResult per line. A deleted command goes with the
// operator after it (or before it, for the last one), and a command that
// is part of a pipeline takes the whole pipeline (docker images | grep x);
// a command after a keyword (if docker info; then) or in a line with a
// subshell becomes "true" instead, so that the shell's syntax holds. A line left with nothing but
// "true" (docker pull X || true) is deleted, and so is a loop that waited
// for the daemon (until docker info; do sleep 1; done), whose condition is
// now "true". elsewhere are the images the pipeline's other jobs run or
// push (Context.Elsewhere), builtElsewhere the tags they build
// (Context.BuiltElsewhere).
func RewriteScript(lines, elsewhere, builtElsewhere []string) []LineResult {
	cmds := make([][]DockerCmd, len(lines))
	var all []DockerCmd
	for i, l := range lines {
		cmds[i] = DockerCommands(l)
		all = append(all, cmds[i]...)
	}
	ctx := JobContext(all)
	ctx.Elsewhere = elsewhere
	ctx.BuiltElsewhere = builtElsewhere
	out := make([]LineResult, len(lines))
	for i, l := range lines {
		out[i] = LineResult{Line: i, Old: l, New: l}
		for _, c := range cmds[i] {
			out[i].Changes = append(out[i].Changes, Change{Cmd: c, Result: Rewrite(c, ctx)})
		}
	}
	jobNotes(out, ctx)
	pushWhereItWas(out, ctx)
	for i := range out {
		out[i].apply()
	}
	return out
}

// jobNotes adds what only the whole job shows: several logins, which would
// each write the whole config.json and so keep only the last registry, are
// written as one config.json with every registry at the last login (the
// others go); commands that want different images are noted.
func jobNotes(out []LineResult, ctx Context) {
	var logins, runs []*Result
	var images []string
	for i := range out {
		for j := range out[i].Changes {
			c := &out[i].Changes[j]
			switch {
			case c.Result.auth != nil:
				logins = append(logins, &c.Result)
			case c.Result.Action == UseImage:
				runs = append(runs, &c.Result)
				if !slices.Contains(images, c.Result.Image) {
					images = append(images, c.Result.Image)
				}
			}
		}
	}
	if len(logins) > 1 {
		var auths []configAuth
		for _, r := range logins {
			auths = slices.DeleteFunc(auths, func(a configAuth) bool { return a.registry == r.auth.registry })
			auths = append(auths, *r.auth)
		}
		for _, r := range logins[:len(logins)-1] {
			*r = Result{Action: Delete, Start: r.Start, End: r.End, auth: r.auth}
		}
		last := logins[len(logins)-1]
		last.Lines = []string{configJSON(auths)}
		addNote(last, "the job's logins are written as one ~/.docker/config.json, which BuildKit reads whole")
	}
	if len(images) > 1 {
		for _, r := range runs {
			addNote(r, "the job runs commands in several images ("+strings.Join(images, ", ")+"): make one job per image")
		}
	}
}

// addNote appends a note to a result's.
func addNote(r *Result, note string) {
	if r.Note != "" {
		r.Note += "; "
	}
	r.Note += note
}

// pipeline is one top-level pipeline of a line and what happens to it.
type pipeline struct {
	start, end int
	// keep is set when the pipeline cannot go whole: it starts with a
	// keyword (if, then, do, !), or the line has a subshell whose
	// parentheses must stay balanced. A deleted command becomes "true".
	keep    bool
	deleted bool
	edits   []lineEdit
}

// lineEdit replaces line[start:end] with text.
type lineEdit struct {
	start, end int
	text       string
}

// pipelines splits a line into its top-level pipelines.
func pipelines(line string) []pipeline {
	words, _ := lex(line)
	subshell := slices.ContainsFunc(words, func(w Word) bool { return w.Op == "(" || w.Op == ")" })
	var out []pipeline
	for _, sc := range simpleCommands(words) {
		first, last := sc.words[0], sc.words[len(sc.words)-1]
		if len(out) > 0 && (sc.before == "|" || sc.before == "|&") {
			out[len(out)-1].end = last.end()
			continue
		}
		out = append(out, pipeline{start: first.Offset, end: last.end(), keep: subshell || keywords[first.Raw]})
	}
	return out
}

// apply sets New, Deleted and Layout from the changes.
func (lr *LineResult) apply() {
	ps := pipelines(lr.Old)
	changed := false
	for _, c := range lr.Changes {
		r := c.Result
		var text string
		switch {
		case r.Action == Replace:
			text = strings.Join(r.Lines, " ")
		case r.Action == UseImage && r.Command != "":
			text = r.Command
		case r.Action == Delete || r.Action == UseImage:
			text = "" // deleted
		default:
			continue
		}
		i := slices.IndexFunc(ps, func(p pipeline) bool { return p.start <= r.Start && r.Start < p.end })
		if i < 0 {
			continue
		}
		changed = true
		if text == "" && !ps[i].keep {
			ps[i].deleted = true
			continue
		}
		if text == "" {
			text = "true"
		}
		ps[i].edits = append(ps[i].edits, lineEdit{r.Start, r.End, text})
	}
	if !changed {
		return
	}
	// A command that goes has, in effect, succeeded: what only ran when it
	// failed (docker push X || echo "Push failed") goes with it, when the
	// command starts its list (after A &&, the || is A's too).
	op := func(i int) string { return strings.TrimSpace(lr.Old[ps[i].end:ps[i+1].start]) }
	for i := 0; i+1 < len(ps); i++ {
		first := i == 0 || op(i-1) != "&&" && op(i-1) != "||" || ps[i-1].deleted
		if ps[i].deleted && first && !ps[i+1].keep && len(ps[i+1].edits) == 0 && op(i) == "||" {
			ps[i+1].deleted = true
		}
	}
	keepBodies(lr.Old, ps)
	lr.New, lr.Deleted = render(lr.Old, ps)
	if !lr.Deleted && waitLoop().MatchString(lr.New) {
		lr.New, lr.Deleted = "", true
	}
	if lr.Deleted {
		return
	}
	for _, c := range lr.Changes {
		if l := c.Result.Lines; c.Result.Action == Replace && len(l) > 1 && strings.TrimSpace(lr.New) == strings.Join(l, " ") {
			lr.Layout = l
		}
	}
}

// keepBodies keeps a compound command's body from going empty, which the
// shell refuses (a then with nothing before its else or fi): when every
// command between an opening keyword and its closing one goes, the last
// of them stays as "true".
func keepBodies(line string, ps []pipeline) {
	first := func(p pipeline) string {
		w := strings.Fields(line[p.start:p.end])
		if len(w) == 0 {
			return ""
		}
		return w[0]
	}
	opens := map[string]bool{"then": true, "do": true, "else": true, "{": true}
	closes := map[string]bool{"else": true, "elif": true, "fi": true, "done": true, "}": true}
	for i, p := range ps {
		if p.deleted || !opens[first(p)] || i+1 >= len(ps) || !ps[i+1].deleted {
			continue
		}
		next := i + 1
		for next < len(ps) && ps[next].deleted {
			next++
		}
		if next < len(ps) && closes[first(ps[next])] {
			// The last one: a deleted command leaves the operator before
			// it, which then joins "true" to the closing keyword.
			last := &ps[next-1]
			last.deleted = false
			last.edits = []lineEdit{{last.start, last.end, "true"}}
		}
	}
}

// render writes the line without its deleted pipelines and with its
// edits, and reports whether nothing (or only "true") is left.
func render(line string, ps []pipeline) (string, bool) {
	var (
		b    strings.Builder
		kept []int
	)
	for i, p := range ps {
		if !p.deleted {
			kept = append(kept, i)
		}
	}
	noop := true
	b.WriteString(line[:ps[0].start])
	for j, k := range kept {
		p := ps[k]
		text := p.text(line)
		if t := strings.TrimSpace(text); t != "true" && t != ":" {
			noop = false
		}
		b.WriteString(text)
		switch {
		case j+1 < len(kept):
			// The operator after this pipeline joins it to the next one kept.
			b.WriteString(line[p.end:ps[k+1].start])
		case k == len(ps)-1:
			b.WriteString(line[p.end:])
		}
	}
	if noop {
		return "", true
	}
	return b.String(), false
}

// text is the pipeline's text with its edits made.
func (p pipeline) text(line string) string {
	edits := slices.Clone(p.edits)
	slices.SortFunc(edits, func(a, b lineEdit) int { return a.start - b.start })
	var b strings.Builder
	at := p.start
	for _, e := range edits {
		if e.start < at {
			continue // overlaps an edit already made
		}
		b.WriteString(line[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(line[at:p.end])
	return b.String()
}

// waitLoop matches a loop that only waits, once its condition has become
// "true": until true; do sleep 1; done, while ! true; do echo waiting; done,
// and one whose body was a docker command too (until true; do true; done).
var waitLoop = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:until|while\s+!)\s+true(?:\s+[0-9&]*>\s*\S+)*\s*;\s*do\s+(?:(?:sleep|echo|printf|true|:)(?:\s[^;&|]*)?;\s*)+done\s*;?\s*$`)
})
