package fleet_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/fleet"
	"github.com/ci-doctor/ci-doctor/logtemplate"
	"github.com/ci-doctor/ci-doctor/store"
)

// TestFindTemplateOfMergedLines: two apt errors that differ in the package
// name are one row of the report, under the merged template's id, and
// `signatures new --from-report` finds that id with both real lines.
func TestFindTemplateOfMergedLines(t *testing.T) {
	st := openSQLite(t)
	ctx := context.Background()
	var ds []store.Diagnosis
	for i, line := range []string{"E: Unable to locate package python-pip", "E: Unable to locate package python-dev"} {
		tpl := logtemplate.Mask(line)
		ds = append(ds, store.Diagnosis{Host: "https://gitlab.example.com", ProjectID: int64(10 + i), JobID: int64(100 + i),
			Project: "acme/app", WebURL: "https://gitlab.example.com/acme/app/-/jobs/1", FailedAt: now.Add(-time.Hour),
			Evidence: line, Template: tpl, TemplateID: logtemplate.ID(tpl)})
	}
	if err := st.PutDiagnoses(ctx, ds); err != nil {
		t.Fatal(err)
	}
	s, err := fleet.Summarise(ctx, st, fleet.Scope{Name: "all", Host: "https://gitlab.example.com"},
		fleet.SummaryOptions{Since: now.Add(-24 * time.Hour), Until: now, Failures: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Unrecognised) != 1 || s.Unrecognised[0].Jobs != 2 || s.Unrecognised[0].Projects != 2 {
		t.Fatalf("unrecognised = %+v, want the two lines merged into one row", s.Unrecognised)
	}
	id := s.Unrecognised[0].ID
	if id == ds[0].TemplateID || id == ds[1].TemplateID {
		t.Fatalf("the merged row has a member's id %s", id)
	}
	tpl, err := fleet.FindTemplate(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	if tpl.Template != s.Unrecognised[0].Template || tpl.Jobs != 2 || len(tpl.Lines) != 2 {
		t.Errorf("FindTemplate(%s) = %+v, want the merged template with its 2 lines", id, tpl)
	}
	if one, err := fleet.FindTemplate(ctx, st, ds[0].TemplateID); err != nil || one.Jobs != 1 {
		t.Errorf("FindTemplate of a member's own id: %+v, %v; want its one job", one, err)
	}
	if _, err := fleet.FindTemplate(ctx, st, "t00000000"); !errors.Is(err, fleet.ErrNoTemplate) {
		t.Errorf("an unknown id: %v, want ErrNoTemplate", err)
	}
}
