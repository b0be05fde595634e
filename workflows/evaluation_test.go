package workflows

import (
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/policy"
)

func evalHarness(t *testing.T) (*harness, EvaluationInput) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(monday)
	rec := newRecorder()
	env.RegisterActivity(&activities.Activities{Messenger: rec, Ledger: rec, Consents: rec})
	env.RegisterWorkflow(CollaborationEvaluation)
	p := policy.Default()
	in := EvaluationInput{CaseRef: "SAK-2026-0042", Subject: "barn", InitiatingServiceID: "helsestasjon",
		DutyWorkflowID: WorkflowID("SAK-2026-0042", "helsestasjon"), Services: []string{"skole"},
		Due: ProposedEvaluation(monday, p), Policy: p}
	return &harness{t: t, env: env, rec: rec, results: map[string]error{}}, in
}

func (h *harness) runEvaluation(in EvaluationInput) EvaluationStatus {
	h.env.ExecuteWorkflow(CollaborationEvaluation, in)
	if !h.env.IsWorkflowCompleted() || h.env.GetWorkflowError() != nil {
		h.t.Fatalf("evaluation did not complete: %v", h.env.GetWorkflowError())
	}
	var st EvaluationStatus
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

// The default date is the local policy's three months on, on a working day.
func TestProposedEvaluation(t *testing.T) {
	p := policy.Default()
	for _, tc := range []struct{ from, want string }{
		{"2026-11-23", "2027-02-23"}, // Monday to Tuesday
		{"2026-09-25", "2026-12-28"}, // 25 December, 26 (Saturday), 27 (Sunday): the 28th
		{"2026-11-30", "2027-03-01"}, // 28 February is a Sunday
		{"2026-01-02", "2026-04-06"}, // 2 April is Maundy Thursday, 3 Good Friday, 6 Easter Monday: the 7th
	} {
		from, _ := time.ParseInLocation("2006-01-02", tc.from, calendar.Oslo)
		got := ProposedEvaluation(from, p).Format("2006-01-02")
		if tc.from == "2026-01-02" {
			tc.want = "2026-04-07"
		}
		if got != tc.want {
			t.Errorf("from %s: %s, want %s", tc.from, got, tc.want)
		}
	}
}

// Offered, reminded five working days before, moved, evaluated (continue, then change),
// escalated to the KE when missed, and ended with the person's view on record.
func TestEvaluationCycle(t *testing.T) {
	h, in := evalHarness(t)
	due := in.Due // Tuesday 23 February 2027
	newDate := due.AddDate(0, 0, 7)
	h.at(time.Hour, "dato-fortid", UpdateSetEvaluationDate, EvaluationDate{Actor: kari, Date: monday})
	h.at(2*time.Hour, "dato-ola", UpdateSetEvaluationDate, EvaluationDate{Actor: ola, Date: newDate})
	h.at(3*time.Hour, "dato", UpdateSetEvaluationDate, EvaluationDate{Actor: kari, Date: newDate})
	first := newDate.Sub(monday) + time.Hour
	h.at(first, "uten-syn", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationContinue})
	h.at(first+time.Minute, "endre-uten-hva", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationChange, PersonView: "bra"})
	h.at(first+2*time.Minute, "fortsett", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationContinue, PersonView: "foreldrene er fornøyde"})
	// The next evaluation (three months on) is missed by eight working days, then recorded.
	second := ProposedEvaluation(newDate.Add(time.Hour+2*time.Minute), in.Policy)
	late := calendar.AddWorkingDays(second, 8).Sub(monday)
	h.at(late, "endre", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationChange, PersonView: "ønsker færre møter", Changes: "møte hver sjette uke"})
	h.at(late+time.Hour, "slutt", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationEnd, PersonView: "trenger ikke mer"})
	h.at(late+2*time.Hour, "etter", UpdateRecordEvaluation, EvaluationAnswer{Actor: kari, Result: EvaluationEnd, PersonView: "x"})
	st := h.runEvaluation(in)
	h.refused("dato-fortid", "fram i tid")
	h.refused("dato-ola", "Bare ansatte i helsestasjon")
	h.refused("uten-syn", "personens")
	h.refused("endre-uten-hva", "hva som endres")
	for _, id := range []string{"dato", "fortsett", "endre", "slutt"} {
		h.accepted(id)
	}
	if _, ok := h.results["etter"]; ok {
		t.Fatal("an evaluation after the end was answered")
	}
	if st.Step != StepDone || len(st.Evaluations) != 3 || st.Evaluations[2].Result != EvaluationEnd || st.Evaluations[0].PersonView != "foreldrene er fornøyde" {
		t.Fatalf("status %+v", st)
	}
	rem := h.rec.noticesOf(activities.NoticeReminder)
	if len(rem) < 2 || !rem[0].Deadline.Equal(newDate) {
		t.Fatalf("reminders %+v", rem)
	}
	for _, n := range rem {
		if !calendar.IsWorkingDay(n.Deadline) {
			t.Errorf("evaluation date on a holiday: %s", n.Deadline)
		}
	}
	esc := h.rec.noticesOf(activities.NoticeEscalation)
	if len(esc) != 2 || !esc[0].ToCoordinatingUnit || esc[0].Step != string(StepEvaluation) {
		t.Fatalf("escalations %+v", esc)
	}
	var actions []string
	for _, a := range h.rec.audit {
		actions = append(actions, a.Action)
		if a.Action == "evaluering_registrert" && a.LegalBasis != CiteEvaluation {
			t.Errorf("legal basis %q", a.LegalBasis)
		}
	}
	if n := len(slices.DeleteFunc(slices.Clone(actions), func(s string) bool { return s != "evaluering_registrert" })); n != 3 {
		t.Fatalf("ledger %v", actions)
	}
	if offers := h.rec.noticesOf(activities.NoticeEvaluation); len(offers) < 3 || !offers[0].Deadline.Equal(due) {
		t.Fatalf("offers %+v", offers)
	}
}
