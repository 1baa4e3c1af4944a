package diagnose

import (
	"io"

	"github.com/ci-doctor/ci-doctor/internal/redact"
)

// jsonRenderer prints one JSON document per report: a single object for one
// input, an array for several. The fields are those of Report; the README
// documents them and keeps them stable. The secrets of its strings are
// masked (redact.EncodeJSON).
type jsonRenderer struct{}

func (jsonRenderer) Render(w io.Writer, reports []*Report) error {
	if len(reports) == 1 {
		return redact.EncodeJSON(w, reports[0])
	}
	if reports == nil {
		reports = []*Report{}
	}
	return redact.EncodeJSON(w, reports)
}
