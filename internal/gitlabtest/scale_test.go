package gitlabtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fleet adds 200 projects under group "fleet" with jobs jobsPerProject
// each, ids ascending as GitLab gives them, every third one failed.
func fleet(s *Server, jobsPerProject int) {
	s.AddGroup(Group{ID: 1, Path: "fleet"})
	id := int64(1)
	for p := int64(1000); p < 1200; p++ {
		s.AddProject(Project{ID: p, Path: fmt.Sprintf("fleet/app%d", p)})
		for range jobsPerProject {
			status := "success"
			if id%3 == 0 {
				status = "failed"
			}
			s.AddJob(Job{ID: id, ProjectID: p, PipelineID: id / 10, Status: status})
			id++
		}
	}
}

// serve answers one request straight through ServeHTTP, without a
// connection, and returns the recorder.
func serve(s *Server, target string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", s.APIURL+target, nil)
	req.Header.Set("PRIVATE-TOKEN", patRead)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func TestScale(t *testing.T) {
	s := fixture(t, Options{})
	start := time.Now()
	fleet(s, 30) // 6,000 jobs
	added := time.Since(start)

	start = time.Now()
	pages, jobs := 0, 0
	for p := 1000; p < 1200; p++ {
		target := fmt.Sprintf("/projects/%d/jobs?scope[]=failed&pagination=keyset&per_page=4", p)
		for target != "" {
			rec := serve(s, target)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
			}
			pages++
			var list []jobJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
				t.Fatal(err)
			}
			for _, j := range list {
				if j.Status != "failed" {
					t.Fatalf("%s lists job %d, %s", target, j.ID, j.Status)
				}
			}
			jobs += len(list)
			next, _ := strings.CutSuffix(rec.Header().Get("Link"), `>; rel="next"`)
			target = strings.TrimPrefix(strings.TrimPrefix(next, "<"), s.APIURL)
		}
	}
	listed := time.Since(start)
	if jobs != 2000 {
		t.Errorf("%d failed jobs listed, want 2000", jobs)
	}

	start = time.Now()
	for i := range 10000 - pages {
		serve(s, fmt.Sprintf("/projects/%d", 1000+i%200))
	}
	if n := len(s.Requests()); n != 10000 {
		t.Errorf("%d requests recorded, want 10000", n)
	}
	if n := s.RouteCount("GET /projects/:id/jobs"); n != pages {
		t.Errorf("RouteCount = %d, want %d", n, pages)
	}
	recorded := time.Since(start)
	t.Logf("200 projects and 6,000 jobs added in %v; %d keyset pages in %v; 10,000 requests recorded by %v",
		added, pages, listed, recorded)
}

func BenchmarkAddJob(b *testing.B) {
	s := New(b, Options{})
	s.AddProject(Project{ID: 1, Path: "g/p"})
	for i := 0; b.Loop(); i++ {
		s.AddJob(Job{ID: int64(i), ProjectID: 1, Status: "failed"})
	}
}

func BenchmarkListProjectJobs(b *testing.B) {
	s := New(b, Options{})
	s.AddToken(patRead, PersonalToken, "read_api")
	fleet(s, 25)
	for b.Loop() {
		serve(s, "/projects/1100/jobs?scope[]=failed&per_page=100")
	}
}
