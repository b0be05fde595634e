package app

// What the browser tests share (the web console's, app/console_browser_test.go, and the Slack
// stand-in page's, app/standin_browser_test.go): finding Chromium and axe-core, one headless
// browser per test, and tabs that collect every console error, uncaught exception and failed
// request so that a check can fail on them.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTools finds Chromium and axe-core, or fails saying how to install them.
func browserTools(t *testing.T) (chromium, axe string) {
	t.Helper()
	chromium = os.Getenv("SAMARBEID_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("the browser test needs Chromium at %s (%v): install it with `apt-get install -y chromium`, "+
			"as scripts/test and .ci/run do, or point SAMARBEID_CHROMIUM at one", chromium, err)
	}
	axe = os.Getenv("SAMARBEID_AXE")
	if axe == "" {
		axe = "/tmp/samarbeid-axe/node_modules/axe-core/axe.min.js"
	}
	if _, err := os.Stat(axe); err != nil {
		t.Fatalf("the browser test needs axe-core at %s (%v): install it with "+
			"`npm install --prefix /tmp/samarbeid-axe axe-core@4`, as scripts/test and .ci/run do, or point SAMARBEID_AXE at axe.min.js", axe, err)
	}
	return chromium, axe
}

// screenshotDir is where a browser test keeps its screenshots: SAMARBEID_SCREENSHOTS, or a
// temporary folder.
func screenshotDir(t *testing.T) string {
	if dir := os.Getenv("SAMARBEID_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// chromiumAllocator is how a test starts headless Chromium; each openTab starts one of its own, and
// all are stopped when the test ends.
func chromiumAllocator(t *testing.T, chromium string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:0], chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.WindowSize(1280, 900))
	allocCtx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	return allocCtx
}

// axeResult is the part of axe.run's answer the test reads.
type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
}

// browserTab is a browser of its own (its own cookies, storage) whose one tab hears what a person would see in
// the DevTools console: console.error, uncaught exceptions, the browser's own errors (a
// blocked load, a CSP violation), and every response of 400 or more.
type browserTab struct {
	t        *testing.T
	ctx      context.Context
	name     string
	shots    string
	axe      []byte   // axe-core's source; nil: no accessibility check
	expected []string // problems the test means to cause, by a part of their text

	mu       sync.Mutex
	problems []string
}

// openTab starts a browser and its tab, bounded by a hang guard. close ends them.
func openTab(t *testing.T, browser context.Context, name, shots string, axe []byte, expected []string) (tab *browserTab, close func()) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	// A guard against a hung browser, not a performance target: alone the console's whole
	// test takes about 12 s here.
	ctx, cancelT := context.WithTimeout(ctx, 6*time.Minute)
	tab = &browserTab{t: t, ctx: ctx, name: name, shots: shots, axe: axe, expected: expected}
	listenErr := chromedp.Listen(ctx, func(ev any) {
		var problem string
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problem = "console error: " + strings.Join(args, " ")
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				problem = "console error: " + e.Entry.Text + " " + e.Entry.URL
			}
		case *runtime.EventExceptionThrown:
			problem = "uncaught exception: " + e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				problem += " " + e.ExceptionDetails.Exception.Description
			}
		case *network.EventResponseReceived:
			if e.Response != nil && e.Response.Status >= 400 {
				// In the words Chromium's console uses, so one expectation covers both.
				problem = fmt.Sprintf("failed request: status of %d (%s) %s", e.Response.Status, e.Response.StatusText, e.Response.URL)
			}
		case *network.EventLoadingFailed:
			if !e.Canceled {
				problem = "failed request: " + e.ErrorText
			}
		}
		if problem != "" {
			tab.mu.Lock()
			tab.problems = append(tab.problems, problem)
			tab.mu.Unlock()
		}
	})
	if listenErr != nil {
		cancelT()
		cancel()
		t.Fatalf("%s: start Chromium: %v", name, listenErr)
	}
	return tab, func() { cancelT(); cancel() }
}

// screenshot saves the whole page as <name>-<page>.png. It is for people to look at, not an
// assertion, and Chromium's capture has been seen to hang once in CI (the run's whole budget
// spent in one capture): it gets 20 s, and the test goes on without it.
func (b *browserTab) screenshot(page string) {
	b.t.Helper()
	shotCtx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	buf, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("%s/%s: no screenshot: %v", b.name, page, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.shots, b.name+"-"+page+".png"), buf, 0o644); err != nil {
		b.t.Errorf("%s/%s: save the screenshot: %v", b.name, page, err)
	}
}

// accessibility runs axe-core (WCAG 2.1 A and AA) over the page as it is now; each violation
// is an error.
func (b *browserTab) accessibility(page string) {
	b.t.Helper()
	if b.axe == nil {
		return
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(b.axe)+";true")); err != nil {
		b.t.Fatalf("%s/%s: load axe-core: %v", b.name, page, err)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify({violations: r.violations}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s/%s: axe: %v", b.name, page, err)
	}
	var res axeResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		b.t.Fatalf("%s/%s: axe answer: %v", b.name, page, err)
	}
	for _, v := range res.Violations {
		for _, n := range v.Nodes {
			b.t.Errorf("%s/%s: axe %s, %s (%s): %v %s", b.name, page, v.ID, v.Impact, v.Help, n.Target, n.HTML)
		}
	}
}

// noProblems fails the test on every console error, exception and failed request heard since
// the last look, but those the test expected.
func (b *browserTab) noProblems(page string) {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		if !slices.ContainsFunc(b.expected, func(x string) bool { return strings.Contains(p, x) }) {
			b.t.Errorf("%s/%s: %s", b.name, page, p)
		}
	}
	b.problems = nil
}

// check is a step's look at the page: a screenshot, axe, and no console or network errors.
func (b *browserTab) check(page string) {
	b.t.Helper()
	b.screenshot(page)
	b.accessibility(page)
	b.noProblems(page)
}
