package fleet

import "time"

// Summary is the fleet report: what failed most over a time window across
// the projects of a group (or one project), and which projects'
// configurations still need a privileged runner. It is plain data, built
// from the store by Summarise and printed by the renderers; its JSON form
// is the documented contract of `ci-doctor report --format json`.
type Summary struct {
	// Scope names what was reported on: "group acme/platform" or
	// "project acme/shop".
	Scope string    `json:"scope"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Jobs counts the failed jobs in the window; Diagnosed those a
	// signature explains, Unmatched the others.
	Jobs      int `json:"jobs"`
	Diagnosed int `json:"diagnosed"`
	Unmatched int `json:"unmatched"`
	// Causes are sorted by jobs, most first (then by id).
	Causes []Cause `json:"causes"`
	// Unrecognised groups the unmatched jobs by the masked form of the line
	// the fallback picked as their error, most jobs first.
	Unrecognised []Template `json:"unrecognised"`
	// Readiness has one entry per project whose configuration was linted,
	// sorted by path; omitted with --failures-only.
	Readiness []ProjectReadiness `json:"readiness"`
	// Timeline counts failed jobs per cause per bucket, oldest first, for
	// the HTML chart.
	Timeline Timeline `json:"timeline"`
	// Notes say what limits the report: projects that could not be read,
	// logs that were erased or too long.
	Notes []string `json:"notes,omitempty"`
}

// Cause is one root cause and the failed jobs it explains.
type Cause struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Jobs     int    `json:"jobs"`
	Projects int    `json:"projects"`
	// FirstSeen and LastSeen are the times of the first and last job.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// Trend compares the second half of the window with the first:
	// "new", "rising", "steady", "falling" or "gone" (none in the last
	// quarter of the window).
	Trend string `json:"trend"`
	// Examples are web URLs of the latest jobs, at most MaxExamples.
	Examples []string `json:"examples"`
}

// Template is a group of unmatched failed jobs whose key error line has
// the same shape once its varying parts are masked.
type Template struct {
	// ID is a short stable hash of Template, for `ci-doctor signatures new
	// --from-report ID`.
	ID       string `json:"id"`
	Template string `json:"template"`
	Jobs     int    `json:"jobs"`
	Projects int    `json:"projects"`
	// Examples are web URLs of the latest jobs, at most MaxExamples.
	Examples []string `json:"examples"`
	// Lines are a few of the real lines behind the template (redacted), the
	// draft signature's examples.
	Lines []string `json:"lines"`
}

// ProjectReadiness is what `ci-doctor lint` finds in one project's
// configuration on its default branch.
type ProjectReadiness struct {
	Project string `json:"project"`
	// Findings counts findings per lint rule id; empty when the project is
	// ready.
	Findings map[string]int `json:"findings"`
	// Error says why the configuration could not be linted.
	Error string `json:"error,omitempty"`
}

// Timeline is failed jobs per cause per bucket.
type Timeline struct {
	// Bucket is "day" or "week" (a window of more than 60 days).
	Bucket string `json:"bucket"`
	// Starts are the buckets' first instants, oldest first.
	Starts []time.Time `json:"starts"`
	// Series holds, per cause id (and "unrecognised"), the number of jobs
	// in each bucket, index for index with Starts.
	Series map[string][]int `json:"series"`
}

// MaxExamples bounds the example jobs given for a cause or a template.
const MaxExamples = 5
