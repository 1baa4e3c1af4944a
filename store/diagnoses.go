package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Diagnosis is one failed job's stored diagnosis.
type Diagnosis struct {
	Host              string // GitLab base URL, e.g. "https://gitlab.example.com"
	ProjectID         int64
	JobID             int64
	Project           string // path_with_namespace
	JobName           string
	Stage             string
	Ref               string
	PipelineID        int64
	WebURL            string
	FailedAt          time.Time // the job's finished_at (created_at when it has none); stored UTC
	FailureReason     string    // GitLab's failure_reason, e.g. "script_failure"
	CauseID           string    // "" when no signature explains the failure
	CauseTitle        string
	Evidence          string // the root cause's line, or the fallback's key line
	TemplateID        string // for an unexplained failure: id of the masked key line ("" otherwise)
	Template          string
	Note              string // what limits this diagnosis ("log erased", "log over 100 MiB, first part read")
	ToolVersion       string // ci-doctor version that diagnosed it
	SignaturesVersion string // digest of the signature set that diagnosed it
	DiagnosedAt       time.Time
}

// Filter selects stored diagnoses.
type Filter struct {
	Host       string
	ProjectIDs []int64   // nil or empty: every project of Host
	Since      time.Time // FailedAt >= Since (zero: no bound)
	Until      time.Time // FailedAt < Until (zero: no bound)
	TemplateID string    // when set, only diagnoses with this template id (Host may then be "": any host)
	Project    string    // when set, only this project (path_with_namespace, exact)
	CauseID    string    // when set, only this cause; NoCause selects the diagnoses no signature explains
}

// NoCause is the Filter.CauseID that selects the diagnoses with no cause
// (stored with CauseID ""), since "" already means "any cause".
const NoCause = "-"

// diagnosisColumns lists the diagnoses columns in Diagnosis field order; the
// insert and the select below both follow it.
const diagnosisColumns = `host, project_id, job_id, project, job_name, stage, ref, pipeline_id, web_url,
	failed_at, failure_reason, cause_id, cause_title, evidence, template_id, template, note,
	tool_version, signatures_version, diagnosed_at`

// upsertDiagnosis inserts a diagnosis or replaces the stored one of its job.
// ON CONFLICT ... excluded is spelled the same in SQLite and PostgreSQL.
const upsertDiagnosis = `INSERT INTO diagnoses (` + diagnosisColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
	ON CONFLICT (host, project_id, job_id) DO UPDATE SET
	project = excluded.project, job_name = excluded.job_name, stage = excluded.stage,
	ref = excluded.ref, pipeline_id = excluded.pipeline_id, web_url = excluded.web_url,
	failed_at = excluded.failed_at, failure_reason = excluded.failure_reason,
	cause_id = excluded.cause_id, cause_title = excluded.cause_title, evidence = excluded.evidence,
	template_id = excluded.template_id, template = excluded.template, note = excluded.note,
	tool_version = excluded.tool_version, signatures_version = excluded.signatures_version,
	diagnosed_at = excluded.diagnosed_at`

// Known tells which of jobIDs of one project are stored: job id ->
// SignaturesVersion of the stored diagnosis, so the caller can skip them, or
// diagnose them again when the signatures changed. Any number of ids is
// looked up in one query.
func (s *Store) Known(ctx context.Context, host string, projectID int64, jobIDs []int64) (map[int64]string, error) {
	known := make(map[int64]string)
	if len(jobIDs) == 0 {
		return known, nil
	}
	in := s.inIDs(3, jobIDs)
	rows, err := s.db.QueryContext(ctx,
		"SELECT job_id, signatures_version FROM diagnoses WHERE host = $1 AND project_id = $2 AND job_id "+in.sql,
		host, projectID, in.arg)
	if err != nil {
		return nil, fmt.Errorf("looking up stored jobs of project %d: %w", projectID, s.d.explain(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var version string
		if err := rows.Scan(&id, &version); err != nil {
			return nil, fmt.Errorf("looking up stored jobs of project %d: %w", projectID, s.d.explain(err))
		}
		known[id] = version
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("looking up stored jobs of project %d: %w", projectID, s.d.explain(err))
	}
	return known, nil
}

// PutDiagnoses stores ds, replacing any stored diagnosis of the same job, all
// in one transaction: either every one is stored or none is.
func (s *Store) PutDiagnoses(ctx context.Context, ds []Diagnosis) error {
	if len(ds) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storing diagnoses: %w", s.d.explain(err))
	}
	defer tx.Rollback() // a no-op after Commit
	stmt, err := tx.PrepareContext(ctx, upsertDiagnosis)
	if err != nil {
		return fmt.Errorf("storing diagnoses: %w", s.d.explain(err))
	}
	defer stmt.Close()
	for _, d := range ds {
		if _, err := stmt.ExecContext(ctx, s.diagnosisArgs(d)...); err != nil {
			return fmt.Errorf("storing diagnosis of job %d: %w", d.JobID, s.d.explain(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storing diagnoses: %w", s.d.explain(err))
	}
	return nil
}

// diagnosisArgs are upsertDiagnosis's arguments for d.
func (s *Store) diagnosisArgs(d Diagnosis) []any {
	return []any{d.Host, d.ProjectID, d.JobID, d.Project, d.JobName, d.Stage, d.Ref,
		d.PipelineID, d.WebURL, s.d.timeArg(d.FailedAt), d.FailureReason, d.CauseID, d.CauseTitle, d.Evidence,
		d.TemplateID, d.Template, d.Note, d.ToolVersion, d.SignaturesVersion, s.d.timeArg(d.DiagnosedAt)}
}

// Diagnoses calls fn with each stored diagnosis f selects, ordered by FailedAt
// then JobID, reading rows as it goes rather than all at once. An error from
// fn stops the walk and is returned as is. A filter naming neither a Host nor
// a TemplateID is refused, so a forgotten host never reads every host's rows.
func (s *Store) Diagnoses(ctx context.Context, f Filter, fn func(Diagnosis) error) error {
	where, args, err := s.diagnosisWhere(f)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+diagnosisColumns+" FROM diagnoses WHERE "+where+
		" ORDER BY failed_at, job_id", args...)
	if err != nil {
		return fmt.Errorf("reading diagnoses: %w", s.d.explain(err))
	}
	defer rows.Close()
	for rows.Next() {
		var d Diagnosis
		if err := rows.Scan(&d.Host, &d.ProjectID, &d.JobID, &d.Project, &d.JobName, &d.Stage, &d.Ref,
			&d.PipelineID, &d.WebURL, timeColumn{&d.FailedAt}, &d.FailureReason, &d.CauseID, &d.CauseTitle,
			&d.Evidence, &d.TemplateID, &d.Template, &d.Note, &d.ToolVersion, &d.SignaturesVersion,
			timeColumn{&d.DiagnosedAt}); err != nil {
			return fmt.Errorf("reading diagnoses: %w", s.d.explain(err))
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading diagnoses: %w", s.d.explain(err))
	}
	return nil
}

// diagnosisWhere turns f into a WHERE clause and its arguments.
func (s *Store) diagnosisWhere(f Filter) (string, []any, error) {
	if f.Host == "" && f.TemplateID == "" {
		return "", nil, errors.New("reading diagnoses: the filter names no GitLab host (only a template id may stand without one)")
	}
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, fmt.Sprintf("$%d", len(args))))
	}
	if f.Host != "" {
		add("host = %s", f.Host)
	}
	if len(f.ProjectIDs) > 0 {
		in := s.inIDs(len(args)+1, f.ProjectIDs)
		args = append(args, in.arg)
		conds = append(conds, "project_id "+in.sql)
	}
	if !f.Since.IsZero() {
		add("failed_at >= %s", s.d.timeArg(f.Since))
	}
	if !f.Until.IsZero() {
		add("failed_at < %s", s.d.timeArg(f.Until))
	}
	if f.TemplateID != "" {
		add("template_id = %s", f.TemplateID)
	}
	if f.Project != "" {
		add("project = %s", f.Project)
	}
	switch f.CauseID {
	case "":
	case NoCause:
		conds = append(conds, "cause_id = ''")
	default:
		add("cause_id = %s", f.CauseID)
	}
	return strings.Join(conds, " AND "), args, nil
}

// Templates counts the stored jobs of each masked error line, across every
// host: `ci-doctor signatures new --from-report` clusters them again to
// find a merged template's members.
func (s *Store) Templates(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT template, COUNT(*) FROM diagnoses WHERE template_id <> '' GROUP BY template")
	if err != nil {
		return nil, fmt.Errorf("reading templates: %w", s.d.explain(err))
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var text string
		var n int
		if err := rows.Scan(&text, &n); err != nil {
			return nil, fmt.Errorf("reading templates: %w", s.d.explain(err))
		}
		out[text] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading templates: %w", s.d.explain(err))
	}
	return out, nil
}
