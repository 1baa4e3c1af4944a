// Package signatures holds ci-doctor's database of known CI failures: the
// built-in signatures embedded from builtin/*.yaml, the loader that reads them
// and users' own folders, and the validation that rejects a bad signature with
// its file and line before it can mislead a diagnosis.
//
// A Signature is plain data. Matching it against a log is the diagnose
// package's job; this package only guarantees that every pattern compiles and
// carries a literal the matcher can scan for (see FORMAT.md).
package signatures

//go:generate go run ../internal/gendocs ../README.md
