// Package signatures holds ci-doctor's database of known CI failures: the
// built-in signatures, the loader that reads users' own folders, and the
// validation that rejects a bad signature with its file and line before it
// can mislead a diagnosis.
//
// The built-in signatures are written as YAML in builtin/*.yaml, one file
// each (see FORMAT.md). `go generate` loads and validates them with the same
// loader and compiles them into builtin_table.go, so the binary starts with
// the database ready instead of decoding YAML on every run; a test fails
// when the table and the YAML files disagree.
//
// A Signature is plain data. Matching it against a log is the diagnose
// package's job; this package only guarantees that every pattern compiles and
// carries a literal the matcher can scan for.
package signatures

//go:generate go run ./internal/gentable builtin builtin_table.go
//go:generate go run ../internal/gendocs ../README.md
