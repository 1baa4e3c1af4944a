package gitlabtest

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestProjectJobs(t *testing.T) {
	s := fixture(t, Options{})
	failedJobs(s)
	pat := []string{"PRIVATE-TOKEN", patRead}
	tests := []struct {
		name, path string
		header     []string
		status     int
		body       string
		ids        []float64
	}{
		{name: "newest first, retried included", path: "/projects/7/jobs", header: pat, status: 200,
			ids: []float64{104, 103, 102, 101, 100, 99, 44, 43, 42}},
		{name: "scope[]", path: "/projects/group%2Fsub%2Fapp/jobs?scope[]=failed", header: pat, status: 200,
			ids: []float64{104, 103, 102, 101, 100, 99, 43}},
		{name: "repeated scope[]", path: "/projects/7/jobs?scope[]=running&scope[]=success", header: pat, status: 200, ids: []float64{44, 42}},
		{name: "scope string", path: "/projects/7/jobs?scope=running", header: pat, status: 200, ids: []float64{42}},
		{name: "no match", path: "/projects/7/jobs?scope=manual", header: pat, status: 200, body: "[]"},
		{name: "bad scope", path: "/projects/7/jobs?scope[]=failed&scope[]=broken", header: pat, status: 400, body: `{"error":"scope does not have a valid value"}`},
		{name: "anonymous", path: "/projects/8/jobs", status: 401, body: unauthorized},
		{name: "job token", path: "/projects/7/jobs", header: []string{"JOB-TOKEN", jobRunning}, status: 401, body: unauthorized},
		{name: "hidden project", path: "/projects/7/jobs", header: []string{"PRIVATE-TOKEN", patOutsider}, status: 404, body: projectNotFound},
		{name: "other project's jobs stay there", path: "/projects/8/jobs", header: pat, status: 200, body: "[]"},
		{name: "offset past the limit", path: "/projects/7/jobs?page=501&per_page=100", header: pat, status: 405,
			body: `{"error":"Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type Ci::Build. Remaining records can be retrieved using keyset pagination."}`},
		{name: "keyset ascending", path: "/projects/7/jobs?pagination=keyset&order_by=id&sort=asc", header: pat, status: 405,
			body: `{"error":"Keyset pagination is not yet available for this type of request"}`},
		{name: "keyset by another column", path: "/projects/7/jobs?pagination=keyset&order_by=created_at", header: pat, status: 405,
			body: `{"error":"Keyset pagination is not yet available for this type of request"}`},
		{name: "keyset with defaults", path: "/projects/7/jobs?pagination=keyset&scope=running", header: pat, status: 200, ids: []float64{42}},
		{name: "keyset bad cursor", path: "/projects/7/jobs?pagination=keyset&cursor=%21%21", header: pat, status: 500, body: `{"message":"500 Internal Server Error"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, s, "GET", tt.path, "", tt.header...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.body != "" && res.body != tt.body {
				t.Errorf("body %s, want %s", res.body, tt.body)
			}
			if tt.ids != nil {
				jobIDs(tt.ids...)(t, decode(t, res.body))
			}
		})
	}
}

func TestProjectJobsOffsetWithoutCount(t *testing.T) {
	s := fixture(t, Options{})
	failedJobs(s)
	res := send(t, s, "GET", "/projects/7/jobs?scope[]=failed&per_page=3&page=2", "", "PRIVATE-TOKEN", patRead)
	jobIDs(101, 100, 99)(t, decode(t, res.body))
	for _, name := range []string{"X-Total", "X-Total-Pages"} {
		if _, present := res.header[name]; present {
			t.Errorf("%s sent; GitLab lists jobs without_count", name)
		}
	}
	for name, want := range map[string]string{"X-Page": "2", "X-Per-Page": "3", "X-Next-Page": "3", "X-Prev-Page": "1"} {
		if got := res.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	page := func(n string) string {
		return "<" + s.APIURL + "/projects/7/jobs?id=7&page=" + n + "&per_page=3&scope%5B%5D=failed>"
	}
	want := page("1") + `; rel="prev", ` + page("3") + `; rel="next", ` + page("1") + `; rel="first"`
	if got := res.header.Get("Link"); got != want {
		t.Errorf("Link\n got %s\nwant %s", got, want)
	}
	last := send(t, s, "GET", "/projects/7/jobs?scope[]=failed&per_page=3&page=3", "", "PRIVATE-TOKEN", patRead)
	jobIDs(43)(t, decode(t, last.body))
	if last.header.Get("X-Next-Page") != "" || strings.Contains(last.header.Get("Link"), `rel="next"`) {
		t.Errorf("last page offers a next one: %v", last.header)
	}
}

func TestProjectJobsKeyset(t *testing.T) {
	s := fixture(t, Options{})
	failedJobs(s)
	target := s.APIURL + "/projects/7/jobs?pagination=keyset&order_by=id&sort=desc&per_page=4"
	var ids []float64
	pages := 0
	for target != "" {
		res := send(t, s, "GET", target, "", "PRIVATE-TOKEN", patRead)
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		for _, name := range []string{"X-Page", "X-Total", "X-Next-Page"} {
			if _, present := res.header[name]; present {
				t.Errorf("keyset page sends %s", name)
			}
		}
		list, _ := decode(t, res.body).([]any)
		for i := range list {
			ids = append(ids, field(list, i, "id").(float64))
		}
		pages++
		target = ""
		if link := res.header.Get("Link"); link != "" {
			next, ok := strings.CutSuffix(link, `>; rel="next"`)
			if !ok || !strings.HasPrefix(next, "<") {
				t.Fatalf("Link %q is not a single rel=next", link)
			}
			target = next[1:]
		}
	}
	jobIDs(104, 103, 102, 101, 100, 99, 44, 43, 42)(t, ids2any(ids))
	if pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
}

func TestProjectJobsKeysetLink(t *testing.T) {
	s := fixture(t, Options{})
	res := send(t, s, "GET", "/projects/7/jobs?pagination=keyset&per_page=2&scope[]=success&scope[]=running", "", "PRIVATE-TOKEN", patRead)
	if res.header.Get("Link") != "" {
		t.Errorf("a page holding the last jobs has Link %q", res.header.Get("Link"))
	}
	res = send(t, s, "GET", "/projects/7/jobs?pagination=keyset&per_page=1&scope[]=success&scope[]=running", "", "PRIVATE-TOKEN", patRead)
	jobIDs(44)(t, decode(t, res.body))
	cursor := base64.URLEncoding.EncodeToString([]byte(`{"id":"44","_kd":"n"}`))
	want := "<" + s.APIURL + "/projects/7/jobs?cursor=" + url.QueryEscape(cursor) +
		"&id=7&page=1&pagination=keyset&per_page=1&scope%5B%5D=success&scope%5B%5D=running>; rel=\"next\""
	if got := res.header.Get("Link"); got != want {
		t.Errorf("Link\n got %s\nwant %s", got, want)
	}
	// A numeric id in the cursor is read too.
	numeric := base64.RawURLEncoding.EncodeToString([]byte(`{"id":44,"_kd":"n"}`))
	res = send(t, s, "GET", "/projects/7/jobs?pagination=keyset&per_page=5&cursor="+numeric, "", "PRIVATE-TOKEN", patRead)
	jobIDs(43, 42)(t, decode(t, res.body))
}

func TestJobTimes(t *testing.T) {
	s := fixture(t, Options{})
	at := func(v string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	s.AddJob(Job{ID: 60, ProjectID: 7, PipelineID: 3, Status: "failed", SHA: sha,
		CreatedAt: at("2026-12-01T10:00:00.5Z"), StartedAt: at("2026-12-01T11:02:03.123+01:00"),
		FinishedAt: at("2026-12-01T10:04:03.123Z"), Trace: FixedTrace("log")})
	s.AddJob(Job{ID: 61, ProjectID: 7, PipelineID: 3, Status: "failed",
		CreatedAt: at("2026-12-01T10:00:00Z"), ErasedAt: at("2026-12-02T00:00:00Z"), Trace: FixedTrace("gone")})
	s.AddJob(Job{ID: 62, ProjectID: 7, PipelineID: 3, Status: "created"})

	v := decode(t, send(t, s, "GET", "/projects/7/jobs/60", "", "PRIVATE-TOKEN", patRead).body)
	for k, want := range map[string]any{
		"created_at": "2026-12-01T10:00:00.500Z", "started_at": "2026-12-01T10:02:03.123Z",
		"finished_at": "2026-12-01T10:04:03.123Z", "erased_at": nil, "duration": 120.0, "queued_duration": 122.623,
		"web_url": s.URL + "/group/sub/app/-/jobs/60",
	} {
		if got := field(v, k); got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if field(v, "pipeline", "id") != 3.0 || field(v, "pipeline", "project_id") != 7.0 || field(v, "pipeline", "status") != "failed" ||
		field(v, "pipeline", "ref") != "feature" || field(v, "pipeline", "sha") != sha {
		t.Errorf("pipeline = %v", field(v, "pipeline"))
	}

	v = decode(t, send(t, s, "GET", "/projects/7/jobs/61", "", "PRIVATE-TOKEN", patRead).body)
	if field(v, "erased_at") != "2026-12-02T00:00:00.000Z" || field(v, "started_at") != "2026-12-01T10:00:05.000Z" {
		t.Errorf("erased job: erased_at %v, started_at %v", field(v, "erased_at"), field(v, "started_at"))
	}
	if res := send(t, s, "GET", "/projects/7/jobs/61/trace", "", "PRIVATE-TOKEN", patRead); res.status != 200 || res.body != "" {
		t.Errorf("erased job's trace: %d %q, want 200 and nothing", res.status, res.body)
	}

	v = decode(t, send(t, s, "GET", "/projects/7/jobs/62", "", "PRIVATE-TOKEN", patRead).body)
	m, _ := v.(map[string]any)
	for _, k := range []string{"started_at", "finished_at", "erased_at", "duration", "queued_duration"} {
		if got, present := m[k]; !present || got != nil {
			t.Errorf("created job: %s = %v (present %v), want null", k, got, present)
		}
	}
	if m["created_at"] != "2026-01-02T03:05:07.000Z" {
		t.Errorf("created_at %v, want the time derived from id 62", m["created_at"])
	}
}

// ids2any turns collected ids back into a decoded JSON list for jobIDs.
func ids2any(ids []float64) any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = map[string]any{"id": id}
	}
	return out
}
