package gitlabtest

import (
	"net/http"
	"slices"
	"strings"
)

// boolParam reads an optional Grape Boolean query parameter, def when it
// is absent or empty, answering 400 when it is not a Boolean.
func (c *call) boolParam(name string, def bool) (bool, bool) {
	v := c.r.URL.Query().Get(name)
	switch strings.ToLower(v) {
	case "":
		return def, true
	case "false", "0", "f", "no":
		return false, true
	case "true", "1", "t", "yes":
		return true, true
	}
	writeError(c.w, http.StatusBadRequest, name+" is invalid")
	return false, false
}

// enumParam reads an optional Grape String parameter declared with values:
// def when absent, the last value when repeated (as Rack keeps it), and
// 400 "<name> does not have a valid value" when not one of allowed.
func (c *call) enumParam(name string, allowed []string, def string) (string, bool) {
	vs, given := c.r.URL.Query()[name]
	if !given {
		return def, true
	}
	if v := vs[len(vs)-1]; slices.Contains(allowed, v) {
		return v, true
	}
	writeError(c.w, http.StatusBadRequest, name+" does not have a valid value")
	return "", false
}
