package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"4194304", 4 << 20, true},
		{"4MiB", 4 << 20, true},
		{"100M", 100 << 20, true},
		{"1GiB", 1 << 30, true},
		{"64KiB", 64 << 10, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"4 MiB", 0, false},
		{"4MB", 0, false},
		{"", 0, false},
	} {
		got, err := parseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "job.log")
	if err := run([]string{"-size", "64KiB", "-timestamps=false", "-o", file}, nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 64<<10 || !bytes.Contains(data, []byte("Cannot connect to the Docker daemon")) {
		t.Errorf("wrote %d bytes, failure present: %v", len(data), bytes.Contains(data, []byte("Cannot connect")))
	}
	var out bytes.Buffer
	if err := run([]string{"-size", "1KiB", "-failure", ""}, &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("Job succeeded")) {
		t.Errorf("a log without failure does not succeed:\n%s", out.String())
	}
}
