package signatures

// nodeABI maps NODE_MODULE_VERSION to the Node.js major release that uses it,
// from nodejs/node doc/abi_version_registry.json.
var nodeABI = map[string]string{
	"57": "8", "59": "9", "64": "10", "67": "11", "72": "12", "79": "13",
	"83": "14", "88": "15", "93": "16", "102": "17", "108": "18", "111": "19",
	"115": "20", "120": "21", "127": "22", "131": "23", "137": "24", "141": "25",
}

// NodeVersion names the Node.js major release that uses the given
// NODE_MODULE_VERSION, e.g. "20" for "115", and "?" for a number it does not know.
func NodeVersion(abi string) string {
	if v, ok := nodeABI[abi]; ok {
		return v
	}
	return "?"
}
