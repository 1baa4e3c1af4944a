package gitlabtest

import (
	"encoding/json"
	"net/http"
	"time"
)

// writeJSON sends v as GitLab's API does: application/json, no trailing
// newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "gitlabtest: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// writeMessage sends {"message": msg}, the body of GitLab's
// render_api_error! (401 Unauthorized, 404 Project Not Found, ...).
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg})
}

// writeError sends {"error": msg}, the body Grape gives for parameter
// validation errors, unknown routes and wrong methods.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// baseTime anchors the fixed timestamps of the fake data.
var baseTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// timestamp formats baseTime plus offset seconds as GitLab does, e.g.
// "2026-01-02T03:04:05.000Z".
func timestamp(offset int64) string {
	return formatTime(baseTime.Add(time.Duration(offset) * time.Second))
}

// formatTime formats t as GitLab's API does: UTC, milliseconds, e.g.
// "2026-12-01T10:02:03.123Z".
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// nullTime is formatTime, or nil (JSON null) for the zero time.
func nullTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}
