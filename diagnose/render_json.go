package diagnose

import (
	"encoding/json"
	"io"
)

// jsonRenderer prints one JSON document per report: a single object for one
// input, an array for several. The fields are those of Report; the README
// documents them and keeps them stable.
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, reports []*Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(reports) == 1 {
		return enc.Encode(reports[0])
	}
	if reports == nil {
		reports = []*Report{}
	}
	return enc.Encode(reports)
}
