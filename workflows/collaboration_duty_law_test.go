package workflows

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
)

// upToStep3 answers steps 1 and 2 with every service needed.
func (h *harness) upToStep3(services ...string) {
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: services})
	for i, s := range services {
		h.at(2*time.Hour+time.Duration(i)*time.Minute, "s2-"+s, UpdateAssess, AssessAnswer{Actor: kari, ServiceID: s, Needed: true, About: "a", Reason: "b"})
	}
}

func consent(s string) ConsentAnswer {
	return ConsentAnswer{Actor: kari, ServiceID: s, Basis: BasisConsent, Form: FormOral, GivenBy: GiverParent, Information: "skolehelse"}
}

func refusal(s string) ConsentAnswer {
	return ConsentAnswer{Actor: kari, ServiceID: s, Basis: BasisRefused, GivenBy: GiverParent, Reason: "foreldrene ønsker ikke"}
}

func (h *harness) audited(action string) *activities.AuditRecord {
	for i := range h.rec.audit {
		if h.rec.audit[i].Action == action {
			return &h.rec.audit[i]
		}
	}
	return nil
}

// A refused consent is a legitimate end for its service: the case closes with its own
// outcome, and step 3 is never escalated for the refused service.
func TestRefusedConsentClosesTheCase(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole")
	h.at(3*time.Hour, "nei-uten-grunn", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisRefused, GivenBy: GiverParent})
	h.at(4*time.Hour, "nei-uten-hvem", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisRefused, Reason: "x"})
	h.at(5*time.Hour, "nei", UpdateRecordConsent, refusal("skole"))
	st := h.run()
	h.refused("nei-uten-grunn", "hva personen sa")
	h.refused("nei-uten-hvem", "hvem som")
	h.accepted("nei")
	if st.Step != StepDone || st.Outcome != OutcomeConsentRefused || st.Overdue {
		t.Fatalf("status %+v", st)
	}
	if c := st.Services[0].Consent; c.Reason != "foreldrene ønsker ikke" || c.GivenBy != GiverParent {
		t.Fatalf("consent %+v", c)
	}
	if n := len(h.rec.noticesOf(activities.NoticeEscalation)); n != 0 {
		t.Fatalf("%d escalations", n)
	}
	if r := h.audited("samtykke_registrert"); r == nil || r.LegalBasis != CiteConfidentiality || r.Detail["begrunnelse"] != "foreldrene ønsker ikke" {
		t.Fatalf("ledger %+v", r)
	}
	if len(h.rec.consents) != 1 || h.rec.consents[0].Reason != "foreldrene ønsker ikke" || h.rec.consents[0].GivenBy != GiverParent {
		t.Fatalf("consent register %+v", h.rec.consents)
	}
}

// With another service still open, a refusal waits; a later consent reopens the contact
// on its own clock, which reminds and escalates like any other step.
func TestLaterConsentReopensContact(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole", "barnevern")
	h.at(3*time.Hour, "nei", UpdateRecordConsent, refusal("skole"))
	h.at(3*time.Hour+time.Minute, "c-bv", UpdateRecordConsent, consent("barnevern"))
	h.at(3*time.Hour+2*time.Minute, "k-bv", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "barnevern"})
	// Three working days later the parents agree after all.
	later := calendar.AddWorkingDays(monday, 3).Sub(monday)
	h.at(later, "ja", UpdateRecordConsent, consent("skole"))
	var mid Status
	h.env.RegisterDelayedCallback(func() {
		v, _ := h.env.QueryWorkflow(QueryStatus)
		_ = v.Get(&mid)
	}, later+time.Minute)
	// Nobody sends the request for 12 working days: the reopened contact escalates.
	send := calendar.AddWorkingDays(monday, 15).Sub(monday)
	h.at(send, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(send+time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	h.at(send+2*time.Hour, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
	st := h.run()
	for _, id := range []string{"nei", "ja", "k", "svar"} {
		h.accepted(id)
	}
	if mid.Step != StepContact || !mid.Services[0].Consent.Permits() {
		t.Fatalf("after the later consent %+v", mid)
	}
	if st.Outcome != OutcomeContactDone {
		t.Fatalf("outcome %q", st.Outcome)
	}
	// The reopened contact ran on its own clock and was escalated while nobody sent it.
	i := slices.IndexFunc(st.Deadlines, func(d Deadline) bool { return d.Key == contactClockKey("skole") })
	if i < 0 || st.Deadlines[i].Escalations == 0 || !st.Deadlines[i].Reminded {
		t.Fatalf("deadlines %+v", st.Deadlines)
	}
}

func TestCloseByDecision(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(5*time.Hour, "ola", UpdateCloseCase, CloseCase{Actor: ola, Reason: CloseMoved, Text: "flyttet"})
	h.at(6*time.Hour, "ukjent", UpdateCloseCase, CloseCase{Actor: kari, Reason: "lei", Text: "x"})
	h.at(7*time.Hour, "tom", UpdateCloseCase, CloseCase{Actor: kari, Reason: CloseMoved})
	ke := Actor{SlackUserID: "U_KE", ServiceIDs: []string{"ke"}}
	h.at(8*time.Hour, "ke", UpdateCloseCase, CloseCase{Actor: ke, Reason: CloseMoved, Text: "flyttet til Bergen", CoordinatingUnitID: "ke"})
	h.at(9*time.Hour, "igjen", UpdateCloseCase, CloseCase{Actor: kari, Reason: CloseMoved, Text: "x"})
	st := h.run()
	h.refused("ola", "eller koordinerende enhet kan avslutte")
	h.refused("ukjent", "Velg hvorfor")
	h.refused("tom", "Skriv kort")
	h.accepted("ke")
	if _, ok := h.results["igjen"]; ok {
		t.Fatal("an update after close was answered")
	}
	if st.Outcome != OutcomeClosedByDecision || st.Closed == nil || st.Closed.Reason != CloseMoved || st.Closed.By != "U_KE" {
		t.Fatalf("status %+v", st)
	}
	for _, d := range st.Deadlines {
		if !d.Done {
			t.Fatalf("deadline %s still open", d.Key)
		}
	}
	r := h.audited("sak_avsluttet_ved_beslutning")
	if r == nil || r.Detail["grunn"] != CloseMoved || r.Detail["begrunnelse"] != "flyttet til Bergen" || !strings.Contains(fmt.Sprint(r.Detail["stoppede_frister"]), "svar:skole") {
		t.Fatalf("ledger %+v", r)
	}
	closed := h.rec.noticesOf(activities.NoticeClosed)
	if len(closed) != 1 || closed[0].ReasonCode != CloseMoved || closed[0].Answer != OutcomeClosedByDecision {
		t.Fatalf("closed notices %+v", closed)
	}
	// The school's open request lost its buttons.
	for _, n := range h.rec.noticesOf(activities.NoticeAnswered) {
		if n.Step == "forespørsel:skole" && n.Answer == "avsluttet" && n.Replace != nil {
			return
		}
	}
	t.Fatal("the open request was not marked closed")
}

// Closing by decision in step 1 stops step 1's clock: no reminder ever comes.
func TestCloseByDecisionInStep1(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "lukk", UpdateCloseCase, CloseCase{Actor: kari, Reason: CloseDeclined, Text: "ønsker ikke samarbeid"})
	st := h.run()
	h.accepted("lukk")
	if st.Outcome != OutcomeClosedByDecision || len(h.rec.noticesOf(activities.NoticeReminder)) != 0 {
		t.Fatalf("status %+v", st)
	}
}

// "Not ours" needs a reason and may name the right service; the initiator takes the
// suggestion in one click, and the case closes as followed up only when someone took it.
func TestNotOursSuggestsAnotherService(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(5*time.Hour, "tomt", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerNotOurs})
	h.at(6*time.Hour, "ikke-vår", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerNotOurs,
		Reason: "gjelder barnevernet", SuggestedServiceID: "barnevern"})
	// No consent for barnevern yet: the one click adds it, and step 3 waits for consent.
	h.at(7*time.Hour, "følg", UpdateTakeSuggestion, Suggestion{Actor: kari, ServiceID: "barnevern"})
	h.at(8*time.Hour, "følg-igjen", UpdateTakeSuggestion, Suggestion{Actor: kari, ServiceID: "barnevern"})
	h.at(9*time.Hour, "c-bv", UpdateRecordConsent, consent("barnevern"))
	h.at(10*time.Hour, "k-bv", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "barnevern"})
	h.at(11*time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	st := h.run()
	h.refused("tomt", "hvorfor saken ikke hører til dere")
	for _, id := range []string{"ikke-vår", "følg", "c-bv", "k-bv", "svar-bv"} {
		h.accepted(id)
	}
	h.refused("følg-igjen", "Ingen åpent forslag")
	if st.Outcome != OutcomeContactDone || len(st.Services) != 2 || st.Services[1].SuggestedBy != "skole" {
		t.Fatalf("status %+v", st)
	}
	answers := h.rec.noticesOf(activities.NoticeContactAnswer)
	if len(answers) == 0 || answers[0].Suggested != "barnevern" {
		t.Fatalf("the initiator was not offered the suggestion: %+v", answers)
	}
	if h.audited("forslag_fulgt") == nil {
		t.Fatalf("ledger %v", h.rec.actions())
	}
}

// With consent on record for the suggested service, the one click sends the request.
func TestTakeSuggestionSendsAtOnceWithConsent(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole", "barnevern")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(3*time.Hour+time.Minute, "c-bv", UpdateRecordConsent, consent("barnevern"))
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(5*time.Hour, "ikke-vår", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerNotOurs,
		Reason: "gjelder barnevernet", SuggestedServiceID: "barnevern"})
	h.at(6*time.Hour, "følg", UpdateTakeSuggestion, Suggestion{Actor: kari, ServiceID: "barnevern"})
	h.at(7*time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	st := h.run()
	h.accepted("følg")
	h.accepted("svar-bv")
	if st.Outcome != OutcomeContactDone {
		t.Fatalf("outcome %q", st.Outcome)
	}
	if reqs := h.rec.noticesOf(activities.NoticeContactRequest); len(reqs) != 2 || reqs[1].ServiceID != "barnevern" {
		t.Fatalf("requests %+v", reqs)
	}
}

// When every contacted service turned the request away, the outcome says so and the KE is
// told; an unanswered suggestion keeps the case open (and on a clock) until it is dealt with.
func TestNobodyTookResponsibility(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole", "barnevern")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(3*time.Hour+time.Minute, "c-bv", UpdateRecordConsent, consent("barnevern"))
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(4*time.Hour+time.Minute, "k-bv", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "barnevern"})
	h.at(5*time.Hour, "nei-skole", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerDeclined, Reason: "ingen kapasitet"})
	h.at(6*time.Hour, "ikke-vår", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerNotOurs,
		Reason: "ikke barnevern", SuggestedServiceID: "nav"})
	// The suggestion waits six working days: its clock reminds and escalates.
	drop := calendar.AddWorkingDays(monday, 7).Sub(monday)
	h.at(drop, "avvis", UpdateDropSuggestion, Suggestion{Actor: kari, ServiceID: "nav", Reason: "familien har ikke kontakt med NAV"})
	st := h.run()
	h.accepted("avvis")
	if st.Outcome != OutcomeNobodyResponsible {
		t.Fatalf("outcome %q", st.Outcome)
	}
	ke := h.rec.noticesOf(activities.NoticeNobodyResponsible)
	if len(ke) != 1 || !ke[0].ToCoordinatingUnit || !slices.Equal(ke[0].Services, []string{"skole", "barnevern"}) {
		t.Fatalf("KE notices %+v", ke)
	}
	var esc []string
	for _, n := range h.rec.noticesOf(activities.NoticeEscalation) {
		esc = append(esc, n.Step)
	}
	if !slices.Equal(esc, []string{string(StepSuggestion)}) {
		t.Fatalf("escalations %v", esc)
	}
	if h.audited("forslag_ikke_fulgt") == nil || h.audited("ingen_tok_ansvar") == nil {
		t.Fatalf("ledger %v", h.rec.actions())
	}
}

// A withdrawn consent stops the contact: the contacted service is told the basis is gone
// (reference only), its answer is refused, and the case closes when nothing else waits.
func TestWithdrawnConsent(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole", "barnevern")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(3*time.Hour+time.Minute, "c-bv", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "barnevern", Basis: BasisStatutory, StatutoryBasis: "barnevernsloven § 13-2"})
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(4*time.Hour+time.Minute, "k-bv", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "barnevern"})
	h.at(5*time.Hour, "trekk-hjemmel", UpdateWithdrawConsent, WithdrawConsent{Actor: kari, ServiceID: "barnevern", Form: FormOral, GivenBy: GiverParent})
	h.at(5*time.Hour+time.Minute, "trekk-uten-form", UpdateWithdrawConsent, WithdrawConsent{Actor: kari, ServiceID: "skole", GivenBy: GiverParent})
	h.at(6*time.Hour, "trekk", UpdateWithdrawConsent, WithdrawConsent{Actor: kari, ServiceID: "skole", Form: FormWritten, GivenBy: GiverParent, Reason: "hemmelig grunn"})
	h.at(7*time.Hour, "trekk-igjen", UpdateWithdrawConsent, WithdrawConsent{Actor: kari, ServiceID: "skole", Form: FormWritten, GivenBy: GiverParent})
	h.at(8*time.Hour, "svar-skole", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
	h.at(9*time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	st := h.run()
	h.refused("trekk-hjemmel", "lovhjemmel")
	h.refused("trekk-uten-form", "muntlig eller skriftlig")
	h.accepted("trekk")
	h.refused("trekk-igjen", "allerede trukket")
	h.refused("svar-skole", "falt bort")
	h.accepted("svar-bv")
	if st.Outcome != OutcomeContactDone {
		t.Fatalf("outcome %q", st.Outcome)
	}
	w := st.Services[0].Consent.Withdrawn
	if w == nil || w.Form != FormWritten || st.Services[0].Consent.Permits() {
		t.Fatalf("consent %+v", st.Services[0].Consent)
	}
	told := h.rec.noticesOf(activities.NoticeConsentWithdrawn)
	if len(told) != 2 || told[0].Replace == nil || told[1].Replace != nil || told[1].ServiceID != "skole" {
		t.Fatalf("withdrawal notices %+v", told)
	}
	for _, n := range told {
		if n.Answer != "" || n.By != "" || n.Suggested != "" {
			t.Fatalf("withdrawal notice carries more than the reference: %+v", n)
		}
	}
	r := h.audited("samtykke_trukket")
	if r == nil || r.LegalBasis != CiteWithdrawal {
		t.Fatalf("ledger %+v", r)
	}
	last := h.rec.consents[len(h.rec.consents)-1]
	if last.Basis != BasisWithdrawn || last.RecipientServiceID != "skole" || last.Form != FormWritten {
		t.Fatalf("consent register %+v", last)
	}
	for _, d := range st.Deadlines {
		if d.Key == "svar:skole" && d.Escalations > 0 {
			t.Fatalf("the withdrawn request escalated: %+v", d)
		}
	}
}

// Withdrawing the only consent before the request settles the case as refused.
func TestWithdrawnBeforeRequestCloses(t *testing.T) {
	h := newHarness(t)
	h.upToStep3("skole")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(4*time.Hour, "trekk", UpdateWithdrawConsent, WithdrawConsent{Actor: kari, ServiceID: "skole", Form: FormOral, GivenBy: GiverPerson})
	st := h.run()
	h.accepted("trekk")
	if st.Outcome != OutcomeConsentRefused || len(h.rec.noticesOf(activities.NoticeConsentWithdrawn)) != 0 {
		t.Fatalf("status %+v", st)
	}
}

// A consent lapses where the policy sets a validity; a request after that is refused.
func TestConsentExpires(t *testing.T) {
	h := newHarness(t)
	in := input()
	in.Policy.ConsentValidMonths = 1
	h.upToStep3("skole")
	h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
	h.at(3*time.Hour+time.Minute, "s", UpdateCloseCase, CloseCase{Actor: kari, Reason: CloseMerged, Text: "slått sammen"})
	var st Status
	h.env.RegisterDelayedCallback(func() {
		v, _ := h.env.QueryWorkflow(QueryStatus)
		_ = v.Get(&st)
	}, 3*time.Hour+30*time.Second)
	h.env.ExecuteWorkflow(CollaborationDuty, in)
	want := time.Date(2026, 12, 23, 12, 0, 0, 0, calendar.Oslo)
	if got := st.Services[0].Consent.ExpiresAt; !got.Equal(want) {
		t.Fatalf("expires %s, want %s", got, want)
	}
	c := &ConsentStatus{Basis: BasisConsent, ExpiresAt: want}
	if !c.PermitsAt(want.Add(-time.Second)) || c.PermitsAt(want) {
		t.Fatal("PermitsAt")
	}
}

// An accepted contact offers the evaluation on the policy's default date and starts the
// evaluation; a case under a policy from before the field (0 months) does not.
func TestAcceptedContactOffersEvaluation(t *testing.T) {
	for _, months := range []int{3, 0} {
		h := newHarness(t)
		in := input()
		in.Policy.EvaluationMonths = months
		h.upToStep3("skole")
		h.at(3*time.Hour, "c", UpdateRecordConsent, consent("skole"))
		h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
		h.at(5*time.Hour, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
		var started []EvaluationInput
		h.env.OnWorkflow(CollaborationEvaluation, mock.Anything, mock.Anything).Return(
			func(_ workflow.Context, in EvaluationInput) (EvaluationStatus, error) {
				started = append(started, in)
				return EvaluationStatus{}, nil
			})
		h.env.ExecuteWorkflow(CollaborationDuty, in)
		if err := h.env.GetWorkflowError(); err != nil {
			t.Fatal(err)
		}
		r := h.audited("evaluering_foreslått")
		if months == 0 {
			if r != nil || len(started) != 0 {
				t.Fatalf("evaluation without a policy interval: %+v %+v", r, started)
			}
			continue
		}
		want := ProposedEvaluation(monday.Add(5*time.Hour), in.Policy)
		if r == nil || r.LegalBasis != CiteEvaluation || r.Detail["evaluering"] != EvaluationWorkflowID("SAK-2026-0042", "helsestasjon") {
			t.Fatalf("ledger %+v", r)
		}
		if len(started) != 1 || !started[0].Due.Equal(want) || !slices.Equal(started[0].Services, []string{"skole"}) {
			t.Fatalf("evaluation started with %+v, want due %s", started, want)
		}
	}
}
