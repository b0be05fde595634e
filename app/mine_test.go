package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

func TestMyTasks(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	mine := func(user, want string) string {
		t.Helper()
		var last string
		for i := 0; i < 100; i++ { // visibility may lag a moment behind a new case
			reply, err := sl.SlashCommand(user, chHelsestasjon, "/samarbeid", "mine")
			if err != nil {
				t.Fatal(err)
			}
			if last = reply.Text; strings.Contains(last, want) {
				return last
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("/samarbeid mine for %s lacks %q:\n%s", user, want, last)
		return ""
	}
	if got := mine("U_PER", "ingen ventende steg"); !strings.Contains(got, "ingen") {
		t.Fatal(got)
	}
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	mine(kari, ref+"*: Steg 1 av 3")

	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	clickValue(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "vurder").TS, "vurder", wfID+"|skole")
	openView(t, sl, kari, "vurdering")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "a"}}, "begrunnelse": {"verdi": {Value: "b"}}})
	mine(kari, "registrer samtykke eller lovhjemmel for Grunnskolen")

	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "muntlig"}}, "gitt_av": {"verdi": {Value: "personen"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	waitForButton(t, sl, chSkole, "godta")
	mine(ola, ref+"*: svar på forespørsel om samarbeid fra Helsestasjon")
	mine(kim, "Koordinerende enhet: 0 steg har oversittet frist")
}

// Opening the Home tab shows "Mine oppgaver"; Slack's redelivery of the same event is
// acknowledged without drawing the tab again.
func TestHomeTab(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	waitForButton(t, sl, chHelsestasjon, "avklaring")
	var home string
	for i := 0; i < 100 && !strings.Contains(home, ref); i++ { // visibility may lag behind the new case
		if err := sl.OpenHome(kari); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if v, ok := sl.HomeView(kari); ok {
			raw, _ := json.Marshal(v.Blocks)
			home = string(raw)
		}
	}
	if !strings.Contains(home, "Mine oppgaver") || !strings.Contains(home, ref) {
		t.Fatalf("Home tab: %s", home)
	}
	// One click from the Home tab opens the step's modal, and the answer goes through.
	v, _ := sl.HomeView(kari)
	if _, err := sl.ClickViewButton(kari, v.ID, "avklaring", "", nil); err != nil {
		t.Fatalf("the Home tab has no button for step 1: %v\n%s", err, home)
	}
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	waitForButton(t, sl, chHelsestasjon, "vurder")
	// The answered task leaves the Home tab, and step 2's takes its place, without reopening it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, _ := sl.HomeView(kari)
		raw, _ := json.Marshal(v.Blocks)
		if strings.Contains(string(raw), `"action_id":"vurder"`) && !strings.Contains(string(raw), `"action_id":"avklaring"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Home tab was not redrawn after the answer: %s", raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	before := sl.Calls()["views.publish"]
	status, err := sl.SendEvent(map[string]any{"type": "app_home_opened", "user": kari, "tab": "home"}, 1)
	if err != nil || status != 200 {
		t.Fatalf("retry: %d %v", status, err)
	}
	time.Sleep(300 * time.Millisecond)
	if after := sl.Calls()["views.publish"]; after != before {
		t.Fatalf("a redelivered event drew the Home tab again (%d -> %d)", before, after)
	}
}
