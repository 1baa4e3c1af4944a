package rewrite

import (
	"path"
	"strings"
)

// nodeCodenames are the LTS codenames that the official node image uses
// as tags (node:iron, node:jod-alpine), with their major versions.
var nodeCodenames = map[string]string{
	"argon": "4", "boron": "6", "carbon": "8", "dubnium": "10", "erbium": "12", "fermium": "14",
	"gallium": "16", "hydrogen": "18", "iron": "20", "jod": "22", "krypton": "24",
}

// NodeMajor returns the Node.js major version of a Node.js image
// reference: "20" for node:20, node:20.11-alpine,
// docker.io/library/node:20@sha256:..., cimg/node:20.11 or node:iron. The
// image is one whose last path element is "node". It returns "" for any
// other image and for tags that name no fixed version: lts, current,
// latest, alpine, no tag, a digest only, a variable.
func NodeMajor(image string) string {
	ref, _, _ := strings.Cut(image, "@") // a digest says nothing of the version
	tag := ""
	if c := strings.LastIndexByte(ref, ':'); c > strings.LastIndexByte(ref, '/') {
		ref, tag = ref[:c], ref[c+1:]
	}
	if path.Base(ref) != "node" || tag == "" {
		return ""
	}
	n := 0
	for n < len(tag) && tag[n] >= '0' && tag[n] <= '9' {
		n++
	}
	if n > 0 {
		return tag[:n]
	}
	name, _, _ := strings.Cut(tag, "-")
	return nodeCodenames[strings.ToLower(name)]
}
