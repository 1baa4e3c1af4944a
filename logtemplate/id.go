package logtemplate

import (
	"crypto/sha256"
	"encoding/hex"
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
