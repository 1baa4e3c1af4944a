package store

import (
	"context"
	"errors"
	"fmt"
	"github.com/ci-doctor/ci-doctor/store/storetest"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestDiagnosisRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		paris, _ := time.LoadLocation("Europe/Paris")
		full := Diagnosis{
			Host: "https://gitlab.example.com", ProjectID: 1 << 40, JobID: 1<<53 + 1, Project: "group/sub/app",
			JobName: "unit: [go 1.26]", Stage: "test", Ref: "feature/ü", PipelineID: 1<<40 + 5,
			WebURL: "https://gitlab.example.com/group/sub/app/-/jobs/9007199254740993",
			// A zone and nanoseconds: stored as UTC microseconds.
			FailedAt:      time.Date(2026, 3, 14, 15, 9, 26, 535897932, paris),
			FailureReason: "script_failure", CauseID: "", CauseTitle: "",
			Evidence: "error: 'quote' \"double\" \\ and\ttab", TemplateID: "t-1a2b", Template: "error: <*> failed",
			Note: "log over 100 MiB, first part read", ToolVersion: "v1.2.3", SignaturesVersion: "sha256:abc",
			DiagnosedAt: time.Date(2026, 3, 15, 0, 0, 0, 1000, time.UTC),
		}
		zero := Diagnosis{Host: full.Host, ProjectID: 2, JobID: 3}
		if err := s.PutDiagnoses(ctx, []Diagnosis{full, zero}); err != nil {
			t.Fatal(err)
		}
		want := full
		want.FailedAt = time.Date(2026, 3, 14, 14, 9, 26, 535897000, time.UTC)
		got := collect(t, s, Filter{Host: full.Host})
		if len(got) != 2 {
			t.Fatalf("got %d diagnoses, want 2", len(got))
		}
		// The zero one failed at the zero time, so it comes first.
		if !reflect.DeepEqual(got[0], zero) {
			t.Errorf("zero values:\n got  %+v\n want %+v", got[0], zero)
		}
		if !reflect.DeepEqual(got[1], want) {
			t.Errorf("all fields:\n got  %+v\n want %+v", got[1], want)
		}
		if loc := got[1].FailedAt.Location(); loc != time.UTC {
			t.Errorf("FailedAt location %v, want UTC", loc)
		}
	})
}

func TestPutDiagnosesReplaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		first := diagnosis(1, 1)
		if err := s.PutDiagnoses(ctx, []Diagnosis{first, diagnosis(2, 2)}); err != nil {
			t.Fatal(err)
		}
		again := first
		again.CauseID, again.CauseTitle, again.SignaturesVersion = "", "", "sig2"
		again.TemplateID, again.Template = "t1", "x <*>"
		if err := s.PutDiagnoses(ctx, []Diagnosis{again}); err != nil {
			t.Fatal(err)
		}
		got := collect(t, s, Filter{Host: first.Host})
		if len(got) != 2 || !reflect.DeepEqual(got[0], again) {
			t.Fatalf("after replacing job 1 got %+v, want it first of 2 and equal to %+v", got, again)
		}
	})
}

func TestPutDiagnosesAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.PutDiagnoses(ctx, []Diagnosis{diagnosis(1, 1), diagnosis(2, 2)}); err == nil {
			t.Fatal("PutDiagnoses with a cancelled context succeeded")
		}
		if got := collect(t, s, Filter{Host: diagnosis(1, 1).Host}); len(got) != 0 {
			t.Errorf("a failed PutDiagnoses stored %d diagnoses", len(got))
		}
	})
}

func TestKnownManyIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		var stored []Diagnosis
		for id := int64(1); id <= 5000; id += 2 { // the odd ones
			d := diagnosis(id, int(id))
			d.SignaturesVersion = fmt.Sprint("sig", id%3)
			stored = append(stored, d)
		}
		other := diagnosis(2, 0)
		other.ProjectID = 8 // same job id, another project: not known in project 7
		start := time.Now()
		if err := s.PutDiagnoses(ctx, append(stored, other)); err != nil {
			t.Fatal(err)
		}
		put := time.Since(start)
		ids := make([]int64, 5000)
		for i := range ids {
			ids[i] = int64(i + 1)
		}
		start = time.Now()
		known, err := s.Known(ctx, stored[0].Host, 7, ids)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("PutDiagnoses of %d: %v; Known of %d ids: %v", len(stored)+1, put, len(ids), time.Since(start))
		if len(known) != 2500 {
			t.Errorf("Known found %d of 5000 ids, want 2500", len(known))
		}
		for _, d := range stored {
			if known[d.JobID] != d.SignaturesVersion {
				t.Fatalf("Known[%d] = %q, want %q", d.JobID, known[d.JobID], d.SignaturesVersion)
			}
		}
		if _, ok := known[2]; ok {
			t.Error("Known reports job 2 of project 7, stored only in project 8")
		}
		none, err := s.Known(ctx, "https://other.example.com", 7, ids)
		if err != nil || len(none) != 0 {
			t.Errorf("Known on another host = %v, %v; want empty", none, err)
		}
		empty, err := s.Known(ctx, stored[0].Host, 7, nil)
		if err != nil || empty == nil || len(empty) != 0 {
			t.Errorf("Known of no ids = %v, %v; want an empty map", empty, err)
		}
	})
}

func TestDiagnosesFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		host := diagnosis(0, 0).Host
		// Jobs 1..6 fail at hours 10, 20, ... 60, in projects 7, 8, 9, 7, 8, 9.
		// Job 7 fails at the same hour as job 1, so the job id breaks the tie.
		var ds []Diagnosis
		for i := int64(1); i <= 6; i++ {
			d := diagnosis(i, int(i)*10)
			d.ProjectID = 7 + (i-1)%3
			if i%2 == 0 {
				d.CauseID, d.TemplateID = "", "tmpl-even"
			}
			ds = append(ds, d)
		}
		tie := diagnosis(7, 10)
		elsewhere := diagnosis(2, 20) // another host, same ids and template
		elsewhere.Host, elsewhere.ProjectID, elsewhere.TemplateID = "https://other.example.com", 8, "tmpl-even"
		// Stored out of order: the order comes from the query.
		if err := s.PutDiagnoses(ctx, append([]Diagnosis{elsewhere, tie}, ds...)); err != nil {
			t.Fatal(err)
		}
		at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
		tests := []struct {
			name string
			f    Filter
			want []int64
		}{
			{"all of host", Filter{Host: host}, []int64{1, 7, 2, 3, 4, 5, 6}},
			{"since is inclusive", Filter{Host: host, Since: at(20)}, []int64{2, 3, 4, 5, 6}},
			{"until is exclusive", Filter{Host: host, Until: at(30)}, []int64{1, 7, 2}},
			{"window", Filter{Host: host, Since: at(20), Until: at(50)}, []int64{2, 3, 4}},
			{"since in another zone", Filter{Host: host, Since: at(50).In(time.FixedZone("x", -5*3600))}, []int64{5, 6}},
			{"projects", Filter{Host: host, ProjectIDs: []int64{8, 9}}, []int64{2, 3, 5, 6}},
			{"empty project list is every project", Filter{Host: host, ProjectIDs: []int64{}}, []int64{1, 7, 2, 3, 4, 5, 6}},
			{"projects and window", Filter{Host: host, ProjectIDs: []int64{7}, Since: at(10), Until: at(40)}, []int64{1, 7}},
			{"unknown project", Filter{Host: host, ProjectIDs: []int64{99}}, nil},
			{"template on one host", Filter{Host: host, TemplateID: "tmpl-even"}, []int64{2, 4, 6}},
			{"template on any host", Filter{TemplateID: "tmpl-even"}, []int64{2, 2, 4, 6}},
			{"template and projects", Filter{TemplateID: "tmpl-even", ProjectIDs: []int64{8}}, []int64{2, 2}},
			{"other host", Filter{Host: "https://other.example.com"}, []int64{2}},
		}
		for _, tt := range tests {
			if got := jobIDs(collect(t, s, tt.f)); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got jobs %v, want %v", tt.name, got, tt.want)
			}
		}
		if err := s.Diagnoses(ctx, Filter{}, func(Diagnosis) error { return nil }); err == nil {
			t.Error("Diagnoses with neither host nor template id succeeded")
		}
	})
}

func TestDiagnosesStopsOnCallbackError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		if err := s.PutDiagnoses(ctx, []Diagnosis{diagnosis(1, 1), diagnosis(2, 2), diagnosis(3, 3)}); err != nil {
			t.Fatal(err)
		}
		stop := errors.New("stop")
		calls := 0
		err := s.Diagnoses(ctx, Filter{Host: diagnosis(1, 1).Host}, func(Diagnosis) error {
			calls++
			return stop
		})
		if err != stop || calls != 1 {
			t.Errorf("got %v after %d calls, want the callback's error after 1", err, calls)
		}
		// The walk released its connection: the store still works.
		if err := s.PutDiagnoses(ctx, []Diagnosis{diagnosis(4, 4)}); err != nil {
			t.Errorf("PutDiagnoses after a stopped walk: %v", err)
		}
	})
}

func TestTemplatesCountsJobsPerMaskedLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		a, b, c := diagnosis(1, 1), diagnosis(2, 2), diagnosis(3, 3)
		for _, d := range []*Diagnosis{&a, &b} {
			d.CauseID, d.CauseTitle, d.TemplateID, d.Template = "", "", "t0000abcd", "E: Unable to locate package <*>"
		}
		b.Host = "https://other.example.com"
		if err := s.PutDiagnoses(context.Background(), []Diagnosis{a, b, c}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Templates(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got["E: Unable to locate package <*>"] != 2 {
			t.Errorf("Templates = %v, want the one template with its 2 jobs on both hosts", got)
		}
	})
}

func TestDiagnosesFilterProjectAndCause(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		host := diagnosis(0, 0).Host
		// Job: project, cause ("" for none).
		jobs := []struct {
			id      int64
			project string
			cause   string
		}{
			{1, "group/app", "go-test-failed"},
			{2, "group/app", ""},
			{3, "group/app-2", "go-test-failed"}, // a prefix of another path is not that project
			{4, "group/lib", "npm-eresolve"},
			{5, "group/lib", ""},
			{6, "Group/App", "go-test-failed"}, // exact: case matters
		}
		var ds []Diagnosis
		for _, j := range jobs {
			d := diagnosis(j.id, int(j.id))
			d.Project, d.CauseID = j.project, j.cause
			ds = append(ds, d)
		}
		if err := s.PutDiagnoses(context.Background(), ds); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    Filter
			want []int64
		}{
			{"project", Filter{Host: host, Project: "group/app"}, []int64{1, 2}},
			{"unknown project", Filter{Host: host, Project: "group"}, nil},
			{"cause", Filter{Host: host, CauseID: "go-test-failed"}, []int64{1, 3, 6}},
			{"no cause", Filter{Host: host, CauseID: NoCause}, []int64{2, 5}},
			{"project and cause", Filter{Host: host, Project: "group/lib", CauseID: "npm-eresolve"}, []int64{4}},
			{"project and no cause", Filter{Host: host, Project: "group/lib", CauseID: NoCause}, []int64{5}},
			{"with the other fields", Filter{Host: host, CauseID: "go-test-failed", Since: day.Add(2 * time.Hour), ProjectIDs: []int64{7}}, []int64{3, 6}},
			{"other host", Filter{Host: "https://other.example.com", Project: "group/app"}, nil},
		}
		for _, tt := range tests {
			if got := jobIDs(collect(t, s, tt.f)); !slices.Equal(got, tt.want) {
				t.Errorf("%s: got jobs %v, want %v", tt.name, got, tt.want)
			}
		}
		if err := s.Diagnoses(context.Background(), Filter{Project: "group/app"}, func(Diagnosis) error { return nil }); err == nil {
			t.Error("Diagnoses with a project but no host succeeded")
		}
	})
}
