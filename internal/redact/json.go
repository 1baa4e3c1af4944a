package redact

import (
	"bytes"
	"encoding/json"
	"io"
)

// EncodeJSON writes v to w as JSON, indented by two spaces and without
// escaping <, > and & (ci-doctor's texts quote shell commands), with the
// secrets of its strings masked: each key and value as a reader decodes
// it, on its own. Masking the encoded lines instead, as Writer does, would
// let a mask swallow a closing quote or a backslash, and turn an escaped
// quote around "$CI_REGISTRY_PASSWORD" into part of a password.
//
// Written to a Writer, the document goes through as it is, after the
// Writer's unfinished line.
func EncodeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := encode(&buf, v); err != nil {
		return err
	}
	out, err := maskJSON(buf.Bytes())
	if err != nil {
		return err
	}
	if rw, ok := w.(*Writer); ok {
		return rw.writeMasked(out)
	}
	_, err = w.Write(out)
	return err
}

// encode writes v to w as EncodeJSON's documents and strings are written.
func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// maskJSON returns the valid JSON text b, as json.Encoder writes it, with
// the secrets of its strings masked; the rest, layout and key order
// included, stays as it is. b is not changed.
//
// In valid JSON a quote outside a string starts one, and inside a string a
// backslash escapes the byte after it (for \uXXXX, the u), so the strings
// are found without parsing the rest.
func maskJSON(b []byte) ([]byte, error) {
	var out []byte // nil until a string changes
	done := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end := i + 1
		for end < len(b) && b[end] != '"' {
			if b[end] == '\\' {
				end++
			}
			end++
		}
		end++ // past the closing quote
		masked, changed, err := maskString(b[i:end])
		if err != nil {
			return nil, err
		}
		if changed {
			out = append(append(out, b[done:i]...), masked...)
			done = end
		}
		i = end - 1
	}
	if out == nil {
		return b, nil
	}
	return append(out, b[done:]...), nil
}

// maskString masks the JSON string literal lit and encodes the result,
// when it had secrets.
func maskString(lit []byte) ([]byte, bool, error) {
	// Most strings hold no escape: their text is the literal's inside.
	text := lit[1 : len(lit)-1]
	if bytes.IndexByte(text, '\\') >= 0 {
		var s string
		if err := json.Unmarshal(lit, &s); err != nil {
			return nil, false, err
		}
		text = []byte(s)
	}
	masked, changed := mask(text)
	if !changed {
		return lit, false, nil
	}
	var buf bytes.Buffer
	if err := encode(&buf, string(masked)); err != nil {
		return nil, false, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), true, nil
}
