package diagnose

import (
	"github.com/ci-doctor/ci-doctor/edit"
	"github.com/ci-doctor/ci-doctor/signatures"
)

// Report is the diagnosis of one log. It is plain data: renderers print it,
// later stages (config edits, API reports) add to it.
type Report struct {
	// Source names the log: a file name, "-" for standard input, a job URL.
	Source string `json:"source"`
	// Lines is the number of lines read.
	Lines int     `json:"lines"`
	Job   JobInfo `json:"job"`
	// Findings holds the root cause first (when there is one), then the
	// secondary findings, most relevant first.
	Findings []Finding `json:"findings"`
	// Unmatched helps when the job failed and no signature explains it.
	Unmatched *Unmatched `json:"unmatched"`
	// Config is what the project's CI configuration says, when it was read.
	Config *ConfigView `json:"config,omitempty"`
	// Notes say what limits the diagnosis: a log still being written or
	// not yet uploaded, a configuration that could not be read.
	Notes []string `json:"notes,omitempty"`

	// commands are the commands the script echoed, to find the job in
	// the configuration.
	commands []string
}

// maxCommands bounds the echoed commands kept from one log.
const maxCommands = 500

// JobInfo is what the log tells about the job itself.
type JobInfo struct {
	// Name, Stage and URL come from the API, for a job read from GitLab.
	Name  string `json:"name,omitempty"`
	Stage string `json:"stage,omitempty"`
	URL   string `json:"url,omitempty"`
	// Status is "failed", "succeeded" (GitLab's "Job succeeded", or a
	// Jenkins console's "Finished: SUCCESS") or "unknown" (no final line:
	// an excerpt, or a log still being written).
	Status        string `json:"status"`
	RunnerVersion string `json:"runner_version,omitempty"`
	Executor      string `json:"executor,omitempty"`
	Image         string `json:"image,omitempty"`
	// FailedSection is the last stage that started before the job failed,
	// and Phase what kind of stage it is.
	FailedSection string `json:"failed_section,omitempty"`
	Phase         Phase  `json:"phase,omitempty"`
	// FailureLine and FailureText are the runner's final "ERROR: Job
	// failed" line, when present.
	FailureLine int    `json:"failure_line,omitempty"`
	FailureText string `json:"failure_text,omitempty"`
	// LongLines counts lines longer than ci-doctor reads: only their first
	// MaxLineBytes bytes were looked at.
	LongLines int `json:"long_lines,omitempty"`
}

// Finding is one signature recognised in the log.
type Finding struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	RootCause bool   `json:"root_cause"`
	Cause     string `json:"cause"`
	// Fix is the signature's fix with the captured values filled in.
	Fix     string `json:"fix"`
	Snippet string `json:"snippet,omitempty"`
	// Line and Column locate the match: the line number in the input and
	// the 1-based column in the visible text of that line.
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Text   string `json:"text"`
	// Section is the runner stage the line is in, Phase its kind.
	Section string `json:"section"`
	Phase   Phase  `json:"phase"`
	// Occurrences counts the times the signature matched.
	Occurrences int `json:"occurrences"`
	// Evidence lists the matched lines with a little context, in order.
	Evidence   []Evidence             `json:"evidence"`
	References []signatures.Reference `json:"references"`
	Priority   int                    `json:"priority"`
	// Edits change the configuration (or Dockerfile) to fix the cause;
	// empty when no configuration was read or nothing is to change.
	Edits []edit.Edit `json:"edits"`
	// ConfigStatus says how the configuration relates to the finding:
	// "confirmed", "contradicted", "fixed" (the cause is gone) or ""
	// (not checked); ConfigNote says it in words.
	ConfigStatus string `json:"config_status,omitempty"`
	ConfigNote   string `json:"config_note,omitempty"`

	// diff shows Edits to people (edit.Diff).
	diff string
	// last is the line of the last occurrence outside after_script and the
	// upload stages: the one nearest to where the job failed.
	last int
	// superseded says that every occurrence is in the output of a command
	// after which the script went on to another (see run.supersede).
	superseded bool
	// tolerated says that every occurrence is in the output of a command
	// whose failure the script goes past ("|| true"): it is never the
	// root cause.
	tolerated bool
}

// Evidence is one line of the log shown to support a finding.
type Evidence struct {
	Line int    `json:"line"`
	Text string `json:"text"`
	// Match is true for lines a pattern matched, false for context.
	Match bool `json:"match"`
}

// Unmatched is the help given when no signature explains a failure.
type Unmatched struct {
	// LastCommand is the last command the script echoed ("$ ...").
	LastCommand *Evidence `json:"last_command"`
	// Lines are the lines most likely to hold the error, in order.
	Lines []Evidence `json:"lines"`
	// Key is the one line most likely to state the error: the first line
	// shaped like an error message, else the last error-looking line; nil
	// when no line looks like either. Reports group unexplained failures
	// by it.
	Key *Evidence `json:"key,omitempty"`
}

// RootCause returns the root-cause finding, or nil.
func (r *Report) RootCause() *Finding {
	if len(r.Findings) > 0 && r.Findings[0].RootCause {
		return &r.Findings[0]
	}
	return nil
}

// ConfigView is what diagnose read of the project's CI configuration.
type ConfigView struct {
	// Path is the main configuration file, relative to the project root.
	Path string `json:"path"`
	// Job is the job the log belongs to; JobFrom says how it was found:
	// "flag" (--job-name or $CI_JOB_NAME) or "log" (its echoed commands).
	Job     string `json:"job,omitempty"`
	JobFrom string `json:"job_from,omitempty"`
	// Candidates are the jobs that fit the log when several do.
	Candidates []string `json:"candidates,omitempty"`
	// Notes say what could not be read or decided.
	Notes []string `json:"notes,omitempty"`
}
