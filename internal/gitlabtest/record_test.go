package gitlabtest

import (
	"testing"
)

func TestRequestsAreRecordedRedacted(t *testing.T) {
	s := fixture(t, Options{})
	send(t, s, "GET", "/projects/group%2Fsub%2Fapp/jobs/43/trace", "", "PRIVATE-TOKEN", patAPI)
	send(t, s, "GET", "/job", "", "Authorization", "Bearer "+jobRunning)
	send(t, s, "GET", "/job?job_token="+jobRunning, "")
	send(t, s, "GET", "/projects/7?private_token="+patAPI+"&statistics=true", "")
	send(t, s, "POST", notesPath, `{"body":"hi"}`, "JOB-TOKEN", jobRunning, "Content-Type", "application/json")
	send(t, s, "GET", "/nowhere", "")

	reqs := s.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests recorded, want 6", len(reqs))
	}
	tests := []struct {
		path, route string
		status      int
		tokenInURL  bool
		header      string
	}{
		{"/api/v4/projects/group%2Fsub%2Fapp/jobs/43/trace", "GET /projects/:id/jobs/:job_id/trace", 200, false, "Private-Token"},
		{"/api/v4/job", "GET /job", 200, false, "Authorization"},
		{"/api/v4/job", "GET /job", 200, true, ""},
		{"/api/v4/projects/7", "GET /projects/:id", 200, true, ""},
		{"/api/v4/projects/7/merge_requests/5/notes", "POST /projects/:id/merge_requests/:noteable_id/notes", 401, false, "Job-Token"},
		{"/api/v4/nowhere", "", 404, false, ""},
	}
	for i, tt := range tests {
		r := reqs[i]
		if r.Path != tt.path || r.Route != tt.route || r.Status != tt.status || r.TokenInURL != tt.tokenInURL {
			t.Errorf("request %d = %s %s route %q status %d tokenInURL %v; want %s %q %d %v",
				i, r.Method, r.Path, r.Route, r.Status, r.TokenInURL, tt.path, tt.route, tt.status, tt.tokenInURL)
		}
		if tt.header != "" && r.Header.Get(tt.header) != Redacted {
			t.Errorf("request %d: %s = %q, want %q", i, tt.header, r.Header.Get(tt.header), Redacted)
		}
		for _, vs := range r.Query {
			for _, v := range vs {
				if v == patAPI || v == jobRunning {
					t.Errorf("request %d: token left in query %v", i, r.Query)
				}
			}
		}
	}
	if reqs[3].Query.Get("statistics") != "true" || reqs[3].Query.Get("private_token") != Redacted {
		t.Errorf("query %v", reqs[3].Query)
	}
	if reqs[4].Body != `{"body":"hi"}` {
		t.Errorf("body %q", reqs[4].Body)
	}
}

func TestTokenInPathIsFlagged(t *testing.T) {
	s := fixture(t, Options{})
	send(t, s, "GET", "/projects/"+patAPI, "")
	r := s.Requests()[0]
	if !r.TokenInURL || r.Path != "/api/v4/projects/"+Redacted {
		t.Errorf("path %q tokenInURL %v", r.Path, r.TokenInURL)
	}
}
