package gitlabtest

import (
	"strings"
	"testing"
)

// groupFixture adds to fixture's server a public group acme with a private
// subgroup acme/platform (patRead is a member) and a public group other:
//
//	20 acme/web              public
//	21 acme/platform/api     private, Members: patAPI (patRead reads it through the group)
//	22 acme/platform/old     public, archived
//	23 other/lib             public, shared with acme
//	24 acme/platform/deep/x  private, no Members (any valid token)
func groupFixture(t *testing.T, opts Options) *Server {
	t.Helper()
	s := fixture(t, opts)
	s.AddGroup(Group{ID: 100, Path: "acme"})
	s.AddGroup(Group{ID: 101, Path: "acme/platform", Private: true, Members: map[string]bool{patRead: true, patAPI: true}})
	s.AddGroup(Group{ID: 102, Path: "other"})
	s.AddProject(Project{ID: 20, Path: "acme/web"})
	s.AddProject(Project{ID: 21, Path: "acme/platform/api", Private: true, Members: map[string]bool{patAPI: true}})
	s.AddProject(Project{ID: 22, Path: "acme/platform/old", Archived: true})
	s.AddProject(Project{ID: 23, Path: "other/lib", Shared: []string{"acme"}})
	s.AddProject(Project{ID: 24, Path: "acme/platform/deep/x", Private: true})
	return s
}

func TestGroupProjects(t *testing.T) {
	s := groupFixture(t, Options{})
	groupNotFound := `{"message":"404 Group Not Found"}`
	tests := []struct {
		name, path, token string
		status            int
		body              string
		ids               []float64
	}{
		{name: "anonymous: own and shared, newest first", path: "/groups/acme/projects", status: 200, ids: []float64{23, 20}},
		{name: "anonymous with subgroups sees public ones", path: "/groups/acme/projects?include_subgroups=true", status: 200, ids: []float64{23, 22, 20}},
		{name: "fleet query", path: "/groups/acme/projects?include_subgroups=true&with_shared=false&archived=false&order_by=id&sort=asc",
			token: patAPI, status: 200, ids: []float64{20, 21, 24}},
		{name: "group membership opens a private project", path: "/groups/acme%2Fplatform/projects?order_by=id&sort=asc", token: patRead, status: 200, ids: []float64{21, 22}},
		{name: "numeric id", path: "/groups/101/projects", token: patAPI, status: 200, ids: []float64{22, 21}},
		{name: "path is case-insensitive", path: "/groups/ACME/projects", status: 200, ids: []float64{23, 20}},
		{name: "archived only", path: "/groups/acme/projects?include_subgroups=true&archived=true", status: 200, ids: []float64{22}},
		{name: "ancestors", path: "/groups/acme%2Fplatform/projects?include_ancestor_groups=true&with_shared=false", token: patAPI, status: 200, ids: []float64{22, 21, 20}},
		{name: "shared only with the group itself", path: "/groups/acme%2Fplatform/projects?include_subgroups=true", token: patAPI, status: 200, ids: []float64{24, 22, 21}},
		{name: "private group hidden from outsider", path: "/groups/acme%2Fplatform/projects", token: patOutsider, status: 404, body: groupNotFound},
		{name: "by name ascending", path: "/groups/acme/projects?include_subgroups=true&order_by=name&sort=asc", token: patAPI, status: 200, ids: []float64{21, 23, 22, 20, 24}},
		{name: "private group hidden from anonymous", path: "/groups/acme%2Fplatform/projects", status: 404, body: groupNotFound},
		{name: "unknown group", path: "/groups/nope/projects", token: patAPI, status: 404, body: groupNotFound},
		{name: "unescaped slash", path: "/groups/acme/platform/projects", token: patAPI, status: 404, body: routeNotFound},
		{name: "bad order_by", path: "/groups/acme/projects?order_by=stars", status: 400, body: `{"error":"order_by does not have a valid value"}`},
		{name: "bad sort", path: "/groups/acme/projects?sort=up", status: 400, body: `{"error":"sort does not have a valid value"}`},
		{name: "bad archived", path: "/groups/acme/projects?archived=maybe", status: 400, body: `{"error":"archived is invalid"}`},
		{name: "unknown token", path: "/groups/acme/projects", token: "glpat-nope", status: 401, body: unauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.token != "" {
				header = []string{"PRIVATE-TOKEN", tt.token}
			}
			res := send(t, s, "GET", tt.path, "", header...)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d: %s", res.status, tt.status, res.body)
			}
			if tt.body != "" && res.body != tt.body {
				t.Errorf("body %s, want %s", res.body, tt.body)
			}
			if tt.ids != nil {
				jobIDs(tt.ids...)(t, decode(t, res.body)) // any list of objects with ids
			}
		})
	}
}

func TestGroupProjectEntities(t *testing.T) {
	s := groupFixture(t, Options{})
	res := send(t, s, "GET", "/groups/acme%2Fplatform/projects?order_by=id&sort=asc", "", "PRIVATE-TOKEN", patAPI)
	v := decode(t, res.body)
	want := map[string]any{
		"id": 21.0, "path_with_namespace": "acme/platform/api", "default_branch": "main", "archived": false,
		"visibility": "private", "web_url": s.URL + "/acme/platform/api",
	}
	for k, w := range want {
		if got := field(v, 0, k); got != w {
			t.Errorf("%s = %v, want %v", k, got, w)
		}
	}
	if field(v, 1, "archived") != true {
		t.Errorf("project 22 archived = %v", field(v, 1, "archived"))
	}
	if field(v, 0, "namespace", "id") != 101.0 || field(v, 0, "namespace", "parent_id") != 100.0 ||
		field(v, 0, "namespace", "full_path") != "acme/platform" {
		t.Errorf("namespace = %v", field(v, 0, "namespace"))
	}

	res = send(t, s, "GET", "/groups/acme%2Fplatform/projects?simple=true&order_by=id&sort=asc", "", "PRIVATE-TOKEN", patAPI)
	simple, _ := field(decode(t, res.body), 0).(map[string]any)
	for _, k := range []string{"id", "description", "name", "name_with_namespace", "path", "path_with_namespace", "created_at", "default_branch", "web_url", "namespace"} {
		if _, ok := simple[k]; !ok {
			t.Errorf("simple entity lacks %s", k)
		}
	}
	for _, k := range []string{"visibility", "archived", "ci_config_path"} {
		if _, ok := simple[k]; ok {
			t.Errorf("simple entity has %s", k)
		}
	}
}

func TestGroupProjectsPaginate(t *testing.T) {
	s := groupFixture(t, Options{})
	res := send(t, s, "GET", "/groups/acme/projects?include_subgroups=true&per_page=2&order_by=id&sort=asc", "", "PRIVATE-TOKEN", patAPI)
	jobIDs(20, 21)(t, decode(t, res.body))
	for name, want := range map[string]string{"X-Total": "5", "X-Total-Pages": "3", "X-Next-Page": "2"} {
		if got := res.header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	next := "<" + s.APIURL + "/groups/acme/projects?id=acme&include_ancestor_groups=false&include_subgroups=true&order_by=id" +
		"&owned=false&page=2&per_page=2&simple=false&sort=asc&starred=false&with_custom_attributes=false" +
		"&with_issues_enabled=false&with_merge_requests_enabled=false&with_shared=true>; rel=\"next\""
	if link := res.header.Get("Link"); !strings.Contains(link, next) {
		t.Errorf("Link %s\nlacks %s", link, next)
	}
}

func TestGroupMembershipOpensProjectRoutes(t *testing.T) {
	s := groupFixture(t, Options{})
	s.AddProject(Project{ID: 25, Path: "other/secret", Private: true, Members: map[string]bool{patAPI: true}, Shared: []string{"acme/platform"}})
	for _, tt := range []struct {
		path, token string
		status      int
	}{
		{"/projects/21", patRead, 200},     // member of acme/platform
		{"/projects/25", patRead, 200},     // shared with acme/platform
		{"/projects/21", patOutsider, 404}, // member of nothing
	} {
		if res := send(t, s, "GET", tt.path, "", "PRIVATE-TOKEN", tt.token); res.status != tt.status {
			t.Errorf("%s as %s: %d, want %d", tt.path, tt.token, res.status, tt.status)
		}
	}
}
