package gitlabtest

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const notesPath = "/projects/7/merge_requests/5/notes"

func TestCreateNote(t *testing.T) {
	s := fixture(t, Options{})
	s.SetUsername(patAPI, "ci-doctor-bot")
	jsonBody := []string{"Content-Type", "application/json"}
	form := []string{"Content-Type", "application/x-www-form-urlencoded"}
	tests := []struct {
		name   string
		path   string
		body   string
		header []string
		status int
		want   string // exact body, when set
	}{
		{name: "json body", body: `{"body":"from json"}`, header: append([]string{"PRIVATE-TOKEN", patAPI}, jsonBody...), status: 201},
		{name: "form body", body: "body=" + url.QueryEscape("from form"), header: append([]string{"PRIVATE-TOKEN", patAPI}, form...), status: 201},
		{name: "query body", path: notesPath + "?body=from+query", header: []string{"PRIVATE-TOKEN", patAPI}, status: 201},
		{name: "oauth token", body: `{"body":"from oauth"}`, header: append([]string{"Authorization", "Bearer " + oauthAPI}, jsonBody...), status: 201},
		{name: "read_api token", body: `{"body":"x"}`, header: append([]string{"PRIVATE-TOKEN", patRead}, jsonBody...), status: 403, want: scopeAPIReadAPI},
		{name: "job token", body: `{"body":"x"}`, header: append([]string{"JOB-TOKEN", jobRunning}, jsonBody...), status: 401, want: unauthorized},
		{name: "job token as bearer", body: `{"body":"x"}`, header: append([]string{"Authorization", "Bearer " + jobRunning}, jsonBody...), status: 401, want: unauthorized},
		{name: "anonymous", body: `{"body":"x"}`, header: jsonBody, status: 401, want: unauthorized},
		{name: "missing body", body: `{}`, header: append([]string{"PRIVATE-TOKEN", patAPI}, jsonBody...), status: 400, want: `{"error":"body is missing"}`},
		{name: "blank body", body: `{"body":"  "}`, header: append([]string{"PRIVATE-TOKEN", patAPI}, jsonBody...), status: 400, want: `{"message":{"note":["can't be blank"]}}`},
		{name: "body too long", body: `{"body":"` + strings.Repeat("x", maxNoteLength+1) + `"}`, header: append([]string{"PRIVATE-TOKEN", patAPI}, jsonBody...), status: 400, want: `{"message":{"note":["is too long (maximum is 1000000 characters)"]}}`},
		{name: "unknown merge request", path: "/projects/7/merge_requests/6/notes", body: `{"body":"x"}`, header: append([]string{"PRIVATE-TOKEN", patAPI}, jsonBody...), status: 404, want: recordNotFound},
		{name: "hidden project", body: `{"body":"x"}`, header: append([]string{"PRIVATE-TOKEN", patOutsider}, jsonBody...), status: 404, want: projectNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = notesPath
			}
			res := send(t, s, "POST", path, tt.body, tt.header...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.want != "" && res.body != tt.want {
				t.Errorf("body %s, want %s", res.body, tt.want)
			}
		})
	}

	var bodies, authors []string
	for _, n := range s.Notes(7, 5) {
		bodies, authors = append(bodies, n.Body), append(authors, n.Author)
	}
	if got, want := strings.Join(bodies, "|"), "from json|from form|from query|from oauth"; got != want {
		t.Errorf("stored bodies %q, want %q", got, want)
	}
	if authors[0] != "ci-doctor-bot" || authors[3] == "ci-doctor-bot" {
		t.Errorf("authors %v", authors)
	}
}

func TestCreatedNoteJSON(t *testing.T) {
	s := fixture(t, Options{})
	res := send(t, s, "POST", notesPath, `{"body":"hello"}`, "PRIVATE-TOKEN", patAPI, "Content-Type", "application/json")
	if res.status != 201 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	v := decode(t, res.body)
	want := map[string]any{"id": 1.0, "body": "hello", "noteable_type": "MergeRequest", "noteable_iid": 5.0,
		"noteable_id": 7005.0, "project_id": 7.0, "system": false}
	for k, w := range want {
		if got := field(v, k); got != w {
			t.Errorf("%s = %v, want %v", k, got, w)
		}
	}
	if got := field(v, "author", "username"); got != "user1" {
		t.Errorf("author.username = %v, want user1 (the first token's user)", got)
	}
}

func TestListAndUpdateNotes(t *testing.T) {
	s := fixture(t, Options{})
	s.SetUsername(patAPI, "bot")
	old := s.AddNote(7, 5, "old report <!-- ci-doctor -->", "bot")
	other := s.AddNote(7, 5, "a human comment", "alice")
	list := func(query string, header ...string) []string {
		t.Helper()
		res := send(t, s, "GET", notesPath+query, "", header...)
		if res.status != 200 {
			t.Fatalf("list: status %d: %s", res.status, res.body)
		}
		var out []string
		for _, n := range decode(t, res.body).([]any) {
			out = append(out, field(n, "body").(string))
		}
		return out
	}
	if got := list("", "JOB-TOKEN", jobRunning); len(got) != 2 || got[0] != "a human comment" {
		t.Errorf("job token list, newest first: %q", got)
	}
	if got := list("?sort=asc", "PRIVATE-TOKEN", patRead); got[0] != old.Body {
		t.Errorf("sort=asc: %q", got)
	}
	if res := send(t, s, "GET", notesPath, ""); res.status != 401 || res.body != unauthorized {
		t.Errorf("anonymous list: %d %s", res.status, res.body)
	}
	if res := send(t, s, "GET", notesPath+"?sort=up", "", "PRIVATE-TOKEN", patRead); res.status != 400 ||
		res.body != `{"error":"sort does not have a valid value"}` {
		t.Errorf("bad sort: %d %s", res.status, res.body)
	}

	update := func(id int64, body string, header ...string) response {
		t.Helper()
		path := notesPath + "/" + strconv.FormatInt(id, 10)
		return send(t, s, "PUT", path, body, append(header, "Content-Type", "application/json")...)
	}
	tests := []struct {
		name   string
		id     int64
		body   string
		header []string
		status int
		want   string
	}{
		{"someone else's note", other.ID, `{"body":"x"}`, []string{"PRIVATE-TOKEN", patAPI}, 403, `{"message":"403 Forbidden"}`},
		{"unknown note", 999, `{"body":"x"}`, []string{"PRIVATE-TOKEN", patAPI}, 404, recordNotFound},
		{"empty body", old.ID, `{"body":""}`, []string{"PRIVATE-TOKEN", patAPI}, 400, `{"error":"body is empty"}`},
		{"read_api token", old.ID, `{"body":"x"}`, []string{"PRIVATE-TOKEN", patRead}, 403, scopeAPIReadAPI},
		{"job token", old.ID, `{"body":"x"}`, []string{"JOB-TOKEN", jobRunning}, 401, unauthorized},
		{"own note", old.ID, `{"body":"new report <!-- ci-doctor -->"}`, []string{"PRIVATE-TOKEN", patAPI}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := update(tt.id, tt.body, tt.header...)
			if res.status != tt.status || tt.want != "" && res.body != tt.want {
				t.Fatalf("got %d %s, want %d %s", res.status, res.body, tt.status, tt.want)
			}
		})
	}

	notes := s.Notes(7, 5)
	if len(notes) != 2 || notes[0].Body != "new report <!-- ci-doctor -->" || notes[0].ID != old.ID {
		t.Errorf("stored notes after update: %+v", notes)
	}
	if got := list("?order_by=updated_at", "PRIVATE-TOKEN", patRead); got[0] != notes[0].Body {
		t.Errorf("order_by=updated_at puts the updated note first: %q", got)
	}
}
