package rewrite

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// buildCacheDir is where a build that stays as a check leaves its cache
// for the build that pushes later in the same job (splitAtPush).
const buildCacheDir = "/tmp/buildkit-cache"

// pushWhereItWas keeps a job's steps in their order when its build takes
// in docker push commands that come later in the script (push=true): the
// Docker client pushed only there, after what the script does in between.
// A docker login in between must still come before the push (BuildKit
// reads config.json when it pushes), and a check that may end the script
// first (if [ -z "$PUSH" ]; then exit 0; fi) must still come before it.
//
// When the lines in between are only the job's docker tag and docker
// login commands and lines that only print, the build moves to the first
// push's line. When they do more, the build stays where it was as a check
// that pushes nothing, and the push's line builds again from its cache
// with push=true: the first build still fails the job where it did, and
// the second one only pushes.
// A script that changes directory in between is left to a person (Manual):
// a second build would read another directory. A push under a condition
// (after an if's then, or a test's &&) is built again there, so that the
// build pushes only when the script did; in the build's own script block
// it is left to a person.
func pushWhereItWas(out []LineResult, ctx Context) {
	for i := range out {
		for j, c := range out[i].Changes {
			if c.Cmd.Sub != "build" || c.Result.Action != Replace || !pushes(c.Result.Lines) {
				continue
			}
			b, err := ParseBuild(c.Cmd.Args)
			if err != nil {
				continue
			}
			if pushedUnderCondition(out[i], ctx, c.Result.End, b.Tags) {
				// In the same script block, after an if or a test: the
				// block's own push would run only then, the build's always.
				out[i].Changes[j].Result = Result{Action: Manual, Start: c.Result.Start, End: c.Result.End,
					Note: "the build's push runs only under a condition further on in the same script block: put the build with push=true under that condition by hand"}
				continue
			}
			if pushedUnderConditions(out, ctx, i, c.Result.End, b.Tags) {
				// One build pushes once, at one place: pushes in several
				// places, some under their own condition (a tag pushed
				// only for a release), cannot all become its output.
				out[i].Changes[j].Result = Result{Action: Manual, Start: c.Result.Start, End: c.Result.End,
					Note: "the build's names are pushed in several places, some only under a condition: build with push=true under each push's condition by hand"}
				continue
			}
			keepOrder(out, ctx, i, j, b.Tags)
		}
	}
}

// pushedUnderCondition reports whether the line pushes one of tags after
// offset from under a condition (underCondition).
func pushedUnderCondition(lr LineResult, ctx Context, from int, tags []string) bool {
	for _, c := range lr.Changes {
		if c.Result.Start >= from && pushOf(c, ctx, tags) && underCondition(lr.Old[from:c.Result.Start]) {
			return true
		}
	}
	return false
}

// pushedUnderConditions reports whether the job pushes the build's names
// (one of tags, or a docker tag of one) at more than one place after the
// build at line bi, offset end, one of them under a condition
// (underCondition of the script from the build to it). Pushes one after
// the other, with no shell keyword or test between them, are one place:
// the same branch pushes them all.
func pushedUnderConditions(out []LineResult, ctx Context, bi, end int, tags []string) bool {
	places, cond := 0, false
	// Where the previous push ended: the build, before the first.
	li, lo := bi, end
	for i := bi; i < len(out); i++ {
		for _, c := range out[i].Changes {
			if i == bi && c.Result.Start < end || !pushOf(c, ctx, tags) {
				continue
			}
			if places == 0 || shellKeyword().MatchString(scriptBetween(out, li, lo, i, c.Result.Start)) {
				places++
			}
			cond = cond || underCondition(scriptBetween(out, bi, end, i, c.Result.Start))
			li, lo = i, c.Result.End
		}
	}
	return places > 1 && cond
}

// shellKeyword matches a word that opens, divides or closes a compound
// command, or a test joined by && or || to what follows (a push's own
// "|| echo failed" joins nothing that decides the next push).
var shellKeyword = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s;&|(])(?:if|then|else|elif|fi|case|esac|while|until|for|do|done)(?:$|[\s;&|)])|\]\]?\s*(?:&&|\|\|)`)
})

// underCondition reports whether commands after text (the script from a
// build on) run under a condition: inside an if, case or loop that text
// opens and does not close, or after a test joined by && or ||.
func underCondition(text string) bool {
	depth := 0
	for _, w := range compoundWord().FindAllStringSubmatch(text, -1) {
		switch w[1] {
		case "if", "case", "while", "until", "for":
			depth++
		case "fi", "esac", "done":
			depth = max(depth-1, 0)
		}
	}
	return depth > 0 || testJoin().MatchString(text)
}

// compoundWord matches the words that open and close the shell's compound
// commands, where a command may start.
var compoundWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s;&|(])(if|case|while|until|for|fi|esac|done)(?:$|[\s;&|)])`)
})

// testJoin matches a test right before the end of the text, joined to what
// follows by && or ||: [ "$BRANCH" = main ] && docker push x.
var testJoin = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\]\]?\s*(?:&&|\|\|)\s*$`)
})

// keepOrder does pushWhereItWas for the build at out[bi].Changes[bj],
// whose -t names are tags.
func keepOrder(out []LineResult, ctx Context, bi, bj int, tags []string) {
	f, fj := firstPush(out, ctx, bi, tags)
	if f < 0 {
		return
	}
	build, push := &out[bi].Changes[bj].Result, &out[f].Changes[fj].Result
	// A push under a condition (if [ "$CI_COMMIT_BRANCH" = main ]; then
	// docker push ...; fi) runs only then: the build stays a check and the
	// push's place builds again, under the same condition.
	cond := underCondition(scriptBetween(out, bi, build.End, f, push.Start))
	if f == bi+1 && !cond {
		return
	}
	between := out[bi+1 : f]
	login := slices.ContainsFunc(between, func(lr LineResult) bool {
		return slices.ContainsFunc(lr.Changes, func(c Change) bool { return c.Cmd.Sub == "login" })
	})
	stops := slices.ContainsFunc(between, func(lr LineResult) bool { return stopWord().MatchString(lr.Old) })
	if !login && !stops && !cond {
		return
	}
	switch {
	case !stops && !cond && !slices.ContainsFunc(between, func(lr LineResult) bool { return !onlyTagsAndLogins(lr) && !onlyPrints(lr) }):
		*push = Result{Action: Replace, Start: push.Start, End: push.End, Lines: build.Lines, Tool: build.Tool, Note: build.Note}
		addNote(push, "the build pushes where the script pushed, after its login")
		*build = Result{Action: Delete, Start: build.Start, End: build.End}
	case slices.ContainsFunc(between, func(lr LineResult) bool { return dirWord().MatchString(lr.Old) }):
		// A second build at the push would read another directory, and
		// push=true here would push before the login or the check.
		*build = Result{Action: Manual, Start: build.Start, End: build.End,
			Note: "the script changes directory between the build and its push, after a login or a check that may end it: put the build's push=true after them by hand"}
	default:
		check, again := splitAtPush(build.Lines)
		*push = Result{Action: Replace, Start: push.Start, End: push.End, Lines: again, Tool: build.Tool}
		addNote(push, "the build pushes where the script pushed, from the cache of the build above (a second build that only pushes)")
		build.Lines = check
		addNote(build, "the build stays here as a check, pushes nothing and leaves its cache in "+buildCacheDir+" for the push below")
	}
}

// pushes reports whether a buildctl command's output pushes.
func pushes(lines []string) bool {
	return slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "--output ") && strings.HasSuffix(l, ",push=true")
	})
}

// pushOf reports whether a change is a docker push of one of tags, or of a
// docker tag of one.
func pushOf(c Change, ctx Context, tags []string) bool {
	if c.Cmd.Sub != "push" {
		return false
	}
	_, ops, err := parseFlags(c.Cmd.Args, pushFlags(), true)
	if err != nil || len(ops) != 1 {
		return false
	}
	o, _ := ctx.origin(ops[0].Raw)
	return contains(tags, o)
}

// scriptBetween returns the script from offset from of line i to offset to
// of line j, its lines joined as the shell reads them.
func scriptBetween(out []LineResult, i, from, j, to int) string {
	if i == j {
		return out[i].Old[from:to]
	}
	var b strings.Builder
	b.WriteString(out[i].Old[from:])
	for _, lr := range out[i+1 : j] {
		b.WriteString("\n" + lr.Old)
	}
	b.WriteString("\n" + out[j].Old[:to])
	return b.String()
}

// firstPush returns the line and change of the first docker push after
// line from of a name the build there tags (one of tags, or a docker tag of
// one), which the build pushes itself; -1 when there is none.
func firstPush(out []LineResult, ctx Context, from int, tags []string) (int, int) {
	for i := from + 1; i < len(out); i++ {
		for j, c := range out[i].Changes {
			if c.Result.Action == Delete && pushOf(c, ctx, tags) {
				return i, j
			}
		}
	}
	return -1, -1
}

// onlyTagsAndLogins reports whether each of a line's pipelines is one of
// its docker tag or docker login commands: moving the build past it
// changes nothing but the order of the push and the login.
func onlyTagsAndLogins(lr LineResult) bool {
	ps := pipelines(lr.Old)
	if len(ps) == 0 || slices.ContainsFunc(lr.Changes, func(c Change) bool { return c.Cmd.Sub != "tag" && c.Cmd.Sub != "login" }) {
		return false
	}
	return !slices.ContainsFunc(ps, func(p pipeline) bool {
		return !slices.ContainsFunc(lr.Changes, func(c Change) bool { return p.start <= c.Result.Start && c.Result.Start < p.end })
	})
}

// onlyPrints reports whether a line without docker commands only prints
// (echo "--- built ---"): the build may move past it.
func onlyPrints(lr LineResult) bool {
	if len(lr.Changes) > 0 {
		return false
	}
	word, _, _ := strings.Cut(strings.TrimSpace(lr.Old), " ")
	return word == "echo" || word == "printf"
}

// splitAtPush makes of a pushing buildctl command the check that stays
// where the build was (no output, its cache exported to buildCacheDir) and
// the build at the push (the same, reading that cache first).
func splitAtPush(lines []string) (check, again []string) {
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "--output "):
			again = append(again, "--import-cache type=local,src="+buildCacheDir, l)
		case strings.HasPrefix(l, "--export-cache "):
			again = append(again, l)
		default:
			check = append(check, l)
			again = append(again, l)
		}
	}
	check = append(check, "--export-cache type=local,dest="+buildCacheDir+",mode=max")
	return check, again
}

// stopWord matches a command that may end the script before the lines
// after it: exit, or return in a sourced script.
var stopWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s;&|(])(?:exit|return)(?:$|[\s;&|)])`)
})

// dirWord matches a command that changes the shell's directory.
var dirWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[\s;&|(])(?:cd|pushd|popd)(?:$|[\s;&|)])`)
})
