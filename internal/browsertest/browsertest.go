// Package browsertest runs pages in Debian's Chromium, headless, through
// chromedp, for the tests of the report's HTML page and of serve's live
// dashboard: what a golden file cannot check (the browser runs the page
// without an error under its Content-Security-Policy, draws it, and its
// script works).
package browsertest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ci-doctor/ci-doctor/internal/artifact"
)

// browserTimeout bounds each browser test, start of the browser included.
const browserTimeout = 60 * time.Second

// browserPath is Debian's chromium, or $CHROMIUM.
func browserPath() string {
	return cmp.Or(os.Getenv("CHROMIUM"), "/usr/bin/chromium")
}

// New starts a headless Chromium for one test, with a new profile
// and without anything that would reach the network on its own (this
// machine's network is closed, and the page must not need it), and
// returns its context. It skips the test when there is no browser, unless
// CI_DOCTOR_REQUIRE_BROWSER=1 says a browser must be there.
func New(t *testing.T) context.Context {
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

// Problems collects what the page reports as going wrong: console
// errors, uncaught exceptions and the browser's own error entries, such as
// a load the Content-Security-Policy refused.
type Problems struct {
	mu   sync.Mutex
	list []string
}

// Watch starts collecting the problems of the tab of ctx.
func Watch(t *testing.T, ctx context.Context) *Problems {
	t.Helper()
	p := &Problems{}
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

// Check fails the test for each problem seen so far.
func (p *Problems) Check(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, msg := range p.list {
		t.Errorf("page: %s", msg)
	}
}

// Open loads url in the tab.
func Open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// Eval runs a script in the page and decodes its result.
func Eval[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("running %s: %v", script, err)
	}
	return v
}

// Screenshot writes a full-page PNG of the tab as an artifact.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("taking a screenshot: %v", err)
	}
	artifact.Write(t, name, png)
}
