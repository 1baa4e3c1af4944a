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
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests open the rendered page in Debian's Chromium, headless,
// to check what a golden file cannot: that the browser runs the page
// without an error under its Content-Security-Policy, draws the chart and
// sorts the tables.

// browserTimeout bounds each browser test, start of the browser included.
const browserTimeout = 60 * time.Second

// browserPath is Debian's chromium, or $CHROMIUM.
func browserPath() string {
	return cmp.Or(os.Getenv("CHROMIUM"), "/usr/bin/chromium")
}

// newBrowser starts a headless Chromium for one test, with a new profile
// and without anything that would reach the network on its own (this
// machine's network is closed, and the page must not need it), and
// returns its context. It skips the test when there is no browser, unless
// CI_DOCTOR_REQUIRE_BROWSER=1 says a browser must be there.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := browserPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI_DOCTOR_REQUIRE_BROWSER") == "1" {
			t.Fatalf("no browser at %s: install Debian's chromium package (scripts/install-chromium.sh) or set CHROMIUM", path)
		}
		t.Skipf("no browser at %s (scripts/install-chromium.sh installs it; CI_DOCTOR_REQUIRE_BROWSER=1 makes this a failure)", path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// pageProblems collects what the page reports as going wrong: console
// errors, uncaught exceptions and the browser's own error entries, such as
// a load the Content-Security-Policy refused.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

// watchPage starts collecting the problems of the tab of ctx.
func watchPage(t *testing.T, ctx context.Context) *pageProblems {
	t.Helper()
	p := &pageProblems{}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				msg = "console.error: " + strings.Join(args, " ")
			}
		case *runtime.EventExceptionThrown:
			msg = (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error()
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				msg = fmt.Sprintf("%s error: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			msg = "the page opened a dialog: " + ev.Message
		}
		if msg != "" {
			p.mu.Lock()
			p.list = append(p.list, msg)
			p.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// check fails the test for each problem seen so far.
func (p *pageProblems) check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, msg := range p.list {
		t.Errorf("page: %s", msg)
	}
}

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

// openPage loads url in the tab.
func openPage(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// evalJS runs a script in the page and decodes its result.
func evalJS[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("running %s: %v", script, err)
	}
	return v
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
	got := evalJS[drawnChart](t, ctx, `(() => {
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
	col := evalJS[int](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#%s thead th")].findIndex(th => th.textContent.trim() === %q)`, table, header))
	if col < 0 {
		t.Fatalf("table #%s has no column %q", table, header)
	}
	th := fmt.Sprintf("#%s thead th:nth-child(%d)", table, col+1)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(th+" button"))); err != nil {
		t.Fatalf("clicking the header %q of #%s: %v", header, table, err)
	}
	keys = evalJS[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#%s tbody tr")].map(tr => tr.cells[%d].dataset.sortValue)`, table, col))
	ariaSort = evalJS[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-sort")`, th))
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

// writeArtifact writes a file for a person to look at after the tests,
// into $CI_DOCTOR_ARTIFACTS or ci-doctor-artifacts in the temporary folder.
func writeArtifact(t *testing.T, name string, data []byte) {
	t.Helper()
	dir := cmp.Or(os.Getenv("CI_DOCTOR_ARTIFACTS"), filepath.Join(os.TempDir(), "ci-doctor-artifacts"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// screenshotPage writes a full-page PNG of the tab.
func screenshotPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("taking a screenshot: %v", err)
	}
	writeArtifact(t, name, png)
}

func TestBrowserReport(t *testing.T) {
	ctx := newBrowser(t)
	s := loadSummary(t, "realistic")
	problems := watchPage(t, ctx)
	openPage(t, ctx, servePage(t, renderPage(t, "realistic")))

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
	screenshotPage(t, ctx, "report.png")
	problems.check(t)
}

func TestBrowserReportDark(t *testing.T) {
	ctx := newBrowser(t)
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	problems := watchPage(t, ctx)
	openPage(t, ctx, servePage(t, renderPage(t, "realistic")))
	if !evalJS[bool](t, ctx, `matchMedia("(prefers-color-scheme: dark)").matches`) {
		t.Fatal("the browser does not emulate the dark colour scheme")
	}
	screenshotPage(t, ctx, "report-dark.png")
	problems.check(t)
}

// TestBrowserOffline opens each case's page as a file, with no server at
// all, as someone would open a downloaded report.
func TestBrowserOffline(t *testing.T) {
	ctx := newBrowser(t)
	dir := t.TempDir()
	problems := watchPage(t, ctx)
	for _, name := range summaryCases(t) {
		path := filepath.Join(dir, name+".html")
		if err := os.WriteFile(path, renderPage(t, name), 0o644); err != nil {
			t.Fatal(err)
		}
		openPage(t, ctx, "file://"+path)
		if s := loadSummary(t, name); s.Jobs > 0 {
			checkChart(t, ctx, s)
		}
		screenshotPage(t, ctx, "report-"+name+".png")
	}
	problems.check(t)
}
