package main

import (
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
)

func TestProgressLine(t *testing.T) {
	for _, tt := range []struct {
		c       fleet.Counts
		elapsed time.Duration
		want    string
	}{
		{fleet.Counts{Projects: 200}, 0, "projects 0/200, new jobs diagnosed 0/0"},
		{fleet.Counts{Projects: 200, ProjectsDone: 12, New: 340, Diagnosed: 100}, 10 * time.Second, "projects 12/200, new jobs diagnosed 100/340, 10.0 jobs/s"},
		{fleet.Counts{Projects: 200, ProjectsDone: 200, New: 340, Diagnosed: 100}, 10 * time.Second, "projects 200/200, new jobs diagnosed 100/340, 10.0 jobs/s, 24s left"},
	} {
		if got := progressLine(tt.c, tt.elapsed); got != tt.want {
			t.Errorf("progressLine(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}
