package main

import (
	"bytes"
	"os"
	"testing"
)

// TestTableIsCurrent fails when builtin_table.go is not what the YAML files
// generate: someone edited a signature and did not run go generate.
func TestTableIsCurrent(t *testing.T) {
	// The labels of the files ("builtin/x.yaml") come from the folder's
	// name as given, so generate from the signatures folder, as go generate does.
	t.Chdir("../..")
	want, err := generate("builtin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("builtin_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("signatures/builtin_table.go is out of date: run go generate ./... and commit it")
	}
}
