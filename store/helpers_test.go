package store

import (
	"context"
	"testing"
	"time"
)

// openT opens dsn, closing it when the test ends.
func openT(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// day is a fixed time the tests count from.
var day = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// diagnosis is a diagnosis of job id in project 7 of gitlab.example.com,
// failed hours after day.
func diagnosis(id int64, hours int) Diagnosis {
	return Diagnosis{
		Host: "https://gitlab.example.com", ProjectID: 7, JobID: id, Project: "group/app",
		JobName: "test", Stage: "test", Ref: "main", PipelineID: 100, WebURL: "https://gitlab.example.com/group/app/-/jobs/1",
		FailedAt: day.Add(time.Duration(hours) * time.Hour), FailureReason: "script_failure",
		CauseID: "go-test-failed", CauseTitle: "go test failed", Evidence: "--- FAIL: TestX",
		ToolVersion: "v1.0.0", SignaturesVersion: "sig1", DiagnosedAt: day.Add(48 * time.Hour),
	}
}

// collect returns what Diagnoses yields for f.
func collect(t *testing.T, s *Store, f Filter) []Diagnosis {
	t.Helper()
	var got []Diagnosis
	if err := s.Diagnoses(context.Background(), f, func(d Diagnosis) error {
		got = append(got, d)
		return nil
	}); err != nil {
		t.Fatalf("Diagnoses: %v", err)
	}
	return got
}

// jobIDs lists the job ids of ds, in order.
func jobIDs(ds []Diagnosis) []int64 {
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.JobID
	}
	return ids
}
