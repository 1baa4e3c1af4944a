// Package rewrite turns the docker commands of a CI job's script into the
// forms of the platform guide (runners without privileged mode): BuildKit
// rootless (buildctl-daemonless.sh) for `docker build`, crane for registry
// work, the job's own image for `docker run`. It also reads the FROM lines
// of a Dockerfile and the Node.js version of an image, so that the test
// jobs can use the Dockerfile's Node.js.
//
// Everything here is a pure function over strings: the caller reads the
// YAML and the files, and decides how to lay out the edits. The shell
// reading (Words) is deliberately modest: it knows the POSIX quoting and
// operators that CI scripts use, not the whole shell grammar (see Words).
package rewrite
