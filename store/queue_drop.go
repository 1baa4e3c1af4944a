package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Drop marks j done without a diagnosis, with reason kept as its last
// error, for a job that can never be diagnosed (GitLab does not know it,
// or the token may not see it). ErrLeaseLost as for Finish.
func (s *Store) Drop(ctx context.Context, j QueuedJob, owner, reason string) error {
	return s.write(ctx, fmt.Sprintf("dropping job %d", j.JobID), func(tx *sql.Tx) error {
		return s.updateLease(ctx, tx, "dropping", j, owner,
			"state = 'done', lease_until = NULL, done_at = $6, last_error = $7", s.d.timeArg(time.Now()), reason)
	})
}
