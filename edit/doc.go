// Package edit represents the changes ci-doctor proposes to text files
// (.gitlab-ci.yml, Dockerfile) as line edits, applies them, prints them as a
// unified diff and writes the result back safely.
//
// An Edit carries the text it expects to replace, so a file that changed
// since it was read is refused instead of being edited at the wrong place.
// Apply and Patch share one edit script, so the patch that `git apply`
// accepts gives exactly the bytes Apply returns. Line endings are kept: a
// CRLF file stays CRLF, a file without a final newline stays without one,
// and lines no edit touches are copied byte for byte.
package edit
