package gitlabtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxNoteLength is Note's body limit (the docs' 1,000,000 characters).
const maxNoteLength = 1_000_000

// listNotes answers GET /projects/:id/merge_requests/:noteable_id/notes,
// newest first unless sort=asc, ordered by created_at or updated_at.
func (c *call) listNotes() {
	orderBy, ok := c.enumParam("order_by", []string{"created_at", "updated_at"}, "created_at")
	if !ok {
		return
	}
	sort, ok := c.enumParam("sort", []string{"asc", "desc"}, "desc")
	if !ok {
		return
	}
	filter, ok := c.enumParam("activity_filter", []string{"all_notes", "only_comments", "only_activity"}, "all_notes")
	if !ok {
		return
	}
	pg, ok := c.parsePager()
	if !ok {
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	mr, ok := c.projectMergeRequest()
	if !ok {
		return
	}
	var notes []*storedNote
	if filter != "only_activity" { // every stored note is a comment
		notes = slices.Clone(c.s.notes[mrKey{mr.ProjectID, mr.IID}])
	}
	key := func(n *storedNote) int64 { return n.created }
	if orderBy == "updated_at" {
		key = func(n *storedNote) int64 { return n.updated }
	}
	slices.SortFunc(notes, func(a, b *storedNote) int {
		return cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.ID, b.ID))
	})
	if sort != "asc" {
		slices.Reverse(notes)
	}
	lo, hi := c.paginate(pg, len(notes), url.Values{
		"activity_filter": {"all_notes"}, "order_by": {"created_at"}, "sort": {"desc"},
	})
	out := []noteJSON{}
	for _, n := range notes[lo:hi] {
		out = append(out, c.s.noteJSON(mr.ProjectID, mr.IID, n))
	}
	writeJSON(c.w, http.StatusOK, out)
}

// createNote answers POST /projects/:id/merge_requests/:noteable_id/notes
// with 201 and the note. body comes from a JSON or form body or the query.
func (c *call) createNote() {
	body, given := c.bodyParam()
	if !given {
		writeError(c.w, http.StatusBadRequest, "body is missing")
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	mr, ok := c.projectMergeRequest()
	if !ok || !c.validNoteBody(body) {
		return
	}
	n := c.s.storeNote(mr.ProjectID, mr.IID, mr.ID, body, c.who.tok.user)
	writeJSON(c.w, http.StatusCreated, c.s.noteJSON(mr.ProjectID, mr.IID, n))
}

// updateNote answers PUT
// /projects/:id/merge_requests/:noteable_id/notes/:note_id; only the
// note's author may change it (authorize! :admin_note).
func (c *call) updateNote() {
	body, given := c.bodyParam()
	if given && strings.TrimSpace(body) == "" {
		writeError(c.w, http.StatusBadRequest, "body is empty")
		return
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	mr, ok := c.projectMergeRequest()
	if !ok {
		return
	}
	id := c.intParam("note_id")
	notes := c.s.notes[mrKey{mr.ProjectID, mr.IID}]
	i := slices.IndexFunc(notes, func(n *storedNote) bool { return n.ID == id })
	if i < 0 {
		writeMessage(c.w, http.StatusNotFound, "404 Not found")
		return
	}
	n := notes[i]
	if n.Author != c.who.tok.user {
		writeMessage(c.w, http.StatusForbidden, "403 Forbidden")
		return
	}
	if given {
		if !c.validNoteBody(body) {
			return
		}
		c.s.noteClock++
		n.Body, n.updated = body, c.s.noteClock
	}
	writeJSON(c.w, http.StatusOK, c.s.noteJSON(mr.ProjectID, mr.IID, n))
}

// validNoteBody answers 400 with the model's validation errors, as
// render_validation_error! does, when body is blank or too long.
func (c *call) validNoteBody(body string) bool {
	var problem string
	switch {
	case strings.TrimSpace(body) == "":
		problem = "can't be blank"
	case utf8.RuneCountInString(body) > maxNoteLength:
		problem = fmt.Sprintf("is too long (maximum is %d characters)", maxNoteLength)
	default:
		return true
	}
	writeJSON(c.w, http.StatusBadRequest, map[string]any{"message": map[string][]string{"note": {problem}}})
	return false
}

// bodyParam returns the "body" parameter from a JSON, form or multipart
// body, else from the query.
func (c *call) bodyParam() (string, bool) {
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if mediaType == "application/json" {
		var fields map[string]any
		if json.NewDecoder(c.r.Body).Decode(&fields) == nil {
			if v, ok := fields["body"]; ok && v != nil {
				return fmt.Sprint(v), true
			}
		}
		vs, ok := c.r.URL.Query()["body"]
		if !ok {
			return "", false
		}
		return vs[len(vs)-1], true
	}
	c.r.ParseMultipartForm(32 << 20) // also parses query and url-encoded forms
	vs, ok := c.r.Form["body"]
	if !ok {
		return "", false
	}
	return vs[0], true // net/http puts body values before query ones
}
