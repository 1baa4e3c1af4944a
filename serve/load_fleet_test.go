package serve_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ci-doctor/ci-doctor/internal/gitlabtest"
)

// The load test's fleet: sizes chosen so that the unique events plus the
// duplicates make exactly loadEvents deliveries.
const (
	loadEvents     = 10_000
	loadDuplicates = loadEvents / 5 // 20 %
	loadProjects   = 40
	loadBurst      = 500
	// loadFinishedAt is every finished job's build_finished_at.
	loadFinishedAt = "2026-12-04 10:00:00 UTC"
)

// loadJob is a job of the fake fleet and what its diagnosis must say.
type loadJob struct {
	id, projectID, pipelineID int64
	project                   string // full path
	name, stage               string
	failed                    bool
	log                       string // file name under ../testdata/logs
	cause                     string // the expected root cause; "" for a negative log
	// pipelineOnly marks a failed job whose failed Job Hook is never sent
	// (as when GitLab dropped it): only its pipeline's event names it.
	pipelineOnly bool
}

// loadEvent is one webhook event; its duplicates and re-sends are the same
// value sent again.
type loadEvent struct {
	kind   string // X-Gitlab-Event
	key    string // Idempotency-Key, the same across duplicates and re-sends
	body   []byte
	job    int64   // a Job Hook's job
	status string  // a Job Hook's build_status
	failed []int64 // the jobs the event names failed
}

// loadPipeline is a pipeline of the fleet and its jobs.
type loadPipeline struct {
	id, projectID int64
	project       string
	jobs          []*loadJob
}

// loadFleet is the fake GitLab's projects and jobs and the unique events
// GitLab sends about them, in the order it would send them.
type loadFleet struct {
	jobs   map[int64]*loadJob
	events []*loadEvent
}

// loadLogs are the job logs of testdata/logs: the full synthetic logs
// named <cause>--<variant>.log, and the negative ones (no cause).
type loadLogs struct {
	text                map[string]string // by name relative to testdata/logs
	positive, negatives []string
}

func readLoadLogs(t *testing.T) loadLogs {
	t.Helper()
	dir := filepath.Join("..", "testdata", "logs")
	ls := loadLogs{text: map[string]string{}}
	for _, pattern := range []string{"*.log", "negative/*.log"} {
		names, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil || len(names) == 0 {
			t.Fatalf("no logs %s in %s (%v)", pattern, dir, err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, name)
			ls.text[rel] = string(b)
			if strings.HasPrefix(rel, "negative") {
				ls.negatives = append(ls.negatives, rel)
			} else {
				ls.positive = append(ls.positive, rel)
			}
		}
	}
	return ls
}

// newLoadFleet fills gl with loadProjects projects and pipelines of 1 to 8
// jobs, about half of them failed, until their events make loadEvents
// minus loadDuplicates unique events. Each job gives created, pending,
// running and its final status (GitLab's four Job Hooks); each pipeline a
// final Pipeline Hook listing its builds; "running" Pipeline Hooks make up
// the count.
func newLoadFleet(t *testing.T, gl *gitlabtest.Server, rng *rand.Rand) *loadFleet {
	t.Helper()
	logs := readLoadLogs(t)
	build := pipelineBuild(t)
	f := &loadFleet{jobs: map[int64]*loadJob{}}
	for i := range loadProjects {
		gl.AddProject(gitlabtest.Project{ID: int64(1001 + i), Path: loadProjectPath(i), Private: true})
	}
	names := []struct{ name, stage string }{{"compile", "build"}, {"docker-image", "build"}, {"unit", "test"},
		{"integration", "test"}, {"lint", "test"}, {"deploy-staging", "deploy"}}
	unique := loadEvents - loadDuplicates
	var pipelines []*loadPipeline
	jobID, pipelineID := int64(700_000), int64(90_000)
	for {
		i := len(pipelines) % loadProjects
		p := &loadPipeline{id: pipelineID, projectID: int64(1001 + i), project: loadProjectPath(i)}
		size := 1 // the pipeline's final event
		for k := range 1 + rng.IntN(8) {
			n := names[(k+rng.IntN(2))%len(names)]
			j := &loadJob{id: jobID + int64(k), projectID: p.projectID, pipelineID: p.id, project: p.project,
				name: n.name, stage: n.stage, failed: rng.IntN(2) == 0}
			if j.failed && rng.IntN(10) == 0 {
				j.pipelineOnly = true
			}
			switch {
			case j.failed && rng.IntN(4) > 0:
				j.log = logs.positive[rng.IntN(len(logs.positive))]
				j.cause, _, _ = strings.Cut(j.log, "--")
			default: // failed for an unrelated reason, or succeeded
				j.log = logs.negatives[rng.IntN(len(logs.negatives))]
			}
			p.jobs = append(p.jobs, j)
			size += 4
			if j.pipelineOnly {
				size--
			}
		}
		if len(f.events)+size > unique {
			break
		}
		for _, j := range p.jobs {
			f.jobs[j.id] = j
			status, reason := "success", ""
			if j.failed {
				status, reason = "failed", "script_failure"
			}
			gl.AddJob(gitlabtest.Job{ID: j.id, ProjectID: j.projectID, PipelineID: j.pipelineID, Name: j.name,
				Stage: j.stage, Status: status, FailureReason: reason, Ref: "main", SHA: sha,
				Trace: gitlabtest.FixedTrace(logs.text[j.log])})
		}
		for _, status := range []string{"created", "pending", "running", "final"} {
			for _, j := range p.jobs {
				if status == "final" && j.pipelineOnly {
					continue
				}
				f.events = append(f.events, jobEvent(t, gl.URL, j, status))
			}
		}
		f.events = append(f.events, pipelineEvent(t, gl.URL, p, build, false))
		pipelines = append(pipelines, p)
		jobID += 10
		pipelineID++
	}
	for _, p := range pipelines[:unique-len(f.events)] {
		f.events = append(f.events, pipelineEvent(t, gl.URL, p, build, true))
	}
	for i, e := range f.events {
		e.key = fmt.Sprintf("load-%08x-%04d", rng.Uint32(), i)
	}
	return f
}

// loadProjectPath is the path of the fleet's i-th project, in 8 groups.
func loadProjectPath(i int) string { return fmt.Sprintf("load/team-%d/app-%02d", i%8, i) }

// jobEvent is a Job Hook of j in status ("final": failed or success), on
// client-go's example payload.
func jobEvent(t *testing.T, base string, j *loadJob, status string) *loadEvent {
	t.Helper()
	var finished any
	set := map[string]any{}
	if status == "final" {
		status, finished = "success", loadFinishedAt
		if j.failed {
			status = "failed"
			set["build_failure_reason"] = "script_failure"
		}
	}
	maps.Copy(set, map[string]any{"build_id": j.id, "build_name": j.name, "build_stage": j.stage,
		"build_status": status, "build_finished_at": finished, "pipeline_id": j.pipelineID,
		"project_id": j.projectID, "project_name": j.project, "sha": sha, "ref": "main", "commit.id": j.pipelineID,
		"commit.sha": sha, "repository.name": path.Base(j.project), "repository.homepage": base + "/" + j.project})
	e := &loadEvent{kind: "Job Hook", body: payload(t, "job.json", set), job: j.id, status: status}
	if status == "failed" {
		e.failed = []int64{j.id}
	}
	return e
}

// pipelineEvent is the Pipeline Hook of p, running or finished, whose
// builds[] are p's jobs in client-go's example build.
func pipelineEvent(t *testing.T, base string, p *loadPipeline, build map[string]any, running bool) *loadEvent {
	t.Helper()
	e := &loadEvent{kind: "Pipeline Hook"}
	status := "success"
	var builds []any
	for _, j := range p.jobs {
		b := maps.Clone(build)
		b["id"], b["name"], b["stage"], b["status"], b["finished_at"] = j.id, j.name, j.stage, "success", loadFinishedAt
		switch {
		case running:
			b["status"], b["finished_at"] = "running", nil
		case j.failed:
			b["status"], b["failure_reason"] = "failed", "script_failure"
			e.failed = append(e.failed, j.id)
			status = "failed"
		}
		builds = append(builds, b)
	}
	if running {
		status = "running"
	}
	e.body = payload(t, "pipeline.json", map[string]any{"object_attributes.id": p.id, "object_attributes.status": status,
		"object_attributes.ref": "main", "object_attributes.sha": sha, "object_attributes.source": "push",
		"merge_request": nil, "project.id": p.projectID, "project.name": path.Base(p.project),
		"project.path_with_namespace": p.project, "project.web_url": base + "/" + p.project, "commit.id": sha,
		"builds": builds})
	return e
}

// pipelineBuild is the finished build of client-go's pipeline example, the
// template of every build in the fleet's pipeline events.
func pipelineBuild(t *testing.T) map[string]any {
	t.Helper()
	var example struct {
		Builds []map[string]any `json:"builds"`
	}
	b, err := os.ReadFile(filepath.Join("testdata", "pipeline.json"))
	if err == nil {
		err = json.Unmarshal(b, &example)
	}
	i := slices.IndexFunc(example.Builds, func(b map[string]any) bool { return b["finished_at"] != nil })
	if err != nil || i < 0 {
		t.Fatalf("testdata/pipeline.json: no finished build to copy (%v)", err)
	}
	return example.Builds[i]
}

// plan is the deliveries in sending order: each of loadDuplicates distinct
// events is sent again within about a burst of the first time, and every
// burst of loadBurst is shuffled, so a job's statuses arrive out of order
// (failed before running). Deliveries go to the procs processes in turn.
func (f *loadFleet) plan(rng *rand.Rand, procs int) []*loadDelivery {
	type placed struct {
		at float64
		d  *loadDelivery
	}
	var all []placed
	for i, e := range f.events {
		all = append(all, placed{float64(i), &loadDelivery{ev: e}})
	}
	for _, i := range rng.Perm(len(f.events))[:loadDuplicates] {
		all = append(all, placed{float64(i) + 1 + rng.Float64()*loadBurst, &loadDelivery{ev: f.events[i], dup: true}})
	}
	slices.SortStableFunc(all, func(a, b placed) int { return cmp.Compare(a.at, b.at) })
	out := make([]*loadDelivery, len(all))
	for i, p := range all {
		out[i] = p.d
	}
	for b := 0; b < len(out); b += loadBurst {
		burst := out[b:min(b+loadBurst, len(out))]
		rng.Shuffle(len(burst), func(i, j int) { burst[i], burst[j] = burst[j], burst[i] })
	}
	for i, d := range out {
		d.seq, d.proc = i, i%procs
	}
	return out
}

// outOfOrder counts the jobs whose final status is first sent before
// their running event.
func outOfOrder(plan []*loadDelivery) int {
	running := map[int64]bool{}
	n := 0
	for _, d := range plan {
		switch d.ev.status {
		case "running":
			running[d.ev.job] = true
		case "failed", "success":
			if !running[d.ev.job] {
				running[d.ev.job] = true // counted once
				n++
			}
		}
	}
	return n
}
