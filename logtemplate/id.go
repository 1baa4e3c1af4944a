package logtemplate

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ID is a short stable id of a template: "t" + 8 lower-case hex digits of a
// hash of it. SHA-256 rather than a faster hash because its output is fixed
// by a standard, so an id printed in a report today still names the same
// template in a later version of ci-doctor; 32 bits keep the id short enough
// to type, and among the few thousand templates of a fleet report a
// collision is a fraction of a percent likely.
func ID(template string) string {
	sum := sha256.Sum256([]byte(template))
	return "t" + hex.EncodeToString(sum[:4])
}

// IsID reports whether s has the form of an id ID returns, so that a
// mistyped id is told apart from one no report has listed.
func IsID(s string) bool {
	if len(s) != 9 || s[0] != 't' {
		return false
	}
	_, err := hex.DecodeString(s[1:])
	return err == nil && s == strings.ToLower(s)
}
