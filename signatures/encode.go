package signatures

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// EncodeYAML writes v as a signature file is written: YAML with two blanks
// of indentation. yaml.Marshal's four give a block scalar whose first line
// starts with blanks (a Python traceback's frame as an example) an
// indentation indicator ("|4") counted from the wrong column, which the file
// could not be read back with.
func EncodeYAML(v any) ([]byte, error) {
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	e.SetIndent(2)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
