package workflows

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/policy"
)

var (
	kari  = Actor{SlackUserID: "U_KARI", Name: "Kari", ServiceIDs: []string{"helsestasjon"}}
	ola   = Actor{SlackUserID: "U_OLA", Name: "Ola", ServiceIDs: []string{"skole"}}
	aisha = Actor{SlackUserID: "U_AISHA", Name: "Aisha", ServiceIDs: []string{"barnevern"}}
	// Monday 23 November 2026, 09:00 in Oslo.
	monday = time.Date(2026, 11, 23, 9, 0, 0, 0, calendar.Oslo)
)

func input() CaseInput {
	return CaseInput{CaseRef: "SAK-2026-0042", Subject: "barn", InitiatingServiceID: "helsestasjon",
		LegalBasis: "hol § 3-4", OpenedBy: kari, Policy: policy.Default()}
}

type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	rec *recorder
	// results of updates by ID: nil error means accepted and completed.
	results map[string]error
}

func newHarness(t *testing.T) *harness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(monday)
	rec := newRecorder()
	env.RegisterActivity(&activities.Activities{Messenger: rec, Ledger: rec, Consents: rec})
	env.RegisterWorkflow(CollaborationDuty)
	env.RegisterWorkflow(CollaborationEvaluation)
	return &harness{t: t, env: env, rec: rec, results: map[string]error{}}
}

// at schedules an update after d of workflow time; its outcome lands in h.results[id].
func (h *harness) at(d time.Duration, id, name string, arg any) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { h.results[id] = err },
			OnComplete: func(_ any, err error) {
				if err == nil {
					h.results[id] = nil
				} else {
					h.results[id] = err
				}
			},
		}, arg)
	}, d)
}

func (h *harness) run() Status {
	// The evaluation outlives the case by months; its own tests run it (evaluation_test.go).
	h.env.OnWorkflow(CollaborationEvaluation, mock.Anything, mock.Anything).Return(EvaluationStatus{}, nil)
	h.env.ExecuteWorkflow(CollaborationDuty, input())
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st Status
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) accepted(id string) {
	h.t.Helper()
	err, ok := h.results[id]
	if !ok {
		h.t.Fatalf("update %s never answered", id)
	}
	if err != nil {
		h.t.Fatalf("update %s refused: %v", id, err)
	}
}

func (h *harness) refused(id, want string) {
	h.t.Helper()
	err, ok := h.results[id]
	if !ok {
		h.t.Fatalf("update %s never answered", id)
	}
	if err == nil {
		h.t.Fatalf("update %s was accepted, want refusal containing %q", id, want)
	}
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != RefusalType {
		h.t.Fatalf("update %s: want a %s refusal, got %v", id, RefusalType, err)
	}
	if !strings.Contains(appErr.Error(), want) {
		h.t.Fatalf("update %s refusal %q does not contain %q", id, appErr.Error(), want)
	}
}

// happyPath answers all three steps for skole and barnevern within the deadlines.
func (h *harness) happyPath() {
	hr := time.Hour
	h.at(1*hr, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole", "barnevern"}})
	h.at(2*hr, "s2a", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "tilrettelegging i klasserommet", Reason: "behov for felles plan"})
	h.at(3*hr, "s2b", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "barnevern", Needed: true, About: "hjelpetiltak", Reason: "familien ønsker støtte"})
	h.at(4*hr, "c-skole", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "skriftlig", GivenBy: GiverPerson})
	h.at(5*hr, "c-bv", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "barnevern", Basis: BasisStatutory, StatutoryBasis: "barnevernsloven § 13-2"})
	h.at(6*hr, "k-skole", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(7*hr, "k-bv", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "barnevern"})
	h.at(8*hr, "svar-skole", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola, kontaktlærer"})
}

func TestAllStepsAnswered(t *testing.T) {
	h := newHarness(t)
	h.happyPath()
	h.at(9*time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	st := h.run()
	for _, id := range []string{"s1", "s2a", "s2b", "c-skole", "c-bv", "k-skole", "k-bv", "svar-skole", "svar-bv"} {
		h.accepted(id)
	}
	if st.Step != StepDone || st.Outcome != "kontakt_avklart" || st.Overdue {
		t.Fatalf("status %+v", st)
	}
	if got := st.Services[0].Contact.ContactPerson; got != "Ola, kontaktlærer" {
		t.Errorf("contact person %q", got)
	}
	want := []string{"sak_opprettet", "steg1_avklart", "steg2_vurdert", "steg2_vurdert", "samtykke_registrert", "samtykke_registrert",
		"kontakt_forespurt", "kontakt_forespurt", "kontakt_godtatt", "kontakt_godtatt", "evaluering_foreslått", "sak_avsluttet"}
	if got := h.rec.actions(); !slices.Equal(got, want) {
		t.Errorf("audit actions\n got %v\nwant %v", got, want)
	}
	if n := len(h.rec.noticesOf(activities.NoticeReminder)) + len(h.rec.noticesOf(activities.NoticeEscalation)); n != 0 {
		t.Errorf("%d reminders/escalations on a case answered in time", n)
	}
	if reqs := h.rec.noticesOf(activities.NoticeContactRequest); len(reqs) != 2 || reqs[0].ServiceID != "skole" || reqs[1].ServiceID != "barnevern" {
		t.Errorf("contact requests %+v", reqs)
	}
	if len(h.rec.consents) != 2 || h.rec.consents[1].StatutoryBasis != "barnevernsloven § 13-2" {
		t.Errorf("consents %+v", h.rec.consents)
	}
	// The step-1 prompt was replaced by "answered" once step 1 was done.
	answered := h.rec.noticesOf(activities.NoticeAnswered)
	if len(answered) == 0 || answered[0].Replace == nil || answered[0].By != "U_KARI" {
		t.Errorf("answered notices %+v", answered)
	}
}

func TestNoOtherServicesClosesTheCase(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	st := h.run()
	h.accepted("s1")
	if st.Outcome != "ingen_andre_tjenester" || !st.NoOtherServices {
		t.Fatalf("status %+v", st)
	}
}

func TestNoCollaborationNeeded(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	h.at(2*time.Hour, "s2-empty", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, Reason: "x"})
	h.at(3*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: false, Reason: "skolen har ingen rolle nå"})
	st := h.run()
	h.refused("s2-empty", "hva dere skal samarbeide om")
	h.accepted("s2")
	if st.Outcome != "samarbeid_ikke_nødvendig" {
		t.Fatalf("outcome %q", st.Outcome)
	}
}

func TestStep1ReminderAndEscalation(t *testing.T) {
	h := newHarness(t)
	// Nobody answers step 1 for 12 working days, then Kari does.
	answerAt := calendar.AddWorkingDays(monday, 12).Sub(monday)
	h.at(answerAt, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	var overdueSeen bool
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err != nil {
			t.Error(err)
			return
		}
		var st Status
		_ = v.Get(&st)
		overdueSeen = st.Overdue && st.Step == StepClarify
	}, calendar.AddWorkingDays(monday, 6).Sub(monday))
	h.run()
	h.accepted("s1")

	reminders := h.rec.noticesOf(activities.NoticeReminder)
	if len(reminders) != 1 || reminders[0].ServiceID != "helsestasjon" || reminders[0].Step != "avklaring" {
		t.Fatalf("reminders %+v", reminders)
	}
	due := calendar.WorkingDayDeadline(monday, 5) // policy.CountingDays: to the end of the day
	if !reminders[0].Deadline.Equal(due) {
		t.Errorf("reminder names deadline %s, want %s", reminders[0].Deadline, due)
	}
	// Escalated at the deadline (day 5) and again at day 10; the answer came on day 12.
	esc := h.rec.noticesOf(activities.NoticeEscalation)
	if len(esc) != 2 || !esc[0].ToCoordinatingUnit || esc[1].Escalations != 2 {
		t.Fatalf("escalations %+v", esc)
	}
	if !overdueSeen {
		t.Error("status query did not report the case overdue after the deadline")
	}
	if !slices.Contains(h.rec.actions(), "frist_oversittet") || !slices.Contains(h.rec.actions(), "påminnelse_sendt") {
		t.Errorf("ledger lacks reminder or escalation: %v", h.rec.actions())
	}
}

func TestStep2AndStep3Escalate(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	// Step 2 answered on working day 7 after step 1: 2 days late.
	s2 := calendar.AddWorkingDays(monday.Add(time.Hour), 7).Sub(monday)
	h.at(s2, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	// Step 3 answered on working day 6 after step 2.
	s3 := calendar.AddWorkingDays(monday.Add(s2), 6).Sub(monday)
	h.at(s3, "c", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "muntlig", GivenBy: GiverPerson})
	h.at(s3+time.Minute, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(s3+time.Hour, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerNotOurs, Reason: "gjelder ikke skolen"})
	st := h.run()
	for _, id := range []string{"s1", "s2", "c", "k", "svar"} {
		h.accepted(id)
	}
	var steps []string
	for _, n := range h.rec.noticesOf(activities.NoticeEscalation) {
		steps = append(steps, n.Step)
	}
	if !slices.Equal(steps, []string{"vurdering", "kontakt"}) {
		t.Fatalf("escalated steps %v", steps)
	}
	if st.Services[0].Contact.Answer != AnswerNotOurs {
		t.Errorf("answer %+v", st.Services[0].Contact)
	}
}

func TestContactAnswerReminderAndEscalation(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	h.at(2*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	h.at(3*time.Hour, "c", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "muntlig", GivenBy: GiverPerson})
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	late := calendar.AddWorkingDays(monday.Add(4*time.Hour), 6).Sub(monday)
	h.at(late, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
	h.run()
	h.accepted("svar")
	rem := h.rec.noticesOf(activities.NoticeReminder)
	if len(rem) != 1 || rem[0].ServiceID != "skole" || rem[0].Step != "svar" {
		t.Fatalf("reminders %+v", rem)
	}
	esc := h.rec.noticesOf(activities.NoticeEscalation)
	if len(esc) != 1 || esc[0].ServiceID != "skole" || esc[0].Step != "svar" {
		t.Fatalf("escalations %+v", esc)
	}
	for _, a := range h.rec.audit {
		if a.Action == "kontakt_godtatt" && a.Detail["innen_frist"] != false {
			t.Errorf("late answer recorded as on time: %+v", a.Detail)
		}
	}
}

func TestMissingConsentRefusesContact(t *testing.T) {
	h := newHarness(t)
	// Two services, so the refusal for the school does not settle the whole case.
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole", "barnevern"}})
	h.at(2*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	h.at(2*time.Hour+time.Minute, "s2b", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "barnevern", Needed: true, About: "a", Reason: "b"})
	h.at(3*time.Hour, "k-none", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(4*time.Hour, "c-refused", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisRefused, GivenBy: GiverParent, Reason: "foreldrene vil ikke"})
	h.at(5*time.Hour, "k-refused", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(6*time.Hour, "c-bad", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent})
	h.at(7*time.Hour, "c-ok", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "muntlig", GivenBy: GiverPerson})
	h.at(8*time.Hour, "k-ok", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(9*time.Hour, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
	h.at(10*time.Hour, "c-bv", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "barnevern", Basis: BasisRefused, GivenBy: GiverParent, Reason: "vil ikke"})
	h.run()
	h.refused("k-none", "samtykke fra personen eller en lovhjemmel må være registrert")
	h.accepted("c-refused")
	h.refused("k-refused", "personen har nektet samtykke")
	h.refused("c-bad", "muntlig eller skriftlig")
	h.accepted("c-ok")
	h.accepted("k-ok")
	if n := len(h.rec.noticesOf(activities.NoticeContactRequest)); n != 1 {
		t.Fatalf("%d contact requests sent, want 1", n)
	}
}

func TestWrongAnswererIsRefused(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1-ola", UpdateClarify, ClarifyAnswer{Actor: ola, ServiceIDs: []string{"barnevern"}})
	h.at(2*time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	h.at(3*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	h.at(4*time.Hour, "c", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "skriftlig", GivenBy: GiverPerson})
	h.at(5*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(6*time.Hour, "svar-aisha", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	h.at(7*time.Hour, "svar", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "Ola"})
	h.run()
	h.refused("s1-ola", "Bare ansatte i helsestasjon")
	h.refused("svar-aisha", "Bare ansatte i skole")
	h.accepted("svar")
}

func TestDoubleSubmitAppliesOnce(t *testing.T) {
	h := newHarness(t)
	answer := ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole", "barnevern"}}
	h.at(time.Hour, "klikk-1", UpdateClarify, answer)
	// The same interaction delivered twice (a Slack retry) carries the same update ID.
	h.at(time.Hour+time.Second, "klikk-1", UpdateClarify, answer)
	// A second, different click on an answered step is refused.
	h.at(time.Hour+2*time.Second, "klikk-2", UpdateClarify, answer)
	h.at(2*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: false, Reason: "ikke aktuelt"})
	h.at(3*time.Hour, "s2-igjen", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	h.at(4*time.Hour, "s2b", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "barnevern", Needed: false, Reason: "ikke aktuelt"})
	st := h.run()
	h.accepted("klikk-1")
	h.refused("klikk-2", "allerede gjennomført")
	h.refused("s2-igjen", "allerede vurdert")
	h.accepted("s2b")
	if len(st.Services) != 2 {
		t.Fatalf("services %+v: step 1 applied more than once", st.Services)
	}
	n := 0
	for _, a := range h.rec.actions() {
		if a == "steg1_avklart" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("step 1 recorded %d times", n)
	}
}

func TestDeclineWithReason(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	h.at(2*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
	h.at(3*time.Hour, "c", UpdateRecordConsent, ConsentAnswer{Actor: kari, ServiceID: "skole", Basis: BasisConsent, Form: "skriftlig", GivenBy: GiverPerson})
	h.at(4*time.Hour, "k", UpdateRequestContact, ContactRequest{Actor: kari, ServiceID: "skole"})
	h.at(5*time.Hour, "avslag-tomt", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerDeclined})
	h.at(6*time.Hour, "avslag", UpdateAnswerContact, ContactAnswer{Actor: ola, ServiceID: "skole", Answer: AnswerDeclined, Reason: "eleven har byttet skole"})
	st := h.run()
	h.refused("avslag-tomt", "hvorfor dere avslår")
	h.accepted("avslag")
	if c := st.Services[0].Contact; c.Answer != AnswerDeclined || c.Reason != "eleven har byttet skole" {
		t.Fatalf("contact %+v", c)
	}
	answers := h.rec.noticesOf(activities.NoticeContactAnswer)
	if len(answers) != 1 || answers[0].ServiceID != "helsestasjon" || answers[0].Answer != AnswerDeclined {
		t.Fatalf("initiator not told of the decline: %+v", answers)
	}
}

func TestFreeTextWithFodselsnummerIsRefused(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	h.at(2*time.Hour, "s2-fnr", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: false, Reason: "gjelder 15076500565"})
	h.at(3*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: false, Reason: "ikke aktuelt"})
	h.run()
	h.refused("s2-fnr", "fødselsnummer")
	h.accepted("s2")
}

func TestClarifyValidation(t *testing.T) {
	h := newHarness(t)
	h.at(time.Minute, "tom", UpdateClarify, ClarifyAnswer{Actor: kari})
	h.at(2*time.Minute, "egen", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"helsestasjon"}})
	h.at(3*time.Minute, "begge", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}, None: true})
	h.at(4*time.Minute, "for-tidlig", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Reason: "x"})
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	h.run()
	h.refused("tom", "Velg minst én tjeneste")
	h.refused("egen", "egen tjeneste")
	h.refused("begge", "ikke begge")
	h.refused("for-tidlig", "ikke kommet til steg 2")
}

func TestCoordinatorTakesOverCoordination(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, ServiceIDs: []string{"skole"}})
	takeover := activities.HandOver{CaseRef: "SAK-2026-0042", CoordinatorWorkflowID: "koordinator/SAK-2026-0042/barnekoordinator",
		Kind: KindChildCoordinator, Title: "barnekoordinator", Citation: "hol § 7-2 a", SlackUserID: "U_OLA", ServiceID: "skole"}
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, takeover) }, 2*time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, takeover) }, 3*time.Hour) // a retry
	var seen *CoordinatorRef
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err == nil {
			var st Status
			_ = v.Get(&st)
			seen = st.Coordinator
		}
	}, 4*time.Hour)
	h.at(5*time.Hour, "s2", UpdateAssess, AssessAnswer{Actor: kari, ServiceID: "skole", Needed: false, Reason: "ikke aktuelt"})
	h.run()
	if seen == nil || seen.SlackUserID != "U_OLA" || seen.Kind != KindChildCoordinator {
		t.Fatalf("coordinator in status: %+v", seen)
	}
	n := 0
	for _, a := range h.rec.audit {
		if a.Action == "koordinering_overtatt" {
			n++
			if !strings.Contains(a.LegalBasis, "hol § 7-2 a") {
				t.Errorf("legal basis %q", a.LegalBasis)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d takeover rows, want 1 (the repeated signal must not apply twice)", n)
	}
	// One to the initiating service, one to the coordinator's own (takeover_test.go).
	if got := h.rec.noticesOf(NoticeCoordinationTakenOver); len(got) != 2 || got[0].ServiceID != "helsestasjon" || got[0].About != "U_OLA" || got[1].ServiceID != "skole" {
		t.Fatalf("takeover notices %+v", got)
	}
}

// An answer that arrives with the workflow's first task is judged against step 1, not
// refused because the case is not open yet.
func TestAnswerWithTheFirstTask(t *testing.T) {
	h := newHarness(t)
	h.at(0, "straks", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	st := h.run()
	h.accepted("straks")
	if st.Outcome != "ingen_andre_tjenester" {
		t.Fatalf("outcome %q", st.Outcome)
	}
}
