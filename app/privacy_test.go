package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/privacy"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// fnr is a synthetic number whose check digits hold.
const fnr = "15076500565"

// TestNoFodselsnummerLeaves tries a fødselsnummer in every free-text field of a case: each
// is refused beside its field, and afterwards no message Slack received, in any channel or
// to any user, and no ledger row carries one.
func TestNoFodselsnummerLeaves(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")

	refusedThenFixed := func(user string, bad, good map[string]map[string]slacklocal.Value, field string) {
		t.Helper()
		reply, err := sl.SubmitView(user, bad)
		if err != nil || !strings.Contains(reply.Errors[field], "fødselsnummer") {
			t.Fatalf("%s with a fødselsnummer not refused beside the field: %+v %v", field, reply, err)
		}
		submit(t, sl, user, good)
	}

	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})

	clickValue(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "vurder").TS, "vurder", wfID+"|skole")
	openView(t, sl, kari, "vurdering")
	refusedThenFixed(kari,
		map[string]map[string]slacklocal.Value{"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "eleven " + fnr}}, "begrunnelse": {"verdi": {Value: "b"}}},
		map[string]map[string]slacklocal.Value{"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "tilrettelegging"}}, "begrunnelse": {"verdi": {Value: "b"}}},
		"tema")

	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	refusedThenFixed(kari,
		map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: "lovhjemmel"}}, "hjemmel": {"verdi": {Value: "opplæringslova, elev " + fnr}}},
		map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: "lovhjemmel"}}, "hjemmel": {"verdi": {Value: "opplæringslova § 15-8"}}},
		"hjemmel")
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")

	req := waitForButton(t, sl, chSkole, "godta")
	click(t, sl, ola, chSkole, req.TS, "godta")
	openView(t, sl, ola, "godta")
	refusedThenFixed(ola,
		map[string]map[string]slacklocal.Value{"kontaktperson": {"verdi": {Value: "Ola " + fnr}}},
		map[string]map[string]slacklocal.Value{"kontaktperson": {"verdi": {Value: "Ola, kontaktlærer"}}},
		"kontaktperson")
	var st workflows.Status
	if err := a.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, &st); err != nil || st.Outcome != "kontakt_avklart" {
		t.Fatalf("case did not finish: %+v %v", st.Outcome, err)
	}

	var out []slacklocal.Message
	for _, ch := range []string{chHelsestasjon, chSkole, "C_KE"} {
		out = append(out, sl.Messages(ch)...)
	}
	for _, u := range []string{kari, ola, kim} {
		out = append(out, sl.Ephemerals(u)...)
	}
	if len(out) < 8 {
		t.Fatalf("only %d messages seen; the scan would prove little", len(out))
	}
	for _, m := range out {
		raw, _ := json.Marshal(m)
		if privacy.ContainsFodselsnummer(string(raw)) {
			t.Fatalf("a message to Slack carries a fødselsnummer: %s", raw)
		}
	}
	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		raw, _ := json.Marshal(r)
		if privacy.ContainsFodselsnummer(string(raw)) {
			t.Fatalf("a ledger row carries a fødselsnummer: %s", raw)
		}
	}
}
