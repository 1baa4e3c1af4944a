package gitlabapi

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Auth is the credential ci-doctor will use, and where it came from.
type Auth struct {
	// Token is a personal, project, group or OAuth access token, sent as
	// PRIVATE-TOKEN. Empty when none was found.
	Token string
	// Source names where the token came from ("GITLAB_TOKEN", a glab
	// config file), never the token itself.
	Source string
	// JobToken is $CI_JOB_TOKEN: it can read repository files but not
	// job logs, so it is only used for files.
	JobToken string
}

// tokenVars are read in glab's order; the first one set wins.
var tokenVars = []string{"GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "OAUTH_TOKEN"}

// hostVars are glab's host settings, first one set wins.
var hostVars = []string{"GITLAB_HOST", "GITLAB_URI", "GL_HOST"}

// DefaultBase is the instance to use when a command names none: glab's
// host variables, else $CI_SERVER_URL inside a job. Empty when none is set.
func DefaultBase(getenv func(string) string) string {
	for _, v := range hostVars {
		if h := getenv(v); h != "" {
			return NormalizeBase(h)
		}
	}
	return NormalizeBase(getenv("CI_SERVER_URL"))
}

// KnownBases are the web roots the user configured, to split URLs of
// instances with a relative root.
func KnownBases(getenv func(string) string) []string {
	var out []string
	for _, v := range append(hostVars, "CI_SERVER_URL") {
		if h := getenv(v); h != "" {
			out = append(out, NormalizeBase(h))
		}
	}
	return out
}

// ResolveAuth finds the token for an instance the way glab does:
// GITLAB_TOKEN, GITLAB_ACCESS_TOKEN, OAUTH_TOKEN, then glab's config file
// (hosts.<host>.token). $CI_JOB_TOKEN is kept apart.
func ResolveAuth(getenv func(string) string, base string) Auth {
	a := Auth{JobToken: getenv("CI_JOB_TOKEN")}
	for _, v := range tokenVars {
		if t := getenv(v); t != "" {
			a.Token, a.Source = t, v
			return a
		}
	}
	path := glabConfig(getenv)
	if path == "" {
		return a
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return a
	}
	var cfg struct {
		Hosts map[string]struct {
			Token string `yaml:"token"`
		} `yaml:"hosts"`
	}
	if yaml.Unmarshal(data, &cfg) != nil {
		return a
	}
	u, err := url.Parse(base)
	if err != nil {
		return a
	}
	// glab keys hosts by name, with the relative root when there is one.
	for _, key := range []string{strings.TrimSuffix(u.Host+u.Path, "/"), u.Host, u.Hostname()} {
		if h, ok := cfg.Hosts[key]; ok && h.Token != "" {
			a.Token, a.Source = h.Token, "glab config "+path
			return a
		}
	}
	return a
}

// glabConfig finds glab's config file: $GLAB_CONFIG_DIR alone when set,
// else the legacy ~/.config/glab-cli, else $XDG_CONFIG_HOME/glab-cli.
func glabConfig(getenv func(string) string) string {
	if dir := getenv("GLAB_CONFIG_DIR"); dir != "" {
		return filepath.Join(dir, "config.yml")
	}
	var candidates []string
	if home := getenv("HOME"); home != "" {
		candidates = append(candidates, filepath.Join(home, ".config", "glab-cli", "config.yml"))
	}
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
		candidates = append(candidates, filepath.Join(xdg, "glab-cli", "config.yml"))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	return ""
}
