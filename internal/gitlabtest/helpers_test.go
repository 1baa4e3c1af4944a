package gitlabtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Tokens of the fixture; their names say what they may do.
const (
	patAPI      = "glpat-api-aaaaaaaaaaaa"
	patRead     = "glpat-read-bbbbbbbbbbb"
	patRepo     = "glpat-repo-ccccccccccc"
	patUser     = "glpat-user-ddddddddddd"
	patOutsider = "glpat-outsider-eeeeeee"
	oauthAPI    = "oauth-api-ffffffffffff"
	jobRunning  = "job-running-gggggggggg"
	jobDone     = "job-done-hhhhhhhhhhhhh"
	sha         = "0123456789abcdef0123456789abcdef01234567"
)

// fixture returns a server holding a private project 7 (group/sub/app)
// with a pipeline, jobs, a merge request and files, and a public project 8
// (group/public.site).
func fixture(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(t, opts)
	s.AddToken(patAPI, PersonalToken, "api")
	s.AddToken(patRead, PersonalToken, "read_api")
	s.AddToken(patRepo, PersonalToken, "read_repository")
	s.AddToken(patUser, PersonalToken, "read_user")
	s.AddToken(patOutsider, PersonalToken)
	s.AddToken(oauthAPI, OAuthToken, "api")
	s.AddJobToken(jobRunning, 42)
	s.AddJobToken(jobDone, 43)
	s.AddProject(Project{
		ID: 7, Path: "group/sub/app", CIConfigPath: "ci/main.yml", Private: true,
		Members: map[string]bool{patAPI: true, patRead: true, patRepo: true, patUser: true, oauthAPI: true},
	})
	s.AddProject(Project{ID: 8, Path: "group/public.site"})
	s.AddPipeline(Pipeline{ID: 3, ProjectID: 7, SHA: sha, Ref: "feature", Status: "failed"})
	s.AddJob(Job{ID: 42, ProjectID: 7, PipelineID: 3, Name: "report", Stage: "test", Status: "running", Ref: "feature", SHA: sha})
	s.AddJob(Job{
		ID: 43, ProjectID: 7, PipelineID: 3, Name: "build", Stage: "build", Status: "failed",
		FailureReason: "script_failure", Ref: "feature", SHA: sha, TagList: []string{"k8s"}, User: "alice",
		Trace: FixedTrace("\x1b[0Ksection_start:1:step_script\r\x1b[0Kmake: *** [all] Error 1\n"),
	})
	s.AddJob(Job{ID: 44, ProjectID: 7, PipelineID: 3, Name: "lint", Stage: "test", Status: "success", Ref: "feature", SHA: sha})
	s.AddMergeRequest(MergeRequest{IID: 5, ProjectID: 7, HeadPipelineID: 3, Title: "Fix", SourceBranch: "feature", SHA: sha})
	s.AddFile(7, "main", ".gitlab-ci.yml", []byte("include: ci/build.yml\n"))
	s.AddFile(7, sha, "ci/build.yml", []byte("build:\n  script: make\n"))
	return s
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   string
}

// send makes a request; a target starting with "/" is taken under
// s.APIURL. header lists names and values in turn.
func send(t *testing.T, s *Server, method, target, body string, header ...string) response {
	t.Helper()
	if strings.HasPrefix(target, "/") {
		target = s.APIURL + target
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// decode parses a JSON body into a generic value.
func decode(t *testing.T, body string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
	return v
}

// field follows keys (object keys or array indexes as ints) into v.
func field(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}
