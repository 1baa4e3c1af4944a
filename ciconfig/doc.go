// Package ciconfig reads a project's GitLab CI configuration the way GitLab
// does (local includes, extends, default, the deprecated globals, anchors,
// aliases, merge keys and !reference) while keeping, for every value, the
// file and line where its text really lives: an edit to a value that comes
// from an anchor or an included file must land there, not in the job that
// uses it.
//
// It reads files from a directory; it never fetches anything. Includes of
// other projects, remote URLs, templates and components are recorded as
// External, so that callers can name them as the origin of a setting; a
// component of the project itself ($CI_SERVER_FQDN/$CI_PROJECT_PATH/name@...)
// is its checkout's templates/ file, and is read like a local include.
package ciconfig
