package app

// The web console in a real browser (issue 13): headless Chromium signs in through the
// stand-in's Sign in with Slack as the KE, reads Oversikt, finds and opens a case, reads the
// indicators, downloads an export, and a caseworker is refused. Every page is checked with
// axe-core (WCAG 2.1 A and AA); a console error, a request answered 4xx/5xx (but the refusal's
// 403) or an axe violation fails the test. What it shares with the stand-in page's browser
// test is in app/browser_helpers_test.go.
//
// It needs Debian's chromium and npm's axe-core; scripts/test and .ci/run install both. Set
// SAMARBEID_CHROMIUM and SAMARBEID_AXE to use others, and SAMARBEID_SCREENSHOTS to keep the
// screenshots in a folder of your choice.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestConsoleInBrowser(t *testing.T) {
	chromium, axePath := browserTools(t)
	axeSource, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)
	a := startApp(t)
	refs := consoleCases(t, a, 3)
	closed := refs[0]
	browser := chromiumAllocator(t, chromium)

	// run opens a fresh browser (its own cookies), so each person signs in for themselves.
	// expected names browser errors a page is meant to cause: the refusal page is a 403.
	run := func(name string, expected []string, steps func(ctx context.Context, check func(page string))) {
		tab, closeTab := openTab(t, browser, name, shots, axeSource, expected)
		defer closeTab()
		steps(tab.ctx, tab.check)
	}

	must := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	eval := func(ctx context.Context, what, js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}

	coordRef := faultRefs(950, 1)[0]
	startConsoleCoordinator(t, a, coordRef)

	run("ke", nil, func(ctx context.Context, check func(string)) {
		must(ctx, "open the console", chromedp.Navigate(a.URL+"/konsoll/"), chromedp.WaitVisible(chromedp.CSS(`a.button`)))
		check("logg-inn")
		must(ctx, "Sign in with Slack", chromedp.Click(chromedp.CSS(`a.button`)),
			chromedp.WaitVisible(chromedp.CSS(`button[value="`+kim+`"]`)))
		check("slack-authorize")
		// Wait for the console's own header, not the authorize page's heading.
		must(ctx, "pick the KE", chromedp.Click(chromedp.CSS(`button[value="`+kim+`"]`)), chromedp.WaitVisible(chromedp.CSS(`form.who`)))
		if h := text(ctx, "main h1"); h != "Oversikt" {
			t.Fatalf("after login: %q", h)
		}
		if body := text(ctx, "main"); !strings.Contains(body, refs[1]) || !strings.Contains(body, refs[2]) {
			t.Errorf("Oversikt lacks the open cases: %s", body)
		}
		check("oversikt")

		must(ctx, "search a case", chromedp.Click(chromedp.CSS(`a[href="/konsoll/saker"]`)), chromedp.WaitVisible(chromedp.CSS(`#f-sak`)),
			chromedp.SendKeys(chromedp.CSS(`#f-sak`), closed), chromedp.Submit(chromedp.CSS(`#f-sak`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/konsoll/sak/`+closed+`"]`)))
		check("saker")
		must(ctx, "open the case", chromedp.Click(chromedp.CSS(`a[href="/konsoll/sak/`+closed+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#tidslinje`)))
		if body := text(ctx, "main"); !strings.Contains(body, "Sak "+closed) || !strings.Contains(body, "avsluttet") {
			t.Errorf("case page: %s", body)
		}
		check("sak")
		// A coordinator request: its deadlines with the statute's citation and the local policy's key.
		must(ctx, "open the coordinator case", chromedp.Navigate(a.URL+"/konsoll/sak/"+coordRef), chromedp.WaitVisible(chromedp.CSS(`#tidslinje`)))
		if body := text(ctx, "main"); !strings.Contains(body, "fvl § 11 a") || !strings.Contains(body, "koordinator.vedtak_virkedager") {
			t.Errorf("coordinator case page lacks the deadlines' citations: %s", body)
		}
		if body := text(ctx, "main"); strings.Contains(body, "23:59") {
			t.Errorf("a deadline is a day, shown without the end-of-day clock: %s", body)
		}
		check("sak-koordinator")

		must(ctx, "indicators", chromedp.Click(chromedp.CSS(`a[href="/konsoll/indikatorer"]`)), chromedp.WaitVisible(chromedp.CSS(`section.chart img`)))
		if eval(ctx, "the charts are drawn", `String([...document.querySelectorAll("section.chart img")].every(i => i.complete && i.naturalWidth > 0))`) != "true" {
			t.Errorf("a chart did not load")
		}
		check("indikatorer")

		must(ctx, "audit page", chromedp.Click(chromedp.CSS(`a[href="/konsoll/revisjon"]`)), chromedp.WaitVisible(chromedp.CSS(`#e-sak`)))
		check("revisjon")
		// The export as the browser downloads it, with this session's cookie.
		got := eval(ctx, "download an export", fmt.Sprintf(
			`fetch("/konsoll/revisjon/eksport?sak=%s&format=csv").then(async r => r.status + " " + r.headers.get("content-disposition") + "\n" + await r.text())`, closed))
		if !strings.HasPrefix(got, "200 attachment") || !strings.Contains(got, "nr,tidspunkt,hvem") || !strings.Contains(got, "sak_avsluttet") {
			t.Errorf("export: %q", got)
		}
		must(ctx, "log out", chromedp.Click(chromedp.CSS(`form.who button`)), chromedp.WaitVisible(chromedp.CSS(`main a.button[href="/konsoll/logg-inn"]`)))
		if h := text(ctx, "main h1"); h != "Du er logget ut" {
			t.Errorf("after logout: %q", h)
		}
		check("logget-ut")
	})

	run("saksbehandler", []string{"status of 403 (Forbidden) " + a.URL + "/konsoll/"}, func(ctx context.Context, check func(string)) {
		must(ctx, "caseworker signs in", chromedp.Navigate(a.URL+"/konsoll/auth/start"),
			chromedp.WaitVisible(chromedp.CSS(`button[value="`+kari+`"]`)),
			chromedp.Click(chromedp.CSS(`button[value="`+kari+`"]`)), chromedp.WaitVisible(chromedp.CSS(`main p.notice`)))
		if h := text(ctx, "main h1"); h != "Ingen tilgang" {
			t.Errorf("caseworker: %q", h)
		}
		check("avvist")
	})
	t.Logf("screenshots in %s", shots)
}
