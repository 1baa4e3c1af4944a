// Package lint finds, in a GitLab CI configuration, the mistakes that fail
// on runners without privileged mode (the platform guide's "What not to do"
// table and the common errors) before a pipeline runs, each with its
// position and, where it is safe, the edits that fix it.
//
// The same rules serve `ci-doctor diagnose`: a failure recognised in a log
// names the rules whose edits fix it.
package lint
