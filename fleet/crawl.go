package fleet

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ci-doctor/ci-doctor/diagnose"
	"github.com/ci-doctor/ci-doctor/gitlabapi"
	"github.com/ci-doctor/ci-doctor/store"
)

// Options say what Crawl reads and how.
type Options struct {
	// Group or Project is the full path (or id) to report on; exactly one.
	Group, Project string
	// Since bounds the failed jobs read: those created at or after it.
	Since time.Time
	// Failures lists and diagnoses failed jobs; Readiness lints each
	// project's configuration on its default branch.
	Failures, Readiness bool
	// Rediagnose diagnoses stored jobs again when the signatures that
	// diagnosed them differ from the Matcher's (SignaturesVersion).
	Rediagnose bool
	// Workers is how many projects are listed and how many jobs are
	// diagnosed at once; the client's MaxInFlight bounds the requests.
	Workers int
	// MaxLogBytes bounds the part of a log that is read; DefaultMaxLog when
	// zero.
	MaxLogBytes int64
	// ToolVersion and SignaturesVersion are stored with each diagnosis.
	ToolVersion, SignaturesVersion string
	// Progress, when set, is told of every step, one call at a time.
	Progress func(Counts)
}

// DefaultMaxLog is the part of a log read when Options.MaxLogBytes is zero.
const DefaultMaxLog = 100 << 20

// Counts says how far a crawl has come.
type Counts struct {
	Projects, ProjectsDone int
	// Jobs counts the failed jobs listed, Stored those already in the
	// store, New those to diagnose and Diagnosed those done.
	Jobs, Stored, New, Diagnosed int
}

// Crawled is what a crawl covered.
type Crawled struct {
	// Name is "group PATH" or "project PATH".
	Name     string
	Host     string
	Projects []gitlabapi.Project
	Counts   Counts
	// Notes say what could not be read; the rest of the report stands.
	Notes []string
}

// Crawl lists the projects, then for each one its failed jobs since
// o.Since, diagnoses those the store does not have, and lints its
// configuration; everything goes to the store as it is made. It returns
// an error only when nothing can be reported: the group or project cannot
// be read. When ctx ends, what was diagnosed is still stored.
func Crawl(ctx context.Context, c *gitlabapi.Client, m *diagnose.Matcher, st *store.Store, o Options) (*Crawled, error) {
	cr := &crawl{c: c, m: m, st: st, o: o, out: &Crawled{Host: c.Base()}}
	if cr.o.Workers <= 0 {
		cr.o.Workers = 8
	}
	if cr.o.MaxLogBytes <= 0 {
		cr.o.MaxLogBytes = DefaultMaxLog
	}
	if err := cr.listProjects(ctx); err != nil {
		return nil, err
	}
	cr.run(ctx)
	cr.out.Notes = append(cr.out.Notes, cr.notes.list()...)
	return cr.out, ctx.Err()
}

// crawl is one Crawl's state.
type crawl struct {
	c  *gitlabapi.Client
	m  *diagnose.Matcher
	st *store.Store
	o  Options

	out   *Crawled
	mu    sync.Mutex // guards out.Counts and the progress calls
	notes noteSet
}

// listProjects resolves the scope into its projects.
func (cr *crawl) listProjects(ctx context.Context) error {
	switch {
	case cr.o.Group != "" && cr.o.Project != "":
		return errors.New("give a group or a project, not both")
	case cr.o.Group != "":
		cr.out.Name = "group " + cr.o.Group
		err := cr.c.GroupProjects(ctx, cr.o.Group, func(p gitlabapi.Project) error {
			cr.out.Projects = append(cr.out.Projects, p)
			return nil
		})
		if err != nil {
			return err
		}
	case cr.o.Project != "":
		p, err := cr.c.Project(ctx, cr.o.Project)
		if err != nil {
			return err
		}
		cr.out.Name = "project " + p.Path
		cr.out.Projects = []gitlabapi.Project{p}
	default:
		return errors.New("give a group or a project")
	}
	cr.update(func(c *Counts) { c.Projects = len(cr.out.Projects) })
	return nil
}

// run lists and lints the projects, Workers at a time, while as many
// workers diagnose the jobs they find and one writer stores the results.
func (cr *crawl) run(ctx context.Context) {
	projects := make(chan gitlabapi.Project)
	jobs := make(chan job, cr.o.Workers)
	results := make(chan store.Diagnosis, cr.o.Workers)

	var listers, diagnosers sync.WaitGroup
	for range cr.o.Workers {
		listers.Go(func() {
			for p := range projects {
				cr.project(ctx, p, jobs)
				cr.update(func(c *Counts) { c.ProjectsDone++ })
			}
		})
		diagnosers.Go(func() {
			for j := range jobs {
				if d, ok := cr.diagnose(ctx, j); ok {
					results <- d
				}
			}
		})
	}
	written := make(chan struct{})
	go func() {
		cr.write(ctx, results)
		close(written)
	}()
	for _, p := range cr.out.Projects {
		select {
		case projects <- p:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(projects)
	listers.Wait()
	close(jobs)
	diagnosers.Wait()
	close(results)
	<-written
}

// job is a failed job to diagnose, with its project.
type job struct {
	project gitlabapi.Project
	gitlabapi.Job
}

// project lists one project's new failed jobs and lints its configuration.
func (cr *crawl) project(ctx context.Context, p gitlabapi.Project, jobs chan<- job) {
	if cr.o.Readiness {
		cr.readiness(ctx, p)
	}
	if !cr.o.Failures || ctx.Err() != nil {
		return
	}
	var listed []gitlabapi.Job
	err := cr.c.ProjectFailedJobs(ctx, p.ID, cr.o.Since, func(j gitlabapi.Job) error {
		listed = append(listed, j)
		return nil
	})
	if err != nil {
		if ctx.Err() == nil {
			cr.notes.add(fmt.Sprintf("%s: failed jobs not listed: %v", p.Path, err))
		}
		return
	}
	ids := make([]int64, len(listed))
	for i, j := range listed {
		ids[i] = j.ID
	}
	known, err := cr.st.Known(ctx, cr.out.Host, p.ID, ids)
	if err != nil {
		cr.notes.add(fmt.Sprintf("%s: the store could not be read: %v", p.Path, err))
		return
	}
	var fresh []gitlabapi.Job
	for _, j := range listed {
		version, stored := known[j.ID]
		if !stored || cr.o.Rediagnose && version != cr.o.SignaturesVersion {
			fresh = append(fresh, j)
		}
	}
	cr.update(func(c *Counts) {
		c.Jobs += len(listed)
		c.Stored += len(listed) - len(fresh)
		c.New += len(fresh)
	})
	for _, j := range fresh {
		select {
		case jobs <- job{project: p, Job: j}:
		case <-ctx.Done():
			return
		}
	}
}

// write stores the diagnoses in batches, and stores what it holds even
// when ctx has ended: a diagnosis made is never thrown away.
func (cr *crawl) write(ctx context.Context, results <-chan store.Diagnosis) {
	const batchSize = 100
	batch := make([]store.Diagnosis, 0, batchSize)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := cr.st.PutDiagnoses(wctx, batch); err != nil {
			cr.notes.add(fmt.Sprintf("%d diagnoses not stored: %v", len(batch), err))
		}
		batch = batch[:0]
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case d, ok := <-results:
			if !ok {
				flush()
				return
			}
			batch = append(batch, d)
			if len(batch) == batchSize {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// update changes the counts and tells Progress.
func (cr *crawl) update(change func(*Counts)) {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	change(&cr.out.Counts)
	if cr.o.Progress != nil {
		cr.o.Progress(cr.out.Counts)
	}
}

// projectRef names a project to the API by id: a path may have been
// renamed since it was listed.
func projectRef(p gitlabapi.Project) string { return strconv.FormatInt(p.ID, 10) }
