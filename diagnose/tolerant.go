package diagnose

// maxTolerantSpans bounds the spans kept: a log that echoes a million
// tolerant commands must not hold a million spans. The latest are kept,
// nearest to where the job failed.
const maxTolerantSpans = 256

// tolerantSpans are the outputs of the script's commands whose failure the
// script goes past ("docker pull $CACHE_IMAGE || true"): an error printed
// there did not fail the job, however much it looks like a cause. A span
// runs from its command's line to the line before the next command.
type tolerantSpans struct {
	spans []lineSpan
	// open is true while the last span's command is the latest one.
	open bool
}

// lineSpan is a range of log lines, both ends included; to is 0 while the
// span is open.
type lineSpan struct{ from, to int }

// command records a script command at line num, which tolerates its own
// failure or not.
func (t *tolerantSpans) command(num int, tolerant bool) {
	if t.open {
		t.spans[len(t.spans)-1].to = num - 1
	}
	t.open = tolerant
	if tolerant {
		if len(t.spans) == maxTolerantSpans {
			t.spans = t.spans[:copy(t.spans, t.spans[1:])]
		}
		t.spans = append(t.spans, lineSpan{from: num})
	}
}

// holds reports whether line num is in a tolerant command's output.
func (t *tolerantSpans) holds(num int) bool {
	for _, sp := range t.spans {
		if num > sp.from && (sp.to == 0 || num <= sp.to) {
			return true
		}
	}
	return false
}
