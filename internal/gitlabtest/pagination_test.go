package gitlabtest

import (
	"strconv"
	"strings"
	"testing"
)

// failedJobs adds jobs 100..104, failed, to pipeline 3, plus a retried one.
func failedJobs(s *Server) {
	for id := int64(100); id <= 104; id++ {
		s.AddJob(Job{ID: id, ProjectID: 7, PipelineID: 3, Name: "job" + strconv.FormatInt(id, 10), Status: "failed"})
	}
	s.AddJob(Job{ID: 99, ProjectID: 7, PipelineID: 3, Status: "failed", Retried: true})
}

func TestPaginationHeaders(t *testing.T) {
	s := fixture(t, Options{})
	failedJobs(s)
	path := "/projects/group%2Fsub%2Fapp/pipelines/3/jobs"
	res := send(t, s, "GET", path+"?scope[]=failed&per_page=2&page=2", "", "PRIVATE-TOKEN", patRead)
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	jobIDs(102, 101)(t, decode(t, res.body))
	for name, want := range map[string]string{
		"X-Page": "2", "X-Per-Page": "2", "X-Total": "6", "X-Total-Pages": "3", "X-Next-Page": "3", "X-Prev-Page": "1",
	} {
		if got := res.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	page := func(n string) string {
		return "<" + s.APIURL + path + "?id=group%2Fsub%2Fapp&include_retried=false&page=" + n +
			"&per_page=2&pipeline_id=3&scope%5B%5D=failed>"
	}
	wantLink := page("1") + `; rel="prev", ` + page("3") + `; rel="next", ` + page("1") + `; rel="first", ` + page("3") + `; rel="last"`
	if got := res.header.Get("Link"); got != wantLink {
		t.Errorf("Link\n got %s\nwant %s", got, wantLink)
	}
}

func TestPaginationEdges(t *testing.T) {
	s := fixture(t, Options{})
	failedJobs(s)
	base := "/projects/7/pipelines/3/jobs?scope[]=failed&per_page=2"
	tests := []struct {
		name                          string
		query                         string
		ids                           []float64
		page, next, prev, total, last string
	}{
		{"first page", base, []float64{104, 103}, "1", "2", "", "6", "3"},
		{"last page", base + "&page=3", []float64{100, 43}, "3", "", "2", "6", "3"},
		{"past the end", base + "&page=9", nil, "9", "", "", "6", "3"},
		{"page 0 is page 1", base + "&page=0", []float64{104, 103}, "1", "2", "", "6", "3"},
		{"default per_page", "/projects/7/pipelines/3/jobs", []float64{104, 103, 102, 101, 100, 44, 43, 42}, "1", "", "", "8", "1"},
		{"include_retried", "/projects/7/pipelines/3/jobs?include_retried=true&scope=failed&per_page=100", []float64{104, 103, 102, 101, 100, 99, 43}, "1", "", "", "7", "1"},
		{"per_page above 100", "/projects/7/pipelines/3/jobs?per_page=500&scope=canceled", nil, "1", "", "", "0", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, s, "GET", tt.query, "", "PRIVATE-TOKEN", patRead)
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			jobIDs(tt.ids...)(t, decode(t, res.body))
			for name, want := range map[string]string{
				"X-Page": tt.page, "X-Next-Page": tt.next, "X-Prev-Page": tt.prev, "X-Total": tt.total, "X-Total-Pages": tt.last,
			} {
				if _, present := res.header[name]; !present {
					t.Errorf("%s missing; GitLab sends it even when empty", name)
				}
				if got := res.header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
	if res := send(t, s, "GET", "/projects/7/pipelines/3/jobs?per_page=500", "", "PRIVATE-TOKEN", patRead); res.header.Get("X-Per-Page") != "100" {
		t.Errorf("per_page=500 gives X-Per-Page %q, want 100", res.header.Get("X-Per-Page"))
	}
}

func TestPaginationErrors(t *testing.T) {
	s := fixture(t, Options{})
	for query, want := range map[string]string{
		"per_page=0":            `{"error":"per_page has a value not allowed"}`,
		"per_page=ten":          `{"error":"per_page is invalid"}`,
		"page=two":              `{"error":"page is invalid"}`,
		"include_retried=maybe": `{"error":"include_retried is invalid"}`,
	} {
		res := send(t, s, "GET", "/projects/7/pipelines/3/jobs?"+query, "", "PRIVATE-TOKEN", patRead)
		if res.status != 400 || res.body != want {
			t.Errorf("%s: %d %s, want 400 %s", query, res.status, res.body, want)
		}
	}
}

func TestNotesLinkCarriesDefaults(t *testing.T) {
	s := fixture(t, Options{})
	res := send(t, s, "GET", notesPath, "", "PRIVATE-TOKEN", patRead)
	want := "?activity_filter=all_notes&id=7&noteable_id=5&order_by=created_at&page=1&per_page=20&sort=desc>"
	if !strings.Contains(res.header.Get("Link"), want) {
		t.Errorf("Link %s lacks %s", res.header.Get("Link"), want)
	}
}
