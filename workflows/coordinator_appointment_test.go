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
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
)

const coordKEID = "koordinerende-enhet"

var (
	coordKE   = Actor{SlackUserID: "U_KE", Name: "Kjersti", ServiceIDs: []string{coordKEID}}
	coordNina = Actor{SlackUserID: "U_NINA", Name: "Nina", ServiceIDs: []string{"hjemmetjeneste"}}
	coordPer  = Actor{SlackUserID: "U_PER", Name: "Per", ServiceIDs: []string{"psykisk-helse"}}
)

func coordInput(kind string) CoordinatorInput {
	return CoordinatorInput{CaseRef: "SAK-2026-0077", Subject: "barn", Kind: kind, Origin: OriginCollaboration,
		OriginWorkflowID: WorkflowID("SAK-2026-0077", "helsestasjon"), RequestedBy: kari, CoordinatingUnitID: coordKEID,
		PolicyVersion: "standard-2026-1", Deadlines: DefaultCoordinatorDeadlines()}
}

func newCoordHarness(t *testing.T) *harness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(monday)
	rec := newRecorder()
	env.RegisterActivity(&activities.Activities{Messenger: rec, Ledger: rec, Consents: rec})
	env.RegisterWorkflow(CoordinatorAppointment)
	return &harness{t: t, env: env, rec: rec, results: map[string]error{}}
}

func (h *harness) runCoord(in CoordinatorInput) CoordinatorStatus {
	h.t.Helper()
	h.env.ExecuteWorkflow(CoordinatorAppointment, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var st CoordinatorStatus
	if err := h.env.GetWorkflowResult(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

// queryAt reads the status query after d of workflow time.
func (h *harness) coordQueryAt(d time.Duration, into *CoordinatorStatus) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err != nil {
			h.t.Error(err)
			return
		}
		if err := v.Get(into); err != nil {
			h.t.Error(err)
		}
	}, d)
}

// coordAllMet answers every condition of kind as met.
func coordAllMet(kind string) []ConditionAnswer {
	var out []ConditionAnswer
	for _, c := range CoordinatorKinds[kind].Conditions {
		out = append(out, ConditionAnswer{ID: c.ID, Met: true})
	}
	return out
}

func coordGrant(kind string) CoordinatorAssessment {
	return CoordinatorAssessment{Actor: coordKE, Conditions: coordAllMet(kind), Granted: true, Reasons: "vilkårene er oppfylt"}
}

func coordRefusal(kind string) CoordinatorAssessment {
	answers := coordAllMet(kind)
	answers[0].Met = false
	return CoordinatorAssessment{Actor: coordKE, Conditions: answers, Reasons: "behovet er ikke langvarig"}
}

func coordNameNina(kind string) CoordinatorNomination {
	return CoordinatorNomination{Actor: coordKE, CoordinatorSlackUserID: coordNina.SlackUserID, CoordinatorName: "Nina Hansen",
		ServiceID: "hjemmetjeneste", HealthPersonnel: true}
}

func (h *harness) coordCount(action string) int {
	n := 0
	for _, a := range h.rec.actions() {
		if a == action {
			n++
		}
	}
	return n
}

func (h *harness) coordAuditOf(action string) []activities.AuditRecord {
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	var out []activities.AuditRecord
	for _, a := range h.rec.audit {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func coordWorkingDays(from time.Time, n int) time.Duration {
	return calendar.AddWorkingDays(from, n).Sub(monday)
}

func TestCoordinatorGrantNamedAcceptedEnded(t *testing.T) {
	h := newCoordHarness(t)
	hr := time.Hour
	h.at(1*hr, "vurder", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(2*hr, "oppnevn", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(3*hr, "svar", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina, Accept: true})
	var active CoordinatorStatus
	h.coordQueryAt(4*hr, &active)
	h.at(5*hr, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "tjenestene er avsluttet"})
	in := coordInput(KindCoordinator)
	in.Subject = "voksen"
	st := h.runCoord(in)
	for _, id := range []string{"vurder", "oppnevn", "svar", "slutt"} {
		h.accepted(id)
	}
	if active.Step != CoordStepActive || active.Coordinator == nil || active.Coordinator.Answer != NominationAccepted || active.Waiting != "koordinator oppnevnt" {
		t.Fatalf("status while serving %+v", active)
	}
	if st.Step != CoordStepDone || st.Outcome != OutcomeCoordinationEnded || st.Coordinator.SlackUserID != "U_NINA" {
		t.Fatalf("final status %+v", st)
	}
	if st.Citation != "hol § 7-2" || st.RightCitation != "pbrl § 2-5 b" || len(st.Checklist) != 1 || !st.Checklist[0].Met {
		t.Errorf("citations or checklist %+v", st)
	}
	want := []string{"koordinator_forespurt", "koordinator_innvilget", "koordinator_oppnevnt", "oppnevning_godtatt", "koordinering_avsluttet", "sak_avsluttet"}
	if got := h.rec.actions(); !slices.Equal(got, want) {
		t.Errorf("audit actions\n got %v\nwant %v", got, want)
	}
	if d := h.coordAuditOf("koordinator_innvilget"); len(d) != 1 || d[0].LegalBasis != "hol § 7-2" || d[0].Key != "default-test-workflow-id/oppdatering:vurder" {
		t.Errorf("decision record %+v", d)
	}
	named := h.rec.noticesOf(NoticeCoordinatorNamed)
	if len(named) != 1 || named[0].ServiceID != "hjemmetjeneste" || named[0].About != "U_NINA" || named[0].Deadline.IsZero() {
		t.Errorf("named notices %+v", named)
	}
	if n := len(h.rec.noticesOf(activities.NoticeEscalation)) + len(h.rec.noticesOf(activities.NoticeReminder)); n != 0 {
		t.Errorf("%d reminders/escalations on a case handled in time", n)
	}
	// Notices carry references, never names.
	for _, n := range h.rec.notices {
		if strings.Contains(n.About+n.Step+n.Answer+n.By+n.ServiceID, "Nina") {
			t.Errorf("notice carries a name: %+v", n)
		}
	}
}

func TestCoordinatorProvisionalAnswerForcedAtOneMonth(t *testing.T) {
	h := newCoordHarness(t)
	month := ProvisionalAnswerDeadline(monday) // the end of Wednesday 23 December 2026
	var beforeEnd, atMonth, afterProvisional CoordinatorStatus
	h.coordQueryAt(month.Sub(monday)-time.Hour, &beforeEnd)
	h.coordQueryAt(month.Sub(monday)+time.Hour, &atMonth)
	// Recorded six working days after the month: after the re-escalation on 31 December.
	provisionalAt := coordWorkingDays(month, 6)
	h.at(provisionalAt-time.Hour, "tidligere-dato", UpdateCoordinatorProvisional,
		ProvisionalAnswer{Actor: coordKE, ExpectedBy: monday, Reason: "venter på uttalelse fra fastlegen"})
	h.at(provisionalAt, "foreløpig", UpdateCoordinatorProvisional,
		ProvisionalAnswer{Actor: coordKE, ExpectedBy: month.AddDate(0, 1, 0), Reason: "venter på uttalelse fra fastlegen"})
	h.coordQueryAt(provisionalAt+time.Hour, &afterProvisional)
	decideAt := coordWorkingDays(monday.Add(provisionalAt), 12)
	h.at(decideAt, "vurder", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	h.at(decideAt+time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "personen flyttet"})
	h.runCoord(coordInput(KindCoordinator))
	h.refused("tidligere-dato", "fremtidig dato")
	h.accepted("foreløpig")
	h.accepted("vurder")

	if atMonth.Step != CoordStepProvisional || !atMonth.ProvisionalDue.Equal(month) {
		t.Errorf("at one month: step %q, provisional due %s", atMonth.Step, atMonth.ProvisionalDue)
	}
	// The month runs to the end of its last day: in the evening of 23 December it has not run out.
	if beforeEnd.Step != CoordStepAssess {
		t.Errorf("an hour before the month's end: step %q", beforeEnd.Step)
	}
	prov := h.rec.noticesOf(NoticeCoordinatorProvisionalDue)
	if len(prov) != 2 || !prov[0].ToCoordinatingUnit || !prov[0].Deadline.Equal(month) || prov[1].Escalations != 2 {
		t.Fatalf("provisional-answer escalations %+v", prov)
	}
	for _, a := range h.coordAuditOf("foreløpig_svar_påkrevd") {
		if a.LegalBasis != ProvisionalAnswerCitation || !strings.Contains(a.Summary, "foreløpig svar må sendes") {
			t.Errorf("provisional escalation record %+v", a)
		}
		if !a.OccurredAt.Before(monday.Add(provisionalAt)) {
			t.Errorf("provisional answer escalated after it was recorded: %s", a.OccurredAt)
		}
	}
	if afterProvisional.Step != CoordStepAssess || afterProvisional.ProvisionalSentAt.IsZero() || afterProvisional.ProvisionalBy != "U_KE" {
		t.Errorf("after provisional answer %+v", afterProvisional)
	}
	if a := h.coordAuditOf("foreløpig_svar_sendt"); len(a) != 1 || a[0].LegalBasis != "fvl § 11 a" {
		t.Errorf("provisional record %+v", a)
	}
	// The decision deadline kept escalating after the provisional answer.
	lateEscalations := 0
	for _, a := range h.coordAuditOf("frist_oversittet") {
		if a.OccurredAt.After(monday.Add(provisionalAt)) && a.Detail["frist"] != nil {
			lateEscalations++
		}
	}
	if lateEscalations == 0 {
		t.Errorf("decision deadline stopped escalating after the provisional answer: %v", h.rec.actions())
	}
	for _, n := range h.rec.noticesOf(activities.NoticeEscalation) {
		if n.Step != dlDecision || !n.ToCoordinatingUnit {
			t.Errorf("escalation %+v", n)
		}
	}
	// The decision deadline's reminder, and the KE's warning a week before the month runs
	// out: Wednesday 16 December in the morning, not at the moment it has run out.
	r := h.rec.noticesOf(activities.NoticeReminder)
	if len(r) != 2 || r[0].Step != dlDecision || r[1].Step != dlProvisional || !r[1].Deadline.Equal(month) || !r[1].ToCoordinatingUnit {
		t.Fatalf("reminders %+v", r)
	}
	for _, a := range h.coordAuditOf("påminnelse_sendt") {
		if !calendar.IsWorkingDay(a.OccurredAt) {
			t.Errorf("reminder on a day off: %s", a.OccurredAt)
		}
		if strings.Contains(a.Summary, dlProvisional+" har frist") && !a.OccurredAt.Equal(time.Date(2026, 12, 16, 8, 0, 0, 0, calendar.Oslo)) {
			t.Errorf("provisional warning at %s, want Wednesday 16.12.2026 08:00", a.OccurredAt)
		}
	}
	for _, a := range h.rec.audit {
		if strings.Contains(a.Summary, " kl. ") {
			t.Errorf("a deadline shown with a clock time: %q", a.Summary)
		}
	}
}

func TestChildCoordinatorRefusedWithoutFamilyWish(t *testing.T) {
	h := newCoordHarness(t)
	answers := coordAllMet(KindChildCoordinator)
	answers[3].Met = false // familien ønsker barnekoordinator
	h.at(time.Hour, "innvilg", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: answers, Granted: true, Reasons: "stort behov"})
	h.at(2*time.Hour, "avslå", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: answers, Reasons: "familien ønsker ikke barnekoordinator nå"})
	h.at(3*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "avslått"})
	st := h.runCoord(coordInput(KindChildCoordinator))
	h.refused("innvilg", "vilkåret «familien ønsker barnekoordinator» er ikke oppfylt")
	h.accepted("avslå")
	if len(st.Decisions) != 1 || st.Decisions[0].Granted || len(st.Decisions[0].Answers) != 4 || st.Decisions[0].Answers[3].Met {
		t.Fatalf("decisions %+v", st.Decisions)
	}
	if !strings.Contains(st.AppealRight, "§ 7-2") || !strings.Contains(st.AppealRight, "§ 7-5") ||
		!st.AppealDeadline.Equal(time.Date(2026, 12, 21, 23, 59, 59, 0, calendar.Oslo)) {
		t.Errorf("appeal right %q deadline %s", st.AppealRight, st.AppealDeadline)
	}
	if d := h.coordAuditOf("koordinator_avslått"); len(d) != 1 || d[0].LegalBasis != "hol § 7-2 a" {
		t.Errorf("coordRefusal record %+v", d)
	}
}

func TestEveryConditionMustBeAnswered(t *testing.T) {
	h := newCoordHarness(t)
	answers := coordAllMet(KindChildCoordinator)
	h.at(time.Hour, "tre", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: slices.Delete(slices.Clone(answers), 2, 3), Granted: true, Reasons: "ok"})
	h.at(2*time.Hour, "ukjent", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: append(slices.Clone(answers), ConditionAnswer{ID: "x"}), Granted: true, Reasons: "ok"})
	h.at(3*time.Hour, "uten-begrunnelse", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: answers, Granted: true})
	h.at(4*time.Hour, "fnr", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: answers, Granted: true, Reasons: "gjelder 15076500565"})
	// In another order than the statute: accepted, stored in the statute's order.
	reversed := slices.Clone(answers)
	slices.Reverse(reversed)
	h.at(5*time.Hour, "alle", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: coordKE, Conditions: reversed, Granted: true, Reasons: "alle vilkår er oppfylt"})
	h.at(6*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "familien trakk seg"})
	st := h.runCoord(coordInput(KindChildCoordinator))
	h.refused("tre", "«behov for andre velferdstjenester» er ikke vurdert")
	h.refused("ukjent", "et vilkår samarbeid ikke kjenner")
	h.refused("uten-begrunnelse", "begrunnelse")
	h.refused("fnr", "fødselsnummer")
	h.accepted("alle")
	if got := st.Decisions[0].Answers[0].ID; got != "alvorlig-tilstand" {
		t.Errorf("answers not in statute order: first is %q", got)
	}
	if h.coordCount("koordinator_innvilget") != 1 {
		t.Errorf("actions %v", h.rec.actions())
	}
}

func TestCoordinatorNonKEActorRefused(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "kari-vurderer", UpdateCoordinatorAssess, CoordinatorAssessment{Actor: kari, Conditions: coordAllMet(KindCoordinator), Granted: true, Reasons: "ok"})
	h.at(2*time.Hour, "vurder", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	n := coordNameNina(KindCoordinator)
	n.Actor = kari
	h.at(3*time.Hour, "kari-oppnevner", UpdateCoordinatorName, n)
	h.at(4*time.Hour, "kari-avslutter", UpdateCoordinatorEnd, CoordinationEnd{Actor: kari, Reason: "x"})
	h.at(5*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "personen trakk seg"})
	h.runCoord(coordInput(KindCoordinator))
	for _, id := range []string{"kari-vurderer", "kari-oppnevner", "kari-avslutter"} {
		h.refused(id, "Bare ansatte i "+coordKEID+" kan gjøre dette") // the bot says the unit by name
	}
	h.accepted("vurder")
	h.accepted("slutt")
}

func TestAppealReassessedUpheldForwardedToStatsforvalteren(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	h.at(2*time.Hour, "ny-vurdering-uten-klage", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(20*24*time.Hour, "klage", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "familien mener behovet er langvarig"})
	var reopened CoordinatorStatus
	h.coordQueryAt(20*24*time.Hour+time.Hour, &reopened)
	h.at(21*24*time.Hour, "opprettholdt", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("avslå")
	h.refused("ny-vurdering-uten-klage", "bare vurderes på nytt etter en klage")
	h.accepted("klage")
	h.accepted("opprettholdt")
	if reopened.Step != CoordStepAppeal || reopened.Appeal == nil || reopened.Appeal.By != "U_KE" {
		t.Errorf("after appeal %+v", reopened)
	}
	if st.Outcome != OutcomeAppealForwarded || len(st.Decisions) != 2 || !st.Decisions[1].Reassessment {
		t.Fatalf("final %+v", st)
	}
	want := []string{"koordinator_forespurt", "koordinator_avslått", "klage_mottatt", "avslag_opprettholdt", "klage_oversendt_statsforvalteren", "sak_avsluttet"}
	if got := h.rec.actions(); !slices.Equal(got, want) {
		t.Errorf("audit actions\n got %v\nwant %v", got, want)
	}
	if a := h.coordAuditOf("klage_oversendt_statsforvalteren"); len(a) != 1 || a[0].LegalBasis != "pbrl § 7-2" {
		t.Errorf("forwarding record %+v", a)
	}
	if !h.env.Now().Before(monday.Add(22 * 24 * time.Hour)) {
		t.Errorf("workflow ran on to %s after the hand-over", h.env.Now())
	}
}

func TestAppealReassessedGrantedGoesOnToAppointment(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	h.at(24*time.Hour, "klage", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "nye opplysninger"})
	h.at(25*time.Hour, "klage-igjen", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "nye opplysninger"})
	h.at(48*time.Hour, "innvilg", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	var granted CoordinatorStatus
	h.coordQueryAt(49*time.Hour, &granted)
	h.at(50*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "personen trakk seg"})
	h.runCoord(coordInput(KindCoordinator))
	h.accepted("klage")
	h.refused("klage-igjen", "allerede registrert")
	h.accepted("innvilg")
	if granted.Step != CoordStepAppoint || granted.Waiting != "venter på oppnevning" || !granted.AppealDeadline.IsZero() {
		t.Errorf("after granting on appeal %+v", granted)
	}
}

// A case started before versionLawDays still refuses a late appeal, naming the date.
func TestAppealAfterWindowRefusedWithDateBeforeLawDays(t *testing.T) {
	decided := monday.Add(time.Hour)
	c := &coordCase{in: coordInput(KindCoordinator), kind: CoordinatorKinds[KindCoordinator]}
	c.st.Step, c.st.AppealDeadline = CoordStepAppealOpen, decided.AddDate(0, 0, AppealDays)
	appeal := CoordinatorAppeal{Actor: coordKE, Reason: "for sent"}
	err := c.checkAppeal(c.st.AppealDeadline.Add(time.Minute), appeal)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != RefusalType || !strings.Contains(appErr.Error(), "Klagefristen gikk ut mandag 21.12.2026 (fire uker, pbrl § 7-5)") {
		t.Fatalf("late appeal: %v", err)
	}
	if err := c.checkAppeal(c.st.AppealDeadline, appeal); err != nil {
		t.Fatalf("appeal on the last moment refused: %v", err)
	}

	// In the workflow the window's end closes the case, so a late appeal finds it closed.
	h := newCoordHarness(t)
	h.env.OnGetVersion(versionLawDays, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	h.at(29*24*time.Hour, "for-sent", UpdateCoordinatorAppeal, appeal)
	st := h.runCoord(coordInput(KindCoordinator))
	if err, ok := h.results["for-sent"]; ok && err == nil {
		t.Fatal("late appeal accepted")
	}
	if st.Appeal != nil {
		t.Fatalf("late appeal recorded: %+v", st.Appeal)
	}
}

func TestRefusalNotAppealedEndsAfterWindow(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	var during, lastEvening, after CoordinatorStatus
	h.coordQueryAt(27*24*time.Hour, &during)
	deadline := time.Date(2026, 12, 21, 23, 59, 59, 0, calendar.Oslo) // four weeks from Monday 23 November, to the end of the day
	h.coordQueryAt(deadline.Add(-time.Hour).Sub(monday), &lastEvening)
	h.coordQueryAt(deadline.Add(time.Hour).Sub(monday), &after)
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("avslå")
	if during.Step != CoordStepAppealOpen || !during.NextDeadline.Equal(deadline) {
		t.Errorf("during the window %+v", during)
	}
	if lastEvening.Step != CoordStepAppealOpen {
		t.Errorf("the window closed before the end of its last day: %q", lastEvening.Step)
	}
	// The window has run out, but a late appeal can still come in (fvl § 31): the case stays
	// open for LateAppealMonths (3 by default), then the refusal is final.
	lateUntil := time.Date(2027, 3, 21, 23, 59, 59, 0, calendar.Oslo)
	if after.Step != CoordStepAppealLate || !after.LateAppealUntil.Equal(lateUntil) {
		t.Errorf("after the window: step %q, open for a late appeal until %s", after.Step, after.LateAppealUntil)
	}
	if st.Outcome != OutcomeRefusalFinal || !st.ClosedAt.Equal(lateUntil) {
		t.Fatalf("outcome %q closed %s, want %s", st.Outcome, st.ClosedAt, lateUntil)
	}
	if a := h.coordAuditOf("klagefrist_utløpt"); len(a) != 1 || !a[0].OccurredAt.Equal(deadline) || !strings.Contains(a[0].LegalBasis, "fvl § 31") {
		t.Errorf("window's end record %+v", a)
	}
	if a := h.coordAuditOf("avslag_endelig"); len(a) != 1 || a[0].LegalBasis != AppealCitation {
		t.Errorf("final coordRefusal record %+v", a)
	}
}

func TestCoordinatorDeclinesThenSecondAccepts(t *testing.T) {
	h := newCoordHarness(t)
	hr := time.Hour
	h.at(1*hr, "vurder", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(2*hr, "oppnevn-nina", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(3*hr, "coordPer-svarer", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordPer, Accept: true})
	h.at(4*hr, "nei-uten-grunn", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina})
	h.at(5*hr, "nei", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina, Reason: "for mange saker"})
	var back CoordinatorStatus
	h.coordQueryAt(6*hr, &back)
	h.at(7*hr, "oppnevn-per", UpdateCoordinatorName, CoordinatorNomination{Actor: coordKE, CoordinatorSlackUserID: coordPer.SlackUserID,
		CoordinatorName: "Per Olsen", ServiceID: "psykisk-helse"})
	h.at(8*hr, "ja", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordPer, Accept: true})
	h.at(9*hr, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "tjenestene er avsluttet"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.refused("coordPer-svarer", "Bare den som er oppnevnt (<@U_NINA>)")
	h.refused("nei-uten-grunn", "hvorfor")
	h.accepted("nei")
	h.accepted("oppnevn-per")
	h.accepted("ja")
	if back.Step != CoordStepAppoint || back.Waiting != "venter på ny oppnevning" || !back.Overdue {
		t.Errorf("after decline %+v", back)
	}
	vacant := h.rec.noticesOf(NoticeCoordinatorVacant)
	if len(vacant) != 1 || !vacant[0].ToCoordinatingUnit || vacant[0].Answer != NominationDeclined {
		t.Fatalf("KE not escalated after the decline: %+v", vacant)
	}
	if st.Coordinator.SlackUserID != "U_PER" || st.Coordinator.Answer != NominationAccepted ||
		len(st.Previous) != 1 || st.Previous[0].Answer != NominationDeclined {
		t.Fatalf("coordinators %+v / %+v", st.Coordinator, st.Previous)
	}
	if n := len(h.rec.noticesOf(activities.NoticeEscalation)); n != 0 {
		t.Errorf("%d further escalations after a new coordinator was named at once", n)
	}
}

func TestNamedCoordinatorSilenceEscalatesToKE(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "vurder", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(2*time.Hour, "oppnevn", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	lapsed := calendar.WorkingDayDeadline(monday.Add(2*time.Hour), 10).Sub(monday) // the end of the tenth working day
	var back CoordinatorStatus
	h.coordQueryAt(lapsed+time.Hour, &back)
	h.at(lapsed+2*time.Hour, "for-sent", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina, Accept: true})
	h.at(lapsed+3*time.Hour, "oppnevn-per", UpdateCoordinatorName, CoordinatorNomination{Actor: coordKE, CoordinatorSlackUserID: coordPer.SlackUserID,
		CoordinatorName: "Per Olsen", ServiceID: "psykisk-helse"})
	h.at(lapsed+4*time.Hour, "ja", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordPer, Accept: true})
	h.at(lapsed+5*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "tjenestene er avsluttet"})
	h.runCoord(coordInput(KindCoordinator))
	h.refused("for-sent", "ingen åpen oppnevning")
	h.accepted("ja")
	rem := h.rec.noticesOf(activities.NoticeReminder)
	if len(rem) != 1 || rem[0].ServiceID != "hjemmetjeneste" || rem[0].Step != dlAnswer {
		t.Fatalf("reminders %+v", rem)
	}
	vacant := h.rec.noticesOf(NoticeCoordinatorVacant)
	if len(vacant) != 1 || !vacant[0].ToCoordinatingUnit || vacant[0].Answer != NominationLapsed {
		t.Fatalf("vacancy escalations %+v", vacant)
	}
	if back.Waiting != "venter på ny oppnevning" || back.Coordinator.Answer != NominationLapsed {
		t.Errorf("after silence %+v", back)
	}
	if a := h.coordAuditOf("oppnevning_utløpt"); len(a) != 1 || !a[0].OccurredAt.Equal(monday.Add(lapsed)) {
		t.Errorf("lapse record %+v", a)
	}
}

func TestSpecialistCoordinatorMustBeHealthPersonnel(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "vurder", UpdateCoordinatorAssess, coordGrant(KindSpecialist))
	n := coordNameNina(KindSpecialist)
	n.HealthPersonnel = false
	h.at(2*time.Hour, "ikke-hp", UpdateCoordinatorName, n)
	h.at(3*time.Hour, "hp", UpdateCoordinatorName, coordNameNina(KindSpecialist))
	h.at(4*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "utskrevet"})
	in := coordInput(KindSpecialist)
	in.Subject = "voksen"
	st := h.runCoord(in)
	h.refused("ikke-hp", "må være helsepersonell (sphl § 2-5 a)")
	h.accepted("hp")
	if st.Citation != "sphl § 2-5 a" || st.Coordinator == nil || !st.Coordinator.HealthPersonnel {
		t.Fatalf("status %+v", st)
	}
	if a := h.coordAuditOf("koordinator_innvilget"); len(a) != 1 || a[0].LegalBasis != "sphl § 2-5 a" {
		t.Errorf("coordGrant record %+v", a)
	}
}

func TestCoordinatorLeavesAndIsReplaced(t *testing.T) {
	h := newCoordHarness(t)
	var without []bool
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		if v, ok := sa.GetBool(AttrWithoutCoordinator); ok {
			without = append(without, v)
		}
	}).Return(nil)
	hr := time.Hour
	h.at(1*hr, "vurder", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(2*hr, "oppnevn", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(3*hr, "ja", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina, Accept: true})
	leaveAt := 10 * 24 * hr
	h.at(leaveAt-hr, "coordPer-slutter", UpdateCoordinatorLeaves, CoordinatorLeaving{Actor: coordPer, Reason: "x"})
	h.at(leaveAt-hr/2, "oppnevn-mens-aktiv", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(leaveAt, "slutter", UpdateCoordinatorLeaves, CoordinatorLeaving{Actor: coordNina, Reason: "ny jobb"})
	var vacant CoordinatorStatus
	h.coordQueryAt(leaveAt+hr, &vacant)
	h.at(leaveAt+2*hr, "oppnevn-per", UpdateCoordinatorName, CoordinatorNomination{Actor: coordKE, CoordinatorSlackUserID: coordPer.SlackUserID,
		CoordinatorName: "Per Olsen", ServiceID: "psykisk-helse"})
	h.at(leaveAt+3*hr, "coordPer-ja", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordPer, Accept: true})
	var replaced CoordinatorStatus
	h.coordQueryAt(leaveAt+4*hr, &replaced)
	h.at(leaveAt+5*hr, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "tjenestene er avsluttet"})
	h.runCoord(coordInput(KindCoordinator))
	h.refused("coordPer-slutter", "Bare koordinatoren (<@U_NINA>)")
	h.refused("oppnevn-mens-aktiv", "har allerede en koordinator")
	h.accepted("slutter")
	h.accepted("coordPer-ja")
	if !vacant.WithoutCoordinatorSince.Equal(monday.Add(leaveAt)) || vacant.Step != CoordStepAppoint || vacant.Waiting != "venter på ny oppnevning" {
		t.Fatalf("after leaving %+v", vacant)
	}
	esc := h.coordAuditOf("ny_oppnevning_eskalert")
	if len(esc) != 1 || !esc[0].OccurredAt.Equal(monday.Add(leaveAt)) {
		t.Fatalf("no escalation the same day: %+v", esc)
	}
	if v := h.rec.noticesOf(NoticeCoordinatorVacant); len(v) != 1 || v[0].Answer != "sluttet" || !v[0].ToCoordinatingUnit {
		t.Errorf("vacancy notices %+v", v)
	}
	if !replaced.WithoutCoordinatorSince.IsZero() || replaced.Step != CoordStepActive || replaced.Coordinator.SlackUserID != "U_PER" {
		t.Errorf("after the new one accepted %+v", replaced)
	}
	if !slices.Contains(without, true) || without[len(without)-1] {
		t.Errorf("SamarbeidUtenKoordinator upserts %v: want true while vacant, then false", without)
	}
}

func TestCoordinatorDoubleSubmitAppliesOnce(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "klikk-1", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(time.Hour+time.Second, "klikk-1", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(time.Hour+2*time.Second, "klikk-2", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(2*time.Hour, "oppnevn", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(2*time.Hour+time.Second, "oppnevn", UpdateCoordinatorName, coordNameNina(KindCoordinator))
	h.at(3*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "personen trakk seg"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("klikk-1")
	h.refused("klikk-2", "allerede avgjort")
	h.accepted("oppnevn")
	if h.coordCount("koordinator_innvilget") != 1 || h.coordCount("koordinator_oppnevnt") != 1 {
		t.Fatalf("applied more than once: %v", h.rec.actions())
	}
	if len(st.Decisions) != 1 || len(st.Previous) != 0 {
		t.Fatalf("status %+v", st)
	}
}

func TestCoordinatorInputValidated(t *testing.T) {
	for name, mutate := range map[string]func(*CoordinatorInput){
		"ukjent type":             func(in *CoordinatorInput) { in.Kind = "veileder" },
		"barnekoordinator voksen": func(in *CoordinatorInput) { in.Subject = "voksen" },
		"samarbeidssak uten id":   func(in *CoordinatorInput) { in.OriginWorkflowID = "" },
		"uten KE":                 func(in *CoordinatorInput) { in.CoordinatingUnitID = "" },
		"null virkedager":         func(in *CoordinatorInput) { in.Deadlines.DecisionWorkingDays = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			in := coordInput(KindChildCoordinator)
			mutate(&in)
			if err := in.Validate(); err == nil {
				t.Fatal("accepted")
			}
			h := newCoordHarness(t)
			h.env.ExecuteWorkflow(CoordinatorAppointment, in)
			var appErr *temporal.ApplicationError
			if err := h.env.GetWorkflowError(); !errors.As(err, &appErr) || !appErr.NonRetryable() {
				t.Fatalf("want a non-retryable error, got %v", err)
			}
		})
	}
	if err := coordInput(KindChildCoordinator).Validate(); err != nil {
		t.Fatal(err)
	}
	if CoordinatorWorkflowID("SAK-1", KindSpecialist) != "koordinator/SAK-1/spesialist" {
		t.Error("workflow ID")
	}
}

// The appeal window: four weeks from notice (pbrl § 7-5) to the end of the last day, moved to
// the end of the next working day when that is a Saturday, Sunday or public holiday.
func TestAppealWindowEnd(t *testing.T) {
	for _, c := range []struct{ notified, ends, why string }{
		{"2026-11-23", "2026-12-21", "an ordinary Monday"},
		{"2026-11-27", "2026-12-28", "ends on Christmas Day 2026 (Friday), then the weekend"},
		{"2026-03-08", "2026-04-07", "ends on Easter Sunday 2026, then Easter Monday"},
		{"2027-02-28", "2027-03-30", "ends on Easter Sunday 2027"},
		{"2028-03-17", "2028-04-18", "ends on Good Friday 2028"},
		{"2029-04-19", "2029-05-18", "ends on 17 May 2029"},
		{"2030-05-02", "2030-05-31", "ends on Ascension Day 2030"},
		{"2027-11-27", "2027-12-27", "ends on Christmas Day 2027 (Saturday), 26th Sunday"},
	} {
		notified, _ := time.ParseInLocation("2006-01-02 15:04", c.notified+" 13:00", calendar.Oslo)
		got := AppealWindowEnd(notified)
		if got.In(calendar.Oslo).Format("2006-01-02 15:04:05") != c.ends+" 23:59:59" {
			t.Errorf("%s: notice %s, window ends %s, want %s 23:59:59", c.why, c.notified, got.In(calendar.Oslo), c.ends)
		}
	}
}

// The provisional answer's month (fvl § 11 a) is a calendar month from receipt.
func TestProvisionalAnswerDeadline(t *testing.T) {
	for _, c := range []struct{ received, due string }{
		{"2027-01-31", "2027-02-28"},
		{"2028-01-31", "2028-02-29"},
		{"2026-11-23", "2026-12-23"},
		{"2026-12-31", "2027-01-31"},
		{"2026-03-31", "2026-04-30"},
	} {
		received, _ := time.ParseInLocation("2006-01-02 15:04", c.received+" 15:30", calendar.Oslo)
		if got := ProvisionalAnswerDeadline(received).In(calendar.Oslo).Format("2006-01-02 15:04:05"); got != c.due+" 23:59:59" {
			t.Errorf("received %s: due %s, want %s 23:59:59", c.received, got, c.due)
		}
	}
	// The old counting, kept for cases started before: 31 January became 3 March.
	jan31 := time.Date(2027, 1, 31, 12, 0, 0, 0, calendar.Oslo)
	if got := ProvisionalAnswerDue(jan31).Format("2006-01-02"); got != "2027-03-03" {
		t.Errorf("old counting %s", got)
	}
}
