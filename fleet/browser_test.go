package fleet

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ci-doctor/ci-doctor/internal/browsertest"
)

// The browser tests open the rendered page in Debian's Chromium, headless,
// to check what a golden file cannot: that the browser runs the page
// without an error under its Content-Security-Policy, draws the chart and
// sorts the tables.

// servePage serves the page from a server on 127.0.0.1 for the test's life.
func servePage(t *testing.T, html []byte) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			t.Errorf("the page asked the server for %s, want nothing but the page", r.URL)
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(html)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// drawnChart is what the browser drew of the timeline.
type drawnChart struct {
	Bars   int     `json:"bars"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
}

// checkChart checks that the browser drew one visible bar segment per
// non-zero cell of the timeline, in a chart that takes room on the page.
func checkChart(t *testing.T, ctx context.Context, s *Summary) {
	t.Helper()
	got := browsertest.Eval[drawnChart](t, ctx, `(() => {
		const svg = document.querySelector("svg#timeline");
		const box = svg.getBoundingClientRect();
		const bars = [...svg.querySelectorAll("rect.bar")].filter(r => r.getBoundingClientRect().height > 0);
		return {bars: bars.length, width: box.width, height: box.height};
	})()`)
	if want := nonZeroCells(s.Timeline); got.Bars != want {
		t.Errorf("the browser drew %d bar segments, want %d (one per non-zero cell)", got.Bars, want)
	}
	if got.Width <= 0 || got.Height <= 0 {
		t.Errorf("the chart is %gx%g pixels, want it to take room", got.Width, got.Height)
	}
}

// clickSort clicks the header of a table's column and returns the column's
// sort keys, top to bottom, and the header's aria-sort.
func clickSort(t *testing.T, ctx context.Context, table, header string) (keys []string, ariaSort string) {
	t.Helper()
	col := browsertest.Eval[int](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#%s thead th")].findIndex(th => th.textContent.trim() === %q)`, table, header))
	if col < 0 {
		t.Fatalf("table #%s has no column %q", table, header)
	}
	th := fmt.Sprintf("#%s thead th:nth-child(%d)", table, col+1)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(th+" button"))); err != nil {
		t.Fatalf("clicking the header %q of #%s: %v", header, table, err)
	}
	keys = browsertest.Eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#%s tbody tr")].map(tr => tr.cells[%d].dataset.sortValue)`, table, col))
	ariaSort = browsertest.Eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-sort")`, th))
	return keys, ariaSort
}

// checkSorted clicks a header and checks the order it gives.
func checkSorted(t *testing.T, ctx context.Context, table, header, wantAria string, compare func(a, b string) int) {
	t.Helper()
	keys, aria := clickSort(t, ctx, table, header)
	if aria != wantAria {
		t.Errorf("#%s by %q: aria-sort is %q, want %q", table, header, aria, wantAria)
	}
	ordered := slices.IsSortedFunc(keys, compare)
	if wantAria == "descending" {
		ordered = slices.IsSortedFunc(keys, func(a, b string) int { return compare(b, a) })
	}
	if !ordered || len(keys) < 2 {
		t.Errorf("#%s by %q gives %q, want two or more rows, in %s order", table, header, keys, wantAria)
	}
}

// sortNumeric compares sort keys as numbers.
func sortNumeric(a, b string) int {
	var x, y float64
	fmt.Sscan(a, &x)
	fmt.Sscan(b, &y)
	return cmp.Compare(x, y)
}

// sortText compares sort keys as the page's script does.
func sortText(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

func TestBrowserReport(t *testing.T) {
	ctx := browsertest.New(t)
	s := loadSummary(t, "realistic")
	problems := browsertest.Watch(t, ctx)
	browsertest.Open(t, ctx, servePage(t, renderPage(t, "realistic")))

	checkChart(t, ctx, s)
	checkSorted(t, ctx, "causes", "Jobs", "ascending", sortNumeric)
	checkSorted(t, ctx, "causes", "Jobs", "descending", sortNumeric)
	checkSorted(t, ctx, "causes", "Cause", "ascending", sortText)
	checkSorted(t, ctx, "causes", "Last seen", "ascending", func(a, b string) int {
		x, _ := time.Parse(time.RFC3339, a)
		y, _ := time.Parse(time.RFC3339, b)
		return x.Compare(y)
	})
	checkSorted(t, ctx, "readiness", "Total", "ascending", sortNumeric)
	checkSorted(t, ctx, "readiness", "Total", "descending", sortNumeric)
	checkSorted(t, ctx, "readiness", "Project", "ascending", sortText)
	checkSorted(t, ctx, "readiness", "Project", "descending", sortText)

	// Back to the report's own order for the picture.
	clickSort(t, ctx, "causes", "Jobs")
	clickSort(t, ctx, "causes", "Jobs")
	clickSort(t, ctx, "readiness", "Project")
	browsertest.Screenshot(t, ctx, "report.png")
	problems.Check(t)
}

func TestBrowserReportDark(t *testing.T) {
	ctx := browsertest.New(t)
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	problems := browsertest.Watch(t, ctx)
	browsertest.Open(t, ctx, servePage(t, renderPage(t, "realistic")))
	if !browsertest.Eval[bool](t, ctx, `matchMedia("(prefers-color-scheme: dark)").matches`) {
		t.Fatal("the browser does not emulate the dark colour scheme")
	}
	browsertest.Screenshot(t, ctx, "report-dark.png")
	problems.Check(t)
}

// TestBrowserOffline opens each case's page as a file, with no server at
// all, as someone would open a downloaded report.
func TestBrowserOffline(t *testing.T) {
	ctx := browsertest.New(t)
	dir := t.TempDir()
	problems := browsertest.Watch(t, ctx)
	for _, name := range summaryCases(t) {
		path := filepath.Join(dir, name+".html")
		if err := os.WriteFile(path, renderPage(t, name), 0o644); err != nil {
			t.Fatal(err)
		}
		browsertest.Open(t, ctx, "file://"+path)
		if s := loadSummary(t, name); s.Jobs > 0 {
			checkChart(t, ctx, s)
		}
		browsertest.Screenshot(t, ctx, "report-"+name+".png")
	}
	problems.Check(t)
}
