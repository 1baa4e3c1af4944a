package gitlabtest

import (
	"net/url"
	"path"
	"strings"
)

// namespaceJSON is Entities::NamespaceBasic.
type namespaceJSON struct {
	ID        int64   `json:"id"`
	Name      string  `json:"name"`
	Path      string  `json:"path"`
	Kind      string  `json:"kind"`
	FullPath  string  `json:"full_path"`
	ParentID  *int64  `json:"parent_id"`
	AvatarURL *string `json:"avatar_url"`
	WebURL    string  `json:"web_url"`
}

// namespaceJSON describes the group at fullPath; a namespace never added
// with AddGroup gets an id derived from the project's, so that projects
// need no group to be served.
func (s *Server) namespaceJSON(fullPath string, projectID int64) namespaceJSON {
	out := namespaceJSON{
		ID: projectID * 10, Name: path.Base(fullPath), Path: path.Base(fullPath), Kind: "group",
		FullPath: fullPath, WebURL: s.URL + "/groups/" + fullPath,
	}
	if g := s.groupPaths[strings.ToLower(fullPath)]; g != nil {
		out.ID = g.ID
		if parent := s.groupPaths[strings.ToLower(path.Dir(fullPath))]; parent != nil {
			out.ParentID = &parent.ID
		}
	}
	return out
}

// projectBasicJSON is Entities::BasicProjectDetails (ProjectIdentity and
// the basic details), what simple=true lists show.
type projectBasicJSON struct {
	ID                int64         `json:"id"`
	Description       *string       `json:"description"`
	Name              string        `json:"name"`
	NameWithNamespace string        `json:"name_with_namespace"`
	Path              string        `json:"path"`
	PathWithNamespace string        `json:"path_with_namespace"`
	CreatedAt         string        `json:"created_at"`
	DefaultBranch     string        `json:"default_branch"`
	TagList           []string      `json:"tag_list"`
	Topics            []string      `json:"topics"`
	SSHURLToRepo      string        `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string        `json:"http_url_to_repo"`
	WebURL            string        `json:"web_url"`
	ForksCount        int           `json:"forks_count"`
	AvatarURL         *string       `json:"avatar_url"`
	StarCount         int           `json:"star_count"`
	LastActivityAt    string        `json:"last_activity_at"`
	Namespace         namespaceJSON `json:"namespace"`
}

// projectJSON is Entities::Project, as GET /projects/:id and full group
// project lists show it.
type projectJSON struct {
	projectBasicJSON
	UpdatedAt    string  `json:"updated_at"`
	Visibility   string  `json:"visibility"`
	Archived     bool    `json:"archived"`
	CIConfigPath *string `json:"ci_config_path"`
}

// Project times are derived from the id, so that ordering by created_at,
// updated_at or last_activity_at agrees with ordering by id.
func (s *Server) projectBasicJSON(p *Project) projectBasicJSON {
	host := ""
	if u, err := url.Parse(s.URL); err == nil {
		host = u.Hostname()
	}
	return projectBasicJSON{
		ID:                p.ID,
		Name:              path.Base(p.Path),
		NameWithNamespace: strings.ReplaceAll(p.Path, "/", " / "),
		Path:              path.Base(p.Path),
		PathWithNamespace: p.Path,
		CreatedAt:         timestamp(p.ID),
		DefaultBranch:     p.DefaultBranch,
		TagList:           []string{},
		Topics:            []string{},
		SSHURLToRepo:      "git@" + host + ":" + p.Path + ".git",
		HTTPURLToRepo:     s.projectURL(p) + ".git",
		WebURL:            s.projectURL(p),
		LastActivityAt:    timestamp(p.ID + 60),
		Namespace:         s.namespaceJSON(path.Dir(p.Path), p.ID),
	}
}

func (s *Server) projectJSON(p *Project) projectJSON {
	visibility := "public"
	if p.Private {
		visibility = "private"
	}
	var ciConfig *string
	if p.CIConfigPath != "" {
		ciConfig = &p.CIConfigPath
	}
	return projectJSON{
		projectBasicJSON: s.projectBasicJSON(p),
		UpdatedAt:        timestamp(p.ID + 60),
		Visibility:       visibility,
		Archived:         p.Archived,
		CIConfigPath:     ciConfig,
	}
}
