package app

// The local Slack stand-in's page in a real browser (issue 14 item 7): the page that
// `samarbeid dev` serves without Slack tokens is how most people first meet samarbeid, so
// headless Chromium plays a case through it the way a person does: it picks who it is in «Du
// er», types /samarbeid ny in the composer, fills each modal and clicks the buttons in the
// channel, as the health station's caseworker and then as the school's, until the school has
// accepted with a contact person, the case is closed, and «Vis sak» on it still shows the
// contact person; then the Home tab, and the channel in a narrow window. Every step is a
// screenshot (kept in SAMARBEID_SCREENSHOTS, or a temporary folder; its path is logged) and
// an axe-core check; a console error, an uncaught exception or a request answered 4xx/5xx
// fails the test.
//
// It needs what the console's browser test needs (app/browser_helpers_test.go says how).

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

func TestStandInPageInBrowser(t *testing.T) {
	chromium, axePath := browserTools(t)
	axeSource, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	shots := screenshotDir(t)
	t.Logf("screenshots in %s", shots)
	a := startApp(t)
	tr := i18n.For(i18n.Default)

	tab, closeTab := openTab(t, chromiumAllocator(t, chromium), "standin", shots, axeSource, nil)
	defer closeTab()
	ctx := tab.ctx

	// A step that waits a minute has failed (alone the whole test takes about 20 s); its
	// screenshot shows where.
	must := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(stepCtx, actions...); err != nil {
			tab.screenshot("failed")
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}
	// The page asks the stand-in for its state every second, so a wait is for what the
	// person waits to see: a message's text, a button in the channel, a modal's title.
	inLog := func(text string) chromedp.Search {
		return chromedp.Search(`//div[@id="log"]//div[contains(@class,"msg")][contains(normalize-space(.), ` + xpathString(text) + `)]`)
	}
	lastButton := func(label string) chromedp.Search {
		return chromedp.Search(`(//div[@id="log"]//button[normalize-space(.)=` + xpathString(label) + `])[last()]`)
	}
	modalOpen := func(title string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(`//div[@id="modal"]//h2[starts-with(normalize-space(.), ` + xpathString(title) + `)]`))
	}
	modalClosed := chromedp.WaitNotVisible(chromedp.CSS(`#overlay`))
	submitModal := func(what string) {
		t.Helper()
		must(what, chromedp.Click(chromedp.CSS(`#modal button[type="submit"]`)), modalClosed)
	}
	radio := func(block, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(`#modal .field[data-block="` + block + `"] input[value="` + value + `"]`))
	}
	// Who you are is the select «Du er» in the sidebar, and the channel a click on its name.
	beUser := func(user, name, channel string) {
		t.Helper()
		eval("pick "+name+" in «Du er»", `(() => { const s = document.querySelector("#user"); s.value = `+jsString(user)+
			`; s.dispatchEvent(new Event("change")); return s.value; })()`)
		must("the page is "+name+"'s", chromedp.WaitVisible(chromedp.Search(`//span[@id="whoami"][contains(., `+xpathString(name)+`)]`)))
		must("open #"+channel, chromedp.Click(chromedp.Search(`//aside//li/button[normalize-space(span[1])=`+xpathString("# "+channel)+`]`)),
			chromedp.WaitVisible(chromedp.Search(`//header[h2[normalize-space(.)=`+xpathString("# "+channel)+`]]`)))
	}

	// Each step's look: nothing wider than its box and the page no taller than the window,
	// then a screenshot, axe, and no console or network errors.
	step := 0
	look := func(page string) {
		t.Helper()
		step++
		page = fmt.Sprintf("%02d-%s", step, page)
		wide := eval("widths", `[document.documentElement, ...document.querySelectorAll("#log, #modal .body, aside")]
			.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => (e.id || e.className || e.tagName) + " " + e.scrollWidth + ">" + e.clientWidth).join("; ")`)
		if wide != "" {
			t.Errorf("%s: wider than the window: %s", page, wide)
		}
		// The sidebar and the channel scroll each in itself; the page as a whole never does.
		if tall := eval("height", `(e => e.scrollHeight > e.clientHeight + 1 ? e.scrollHeight + ">" + e.clientHeight : "")(document.documentElement)`); tall != "" {
			t.Errorf("%s: the page is taller than the window: %s", page, tall)
		}
		tab.check(page)
	}

	must("open the stand-in", chromedp.Navigate(a.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#channels li`)))
	// The page names its icon, and the icon is there (it answered 404 once).
	if got := eval("the favicon", `Promise.all([document.querySelector('link[rel~="icon"]').href, "/favicon.ico"].map(u => fetch(u).then(r => r.status + " " + r.headers.get("content-type")))).then(a => a.join(", "))`); got != "200 image/svg+xml, 200 image/svg+xml" {
		t.Errorf("favicon: %s", got)
	}
	beUser(kari, "Kari (helsestasjon)", "helsestasjon")
	look("start")

	// What a newcomer types first, as the composer suggests.
	must("type /samarbeid hjelp", chromedp.SendKeys(chromedp.CSS(`#cmdtext`), "/samarbeid hjelp"), chromedp.Click(chromedp.CSS(`#send`)),
		chromedp.WaitVisible(inLog("/samarbeid hjelp")))
	look("hjelp")

	// /samarbeid ny in the composer opens the new case's modal.
	must("type /samarbeid ny", chromedp.SendKeys(chromedp.CSS(`#cmdtext`), "/samarbeid ny"), chromedp.Click(chromedp.CSS(`#send`)),
		modalOpen(tr.T("new_case.title")))
	ref, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-saksreferanse`)))
	if err != nil || !strings.HasPrefix(ref, "SAK-") {
		t.Fatalf("the new case's reference: %q %v", ref, err)
	}
	if svc, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-tjeneste`))); svc != "helsestasjon" {
		t.Errorf("Kari works in one service, and it is chosen for her: %q", svc)
	}
	must("choose a child", radio("målgruppe", "barn"))
	look("ny-sak")
	submitModal("create the case")

	// Step 1: the health station answers that the school gives the child services.
	must("step 1's prompt", chromedp.WaitVisible(lastButton(tr.T("notice.clarify_button"))))
	look("steg-1")
	// The services are a long list of checkboxes with a filter above.
	must("answer step 1", chromedp.Click(lastButton(tr.T("notice.clarify_button"))), modalOpen(tr.T("clarify.title")),
		chromedp.SendKeys(chromedp.CSS(`#modal fieldset[data-block="tjenester"] input.filter`), "skole"),
		chromedp.Click(chromedp.Search(`//fieldset[@data-block="tjenester"]//label[normalize-space(.)="Grunnskolen"]`)))
	if got := eval("the filtered list", `[...document.querySelectorAll('#f-tjenester label.choice')].filter(l => l.checkVisibility()).map(l => l.textContent).join(", ")`); strings.Contains(got, "Barnehagen") || !strings.Contains(got, "Grunnskolen") {
		t.Errorf("the filter «skole» left: %s", got)
	}
	look("avklaring")
	submitModal("send step 1")

	// Step 2: collaboration with the school is needed.
	must("step 2's prompt", chromedp.WaitVisible(lastButton(tr.T("notice.assess_button"))))
	look("steg-2")
	must("assess the school", chromedp.Click(lastButton(tr.T("notice.assess_button"))), modalOpen(tr.T("assess.title")),
		radio("behov", "ja"),
		chromedp.SendKeys(chromedp.CSS(`#f-tema`), "tilrettelegging i skolehverdagen"),
		chromedp.SendKeys(chromedp.CSS(`#f-begrunnelse`), "eleven trenger tilpasning som helsestasjonen og skolen må avtale"))
	look("vurdering")
	submitModal("send the assessment")

	// Step 3: the consent first, then the contact request.
	must("step 3's prompt", chromedp.WaitVisible(lastButton(tr.T("notice.record_consent"))))
	look("steg-3")
	must("register consent", chromedp.Click(lastButton(tr.T("notice.record_consent"))), modalOpen(tr.T("consent.title")),
		radio("grunnlag", "samtykke"), radio("gitt_av", "personen"), radio("form", "skriftlig"))
	look("samtykke")
	submitModal("send the consent")
	must("the basis is on record", chromedp.WaitVisible(inLog(strings.TrimPrefix(tr.T("notice.state_basis"), ":white_check_mark: "))))
	must("send the contact request", chromedp.Click(lastButton(tr.T("notice.send_request"))),
		chromedp.WaitVisible(inLog(tr.T("contact.sent", "Service", "Grunnskolen"))))
	look("forespørsel-sendt")

	// The school's Ola sees the request in #grunnskolen and accepts, naming a contact person.
	beUser(ola, "Ola (skole)", "grunnskolen")
	must("the request in #grunnskolen", chromedp.WaitVisible(lastButton(tr.T("notice.accept"))))
	look("skole-forespørsel")
	must("accept", chromedp.Click(lastButton(tr.T("notice.accept"))), modalOpen(tr.T("accept.title")),
		chromedp.SendKeys(chromedp.CSS(`#f-kontaktperson`), "Ola, kontaktlærer"))
	look("godta")
	submitModal("send the acceptance")

	// Back in #helsestasjon, Kari reads that the school accepted, and the case is closed.
	beUser(kari, "Kari (helsestasjon)", "helsestasjon")
	accepted := tr.T("notice.contact_accepted", "Service", "Grunnskolen", "Ref", ref, "User", ola)
	accepted = accepted[:strings.Index(accepted, "(")] // the mention is drawn as a name
	must("the acceptance in #helsestasjon", chromedp.WaitVisible(inLog(strings.ReplaceAll(accepted, "*", ""))))
	closedText := strings.ReplaceAll(tr.T("notice.closed", "Ref", ref, "Outcome", ""), ":white_check_mark: ", "")
	closedText = strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(closedText, ".")), ":")
	must("the case is closed", chromedp.WaitVisible(inLog(closedText)))
	// Step 3's prompt is drawn again as closed: where the school ended up, and no button
	// that no longer applies (issue 14 item 2).
	must("step 3's prompt is closed", chromedp.WaitVisible(inLog(tr.T("hverdag3.step_closed", "Ref", ref))))
	for _, gone := range []string{tr.T("samtykke.withdraw_button"), tr.T("samtykke.close_button"), tr.T("notice.record_consent"), tr.T("notice.send_request")} {
		if n := eval("buttons "+gone, `String(document.evaluate(`+jsString(`count(//div[@id="log"]//button[normalize-space(.)=`+xpathString(gone)+`])`)+
			`, document, null, XPathResult.NUMBER_TYPE, null).numberValue)`); n != "0" {
			t.Errorf("the closed case still offers «%s» (%s times)", gone, n)
		}
	}
	look("kontakt-godtatt")
	recordHistory(t, a, workflows.WorkflowID(ref, "helsestasjon"), "collaboration_duty_closed_prompt.json")

	// «Vis sak» on the closed case shows how it ended: the school's answer and the contact
	// person it named, which is what step 3 was for.
	must("Vis sak on the closed case", chromedp.Click(lastButton(tr.T("notice.show_case"))), modalOpen(tr.T("details.title", "Ref", ref)))
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#modal .body`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{ref, "Grunnskolen", tr.T("answer_short.accepted"), strings.TrimPrefix(tr.T("details.contact_person", "Person", "Ola, kontaktlærer"), "; ")} {
		if !strings.Contains(shown, want) {
			t.Errorf("«Vis sak» on the closed case lacks %q:\n%s", want, shown)
		}
	}
	look("vis-lukket-sak")
	// Tab stays in the modal (its ✕, then Lukk, then round to ✕ again), and Escape closes it
	// and gives the focus back to the button that opened it.
	for i := 0; i < 3; i++ {
		must("Tab in the modal", chromedp.KeyEvent(kb.Tab))
	}
	if in := eval("the focus", `String(document.querySelector("#modal").contains(document.activeElement))`); in != "true" {
		t.Errorf("Tab left the open modal")
	}
	must("Escape closes the details", chromedp.KeyEvent(kb.Escape), modalClosed)
	if got := eval("the focus", `(e => e.tagName + " " + e.textContent.slice(0, 80))(document.activeElement)`); got != "BUTTON "+tr.T("notice.show_case") {
		t.Errorf("after the modal, the focus is on %q, not on the button that opened it", got)
	}

	// The Home tab: the app publishes it when it is opened.
	must("open Home", chromedp.Click(chromedp.Search(`//ul[@id="apps"]/li/button`)), chromedp.WaitVisible(chromedp.CSS(`#log .home`)))
	look("hjem")

	// A narrow window (a laptop's half screen): the channel and its buttons still fit.
	must("narrow window", chromedp.EmulateViewport(760, 900), chromedp.Click(chromedp.Search(`//aside//li/button[normalize-space(span[1])="# helsestasjon"]`)),
		chromedp.WaitVisible(lastButton(tr.T("notice.show_case"))))
	look("smalt-vindu")
}

// xpathString quotes s for an XPath expression (XPath 1.0 has no escapes).
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// jsString quotes s for JavaScript: a JSON string is one.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
