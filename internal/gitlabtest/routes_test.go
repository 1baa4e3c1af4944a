package gitlabtest

import (
	"net/http"
	"strings"
	"testing"
)

const (
	unauthorized     = `{"message":"401 Unauthorized"}`
	projectNotFound  = `{"message":"404 Project Not Found"}`
	recordNotFound   = `{"message":"404 Not found"}`
	routeNotFound    = `{"error":"404 Not Found"}`
	scopeAPIReadAPI  = `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}`
	scopeWithRepoAPI = `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"read_repository api read_api"}`
)

func TestRoutes(t *testing.T) {
	s := fixture(t, Options{})
	pat := func(v string) []string { return []string{"PRIVATE-TOKEN", v} }
	jobHeader := []string{"JOB-TOKEN", jobRunning}
	tests := []struct {
		name   string
		method string
		path   string
		header []string
		status int
		body   string // exact body, when set
		check  func(*testing.T, any)
	}{
		// Projects.
		{name: "project by id", path: "/projects/7", header: pat(patAPI), status: 200, check: func(t *testing.T, v any) {
			want := map[string]any{"id": 7.0, "path_with_namespace": "group/sub/app", "default_branch": "main",
				"ci_config_path": "ci/main.yml", "web_url": s.URL + "/group/sub/app", "visibility": "private"}
			for k, w := range want {
				if got := field(v, k); got != w {
					t.Errorf("%s = %v, want %v", k, got, w)
				}
			}
		}},
		{name: "project by escaped path", path: "/projects/group%2Fsub%2Fapp", header: pat(patAPI), status: 200},
		{name: "project path is case-insensitive", path: "/projects/GROUP%2Fsub%2FApp", header: pat(patAPI), status: 200},
		{name: "project path with unescaped slashes", path: "/projects/group/sub/app", header: pat(patAPI), status: 404, body: routeNotFound},
		{name: "project path with escaped dot", path: "/projects/group%2Fpublic%2Esite", status: 200},
		{name: "project path with plain dot", path: "/projects/group%2Fpublic.site", status: 200},
		{name: "public project anonymous, null ci_config_path", path: "/projects/8", status: 200, check: func(t *testing.T, v any) {
			if ci, ok := v.(map[string]any)["ci_config_path"]; !ok || ci != nil {
				t.Errorf("ci_config_path = %v (present %v), want null", ci, ok)
			}
		}},
		{name: "private project anonymous", path: "/projects/7", status: 404, body: projectNotFound},
		{name: "private project outsider", path: "/projects/7", header: pat(patOutsider), status: 404, body: projectNotFound},
		{name: "unknown project", path: "/projects/999", header: pat(patAPI), status: 404, body: projectNotFound},
		{name: "job token header ignored off job-token routes", path: "/projects/7", header: jobHeader, status: 404, body: projectNotFound},
		{name: "job token as bearer off job-token routes", path: "/projects/7", header: []string{"Authorization", "Bearer " + jobRunning}, status: 401, body: unauthorized},
		{name: "insufficient scope", path: "/projects/7", header: pat(patUser), status: 403, body: scopeAPIReadAPI},
		{name: "unknown token", path: "/projects/8", header: pat("glpat-nope"), status: 401, body: unauthorized},
		{name: "oauth bearer", path: "/projects/7", header: []string{"Authorization", "Bearer " + oauthAPI}, status: 200},
		{name: "personal token as bearer", path: "/projects/7", header: []string{"Authorization", "Bearer " + patRead}, status: 200},
		{name: "oauth token in PRIVATE-TOKEN", path: "/projects/7", header: pat(oauthAPI), status: 401, body: unauthorized},
		{name: "private_token parameter", path: "/projects/7?private_token=" + patAPI, status: 200},
		{name: "wrong method", method: "DELETE", path: "/projects/7", header: pat(patAPI), status: 405, body: `{"error":"405 Not Allowed"}`},
		{name: "unknown route", path: "/projects/7/nope", header: pat(patAPI), status: 404, body: routeNotFound},

		// Jobs.
		{name: "failed job", path: "/projects/7/jobs/43", header: pat(patRead), status: 200, check: func(t *testing.T, v any) {
			want := map[string]any{"status": "failed", "failure_reason": "script_failure", "stage": "build", "name": "build",
				"ref": "feature", "web_url": s.URL + "/group/sub/app/-/jobs/43", "allow_failure": false}
			for k, w := range want {
				if got := field(v, k); got != w {
					t.Errorf("%s = %v, want %v", k, got, w)
				}
			}
			if got := field(v, "pipeline", "id"); got != 3.0 {
				t.Errorf("pipeline.id = %v, want 3", got)
			}
			if got := field(v, "pipeline", "sha"); got != sha {
				t.Errorf("pipeline.sha = %v", got)
			}
			if got := field(v, "commit", "id"); got != sha {
				t.Errorf("commit.id = %v", got)
			}
			if got := field(v, "user", "username"); got != "alice" {
				t.Errorf("user.username = %v", got)
			}
			if got := field(v, "tag_list", 0); got != "k8s" {
				t.Errorf("tag_list = %v", field(v, "tag_list"))
			}
		}},
		{name: "running job has no failure_reason", path: "/projects/7/jobs/42", header: pat(patRead), status: 200, check: func(t *testing.T, v any) {
			if _, ok := v.(map[string]any)["failure_reason"]; ok {
				t.Error("failure_reason present on a running job")
			}
			if field(v, "finished_at") != nil || field(v, "started_at") == nil {
				t.Errorf("started_at %v, finished_at %v", field(v, "started_at"), field(v, "finished_at"))
			}
		}},
		{name: "job anonymous", path: "/projects/8/jobs/43", status: 401, body: unauthorized},
		{name: "job of another project", path: "/projects/8/jobs/43", header: pat(patAPI), status: 404, body: recordNotFound},
		{name: "unknown job", path: "/projects/7/jobs/999", header: pat(patAPI), status: 404, body: recordNotFound},
		{name: "job id not an integer", path: "/projects/7/jobs/abc", header: pat(patAPI), status: 400, body: `{"error":"job_id is invalid"}`},
		{name: "job with job token", path: "/projects/7/jobs/43", header: jobHeader, status: 401, body: unauthorized},
		{name: "trace with job token header", path: "/projects/7/jobs/43/trace", header: jobHeader, status: 401, body: unauthorized},
		{name: "trace with job_token parameter", path: "/projects/7/jobs/43/trace?job_token=" + jobRunning, status: 401, body: unauthorized},
		{name: "trace with job token bearer", path: "/projects/7/jobs/42/trace", header: []string{"Authorization", "Bearer " + jobRunning}, status: 401, body: unauthorized},
		{name: "trace of hidden project", path: "/projects/7/jobs/43/trace", header: pat(patOutsider), status: 404, body: projectNotFound},
		{name: "trace of unknown job", path: "/projects/7/jobs/999/trace", header: pat(patAPI), status: 404, body: recordNotFound},
		{name: "trace without log", path: "/projects/7/jobs/42/trace", header: pat(patAPI), status: 200, body: ""},

		// GET /job.
		{name: "job token job by header", path: "/job", header: jobHeader, status: 200, check: jobID(42)},
		{name: "job token job by bearer", path: "/job", header: []string{"Authorization", "Bearer " + jobRunning}, status: 200, check: jobID(42)},
		{name: "job token job by parameter", path: "/job?job_token=" + jobRunning, status: 200, check: jobID(42)},
		{name: "job token of a finished job", path: "/job", header: []string{"JOB-TOKEN", jobDone}, status: 401, body: unauthorized},
		{name: "unknown job token", path: "/job", header: []string{"JOB-TOKEN", "nope"}, status: 401, body: unauthorized},
		{name: "job with a personal token", path: "/job", header: pat(patAPI), status: 404, body: `{"message":"404 Job Not Found"}`},
		{name: "job anonymous", path: "/job", status: 401, body: unauthorized},

		// Pipelines.
		{name: "pipeline", path: "/projects/7/pipelines/3", header: pat(patRead), status: 200, check: func(t *testing.T, v any) {
			if field(v, "status") != "failed" || field(v, "sha") != sha || field(v, "web_url") != s.URL+"/group/sub/app/-/pipelines/3" {
				t.Errorf("pipeline = %v", v)
			}
		}},
		{name: "unknown pipeline", path: "/projects/7/pipelines/99", header: pat(patRead), status: 404, body: recordNotFound},
		{name: "failed pipeline jobs", path: "/projects/7/pipelines/3/jobs?scope[]=failed", header: pat(patRead), status: 200, check: jobIDs(43)},
		{name: "pipeline jobs newest first", path: "/projects/7/pipelines/3/jobs", header: pat(patRead), status: 200, check: jobIDs(44, 43, 42)},
		{name: "pipeline jobs, repeated scope", path: "/projects/7/pipelines/3/jobs?scope[]=failed&scope[]=success", header: pat(patRead), status: 200, check: jobIDs(44, 43)},
		{name: "pipeline jobs, scope string", path: "/projects/7/pipelines/3/jobs?scope=running", header: pat(patRead), status: 200, check: jobIDs(42)},
		{name: "pipeline jobs, bad scope", path: "/projects/7/pipelines/3/jobs?scope[]=broken", header: pat(patRead), status: 400, body: `{"error":"scope does not have a valid value"}`},
		{name: "pipeline jobs with job token", path: "/projects/7/pipelines/3/jobs", header: jobHeader, status: 404, body: projectNotFound},

		// Merge requests.
		{name: "merge request", path: "/projects/7/merge_requests/5", header: pat(patRead), status: 200, check: func(t *testing.T, v any) {
			if field(v, "iid") != 5.0 || field(v, "sha") != sha || field(v, "source_branch") != "feature" ||
				field(v, "target_branch") != "main" || field(v, "web_url") != s.URL+"/group/sub/app/-/merge_requests/5" {
				t.Errorf("merge request = %v", v)
			}
			if field(v, "head_pipeline", "id") != 3.0 || field(v, "head_pipeline", "sha") != sha || field(v, "head_pipeline", "status") != "failed" {
				t.Errorf("head_pipeline = %v", field(v, "head_pipeline"))
			}
		}},
		{name: "merge request with job token", path: "/projects/7/merge_requests/5", header: jobHeader, status: 200},
		{name: "unknown merge request", path: "/projects/7/merge_requests/6", header: pat(patRead), status: 404, body: recordNotFound},
		{name: "merge request pipelines", path: "/projects/7/merge_requests/5/pipelines", header: pat(patRead), status: 200, check: func(t *testing.T, v any) {
			if field(v, 0, "id") != 3.0 || field(v, 1) != nil {
				t.Errorf("pipelines = %v", v)
			}
		}},
		{name: "commit merge requests with job token", path: "/projects/7/repository/commits/" + sha + "/merge_requests", header: jobHeader, status: 200, check: func(t *testing.T, v any) {
			if field(v, 0, "iid") != 5.0 || field(v, 1) != nil {
				t.Errorf("merge requests = %v", v)
			}
		}},
		{name: "unknown commit", path: "/projects/7/repository/commits/feedface/merge_requests", header: pat(patRead), status: 404, body: `{"message":"404 Commit Not Found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			res := send(t, s, method, tt.path, "", tt.header...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d; body %s", res.status, tt.status, res.body)
			}
			if tt.body != "" && res.body != tt.body {
				t.Errorf("body %s, want %s", res.body, tt.body)
			}
			if strings.HasPrefix(res.body, "{") || strings.HasPrefix(res.body, "[") {
				if ct := res.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q for a JSON body", ct)
				}
			}
			if tt.check != nil {
				tt.check(t, decode(t, res.body))
			}
		})
	}
}

// jobID checks the id of a job object.
func jobID(want float64) func(*testing.T, any) {
	return func(t *testing.T, v any) {
		t.Helper()
		if got := field(v, "id"); got != want {
			t.Errorf("id = %v, want %v", got, want)
		}
	}
}

// jobIDs checks the ids of a job list, in order.
func jobIDs(want ...float64) func(*testing.T, any) {
	return func(t *testing.T, v any) {
		t.Helper()
		list, _ := v.([]any)
		var got []float64
		for i := range list {
			id, _ := field(list, i, "id").(float64)
			got = append(got, id)
		}
		if len(got) != len(want) {
			t.Fatalf("ids %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("ids %v, want %v", got, want)
			}
		}
	}
}

func TestInsufficientScopeBodyMatchesGitLab(t *testing.T) {
	// GitLab 16.x answered a read_api token's note POST with a 149-byte body.
	if len(scopeAPIReadAPI) != 149 {
		t.Fatalf("insufficient_scope body is %d bytes, GitLab's was 149", len(scopeAPIReadAPI))
	}
}

func TestTrace(t *testing.T) {
	s := fixture(t, Options{})
	res := send(t, s, "GET", "/projects/group%2Fsub%2Fapp/jobs/43/trace", "", "PRIVATE-TOKEN", patRead, "Accept", "application/json")
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	if got := res.header.Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type %q, want text/plain", got)
	}
	if got := res.header.Get("Content-Disposition"); got != `infile; filename="43.log"` {
		t.Errorf("Content-Disposition %q", got)
	}
	if !strings.Contains(res.body, "make: *** [all] Error 1") {
		t.Errorf("body %q", res.body)
	}
}

func TestTraceGrowsBetweenReads(t *testing.T) {
	s := fixture(t, Options{})
	s.AddJob(Job{ID: 50, ProjectID: 7, PipelineID: 3, Status: "running",
		Trace: GrowingTrace("step 1\n", "step 2\n", "section_start:9:after_script\r\x1b[0K\n")})
	want := []string{
		"step 1\n",
		"step 1\nstep 2\n",
		"step 1\nstep 2\nsection_start:9:after_script\r\x1b[0K\n",
		"step 1\nstep 2\nsection_start:9:after_script\r\x1b[0K\n",
	}
	// A refused read does not count as a read of the log.
	if res := send(t, s, "GET", "/projects/7/jobs/50/trace", "", "JOB-TOKEN", jobRunning); res.status != 401 {
		t.Fatalf("job token read: status %d", res.status)
	}
	for i, w := range want {
		res := send(t, s, "GET", "/projects/7/jobs/50/trace", "", "PRIVATE-TOKEN", patAPI)
		if res.body != w {
			t.Errorf("read %d: %q, want %q", i, res.body, w)
		}
	}
	s.AddJob(Job{ID: 50, ProjectID: 7, PipelineID: 3, Status: "running", Trace: GrowingTrace("a", "b")})
	if res := send(t, s, "GET", "/projects/7/jobs/50/trace", "", "PRIVATE-TOKEN", patAPI); res.body != "a" {
		t.Errorf("after AddJob the count restarts: got %q", res.body)
	}
}

func TestRawFiles(t *testing.T) {
	s := fixture(t, Options{})
	s.AddProject(Project{ID: 9, Path: "other/secret", Private: true, Members: map[string]bool{patAPI: true}})
	tests := []struct {
		name, path, token string
		tokenHeader       string
		status            int
		body              string
	}{
		{"escaped dots, default branch", "/projects/7/repository/files/%2Egitlab-ci%2Eyml/raw", patRead, "PRIVATE-TOKEN", 200, "include: ci/build.yml\n"},
		{"plain dots", "/projects/7/repository/files/.gitlab-ci.yml/raw?ref=main", patRead, "PRIVATE-TOKEN", 200, "include: ci/build.yml\n"},
		{"escaped slash, job token", "/projects/7/repository/files/ci%2Fbuild.yml/raw?ref=" + sha, jobRunning, "JOB-TOKEN", 200, "build:\n  script: make\n"},
		{"escaped slash and dot, project path", "/projects/group%2Fsub%2Fapp/repository/files/ci%2Fbuild%2Eyml/raw?ref=" + sha, patAPI, "PRIVATE-TOKEN", 200, "build:\n  script: make\n"},
		{"read_repository scope", "/projects/7/repository/files/%2Egitlab-ci%2Eyml/raw", patRepo, "PRIVATE-TOKEN", 200, "include: ci/build.yml\n"},
		{"read_user scope", "/projects/7/repository/files/%2Egitlab-ci%2Eyml/raw", patUser, "PRIVATE-TOKEN", 403, scopeWithRepoAPI},
		{"file not at that ref", "/projects/7/repository/files/ci%2Fbuild.yml/raw?ref=main", patRead, "PRIVATE-TOKEN", 404, `{"message":"404 File Not Found"}`},
		{"missing file", "/projects/7/repository/files/nope.yml/raw", patRead, "PRIVATE-TOKEN", 404, `{"message":"404 File Not Found"}`},
		{"unknown ref", "/projects/7/repository/files/%2Egitlab-ci%2Eyml/raw?ref=nope", patRead, "PRIVATE-TOKEN", 404, `{"message":"404 Commit Not Found"}`},
		{"empty ref", "/projects/7/repository/files/%2Egitlab-ci%2Eyml/raw?ref=", patRead, "PRIVATE-TOKEN", 400, `{"error":"ref is empty"}`},
		{"path traversal", "/projects/7/repository/files/..%2Fsecret/raw", patRead, "PRIVATE-TOKEN", 400, `{"error":"file_path should be a valid file path"}`},
		{"unescaped slash", "/projects/7/repository/files/ci/build.yml/raw", patRead, "PRIVATE-TOKEN", 404, routeNotFound},
		{"job token on another private project", "/projects/9/repository/files/x/raw", jobRunning, "JOB-TOKEN", 404, projectNotFound},
		{"job token on a public project", "/projects/8/repository/files/x/raw", jobRunning, "JOB-TOKEN", 404, `{"message":"404 File Not Found"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, s, "GET", tt.path, "", tt.tokenHeader, tt.token)
			if res.status != tt.status || res.body != tt.body {
				t.Fatalf("got %d %q, want %d %q", res.status, res.body, tt.status, tt.body)
			}
			if tt.status == 200 && res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
		})
	}
}
