package fleet

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The page's parts are real files, so they can be edited and checked as
// HTML, CSS and JavaScript; RenderHTML inlines them, because the page must
// open offline and be published as one file.
var (
	//go:embed html/report.html.tmpl
	reportTemplate string
	//go:embed html/report.css
	reportCSS string
	//go:embed html/report.js
	reportJS string
)

// palette colours the causes in the order of Summary.Causes, so a cause
// keeps its colour from one report to the next while its rank holds
// (Tableau 10 without its grey, which marks the unrecognised jobs).
var palette = []string{
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f",
}

// unrecognisedColour is grey: jobs without a cause should not draw the eye
// away from the causes.
const unrecognisedColour = "#bab0ac"

// parseReport parses the page template once; the template is part of the
// binary, so an error here is a bug that every test run shows.
var parseReport = sync.OnceValues(func() (*template.Template, error) {
	return template.New("report").Funcs(template.FuncMap{
		"day":           day,
		"datetime":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") },
		"iso":           func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"jobRef":        jobRef,
		"headline":      headline,
		"readinessLine": readinessLine,
	}).Parse(reportTemplate)
})

// RenderHTML writes the summary as a single self-contained HTML page.
func RenderHTML(w io.Writer, s *Summary) error {
	return RenderHTMLPage(w, s, PageOptions{})
}

// PageOptions add to the page what a live dashboard (`ci-doctor serve`)
// shows and a published file does not.
type PageOptions struct {
	// Filters, when set, puts a form at the top that reloads the page
	// with other filters (a GET of the same address).
	Filters *Filters
}

// Filters are the dashboard's current filters and their choices.
type Filters struct {
	Project, Cause, Window string
	// Causes and Windows are the choices offered; the project is typed.
	Causes, Windows []string
}

// RenderHTMLPage writes the page with the options.
func RenderHTMLPage(w io.Writer, s *Summary, o PageOptions) error {
	t, err := parseReport()
	if err != nil {
		return fmt.Errorf("parsing the HTML report template: %w", err)
	}
	colours := causeColours(s)
	page := htmlPage{
		Summary:   s,
		Filters:   o.Filters,
		CSS:       template.CSS(reportCSS),
		JS:        template.JS(reportJS),
		Colours:   colours,
		Chart:     newChart(s.Timeline, seriesOrder(s), colours),
		Readiness: newReadinessTable(s.Readiness),
	}
	if s.Jobs > 0 {
		page.DiagnosedPercent = int(math.Round(100 * float64(s.Diagnosed) / float64(s.Jobs)))
	}
	// Render whole before writing, so a failure leaves no half page.
	var b bytes.Buffer
	if err := t.Execute(&b, page); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

// htmlPage is what the template reads: the summary itself, and what Go
// computes for it (the chart's geometry, the readiness grid).
type htmlPage struct {
	*Summary
	CSS              template.CSS
	JS               template.JS
	Colours          map[string]string
	DiagnosedPercent int
	Chart            *barChart
	Readiness        readinessTable
	Filters          *Filters
}

// TrendRank orders trends from the one that needs the least attention to
// the one that needs the most, so sorting the trend column means
// something; unknown trends sort first.
func (htmlPage) TrendRank(trend string) int {
	return slices.Index([]string{"gone", "falling", "steady", "rising", "new"}, trend) + 1
}

// seriesOrder lists the Timeline's series bottom to top: the causes in
// their order (most jobs first), then any series no cause names (sorted,
// so the page is the same for the same summary), then the unrecognised
// jobs on top.
func seriesOrder(s *Summary) []string {
	var order []string
	for _, c := range s.Causes {
		if _, ok := s.Timeline.Series[c.ID]; ok {
			order = append(order, c.ID)
		}
	}
	var rest []string
	for id := range s.Timeline.Series {
		if id != Unrecognised && !slices.Contains(order, id) {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	order = append(order, rest...)
	if _, ok := s.Timeline.Series[Unrecognised]; ok {
		order = append(order, Unrecognised)
	}
	return order
}

// causeColours gives each cause, then each other series, its colour.
func causeColours(s *Summary) map[string]string {
	colours := map[string]string{Unrecognised: unrecognisedColour}
	next := 0
	add := func(id string) {
		if _, ok := colours[id]; !ok {
			colours[id] = palette[next%len(palette)]
			next++
		}
	}
	for _, c := range s.Causes {
		add(c.ID)
	}
	for _, id := range seriesOrder(s) {
		add(id)
	}
	return colours
}

// The chart's geometry, in the units of the SVG's viewBox; the page scales
// it to its width.
const (
	chartWidth  = 960
	chartHeight = 300
	plotLeft    = 44
	plotRight   = chartWidth - 12
	plotTop     = 12
	plotBottom  = chartHeight - 30
	// maxXLabels keeps the dates under the bars from running into each
	// other.
	maxXLabels = 15
	// maxBarWidth keeps the bars of a short window from turning into
	// blocks.
	maxBarWidth = 56
)

// barChart is a stacked bar chart of failed jobs per bucket, computed here so
// the page shows it without JavaScript.
type barChart struct {
	Width, Height          int
	Left, Right, Top, Base int
	Bars                   []chartSegment
	YTicks                 []chartTick
	XLabels                []chartTick
	Legend                 []legendEntry
	Bucket                 string
}

// chartSegment is one cause's part of one bucket's bar.
type chartSegment struct {
	X, Y, W, H string
	Cause      string
	Colour     string
	Count      int
	Start      time.Time
}

// chartTick is a labelled position on an axis.
type chartTick struct {
	Pos   string
	Label string
}

// legendEntry names a series and its colour.
type legendEntry struct {
	ID     string
	Colour string
}

// newChart lays out the timeline, or returns nil when there is no failed
// job to draw.
func newChart(tl Timeline, order []string, colours map[string]string) *barChart {
	n := len(tl.Starts)
	totals := make([]int, n)
	for _, id := range order {
		for i, v := range tl.Series[id] {
			if i < n && v > 0 {
				totals[i] += v
			}
		}
	}
	top := slices.Max(append(totals, 0))
	if top == 0 {
		return nil
	}
	step := tickStep(top)
	ceiling := step * ((top + step - 1) / step)
	scale := float64(plotBottom-plotTop) / float64(ceiling)
	slot := float64(plotRight-plotLeft) / float64(n)
	width := min(slot*0.72, maxBarWidth)

	c := &barChart{
		Width: chartWidth, Height: chartHeight,
		Left: plotLeft, Right: plotRight, Top: plotTop, Base: plotBottom,
		Bucket: tl.Bucket,
	}
	for v := 0; v <= ceiling; v += step {
		c.YTicks = append(c.YTicks, chartTick{Pos: svgCoord(plotBottom - float64(v)*scale), Label: strconv.Itoa(v)})
	}
	every := (n + maxXLabels - 1) / maxXLabels
	for i, start := range tl.Starts {
		x := plotLeft + slot*float64(i) + (slot-width)/2
		if i%every == 0 {
			c.XLabels = append(c.XLabels, chartTick{Pos: svgCoord(x + width/2), Label: start.UTC().Format("Jan 2")})
		}
		y := float64(plotBottom)
		for _, id := range order {
			series := tl.Series[id]
			if i >= len(series) || series[i] <= 0 {
				continue
			}
			// At least one unit high, so a cause with few jobs among
			// many stays visible and can be pointed at for its tooltip.
			h := max(float64(series[i])*scale, 1)
			y -= h
			c.Bars = append(c.Bars, chartSegment{
				X: svgCoord(x), Y: svgCoord(y), W: svgCoord(width), H: svgCoord(h),
				Cause: id, Colour: colours[id], Count: series[i], Start: start,
			})
		}
	}
	for _, id := range order {
		if slices.ContainsFunc(tl.Series[id], func(v int) bool { return v > 0 }) {
			c.Legend = append(c.Legend, legendEntry{ID: id, Colour: colours[id]})
		}
	}
	return c
}

// tickStep picks a round step (1, 2 or 5 times a power of ten) that puts
// at most five steps between zero and top.
func tickStep(top int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if top <= 5*m*p {
				return m * p
			}
		}
	}
}

// svgCoord prints a coordinate to a hundredth of a unit, enough for any
// screen and short enough to keep the page small.
func svgCoord(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// readinessTable is the readiness grid: one row per project, one column
// per lint rule found in any project.
type readinessTable struct {
	Rules []string
	Rows  []readinessRow
}

// readinessRow is one project's counts, index for index with Rules.
type readinessRow struct {
	Project string
	Counts  []int
	Total   int
	Error   string
}

// newReadinessTable lays out the readiness of the projects.
func newReadinessTable(projects []ProjectReadiness) readinessTable {
	var t readinessTable
	seen := map[string]int{}
	for _, p := range projects {
		maps.Copy(seen, p.Findings)
	}
	t.Rules = sortedRules(seen)
	for _, p := range projects {
		row := readinessRow{Project: p.Project, Total: total(p.Findings), Error: p.Error}
		for _, rule := range t.Rules {
			row.Counts = append(row.Counts, p.Findings[rule])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
