package workflows

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
)

const planRef = "SAK-2026-0077"

var (
	// Kari (helsestasjon) is the coordinator; Per works in the KE.
	per   = Actor{SlackUserID: "U_PER", Name: "Per", ServiceIDs: []string{"ke"}}
	nina  = Actor{SlackUserID: "U_NINA", Name: "Nina", ServiceIDs: []string{"psykisk-helse"}}
	day   = 24 * time.Hour
	hour  = time.Hour
	after = func(d time.Duration) time.Time { return monday.Add(d) }
)

func planInput() PlanInput {
	return PlanInput{CaseRef: planRef, Subject: "voksen", CoordinatorSlackUserID: kari.SlackUserID,
		CoordinatorServiceID: "helsestasjon", CoordinatingUnitID: "ke", PolicyVersion: "2026-1"}
}

func fullChecklist(except ...string) []PlanItem {
	var items []PlanItem
	for _, it := range PlanChecklist {
		items = append(items, PlanItem{ID: it.ID, Done: !slices.Contains(except, it.ID), Note: "ok"})
	}
	return items
}

type planHarness struct {
	*harness
	ledger *countingLedger
}

func newPlanHarness(t *testing.T, rec *recorder, ledger *countingLedger, start time.Time) *planHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: PlanWorkflowID(planRef), TaskQueue: TaskQueue})
	if rec == nil {
		rec = newRecorder()
		ledger = newCountingLedger(rec)
	}
	env.RegisterActivity(&activities.Activities{Messenger: rec, Ledger: ledger, Consents: rec})
	env.RegisterWorkflow(IndividualPlan)
	return &planHarness{harness: &harness{t: t, env: env, rec: rec, results: map[string]error{}}, ledger: ledger}
}

// execute runs the plan and returns its status and error (a ContinueAsNewError included).
func (h *planHarness) execute(in PlanInput) (PlanStatus, error) {
	h.env.ExecuteWorkflow(IndividualPlan, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		return PlanStatus{}, err
	}
	var st PlanStatus
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatal(err)
	}
	return st, nil
}

func (h *planHarness) runPlan(in PlanInput) PlanStatus {
	h.t.Helper()
	st, err := h.execute(in)
	if err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	return st
}

func (h *planHarness) establish(at time.Duration, dates ...time.Time) {
	h.at(at, "fastsett", UpdateEstablishPlan, EstablishPlan{Actor: kari, Checklist: fullChecklist(), RevisionDates: dates})
}

func (h *planHarness) query() PlanStatus {
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Error(err)
		return PlanStatus{}
	}
	var st PlanStatus
	if err := v.Get(&st); err != nil {
		h.t.Error(err)
	}
	return st
}

func TestPlanEstablishRemindAndReviseEarly(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	first, second := after(60*day), after(120*day)
	h.at(hour, "fastsett-mangler", UpdateEstablishPlan, EstablishPlan{Actor: kari, Checklist: fullChecklist("samtykke"), RevisionDates: []time.Time{first}})
	h.at(90*time.Minute, "fastsett-fortid", UpdateEstablishPlan, EstablishPlan{Actor: kari, Checklist: fullChecklist(), RevisionDates: []time.Time{after(-day)}})
	h.at(100*time.Minute, "fastsett-usortert", UpdateEstablishPlan, EstablishPlan{Actor: kari, Checklist: fullChecklist(), RevisionDates: []time.Time{second, first}})
	h.at(110*time.Minute, "fastsett-fremmed", UpdateEstablishPlan, EstablishPlan{Actor: ola, Checklist: fullChecklist(), RevisionDates: []time.Time{first}})
	h.establish(2*hour, first)
	var draftStep, activeStep Step
	h.env.RegisterDelayedCallback(func() { draftStep = h.query().Step }, 95*time.Minute)
	h.env.RegisterDelayedCallback(func() { activeStep = h.query().Step }, 3*hour)
	// The first revision is done three days early, after the reminder; the second is done
	// long before its reminder.
	h.at(57*day, "r1", UpdateRevisePlan, RevisePlan{Actor: kari, Summary: "mål evaluert", NextRevisionDates: []time.Time{second}})
	h.at(90*day, "r2", UpdateRevisePlan, RevisePlan{Actor: per, Summary: "tiltak justert", NextRevisionDates: []time.Time{after(400 * day)}})
	h.at(100*day, "slutt", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndWithdrawn})
	st := h.runPlan(planInput())

	h.refused("fastsett-mangler", "Mangler: samtykke til planen og til informasjonsdeling.")
	h.refused("fastsett-fortid", "ikke fram i tid")
	h.refused("fastsett-usortert", "stigende rekkefølge")
	h.refused("fastsett-fremmed", "Bare koordinatoren")
	for _, id := range []string{"fastsett", "r1", "r2", "slutt"} {
		h.accepted(id)
	}
	if draftStep != PlanStepDraft || activeStep != PlanStepActive {
		t.Errorf("steps before/after establishing: %q, %q", draftStep, activeStep)
	}
	if msg := h.results["fastsett-mangler"].Error(); strings.Contains(msg, "mål-ressurser-behov") {
		t.Errorf("refusal names items that were done: %s", msg)
	}
	rem := h.rec.noticesOf(NoticePlanRevisionReminder)
	if len(rem) != 1 || rem[0].ServiceID != "helsestasjon" || !rem[0].Deadline.Equal(calendar.EndOfDay(first)) { // a revision date is a day
		t.Fatalf("reminders %+v", rem)
	}
	if got := h.rec.auditOf("påminnelse_sendt"); len(got) != 1 || !got[0].OccurredAt.Equal(first.AddDate(0, 0, -14)) {
		t.Errorf("reminder audit %+v, want one at %s", got, first.AddDate(0, 0, -14))
	}
	if n := len(h.rec.noticesOf(NoticePlanRevisionEscalation)); n != 0 {
		t.Errorf("%d escalations on a plan revised on time", n)
	}
	if len(st.Revisions) != 2 || !st.Revisions[0].OnTime || !st.Revisions[1].OnTime || !st.Revisions[1].Due.Equal(calendar.EndOfDay(second)) {
		t.Errorf("revisions %+v", st.Revisions)
	}
	for _, a := range h.rec.auditOf("plan_revidert") {
		if a.Detail["innen_frist"] != true || a.LegalBasis != PlanLegalBasis {
			t.Errorf("revision audit %+v", a)
		}
	}
	if st.Step != StepDone || st.Outcome != PlanEndWithdrawn || st.EndedBy != kari.SlackUserID || len(st.RevisionDates) != 0 {
		t.Errorf("status %+v", st)
	}
	if len(st.Checklist) != len(PlanChecklist) || st.Checklist[7].Text == "" {
		t.Errorf("checklist %+v", st.Checklist)
	}
	want := []string{"plan_opprettet", "plan_fastsatt", "påminnelse_sendt", "plan_revidert", "plan_revidert", "plan_avsluttet"}
	if got := h.rec.actions(); !slices.Equal(got, want) {
		t.Errorf("audit actions\n got %v\nwant %v", got, want)
	}
	wid := PlanWorkflowID(planRef)
	if got := h.rec.auditOf("plan_fastsatt"); got[0].Key != wid+"/fastsett" {
		t.Errorf("update audit key %q", got[0].Key)
	}
	if closed := h.rec.noticesOf(NoticePlanClosed); len(closed) != 2 || closed[0].Answer != PlanEndWithdrawn || !closed[1].ToCoordinatingUnit {
		t.Errorf("closing notices %+v", closed)
	}
}

func TestPlanOverdueRevisionEscalatedAndRevisedLate(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	due := after(30 * day)
	h.establish(hour, due)
	late := calendar.AddWorkingDays(due, 7)
	var overdue bool
	h.env.RegisterDelayedCallback(func() { overdue = h.query().Overdue }, calendar.AddWorkingDays(due, 1).Sub(monday))
	h.at(late.Sub(monday), "r1", UpdateRevisePlan, RevisePlan{Actor: kari, Summary: "revidert", NextRevisionDates: []time.Time{late.AddDate(1, 0, 0)}})
	h.at(late.Sub(monday)+hour, "slutt", UpdateEndPlan, EndPlan{Actor: per, Reason: PlanEndServicesEnded})
	st := h.runPlan(planInput())
	h.accepted("r1")
	h.accepted("slutt")

	esc := h.rec.noticesOf(NoticePlanRevisionEscalation)
	if len(esc) != 2 || !esc[0].ToCoordinatingUnit || esc[1].Escalations != 2 || !esc[0].Deadline.Equal(calendar.EndOfDay(due)) {
		t.Fatalf("escalations %+v", esc)
	}
	escAudit := h.rec.auditOf("frist_oversittet")
	if len(escAudit) != 2 || !escAudit[0].OccurredAt.Equal(calendar.EndOfDay(due)) || !escAudit[1].OccurredAt.Equal(calendar.WorkingDayDeadline(due, 5)) {
		t.Errorf("escalation audit %+v", escAudit)
	}
	if !overdue {
		t.Error("status did not report the plan overdue after the revision date")
	}
	rev := h.rec.auditOf("plan_revidert")
	if len(rev) != 1 || rev[0].Detail["innen_frist"] != false || rev[0].Detail["eskaleringer"] != float64(2) {
		t.Fatalf("revision audit %+v", rev)
	}
	if len(st.Revisions) != 1 || st.Revisions[0].OnTime || st.Revisions[0].Escalations != 2 {
		t.Errorf("revisions %+v", st.Revisions)
	}
	if st.Overdue || st.Outcome != PlanEndServicesEnded {
		t.Errorf("status %+v", st)
	}
	// The KE heard that the escalated plan was revised.
	if ke := h.rec.noticesOf(NoticePlanRevised); len(ke) != 2 || !ke[1].ToCoordinatingUnit || ke[1].Answer != "etter_frist" {
		t.Errorf("revised notices %+v", ke)
	}
}

func TestPlanCoordinatorChangeMovesReminders(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	due := after(60 * day)
	h.establish(hour, due)
	change := ChangeCoordinator{Actor: kari, CoordinatorSlackUserID: nina.SlackUserID, CoordinatorServiceID: "psykisk-helse"}
	h.at(10*day, "bytt-av-koordinator", UpdateChangeCoordinator, change)
	change.Actor = per
	h.at(11*day, "bytt", UpdateChangeCoordinator, change)
	// The old coordinator may no longer act; the new one may.
	h.at(50*day, "slutt-gammel", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndWithdrawn})
	h.at(50*day+hour, "slutt", UpdateEndPlan, EndPlan{Actor: nina, Reason: PlanEndWithdrawn})
	st := h.runPlan(planInput())
	h.refused("bytt-av-koordinator", "Bare ke kan bytte koordinator") // the bot says the unit by name
	h.accepted("bytt")
	h.refused("slutt-gammel", "Bare koordinatoren (<@U_NINA>)")
	h.accepted("slutt")

	rem := h.rec.noticesOf(NoticePlanRevisionReminder)
	if len(rem) != 1 || rem[0].ServiceID != "psykisk-helse" {
		t.Fatalf("reminders %+v", rem)
	}
	if st.CoordinatorSlackUserID != nina.SlackUserID || st.CoordinatorServiceID != "psykisk-helse" {
		t.Errorf("status %+v", st)
	}
	if ch := h.rec.auditOf("koordinator_byttet"); len(ch) != 1 || ch[0].Detail["fra_tjeneste"] != "helsestasjon" || ch[0].Actor != per.SlackUserID {
		t.Errorf("change audit %+v", ch)
	}
}

func TestPlanCompensatingMeasureNeedsRehabilitationAssessment(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	h.establish(hour, after(200*day))
	h.at(2*hour, "tiltak-for-tidlig", UpdateCompensatingMeasure, CompensatingMeasure{Actor: kari, Measure: "varig praktisk bistand"})
	h.at(3*hour, "ikke-vurdert", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: false})
	h.at(4*hour, "tiltak-uvurdert", UpdateCompensatingMeasure, CompensatingMeasure{Actor: kari, Measure: "varig praktisk bistand"})
	h.at(5*hour, "vurdering-uten-dato", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: true, AssessedBy: "ergoterapeut", Conclusion: "x"})
	h.at(6*hour, "vurdering", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: true,
		AssessedAt: after(-7 * day), AssessedBy: "ergoterapeut i hjemmetjenesten", Conclusion: "begrenset potensial"})
	h.at(7*hour, "tiltak", UpdateCompensatingMeasure, CompensatingMeasure{Actor: kari, Measure: "varig praktisk bistand"})
	h.at(8*hour, "slutt", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndServicesEnded})
	st := h.runPlan(planInput())
	h.refused("tiltak-for-tidlig", "Rundskriv I-5/2017")
	h.accepted("ikke-vurdert")
	h.refused("tiltak-uvurdert", "Rundskriv I-5/2017")
	h.refused("vurdering-uten-dato", "når")
	h.accepted("vurdering")
	h.accepted("tiltak")
	if len(st.CompensatingMeasures) != 1 || st.CompensatingMeasures[0].Measure != "varig praktisk bistand" {
		t.Errorf("measures %+v", st.CompensatingMeasures)
	}
	if r := st.Rehabilitation; r == nil || !r.Assessed || r.AssessedBy != "ergoterapeut i hjemmetjenesten" {
		t.Errorf("assessment %+v", r)
	}
	m := h.rec.auditOf("varig_tiltak_lagt_til")
	if len(m) != 1 || !strings.Contains(m[0].LegalBasis, "Rundskriv I-5/2017") || m[0].Detail["tiltak"] != "varig praktisk bistand" {
		t.Errorf("measure audit %+v", m)
	}
	if n := len(h.rec.auditOf("rehabilitering_vurdert")); n != 2 {
		t.Errorf("%d assessments in the ledger, want 2", n)
	}
}

func TestPlanInputValidated(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	in := planInput()
	in.CoordinatingUnitID = ""
	_, err := h.execute(in)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !appErr.NonRetryable() || !strings.Contains(err.Error(), "koordinerende enhet") {
		t.Fatalf("error %v", err)
	}
}

// TestPlanContinueAsNewKeepsEveryUpdate runs a plan across a continue-as-new boundary. The
// history passes the (small) threshold at day 20 while revisions arrive: the ones let in are
// applied and flushed before the hand-over; the rest, and a client retry of one already
// applied, go to the next run, as Temporal's client does. Each must be applied exactly once.
func TestPlanContinueAsNewKeepsEveryUpdate(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	in := planInput()
	in.ContinueAsNewAfterEvents = 100
	h.establish(hour, after(60*day))
	h.at(2*hour, "vurdering", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: true,
		AssessedAt: monday, AssessedBy: "fysioterapeut", Conclusion: "ikke potensial"})
	h.at(3*hour, "tiltak", UpdateCompensatingMeasure, CompensatingMeasure{Actor: kari, Measure: "varig hjelpemiddel"})
	revisions := map[string]RevisePlan{}
	for i, id := range []string{"r1", "r2", "r3", "r4", "r5"} {
		revisions[id] = RevisePlan{Actor: kari, Summary: "revisjon " + id, NextRevisionDates: []time.Time{after(time.Duration(100*(i+1)) * day)}}
	}
	h.at(10*day, "r1", UpdateRevisePlan, revisions["r1"])
	h.env.RegisterDelayedCallback(func() { h.env.SetCurrentHistoryLength(500) }, 20*day)
	h.at(20*day, "r2", UpdateRevisePlan, revisions["r2"])
	h.at(20*day, "r3", UpdateRevisePlan, revisions["r3"])
	h.at(20*day+time.Minute, "r4", UpdateRevisePlan, revisions["r4"])
	h.at(25*day, "r5", UpdateRevisePlan, revisions["r5"])
	_, err := h.execute(in)
	if !workflow.IsContinueAsNewError(err) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("not a ContinueAsNewError: %T", err)
	}
	var next PlanInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Carry == nil || next.ContinueAsNewAfterEvents != 100 || next.CaseRef != planRef {
		t.Fatalf("carried input %+v", next)
	}
	carried := next.Carry.Status
	if carried.Rehabilitation == nil || len(carried.CompensatingMeasures) != 1 || len(carried.Revisions) < 2 {
		t.Fatalf("carried state %+v", carried)
	}
	// Updates answered by the first run were applied there; the rest go to the next run.
	var resend []string
	for _, id := range []string{"r1", "r2", "r3", "r4", "r5"} {
		err, ok := h.results[id]
		var appErr *temporal.ApplicationError
		if ok && errors.As(err, &appErr) && appErr.Type() == RefusalType {
			t.Fatalf("update %s refused: %v", id, err)
		}
		if !ok || err != nil {
			resend = append(resend, id)
		}
	}
	if len(resend) == 0 || slices.Contains(resend, "r1") || slices.Contains(resend, "r2") {
		t.Fatalf("updates left for the next run: %v", resend)
	}
	applied := len(carried.Revisions)
	t.Logf("first run applied %d revisions; left for the next run: %v", applied, resend)

	h2 := newPlanHarness(t, h.rec, h.ledger, after(20*day))
	// A client that missed run one's answer retries r2 with the same update ID.
	h2.at(time.Minute, "r2", UpdateRevisePlan, revisions["r2"])
	for i, id := range resend {
		h2.at(time.Duration(i+2)*time.Minute, id, UpdateRevisePlan, revisions[id])
	}
	h2.at(time.Hour, "slutt", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndWithdrawn})
	st := h2.runPlan(next)
	h2.accepted("r2")
	for _, id := range resend {
		h2.accepted(id)
	}
	h2.accepted("slutt")

	var ids []string
	for _, r := range st.Revisions {
		ids = append(ids, r.UpdateID)
	}
	if !slices.Equal(ids, []string{"r1", "r2", "r3", "r4", "r5"}) {
		t.Fatalf("revisions in status %v (first run applied %d)", ids, applied)
	}
	if got := h.rec.auditOf("plan_revidert"); len(got) != 5 {
		t.Errorf("%d revisions in the ledger, want 5", len(got))
	}
	if dup := h.ledger.duplicates(); len(dup) > 0 {
		t.Errorf("ledger records appended twice: %v", dup)
	}
	if st.Runs != 2 || len(st.CompensatingMeasures) != 1 || st.Rehabilitation == nil || st.Outcome != PlanEndWithdrawn {
		t.Errorf("status after continue-as-new %+v", st)
	}
	if want := []string{"plan_opprettet", "plan_fastsatt"}; !slices.Equal(h.rec.actions()[:2], want) {
		t.Errorf("ledger starts %v", h.rec.actions()[:2])
	}
	if n := len(h.rec.auditOf("plan_opprettet")); n != 1 {
		t.Errorf("plan opened %d times in the ledger", n)
	}
}

// TestPlanContinueAsNewWhenSuggested hands over when the server suggests it.
func TestPlanContinueAsNewWhenSuggested(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	h.establish(hour, after(60*day))
	h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, 2*hour)
	h.at(2*hour, "vurdering", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: false})
	_, err := h.execute(planInput())
	if !workflow.IsContinueAsNewError(err) {
		t.Fatalf("want continue-as-new, got %v", err)
	}
	h.accepted("vurdering")
	if n := len(h.rec.auditOf("rehabilitering_vurdert")); n != 1 {
		t.Errorf("update before the hand-over not in the ledger (%d records)", n)
	}
}
