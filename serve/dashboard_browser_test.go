package serve_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ci-doctor/ci-doctor/internal/browsertest"
	"github.com/ci-doctor/ci-doctor/serve"
	"github.com/ci-doctor/ci-doctor/store/storetest"
)

// TestBrowserDashboard opens the live dashboard in Chromium: the page runs
// without an error under its Content-Security-Policy (the form included),
// and choosing a cause in the filters and applying them shows that cause
// only.
func TestBrowserDashboard(t *testing.T) {
	ctx := browsertest.New(t)
	e := start(t, storetest.SQLite(t), serve.Options{Workers: 2})
	for _, job := range []int64{42, 43} {
		e.post(t, "Job Hook", jobHook(t, e.gitlab.URL, 7, "acme/shop", job, "failed"), secret)
	}
	e.waitDiagnosed(t, 42, 43)

	problems := browsertest.Watch(t, ctx)
	browsertest.Open(t, ctx, e.url+"/?window=7d")
	causes := func() []string {
		return browsertest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#causes tbody tr")].map(tr => tr.cells[0].dataset.sortValue)`)
	}
	if got := causes(); !slices.Equal(got, []string{"docker-daemon-unreachable", "out-of-memory"}) && !slices.Equal(got, []string{"out-of-memory", "docker-daemon-unreachable"}) {
		t.Fatalf("causes shown %v, want both jobs' causes", got)
	}
	// The click submits the form: RunResponse waits for the page it
	// loads, so that nothing below runs in the old page or between the two
	// (an evaluation there fails with "Inspected target navigated").
	if _, err := chromedp.RunResponse(ctx,
		chromedp.SetValue(chromedp.CSS(`form.filters select[name=cause]`), "out-of-memory"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
	); err != nil {
		t.Fatalf("submitting the filters: %v", err)
	}
	url := browsertest.Eval[string](t, ctx, `location.search`)
	if !strings.Contains(url, "cause=out-of-memory") {
		t.Fatalf("the form loaded %q, want the filtered page", url)
	}
	if got := causes(); !slices.Equal(got, []string{"out-of-memory"}) {
		t.Errorf("after filtering (%s): causes %v, want out-of-memory only", url, got)
	}
	if window := browsertest.Eval[string](t, ctx, `document.querySelector("form.filters select[name=window]").value`); window != "7d" {
		t.Errorf("the window filter shows %q after the reload, want the chosen 7d", window)
	}
	browsertest.Screenshot(t, ctx, "dashboard.png")
	problems.Check(t)
}
