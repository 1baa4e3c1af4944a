// Package gitlabtest runs a fake GitLab instance for tests: an httptest
// server answering the REST API v4 routes ci-doctor uses with GitLab's
// paths, headers, status codes and JSON error bodies, including its
// authentication rules. It uses the standard library only.
//
// # Use
//
//	s := gitlabtest.New(t, gitlabtest.Options{RelativeRoot: "/gitlab"})
//	s.AddToken("glpat-read", gitlabtest.PersonalToken, "read_api")
//	s.AddGroup(gitlabtest.Group{ID: 2, Path: "group/sub", Private: true})
//	s.AddProject(gitlabtest.Project{ID: 7, Path: "group/sub/app", Private: true})
//	s.AddJob(gitlabtest.Job{ID: 42, ProjectID: 7, PipelineID: 3, Name: "test",
//		Status: "failed", FailureReason: "script_failure", CreatedAt: time.Now(),
//		Trace: gitlabtest.GrowingTrace("line 1\n", "line 2\n")})
//	s.AddJobToken("job-token", 42) // valid while job 42 is "running"
//	s.Fail("GET /projects/:id/jobs/:job_id/trace", gitlabtest.Fault{Status: 429, RetryAfter: "1", Times: 1})
//
// s.WebhookRequest builds a webhook delivery as this GitLab sends it (its
// headers, Idempotency-Key kept across a resend), for tests of a webhook
// receiver.
//
// Point the client at s.URL (like CI_SERVER_URL) or s.APIURL (like
// CI_API_V4_URL); with Options{TLS: true} trust s.CertPEM() or use
// s.Client(). Then assert on what the server saw: s.Notes(7, 5) returns the
// notes posted to merge request !5, s.Requests() every request with its
// route, status and redacted credentials, and Request.TokenInURL flags a
// token that travelled in a URL. s.RouteCount("GET /projects/:id/jobs")
// counts a route's requests and s.InFlightMax() the most answered at once.
//
// For benchmarks, Options{Latency: 50 * time.Millisecond} makes every
// request take a remote instance's round trip (slept in parallel), and
// Options{RateLimit: 600} throttles each user to 600 API requests a
// minute as Rack::Attack does (Options.Now sets the clock it reads).
// AddProject and AddJob stay cheap for thousands of jobs, and job lists
// read a per-project index.
//
// # Routes
//
// All live under <RelativeRoot>/api/v4. :id is a numeric id or the
// URL-encoded full path ("group%2Fsub%2Fapp", "%2E" for "." accepted too);
// matching is on the escaped path, so an unescaped "/" inside a parameter
// does not match, as in GitLab. HEAD is answered like GET.
//
//	GET  /projects/:id                                      project
//	GET  /groups/:id/projects                               projects, paginated, include_subgroups, with_shared, archived, simple, order_by, sort
//	GET  /projects/:id/jobs                                 jobs, scope[]=..., offset pages without_count or keyset (no job token)
//	GET  /projects/:id/jobs/:job_id                         job             (no job token)
//	GET  /projects/:id/jobs/:job_id/trace                   log, text/plain (no job token)
//	GET  /job                                               the job token's job (job token only)
//	GET  /projects/:id/pipelines/:pipeline_id               pipeline
//	GET  /projects/:id/pipelines/:pipeline_id/jobs          jobs, paginated, scope[]=..., include_retried
//	GET  /projects/:id/merge_requests/:iid                  merge request with head_pipeline (job token ok)
//	GET  /projects/:id/merge_requests/:iid/pipelines        pipelines, paginated
//	GET  /projects/:id/repository/commits/:sha/merge_requests  merge requests, paginated (job token ok)
//	GET  /projects/:id/merge_requests/:iid/notes            notes, paginated (job token ok)
//	POST /projects/:id/merge_requests/:iid/notes            201 and the note; needs the api scope
//	PUT  /projects/:id/merge_requests/:iid/notes/:note_id   200; only the note's author
//	GET  /projects/:id/repository/files/:file_path/raw      raw bytes, ?ref= (job token ok)
//
// # Answers
//
//   - No credentials on the jobs, /job and notes routes, or on any write:
//     401 {"message":"401 Unauthorized"}. The other reads are open to
//     anonymous requests on public projects and groups, as GitLab's
//     authenticate_non_get! routes are.
//   - An unknown or wrong-kind token, or a job token whose job is not
//     running, where it is read: 401 {"message":"401 Unauthorized"}.
//   - A job token on a route not open to job tokens (JOB-TOKEN header or
//     job_token parameter) is ignored, so the request is anonymous: 401 on
//     the jobs routes, 404 on a private project elsewhere. As a Bearer
//     token there it is refused with 401.
//   - A token lacking the scope: 403 {"error":"insufficient_scope",
//     "error_description":"The request requires higher privileges than
//     provided by the access token.","scope":"api read_api"}. read_api and
//     read_repository (raw files only) allow reads; writes need api.
//   - A project that is unknown or hidden from the caller: 404
//     {"message":"404 Project Not Found"} (404, not 403, hides private ones);
//     a group: 404 {"message":"404 Group Not Found"}. A private project is
//     readable by its Members (any token when empty) and by the Members of
//     its group, of a group it is shared with, or of their ancestors.
//   - Unknown job, pipeline, merge request or note: 404
//     {"message":"404 Not found"} (ActiveRecord::RecordNotFound); GET /job
//     with another kind of token: 404 {"message":"404 Job Not Found"}; raw
//     file: 404 {"message":"404 Commit Not Found"} for an unknown ref and
//     {"message":"404 File Not Found"} for a missing file.
//   - Someone else's note: 403 {"message":"403 Forbidden"}.
//   - Bad parameters: 400 {"error":"job_id is invalid"}, "scope does not
//     have a valid value", "per_page has a value not allowed", "body is
//     missing", ...; a blank note: 400 {"message":{"note":["can't be
//     blank"]}}.
//   - Unknown route: 404 {"error":"404 Not Found"}; wrong method: 405
//     {"error":"405 Not Allowed"}. Outside the API: an HTML 404.
//   - A trace is text/plain with Content-Disposition: infile;
//     filename="<id>.log"; a job without Trace gives 200 and an empty body.
//   - Lists paginate like GitLab: page, per_page (default 20, max 100),
//     X-Page, X-Per-Page, X-Total, X-Total-Pages, X-Next-Page, X-Prev-Page
//     and a Link header with rel="prev", "next", "first", "last". The
//     project jobs list pages without_count: no X-Total, X-Total-Pages or
//     rel="last", and past an offset of 50,000 a 405 pointing to keyset.
//   - Project jobs: newest first (id DESC), retried jobs included. With
//     pagination=keyset (order_by=id and sort=desc, the only order
//     allowed; others: 405 {"error":"Keyset pagination is not yet
//     available for this type of request"}) the only pagination header is
//     Link rel="next", present while more jobs follow, whose URL carries
//     cursor=<URL-safe base64 of {"id":"<last id>","_kd":"n"}>, GitLab's
//     Gitlab::Pagination::Keyset cursor. Clients should treat it as opaque.
//   - Group projects: the group's own, its subgroups' with
//     include_subgroups=true, its ancestors' with include_ancestor_groups,
//     and (unless with_shared=false) those shared with the group itself;
//     archived=true/false filters, absent lists both. order_by id, name,
//     path, created_at (default; ordered by id, as the API does),
//     updated_at, last_activity_at, similarity, star_count; sort desc by
//     default; id breaks ties. simple=true answers BasicProjectDetails
//     (no visibility, archived or ci_config_path).
//   - Job times are UTC with milliseconds ("2026-12-01T10:02:03.123Z");
//     see Job for their defaults. An erased job's trace is empty (200).
//   - With Options.RateLimit: RateLimit-Name, -Limit, -Observed,
//     -Remaining and -Reset on every API answer; past the limit 429 with
//     Retry-After, RateLimit-ResetTime and "Retry later\n" in text/plain.
//
// Every JSON answer is application/json. Web URLs (web_url) are
// <URL>/<project path>/-/jobs/<id> and the like, relative root included.
//
// # Limits
//
// The data model is small: no users beyond token owners, no roles (a token
// that can see a project can do anything there except edit others' notes),
// no debug-trace permission, no expired or revoked tokens, and files are
// looked up by the exact ref string given to AddFile. Routes not listed
// above answer 404, or 405 when another method of the same path is served.
// The insufficient_scope body lists the scopes GitLab 16.x registered;
// newer releases may add ai_workflows to some routes. Job tokens follow the
// job token documentation: the newest GitLab source also opens the
// pipeline routes and GET /projects/:id/jobs to them, which this server
// does not. Not modelled: the jobs_index application limit (429 with a
// JSON body) and other per-endpoint limits, group visibility, search,
// owned, starred and min_access_level filters on group projects, and
// keyset pages of anything but project jobs. A cursor that does not
// decode answers 500, as an uncaught parse error would in GitLab
// (unverified); keyset per_page is capped at 100 like offset pages.
package gitlabtest
