package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

const (
	nils  = "U_NILS"  // fastlege and hjemmetjeneste
	aisha = "U_AISHA" // barnevern
)

// TestNeedToKnowEndToEnd plays a case through the HTTP Slack surface where the GP was named
// in step 1 but judged not needed, child welfare's consent was refused, and the school got
// the request on the person's consent. The school opens what the case shares with it;
// neither the GP nor child welfare can open the case's details; the health station sees it
// all; and every look, allowed or not, is in the access log, which the auditor can list
// and a caseworker cannot.
func TestNeedToKnowEndToEnd(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	const (
		reasonGP      = "fastlegen følger ikke opp dette nå"
		reasonBV      = "barnevernet bør kjenne til saken"
		reasonRefused = "foreldrene vil ikke at barnevernet får vite"
	)

	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole", "fastlege", "barnevern"}}}})

	assess := func(service, needed, about, reason string) {
		t.Helper()
		step2 := waitForButton(t, sl, chHelsestasjon, "vurder")
		clickValue(t, sl, kari, chHelsestasjon, step2.TS, "vurder", wfID+"|"+service)
		openView(t, sl, kari, "vurdering")
		submit(t, sl, kari, map[string]map[string]slacklocal.Value{
			"behov": {"verdi": {Value: needed}}, "tema": {"verdi": {Value: about}}, "begrunnelse": {"verdi": {Value: reason}}})
	}
	assess("skole", "ja", secretAbout, "eleven trenger tilpasning")
	assess("fastlege", "nei", "", reasonGP)
	assess("barnevern", "ja", "oppfølging hjemme", reasonBV)

	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	consent := func(service, basis string) {
		t.Helper()
		clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|"+service)
		openView(t, sl, kari, "samtykke")
		// Who answered, and why a refusal (issue 10).
		values := map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: basis}}, "gitt_av": {"verdi": {Value: workflows.GiverParent}}}
		if basis == workflows.BasisConsent {
			values["form"] = map[string]slacklocal.Value{"verdi": {Value: "skriftlig"}}
		} else {
			values["begrunnelse"] = map[string]slacklocal.Value{"verdi": {Value: reasonRefused}}
		}
		submit(t, sl, kari, values)
	}
	consent("barnevern", workflows.BasisRefused)
	consent("skole", workflows.BasisConsent)
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	req := waitForButton(t, sl, chSkole, "godta")

	details := func(user, channel, ts string) (modal, refusal string) {
		t.Helper()
		return tryOpen(t, sl, user, channel, ts, "detaljer", "detaljer")
	}

	// The school sees what is shared with it: what to collaborate about, not the other
	// services, their reasons or consents, nor the health station's reasons.
	modal, refusal := details(ola, chSkole, req.TS)
	if modal == "" || !strings.Contains(modal, secretAbout) {
		t.Fatalf("the school cannot open what the case shares with it: %s", refusal)
	}
	for _, hidden := range []string{reasonGP, reasonBV, reasonRefused, "eleven trenger tilpasning", "Barneverntjenesten", "Fastlegekontoret", "nektet"} {
		if strings.Contains(modal, hidden) {
			t.Errorf("the school sees %q: %s", hidden, modal)
		}
	}
	// The GP (not needed) and child welfare (consent refused) learn only that the contact
	// was closed, and no modal opens.
	for _, who := range []struct{ user, service string }{{nils, "Fastlegekontoret"}, {aisha, "Barneverntjenesten"}} {
		modal, refusal := details(who.user, chHelsestasjon, step3.TS)
		if modal != "" {
			t.Fatalf("%s opened the case: %s", who.user, modal)
		}
		if !strings.Contains(refusal, ref) || !strings.Contains(refusal, "Kontakten med "+who.service) || strings.Contains(refusal, secretAbout) {
			t.Fatalf("%s's refusal: %s", who.user, refusal)
		}
		status, err := sl.SlashCommand(who.user, chHelsestasjon, "/samarbeid", "status "+ref)
		if err != nil || !strings.Contains(status.Text, "er avsluttet") || strings.Contains(status.Text, "Steg") || strings.Contains(status.Text, "Grunnskolen") {
			t.Fatalf("%s's status: %+v %v", who.user, status, err)
		}
	}
	// The health station sees it all.
	modal, refusal = details(kari, chHelsestasjon, step3.TS)
	if !strings.Contains(modal, reasonGP) || !strings.Contains(modal, reasonBV) {
		t.Fatalf("the health station does not see its own case: %s %s", modal, refusal)
	}

	// Every look is in the access log, with the answer it got.
	looks, err := a.Store.AccessByCase(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.Access{}
	for _, l := range looks {
		got[l.Viewer+" "+l.Surface] = l
	}
	for _, want := range []store.Access{
		{Viewer: ola, Surface: store.SurfaceCaseModal, Allowed: true, Scope: "delt"},
		{Viewer: nils, Surface: store.SurfaceCaseModal, Allowed: false, Scope: "avsluttet"},
		{Viewer: aisha, Surface: store.SurfaceCaseModal, Allowed: false, Scope: "avsluttet"},
		{Viewer: nils, Surface: store.SurfaceStatus, Allowed: false, Scope: "avsluttet"},
		{Viewer: aisha, Surface: store.SurfaceStatus, Allowed: false, Scope: "avsluttet"},
		{Viewer: kari, Surface: store.SurfaceCaseModal, Allowed: true, Scope: "hele"},
	} {
		l, ok := got[want.Viewer+" "+want.Surface]
		if !ok || l.Allowed != want.Allowed || l.Scope != want.Scope || l.WorkflowID != wfID {
			t.Errorf("access log for %s on %s: %+v (found %v), want %+v", want.Viewer, want.Surface, l, ok, want)
		}
	}

	// The auditor lists the log in Slack, for the case and for a person; Kari may not, and
	// her attempt is logged too.
	list, err := sl.SlashCommand(rita, chHelsestasjon, "/samarbeid", "tilgang "+ref)
	if err != nil || !strings.Contains(list.Text, "Tilgangslogg for "+ref) || !strings.Contains(list.Text, "<@"+aisha+">") || !strings.Contains(list.Text, "avvist") {
		t.Fatalf("the auditor's listing: %+v %v", list, err)
	}
	byPerson, err := sl.SlashCommand(rita, chHelsestasjon, "/samarbeid", "tilgang <@"+ola+"|ola>")
	if err != nil || !strings.Contains(byPerson.Text, ref) || !strings.Contains(byPerson.Text, "Vis sak") {
		t.Fatalf("the auditor's listing for a person: %+v %v", byPerson, err)
	}
	refused, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "tilgang "+ref)
	if err != nil || !strings.Contains(refused.Text, "Bare revisorer og koordinerende enhet") {
		t.Fatalf("a caseworker listed the access log: %+v %v", refused, err)
	}
	if looks, _ := a.Store.AccessByViewer(ctx, kari); !containsLook(looks, store.SurfaceAccessLog, false) {
		t.Fatalf("the refused listing is not logged: %+v", looks)
	}
}

func containsLook(looks []store.Access, surface string, allowed bool) bool {
	for _, l := range looks {
		if l.Surface == surface && l.Allowed == allowed {
			return true
		}
	}
	return false
}

// tryOpen clicks a button that opens a modal of details (callbackID) and returns the
// modal's blocks, or "" and the refusal the user got instead.
func tryOpen(t *testing.T, sl *slacklocal.Server, user, channel, ts, actionID, callbackID string) (modal, refusal string) {
	t.Helper()
	before := len(sl.Ephemerals(user))
	click(t, sl, user, channel, ts, actionID)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if v, ok := sl.OpenView(user); ok && v.CallbackID == callbackID {
			_ = sl.CloseView(user)
			return string(v.Blocks), ""
		}
		if e := sl.Ephemerals(user); len(e) > before {
			raw, _ := json.Marshal(e[len(e)-1])
			return "", string(raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: neither a %s modal nor a refusal", user, callbackID)
	return "", ""
}
