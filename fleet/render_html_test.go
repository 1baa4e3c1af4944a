package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ci-doctor/ci-doctor/internal/golden"
)

// summaryCases lists the summaries in testdata/summaries (case.json), each
// with what the renderers write beside it; adding a case means adding a file.
func summaryCases(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "summaries", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no summaries in testdata/summaries: %v", err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".json"))
	}
	return names
}

// loadSummary reads testdata/summaries/<name>.json.
func loadSummary(t testing.TB, name string) *Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "summaries", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("decoding %s.json: %v", name, err)
	}
	return &s
}

// renderPage renders the summary of testdata/summaries/<name>.json.
func renderPage(t testing.TB, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := RenderHTML(&b, loadSummary(t, name)); err != nil {
		t.Fatalf("RenderHTML(%s): %v", name, err)
	}
	return b.Bytes()
}

func TestRenderHTMLGolden(t *testing.T) {
	for _, name := range summaryCases(t) {
		t.Run(name, func(t *testing.T) {
			page := renderPage(t, name)
			golden.Check(t, filepath.Join("testdata", "summaries", name+".html"), page)
			checkSelfContained(t, page)
		})
	}
}

var (
	// elementRE finds every element's start, however it is written.
	elementRE = regexp.MustCompile(`<([a-zA-Z]+)[\s/>]`)
	// tagRE finds start tags and their attributes, well enough for the
	// pages RenderHTML writes, whose attribute values are always quoted.
	tagRE = regexp.MustCompile(`<([a-zA-Z]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*/?>`)
	// loadAttrRE finds the attributes that make a browser load something.
	loadAttrRE = regexp.MustCompile(`\s(src|href|srcset|action|data)="([^"]*)"`)
)

// checkSelfContained fails unless the page loads nothing: only <a> links
// may point elsewhere, and anything else that names a resource must be a
// data: URL. It also fails when text from the summary slipped out of its
// escaping and added an element: one more <script>, <link> or <style> than
// the template writes, or an element it never writes.
func checkSelfContained(t *testing.T, page []byte) {
	t.Helper()
	count := map[string]int{}
	for _, m := range elementRE.FindAllSubmatch(page, -1) {
		count[strings.ToLower(string(m[1]))]++
	}
	for tag, want := range map[string]int{"script": 1, "link": 1, "style": 1, "b": 0, "img": 0, "iframe": 0, "object": 0, "embed": 0, "base": 0, "form": 0} {
		if count[tag] != want {
			t.Errorf("page has %d <%s> elements, want %d", count[tag], tag, want)
		}
	}
	for _, m := range tagRE.FindAllSubmatch(page, -1) {
		tag := strings.ToLower(string(m[1]))
		for _, a := range loadAttrRE.FindAllSubmatch(m[2], -1) {
			url := string(a[2])
			if tag == "a" && string(a[1]) == "href" {
				continue
			}
			if !strings.HasPrefix(url, "data:") {
				t.Errorf("<%s %s=%q> loads from outside the page", tag, a[1], url)
			}
		}
	}
	if !bytes.Contains(page, []byte(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`)) {
		t.Error("page has no Content-Security-Policy that forbids network loads")
	}
}

func TestRenderHTMLEscapes(t *testing.T) {
	page := string(renderPage(t, "hostile"))
	for _, raw := range []string{"<script>alert(1)", `"><img`, "<b>", `href="javascript:`} {
		if strings.Contains(page, raw) {
			t.Errorf("page holds %q unescaped", raw)
		}
	}
	for _, escaped := range []string{"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;", "&#34;quoted&#34;"} {
		if !strings.Contains(page, escaped) {
			t.Errorf("page lacks %q, the escaped form of the summary's text", escaped)
		}
	}
}

func TestRenderHTMLEmpty(t *testing.T) {
	page := string(renderPage(t, "empty"))
	for _, want := range []string{"no failed jobs in the window", "</html>"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty page lacks %q", want)
		}
	}
	for _, absent := range []string{`id="timeline"`, `id="causes"`, `id="readiness"`} {
		if strings.Contains(page, absent) {
			t.Errorf("empty page has %s", absent)
		}
	}
}

// failingWriter fails every write, as a full disk or a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderHTMLWriteError(t *testing.T) {
	err := RenderHTML(failingWriter{}, loadSummary(t, "realistic"))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("RenderHTML to a failing writer: %v, want the write's error", err)
	}
}

func TestNewChartStacksEveryJob(t *testing.T) {
	s := loadSummary(t, "realistic")
	c := newChart(s.Timeline, seriesOrder(s), causeColours(s))
	if cells := nonZeroCells(s.Timeline); len(c.Bars) != cells {
		t.Errorf("chart has %d bar segments, want one per non-zero cell: %d", len(c.Bars), cells)
	}
	if got, want := len(c.Legend), len(s.Timeline.Series); got != want {
		t.Errorf("legend has %d entries, want %d", got, want)
	}
	if c.Legend[0].ID != s.Causes[0].ID || c.Legend[len(c.Legend)-1].ID != Unrecognised {
		t.Errorf("legend runs %s to %s, want the top cause first and %s last", c.Legend[0].ID, c.Legend[len(c.Legend)-1].ID, Unrecognised)
	}
	if newChart(Timeline{Bucket: "day"}, nil, nil) != nil {
		t.Error("a timeline without jobs gives a chart, want none")
	}
}

func TestNewChartLabelsFitUnderTheBars(t *testing.T) {
	tests := []struct {
		buckets, wantLabels int
	}{
		{1, 1}, {14, 14}, {15, 15}, {16, 8}, {31, 11}, {53, 14},
	}
	for _, tt := range tests {
		tl := Timeline{Bucket: "day", Series: map[string][]int{Unrecognised: make([]int, tt.buckets)}}
		for i := range tt.buckets {
			tl.Starts = append(tl.Starts, time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC))
			tl.Series[Unrecognised][i] = i%3 + 1
		}
		c := newChart(tl, []string{Unrecognised}, map[string]string{Unrecognised: unrecognisedColour})
		if len(c.XLabels) != tt.wantLabels {
			t.Errorf("%d buckets: %d date labels, want %d", tt.buckets, len(c.XLabels), tt.wantLabels)
		}
		if len(c.Bars) != tt.buckets {
			t.Errorf("%d buckets: %d bars, want one per bucket", tt.buckets, len(c.Bars))
		}
	}
}

// nonZeroCells counts the timeline's cells that hold jobs: the chart
// draws one bar segment for each.
func nonZeroCells(tl Timeline) int {
	n := 0
	for _, series := range tl.Series {
		for _, v := range series {
			if v > 0 {
				n++
			}
		}
	}
	return n
}

func TestTickStep(t *testing.T) {
	tests := []struct{ top, want int }{
		{1, 1}, {5, 1}, {6, 2}, {10, 2}, {11, 5}, {25, 5}, {26, 10}, {50, 10}, {51, 20}, {999, 200}, {1001, 500},
	}
	for _, tt := range tests {
		if got := tickStep(tt.top); got != tt.want {
			t.Errorf("tickStep(%d) = %d, want %d", tt.top, got, tt.want)
		}
	}
}
