package store

import (
	"context"
	"github.com/ci-doctor/ci-doctor/store/storetest"
	"reflect"
	"testing"
	"time"
)

func TestReadiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		s := openT(t, dsn)
		ctx := context.Background()
		host := "https://gitlab.example.com"
		zulu := Readiness{Host: host, ProjectID: 1, Project: "zulu/app", Ref: "main", SHA: "aaa",
			Findings: map[string]int{"no-timeout": 3, "latest-image": 1}, CheckedAt: day}
		alpha := Readiness{Host: host, ProjectID: 2, Project: "alpha/app", Ref: "master", SHA: "bbb",
			Findings: map[string]int{}, CheckedAt: day}
		// Upper case sorts before lower case, in both backends.
		upper := Readiness{Host: host, ProjectID: 3, Project: "Beta/app", Error: "404: .gitlab-ci.yml not found",
			CheckedAt: day}
		elsewhere := Readiness{Host: "https://other.example.com", ProjectID: 1, Project: "aaa/app", CheckedAt: day}
		for _, r := range []Readiness{zulu, alpha, upper, elsewhere} {
			if err := s.PutReadiness(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		// A second check replaces the first.
		zulu.SHA, zulu.Findings, zulu.CheckedAt = "ccc", map[string]int{"no-timeout": 1}, day.Add(time.Hour)
		if err := s.PutReadiness(ctx, zulu); err != nil {
			t.Fatal(err)
		}
		upper.Findings = map[string]int{} // read back empty, never nil

		got, err := s.Readiness(ctx, host, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := []Readiness{upper, alpha, zulu}; !reflect.DeepEqual(got, want) {
			t.Errorf("Readiness(all):\n got  %+v\n want %+v", got, want)
		}
		got, err = s.Readiness(ctx, host, []int64{1, 3, 99})
		if err != nil {
			t.Fatal(err)
		}
		if want := []Readiness{upper, zulu}; !reflect.DeepEqual(got, want) {
			t.Errorf("Readiness(1, 3, 99):\n got  %+v\n want %+v", got, want)
		}
		got, err = s.Readiness(ctx, "https://none.example.com", nil)
		if err != nil || len(got) != 0 {
			t.Errorf("Readiness of an unknown host = %v, %v; want nothing", got, err)
		}
	})
}
