package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Readiness is the lint result of one project's configuration on its default branch.
type Readiness struct {
	Host      string
	ProjectID int64
	Project   string
	Ref, SHA  string
	Findings  map[string]int // lint rule id -> count; empty when ready (never nil when read back)
	Error     string         // why the configuration could not be read or linted
	CheckedAt time.Time
}

// PutReadiness stores r, replacing the project's previous result: only the
// latest check of a project matters.
func (s *Store) PutReadiness(ctx context.Context, r Readiness) error {
	findings := r.Findings
	if findings == nil {
		findings = map[string]int{} // "{}", not "null"
	}
	js, err := json.Marshal(findings)
	if err != nil {
		return fmt.Errorf("storing readiness of %s: %v", r.Project, err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO readiness (host, project_id, project, ref, sha, findings, error, checked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (host, project_id) DO UPDATE SET
		project = excluded.project, ref = excluded.ref, sha = excluded.sha, findings = excluded.findings,
		error = excluded.error, checked_at = excluded.checked_at`,
		r.Host, r.ProjectID, r.Project, r.Ref, r.SHA, string(js), r.Error, s.d.timeArg(r.CheckedAt))
	if err != nil {
		return fmt.Errorf("storing readiness of %s: %w", r.Project, s.d.explain(err))
	}
	return nil
}

// Readiness returns the stored results of host's projects projectIDs (nil or
// empty: all of host's projects), sorted by project path.
func (s *Store) Readiness(ctx context.Context, host string, projectIDs []int64) ([]Readiness, error) {
	query := "SELECT host, project_id, project, ref, sha, findings, error, checked_at FROM readiness WHERE host = $1"
	args := []any{host}
	if len(projectIDs) > 0 {
		in := s.inIDs(2, projectIDs)
		query += " AND project_id " + in.sql
		args = append(args, in.arg)
	}
	rows, err := s.db.QueryContext(ctx, query+" ORDER BY project, project_id", args...)
	if err != nil {
		return nil, fmt.Errorf("reading readiness: %w", s.d.explain(err))
	}
	defer rows.Close()
	var list []Readiness
	for rows.Next() {
		var r Readiness
		var js string
		if err := rows.Scan(&r.Host, &r.ProjectID, &r.Project, &r.Ref, &r.SHA, &js, &r.Error, timeColumn{&r.CheckedAt}); err != nil {
			return nil, fmt.Errorf("reading readiness: %w", s.d.explain(err))
		}
		if err := json.Unmarshal([]byte(js), &r.Findings); err != nil {
			return nil, fmt.Errorf("reading readiness of %s: stored findings are not JSON: %v", r.Project, err)
		}
		if r.Findings == nil {
			r.Findings = map[string]int{}
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading readiness: %w", s.d.explain(err))
	}
	return list, nil
}
