package lint

import (
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats of lint, for help and flag validation.
var Formats = []string{"text", "json", "codequality", "sarif"}

// RenderOptions are the settings of a format.
type RenderOptions struct {
	Color bool // text only: ANSI colours
	// Version is ci-doctor's version for SARIF's tool.driver.version ("" → omitted).
	Version string
}

// Render writes findings (already sorted by path, line, column) in a format named in Formats.
// The JSON formats (json, codequality, sarif) mask the secrets of their strings
// (redact.EncodeJSON); text is for the caller to mask.
func Render(w io.Writer, format string, findings []Finding, opts RenderOptions) error {
	var err error
	switch format {
	case "text":
		err = renderText(w, findings, opts.Color)
	case "json":
		err = renderJSON(w, findings)
	case "codequality":
		err = renderCodeQuality(w, findings)
	case "sarif":
		err = renderSARIF(w, findings, opts.Version)
	default:
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	return nil
}
