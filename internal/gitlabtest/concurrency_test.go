package gitlabtest

import (
	"strconv"
	"sync"
	"testing"
)

// TestConcurrentUse is meant for -race: data changes while requests run.
func TestConcurrentUse(t *testing.T) {
	s := fixture(t, Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				id := int64(1000 + i*100 + j)
				s.AddJob(Job{ID: id, ProjectID: 7, PipelineID: 3, Status: "failed", Trace: FixedTrace("log")})
				send(t, s, "GET", "/projects/7/jobs/"+strconv.FormatInt(id, 10)+"/trace", "", "PRIVATE-TOKEN", patAPI)
				send(t, s, "POST", notesPath, `{"body":"n"}`, "PRIVATE-TOKEN", patAPI, "Content-Type", "application/json")
				s.Notes(7, 5)
				s.Requests()
			}
		})
	}
	wg.Wait()
	if got := len(s.Notes(7, 5)); got != 80 {
		t.Errorf("%d notes, want 80", got)
	}
	seen := map[int64]bool{}
	for _, n := range s.Notes(7, 5) {
		if seen[n.ID] {
			t.Fatalf("note id %d given twice", n.ID)
		}
		seen[n.ID] = true
	}
}
