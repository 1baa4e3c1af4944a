package gitlabapi

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Kind is what a target names.
type Kind string

// The kinds of target.
const (
	KindJob          Kind = "job"
	KindPipeline     Kind = "pipeline"
	KindMergeRequest Kind = "merge_request"
)

// Target is a job, pipeline or merge request of a project on an instance.
type Target struct {
	// Base is the instance's web root: scheme://host[:port][/relative-root].
	Base string
	// Project is the project's full path (group/sub/app) or numeric id.
	Project string
	Kind    Kind
	ID      int64
}

// targetPath matches what follows the host in a GitLab web URL:
// .../<project>/-/jobs/123, with the "-/" optional as in old links.
var targetPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/(.+?)/(?:-/)?(jobs|pipelines|merge_requests)/(\d+)(?:/.*)?$`)
})

var kinds = map[string]Kind{"jobs": KindJob, "pipelines": KindPipeline, "merge_requests": KindMergeRequest}

// IsURL reports whether an argument is a web URL rather than a file name.
func IsURL(arg string) bool {
	return strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://")
}

// ParseURL reads a job, pipeline or merge-request URL. From the URL alone
// the instance's relative root and the project's groups cannot be told
// apart (https://example.com/gitlab/group/app/-/jobs/1), so it returns
// every split, most likely first: after a known base (the configured
// host, $CI_SERVER_URL) when the URL starts with one, else with no
// relative root first. Resolve picks the one the API knows.
func ParseURL(raw string, knownBases ...string) ([]Target, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%q is not a GitLab URL (want https://host/group/project/-/jobs/ID, .../-/pipelines/ID or .../-/merge_requests/IID)", raw)
	}
	m := targetPath().FindStringSubmatch(u.Path)
	if m == nil {
		return nil, fmt.Errorf("%q names no job, pipeline or merge request (want .../-/jobs/ID, .../-/pipelines/ID or .../-/merge_requests/IID)", raw)
	}
	id, err := strconv.ParseInt(m[3], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q: id %s is out of range", raw, m[3])
	}
	host := u.Scheme + "://" + u.Host
	segments := strings.Split(m[1], "/")
	var out []Target
	for _, base := range knownBases {
		b, err := url.Parse(NormalizeBase(base))
		if err != nil || b.Host != u.Host {
			continue
		}
		prefix := strings.Trim(b.Path, "/")
		if prefix == "" || strings.HasPrefix(m[1], prefix+"/") {
			project := strings.TrimPrefix(strings.TrimPrefix(m[1], prefix), "/")
			if strings.Contains(project, "/") {
				return []Target{{Base: strings.TrimRight(host+"/"+prefix, "/"), Project: project, Kind: kinds[m[2]], ID: id}}, nil
			}
		}
	}
	// A project path has at least a namespace and a name.
	for k := 0; k <= len(segments)-2; k++ {
		base := host
		if k > 0 {
			base += "/" + strings.Join(segments[:k], "/")
		}
		out = append(out, Target{Base: base, Project: strings.Join(segments[k:], "/"), Kind: kinds[m[2]], ID: id})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: %q is not a project path (want group/project)", raw, m[1])
	}
	return out, nil
}

// APIURL is the REST API's base URL for an instance's web root.
func APIURL(base string) string { return strings.TrimRight(base, "/") + "/api/v4/" }

// NormalizeBase turns a host setting (gitlab.example.com,
// example.com/gitlab, https://gitlab.example.com/) into a web root with a
// scheme and no trailing slash; https when no scheme is given, as glab does.
func NormalizeBase(host string) string {
	host = strings.TrimRight(strings.TrimSpace(host), "/")
	if host != "" && !strings.Contains(host, "://") {
		host = "https://" + host
	}
	return host
}
