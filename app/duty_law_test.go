package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

type values = map[string]map[string]slacklocal.Value

// openCaseToStep3 opens a case the way Kari does it in the stand-in and answers steps 1 and
// 2 with every service needed; it returns the reference, the workflow ID and the step-3 prompt.
func openCaseToStep3(t *testing.T, sl *slacklocal.Server, services ...string) (ref, wfID string, step3 slacklocal.Message) {
	t.Helper()
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	ref = initialValue(t, openView(t, sl, kari, "ny_sak"), "saksreferanse")
	submit(t, sl, kari, values{"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}}})
	wfID = workflows.WorkflowID(ref, "helsestasjon")
	step1 := waitForButton(t, sl, chHelsestasjon, "avklaring")
	click(t, sl, kari, chHelsestasjon, step1.TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, values{"tjenester": {"verdi": {Selected: services}}})
	step2 := waitForButton(t, sl, chHelsestasjon, "vurder")
	for _, s := range services {
		clickValue(t, sl, kari, chHelsestasjon, step2.TS, "vurder", wfID+"|"+s)
		openView(t, sl, kari, "vurdering")
		submit(t, sl, kari, values{"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: secretAbout}},
			"begrunnelse": {"verdi": {Value: "behov for felles plan"}}})
	}
	return ref, wfID, waitForButton(t, sl, chHelsestasjon, "samtykke")
}

func finalStatus(t *testing.T, a *App, wfID string) workflows.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var st workflows.Status
	if err := a.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func ledgerActions(t *testing.T, a *App, ref string) []string {
	t.Helper()
	trail, err := a.Store.AuditTrail(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range trail {
		out = append(out, r.Action)
	}
	return out
}

func noChannelHas(t *testing.T, sl *slacklocal.Server, texts ...string) {
	t.Helper()
	for _, ch := range []string{chHelsestasjon, chSkole, "C_BARNEVERN", "C_KE"} {
		for _, m := range sl.Messages(ch) {
			raw, _ := json.Marshal(m)
			for _, s := range texts {
				if strings.Contains(string(raw), s) {
					t.Fatalf("%q reached channel %s: %s", s, ch, raw)
				}
			}
		}
	}
}

// A refused consent, recorded with who refused and why, is a lawful end: the case closes
// with its own outcome instead of escalating for ever (issue 10, item 1).
func TestRefusedConsentClosesCaseEndToEnd(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref, wfID, step3 := openCaseToStep3(t, sl, "skole")

	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	// A refusal without its reason is refused beside the field.
	reply, err := sl.SubmitView(kari, values{"grunnlag": {"verdi": {Value: "nektet"}}, "gitt_av": {"verdi": {Value: "forelder"}}})
	if err != nil || reply.ResponseAction != "errors" || !strings.Contains(reply.Errors["begrunnelse"], "hvorfor de nekter") {
		t.Fatalf("refusal without reason: %+v %v", reply, err)
	}
	const why = "foreldrene vil ikke at skolen får vite om oppfølgingen"
	submit(t, sl, kari, values{"grunnlag": {"verdi": {Value: "nektet"}}, "gitt_av": {"verdi": {Value: "forelder"}},
		"begrunnelse": {"verdi": {Value: why}}})
	waitForText(t, sl, chHelsestasjon, "personen har nektet eller trukket samtykke")

	st := finalStatus(t, a, wfID)
	if st.Outcome != workflows.OutcomeConsentRefused || st.Services[0].Consent.Reason != why {
		t.Fatalf("status %+v", st)
	}
	want := "sak_opprettet,steg1_avklart,steg2_vurdert,samtykke_registrert,sak_avsluttet"
	if got := strings.Join(ledgerActions(t, a, ref), ","); got != want {
		t.Fatalf("ledger %s", got)
	}
	consents, err := a.Store.Consents(context.Background(), ref)
	if err != nil || len(consents) != 1 || consents[0].Basis != "nektet" || consents[0].GivenBy != "forelder" || consents[0].Reason != why {
		t.Fatalf("consents %+v %v", consents, err)
	}
	noChannelHas(t, sl, why, secretAbout)
	recordHistory(t, a, wfID, "collaboration_duty_consent_refused.json")
}

// A consent recorded with who gave it and its scope, then withdrawn after the request went:
// the school is told only that the basis is gone, cannot answer, and the case closes
// (issue 10, item 2).
func TestWithdrawnConsentEndToEnd(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref, wfID, step3 := openCaseToStep3(t, sl, "skole")

	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	reply, err := sl.SubmitView(kari, values{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "muntlig"}}})
	if err != nil || reply.ResponseAction != "errors" || !strings.Contains(reply.Errors["gitt_av"], "hvem som ga") {
		t.Fatalf("consent without giver: %+v %v", reply, err)
	}
	submit(t, sl, kari, values{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "muntlig"}},
		"gitt_av": {"verdi": {Value: "forelder"}}, "opplysninger": {"verdi": {Value: "tilrettelegging i timene"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	req := waitForButton(t, sl, chSkole, "godta")

	// The parents withdraw the consent in writing; the step-3 prompt offers it.
	prompt := waitForButton(t, sl, chHelsestasjon, "trekk_samtykke")
	clickValue(t, sl, kari, chHelsestasjon, prompt.TS, "trekk_samtykke", wfID+"|skole")
	openView(t, sl, kari, "trekk_samtykke")
	const why = "familien har mistet tilliten til skolen"
	submit(t, sl, kari, values{"gitt_av": {"verdi": {Value: "forelder"}}, "form": {"verdi": {Value: "skriftlig"}},
		"begrunnelse": {"verdi": {Value: why}}})
	waitForText(t, sl, chSkole, "grunnlaget for å dele opplysninger med dere er falt bort")

	// The school's request has lost its buttons: it no longer takes an answer.
	if _, err := sl.ClickButton(ola, chSkole, req.TS, "godta"); err == nil {
		t.Fatal("the request still takes an answer after the withdrawal")
	}

	st := finalStatus(t, a, wfID)
	if st.Outcome != workflows.OutcomeConsentRefused || st.Services[0].Consent.Withdrawn == nil {
		t.Fatalf("status %+v", st)
	}
	consents, err := a.Store.Consents(context.Background(), ref)
	if err != nil || len(consents) != 2 || consents[0].GivenBy != "forelder" || consents[0].Information != "tilrettelegging i timene" ||
		consents[1].Basis != "trukket" || consents[1].Form != "skriftlig" {
		t.Fatalf("consents %+v %v", consents, err)
	}
	actions := strings.Join(ledgerActions(t, a, ref), ",")
	if !strings.Contains(actions, "kontakt_forespurt,samtykke_trukket,sak_avsluttet") {
		t.Fatalf("ledger %s", actions)
	}
	noChannelHas(t, sl, why, "tilrettelegging i timene", secretAbout)
	recordHistory(t, a, wfID, "collaboration_duty_consent_withdrawn.json")
}

// "Not ours" with a reason names the child welfare service; Kari sends it a request in one
// click, then closes the case by decision from the step-3 prompt (items 3 and 5).
func TestNotOursSuggestionAndCloseEndToEnd(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref, wfID, step3 := openCaseToStep3(t, sl, "skole")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, values{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "skriftlig"}},
		"gitt_av": {"verdi": {Value: "personen"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")

	req := waitForButton(t, sl, chSkole, "ikke_vår")
	click(t, sl, ola, chSkole, req.TS, "ikke_vår")
	openView(t, sl, ola, "ikke_vår")
	reply, err := sl.SubmitView(ola, values{"forslag": {"verdi": {Value: "barnevern"}}})
	// The stand-in, as Slack, refuses a required field left empty.
	if err != nil || reply.ResponseAction != "errors" || reply.Errors["begrunnelse"] == "" {
		t.Fatalf("not ours without reason: %+v %v", reply, err)
	}
	submit(t, sl, ola, values{"begrunnelse": {"verdi": {Value: "gjelder omsorgssituasjonen hjemme"}}, "forslag": {"verdi": {Value: "barnevern"}}})

	offer := waitForButton(t, sl, chHelsestasjon, "følg_forslag")
	clickValue(t, sl, kari, chHelsestasjon, offer.TS, "følg_forslag", wfID+"|barnevern")
	waitForEphemeral(t, sl, kari, "Registrer samtykke for tjenesten")

	// Ola may not close Kari's case; Kari closes it by decision.
	prompt := waitForButton(t, sl, chHelsestasjon, "avslutt_sak")
	click(t, sl, ola, chHelsestasjon, prompt.TS, "avslutt_sak")
	waitForEphemeral(t, sl, ola, "kan avslutte saken")
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avslutt_sak")
	openView(t, sl, kari, "avslutt_sak")
	submit(t, sl, kari, values{"grunn": {"verdi": {Value: "flyttet"}}, "tekst": {"verdi": {Value: "familien flyttet til en annen kommune"}}})
	waitForText(t, sl, chHelsestasjon, "avsluttet ved beslutning: Personen har flyttet")

	st := finalStatus(t, a, wfID)
	if st.Outcome != workflows.OutcomeClosedByDecision || len(st.Services) != 2 || st.Services[1].SuggestedBy != "skole" {
		t.Fatalf("status %+v", st)
	}
	for _, d := range st.Deadlines {
		if !d.Done {
			t.Fatalf("deadline %s left open", d.Key)
		}
	}
	actions := strings.Join(ledgerActions(t, a, ref), ",")
	if !strings.Contains(actions, "kontakt_ikke_vår,forslag_fulgt,sak_avsluttet_ved_beslutning,sak_avsluttet") {
		t.Fatalf("ledger %s", actions)
	}
	noChannelHas(t, sl, "omsorgssituasjonen", "annen kommune", secretAbout)
	recordHistory(t, a, wfID, "collaboration_duty_not_ours_suggestion_closed.json")
}

// After an accepted contact the evaluation is offered on the policy's date; Kari moves it,
// then records the evaluation with the person's view, which ends the follow-up (item 6).
func TestEvaluationEndToEnd(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref, wfID, step3 := openCaseToStep3(t, sl, "skole")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, values{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "skriftlig"}},
		"gitt_av": {"verdi": {Value: "personen"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	req := waitForButton(t, sl, chSkole, "godta")
	click(t, sl, ola, chSkole, req.TS, "godta")
	openView(t, sl, ola, "godta")
	submit(t, sl, ola, values{"kontaktperson": {"verdi": {Value: "Ola"}}})
	if st := finalStatus(t, a, wfID); st.Outcome != workflows.OutcomeContactDone {
		t.Fatalf("status %+v", st)
	}

	offer := waitForButton(t, sl, chHelsestasjon, "eval_dato")
	evalID := workflows.EvaluationWorkflowID(ref, "helsestasjon")
	clickValue(t, sl, kari, chHelsestasjon, offer.TS, "eval_dato", evalID+"|")
	openView(t, sl, kari, "eval_dato")
	next := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	submit(t, sl, kari, values{"dato": {"verdi": {SelectedDate: next}}})
	waitForText(t, sl, chHelsestasjon, "Foreslått dato")

	offer = waitForButton(t, sl, chHelsestasjon, "eval_registrer")
	clickValue(t, sl, kari, chHelsestasjon, offer.TS, "eval_registrer", evalID+"|")
	openView(t, sl, kari, "eval_registrer")
	const view = "eleven opplever at skolen forstår mer nå"
	submit(t, sl, kari, values{"resultat": {"verdi": {Value: "avslutt"}}, "personens_syn": {"verdi": {Value: view}}})
	waitForText(t, sl, chHelsestasjon, "evaluert med personen og avsluttet")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var est workflows.EvaluationStatus
	if err := a.Temporal.GetWorkflow(ctx, evalID, "").Get(ctx, &est); err != nil {
		t.Fatal(err)
	}
	if est.Step != workflows.StepDone || len(est.Evaluations) != 1 || est.Evaluations[0].PersonView != view {
		t.Fatalf("evaluation %+v", est)
	}
	actions := strings.Join(ledgerActions(t, a, ref), ",")
	if !strings.Contains(actions, "evaluering_foreslått,sak_avsluttet") || !strings.Contains(actions, "evaluering_dato,evaluering_registrert") {
		t.Fatalf("ledger %s", actions)
	}
	noChannelHas(t, sl, view)
	recordHistory(t, a, evalID, "collaboration_evaluation_moved_recorded.json")
}
