package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
)

// Item 7: the appeal window runs from the day of notice; a late appeal is recorded with the
// KE's decision to consider it (fvl § 31) and is then reassessed like any other.
func TestLateAppealConsideredIsReassessed(t *testing.T) {
	h := newCoordHarness(t)
	refusal := coordRefusal(KindCoordinator)
	refusal.NotifiedAt = time.Date(2026, 11, 27, 0, 0, 0, 0, calendar.Oslo)   // the letter arrived Friday
	h.at(4*24*time.Hour+time.Hour, "avslå", UpdateCoordinatorAssess, refusal) // decided Friday 27 November
	window := time.Date(2026, 12, 28, 23, 59, 59, 0, calendar.Oslo)           // four weeks end on Christmas Day: Monday 28th
	var open CoordinatorStatus
	h.coordQueryAt(window.Add(-time.Hour).Sub(monday), &open)
	late := window.Add(10 * 24 * time.Hour).Sub(monday) // 7 January 2027
	appeal := CoordinatorAppeal{Actor: coordKE, Reason: "familien mener behovet er langvarig"}
	h.at(late, "uten-vurdering", UpdateCoordinatorAppeal, appeal)
	withDecision := appeal
	withDecision.Late = LateAppealConsider
	h.at(late+time.Minute, "uten-grunn", UpdateCoordinatorAppeal, withDecision)
	withDecision.LateReason = "brevet ble sendt til feil adresse"
	h.at(late+2*time.Minute, "for-sent", UpdateCoordinatorAppeal, withDecision)
	h.at(late+time.Hour, "innvilg", UpdateCoordinatorAssess, coordGrant(KindCoordinator))
	h.at(late+2*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "personen flyttet"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("avslå")
	h.refused("uten-vurdering", "Velg om koordinerende enhet likevel behandler den")
	h.refused("uten-grunn", "Skriv hvorfor")
	h.accepted("for-sent")
	h.accepted("innvilg")
	if open.Step != CoordStepAppealOpen || !open.AppealDeadline.Equal(window) || !open.NotifiedAt.Equal(refusal.NotifiedAt) {
		t.Errorf("window from notice: step %q, deadline %s, notified %s", open.Step, open.AppealDeadline, open.NotifiedAt)
	}
	if a := st.Appeal; a == nil || a.Late != LateAppealConsider || a.LateReason == "" || !a.ReceivedAt.After(window) {
		t.Fatalf("appeal %+v", st.Appeal)
	}
	if len(st.Decisions) != 2 || !st.Decisions[1].Reassessment || !st.Decisions[1].Granted {
		t.Fatalf("decisions %+v", st.Decisions)
	}
	rec := h.coordAuditOf("klage_mottatt_for_sent")
	if len(rec) != 1 || rec[0].LegalBasis != LateAppealCitation || rec[0].Detail["for_sent"] != LateAppealConsider {
		t.Errorf("late appeal record %+v", rec)
	}
	if a := h.coordAuditOf("klagefrist_utløpt"); len(a) != 1 || !a[0].OccurredAt.Equal(window) {
		t.Errorf("window's end record %+v", a)
	}
}

func TestLateAppealRejectedClosesTheCase(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	late := AppealWindowEnd(monday.Add(time.Hour)).Add(48 * time.Hour).Sub(monday)
	h.at(late, "for-sent", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "uenig",
		Late: LateAppealReject, LateReason: "ingen grunn til forsinkelsen er oppgitt"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("for-sent")
	if st.Outcome != OutcomeLateAppealRejected || !st.ClosedAt.Equal(monday.Add(late)) {
		t.Fatalf("outcome %q at %s", st.Outcome, st.ClosedAt)
	}
	if a := h.coordAuditOf("klage_avvist_for_sent"); len(a) != 1 || a[0].LegalBasis != LateAppealCitation {
		t.Errorf("rejection record %+v", a)
	}
	if n := h.rec.noticesOf(NoticeCoordinatorDecision); len(n) != 2 || n[1].Answer != OutcomeLateAppealRejected {
		t.Errorf("decision notices %+v", n)
	}
}

// An appeal recorded late but received within the window is on time.
func TestAppealReceivedInTimeRecordedLater(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator))
	window := AppealWindowEnd(monday.Add(time.Hour))
	h.at(window.Add(72*time.Hour).Sub(monday), "klage", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "uenig",
		ReceivedAt: time.Date(2026, 12, 21, 0, 0, 0, 0, calendar.Oslo)}) // the last day
	h.at(window.Add(73*time.Hour).Sub(monday), "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "trukket"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("klage")
	if st.Appeal == nil || st.Appeal.Late != "" || h.coordCount("klage_mottatt") != 1 {
		t.Fatalf("appeal %+v, actions %v", st.Appeal, h.rec.actions())
	}
}

// Item 8: the month counts from receipt, not registration: received 31 January 2027, the
// provisional answer is due by the end of 28 February; the KE is warned a week before, moved
// off the Sunday to Friday 19 February.
func TestProvisionalMonthFromReceipt(t *testing.T) {
	h := newCoordHarness(t)
	registered := time.Date(2027, 2, 2, 10, 0, 0, 0, calendar.Oslo)
	h.env.SetStartTime(registered)
	in := coordInput(KindCoordinator)
	in.ReceivedAt = time.Date(2027, 1, 31, 0, 0, 0, 0, calendar.Oslo)
	var st CoordinatorStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err == nil {
			err = v.Get(&st)
		}
		if err != nil {
			t.Error(err)
		}
	}, time.Hour)
	h.at(time.Date(2027, 3, 2, 12, 0, 0, 0, calendar.Oslo).Sub(registered), "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "trukket"})
	h.runCoord(in)
	due := time.Date(2027, 2, 28, 23, 59, 59, 0, calendar.Oslo)
	if !st.ProvisionalDue.Equal(due) || !st.ReceivedAt.Equal(in.ReceivedAt) {
		t.Fatalf("provisional due %s (received %s), want %s", st.ProvisionalDue, st.ReceivedAt, due)
	}
	var warned []activities.AuditRecord
	for _, a := range h.coordAuditOf("påminnelse_sendt") {
		if strings.Contains(a.Summary, dlProvisional) {
			warned = append(warned, a)
		}
	}
	if len(warned) != 1 || !warned[0].OccurredAt.Equal(time.Date(2027, 2, 19, 8, 0, 0, 0, calendar.Oslo)) {
		t.Errorf("provisional warning %+v, want Friday 19.02.2027 08:00", warned)
	}
	prov := h.rec.noticesOf(NoticeCoordinatorProvisionalDue)
	if len(prov) != 1 || !prov[0].Deadline.Equal(due) {
		t.Errorf("provisional escalation %+v", prov)
	}
}

// Item 9: a reminder that would land on Easter goes to the working day before.
func TestCoordinatorReminderOffEaster(t *testing.T) {
	h := newCoordHarness(t)
	start := time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Oslo) // Tuesday before Easter
	h.env.SetStartTime(start)
	in := coordInput(KindCoordinator)
	in.Deadlines.DecisionWorkingDays = 3 // due Wednesday 8 April; 60 % lands on Easter Sunday
	h.at(10*24*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "trukket"})
	h.runCoord(in)
	r := h.coordAuditOf("påminnelse_sendt")
	if len(r) == 0 {
		t.Fatal("no reminder")
	}
	if got := r[0].OccurredAt.In(calendar.Oslo); got.Format("2006-01-02") != "2026-04-01" || !calendar.IsWorkingDay(got) {
		t.Errorf("reminder on %s, want Wednesday 01.04.2026", got)
	}
	if esc := h.rec.noticesOf(activities.NoticeEscalation); len(esc) != 1 || !esc[0].Deadline.Equal(time.Date(2026, 4, 8, 23, 59, 59, 0, calendar.Oslo)) {
		t.Errorf("escalations %+v", esc)
	}
}

// Item 9: a case that wakes after an outage escalates once and counts on from now.
func TestEscalationAfterOutageNotInABurst(t *testing.T) {
	c := &coordCase{in: coordInput(KindCoordinator), kind: CoordinatorKinds[KindCoordinator], lawDays: true,
		effectQueue: newEffectQueue(&workflow.Info{}, "SAK-2026-0077", "barn", "hol § 7-2")}
	start := monday
	c.open(start)
	d := c.deadline(dlDecision)
	d.Reminded = true
	woke := d.Due.Add(30 * 24 * time.Hour) // the worker was down for a month
	for i := 0; i < 5; i++ {               // the engine calls fireAlarms until nothing is due
		c.fireAlarms(woke)
	}
	if d.Escalations != 1 {
		t.Fatalf("%d escalations at once after the outage", d.Escalations)
	}
	if want := calendar.WorkingDayDeadline(woke, c.in.Deadlines.ReescalateWorkingDays); !d.NextEscalation.Equal(want) {
		t.Errorf("next escalation %s, want %s", d.NextEscalation, want)
	}
	// The old counting, kept by cases started before, would send one per period slept through.
	old := &coordCase{in: coordInput(KindCoordinator), kind: CoordinatorKinds[KindCoordinator],
		effectQueue: newEffectQueue(&workflow.Info{}, "SAK-2026-0077", "barn", "hol § 7-2")}
	old.open(start)
	od := old.deadline(dlDecision)
	od.Reminded = true
	for i := 0; i < 10; i++ {
		old.fireAlarms(woke)
	}
	if od.Escalations < 4 {
		t.Errorf("old counting: %d escalations (expected the burst it always had)", od.Escalations)
	}
}

// Item 14: a family expecting a child can ask for a child coordinator; a refusal with every
// condition met needs a reason.
func TestExpectingFamilyAndRefusalWithAllMet(t *testing.T) {
	in := coordInput(KindChildCoordinator)
	in.Subject = SubjectExpected
	if err := in.Validate(); err != nil {
		t.Fatalf("an expecting family refused: %v", err)
	}
	adult := coordInput(KindCoordinator)
	adult.Subject = SubjectExpected
	if err := adult.Validate(); err == nil {
		t.Error("an expecting family accepted for an adult's coordinator")
	}
	h := newCoordHarness(t)
	allMet := CoordinatorAssessment{Actor: coordKE, Conditions: coordAllMet(KindChildCoordinator), Reasons: "avslått"}
	h.at(time.Hour, "avslå-uten", UpdateCoordinatorAssess, allMet)
	allMet.RefusedAllMet = "familien har trukket ønsket muntlig etter at vilkårene ble vurdert"
	h.at(2*time.Hour, "avslå-med", UpdateCoordinatorAssess, allMet)
	h.at(3*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "avsluttet"})
	st := h.runCoord(in)
	h.refused("avslå-uten", "Alle vilkårene for barnekoordinator er krysset av som oppfylt")
	h.accepted("avslå-med")
	if st.Subject != SubjectExpected || len(st.Decisions) != 1 || st.Decisions[0].RefusedAllMet == "" {
		t.Fatalf("status %+v", st)
	}
	if a := h.coordAuditOf("koordinator_avslått"); len(a) != 1 || a[0].Detail["avslag_alle_vilkår_oppfylt"] == nil {
		t.Errorf("refusal record %+v", a)
	}
	if !strings.Contains(CoordinatorKinds[KindChildCoordinator].Conditions[0].Text, "har eller venter et barn") {
		t.Errorf("condition text %q", CoordinatorKinds[KindChildCoordinator].Conditions[0].Text)
	}
}

// Item 11: the person's wish for who coordinates is recorded, and the KE's decision: another
// service than the wished one needs a reason.
func TestCoordinationWishAndDecision(t *testing.T) {
	h := newCoordHarness(t)
	in := coordInput(KindChildCoordinator)
	in.Wish = &CoordinationWish{By: WishByParents, ServiceID: "helsestasjon", Note: "kjenner helsesykepleieren"}
	h.at(time.Hour, "innvilg", UpdateCoordinatorAssess, coordGrant(KindChildCoordinator))
	n := coordNameNina(KindChildCoordinator) // hjemmetjeneste, not the wished helsestasjon
	h.at(2*time.Hour, "annen-uten", UpdateCoordinatorName, n)
	n.ResponsibilityReason = "helsestasjonen har ikke kapasitet; hjemmetjenesten kjenner familien"
	h.at(3*time.Hour, "annen-med", UpdateCoordinatorName, n)
	h.at(4*time.Hour, "ja", UpdateCoordinatorAnswer, NominationAnswer{Actor: coordNina, Accept: true})
	h.at(5*time.Hour, "ønske-barnet", UpdateCoordinatorWish, WishUpdate{Actor: coordKE, Wish: CoordinationWish{By: WishByChild, Note: "vil ha læreren"}})
	h.at(6*time.Hour, "ønske-tomt", UpdateCoordinatorWish, WishUpdate{Actor: coordKE, Wish: CoordinationWish{By: WishByChild}})
	h.at(7*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "avsluttet"})
	st := h.runCoord(in)
	h.refused("annen-uten", "Personen ønsket at helsestasjon skal ha koordineringen")
	h.accepted("annen-med")
	h.accepted("ja")
	h.accepted("ønske-barnet")
	h.refused("ønske-tomt", "Velg tjenesten")
	if st.Responsibility != "hjemmetjeneste" || st.Coordinator.ResponsibilityReason == "" {
		t.Errorf("responsibility %q, reason %q", st.Responsibility, st.Coordinator.ResponsibilityReason)
	}
	if st.Wish == nil || st.Wish.By != WishByChild {
		t.Errorf("wish %+v", st.Wish)
	}
	named := h.coordAuditOf("koordinator_oppnevnt")
	if len(named) != 1 || named[0].Detail["som_ønsket"] != false || named[0].Detail["ansvar_begrunnelse"] == nil {
		t.Errorf("nomination record %+v", named)
	}
	if opened := h.coordAuditOf("koordinator_forespurt"); len(opened) != 1 || opened[0].Detail["ønske_koordinering"] == nil {
		t.Errorf("request record %+v", opened)
	}
	if w := h.coordAuditOf("koordineringsønske_registrert"); len(w) != 1 || w[0].LegalBasis != "hol § 3-4 andre ledd" {
		t.Errorf("wish record %+v", w)
	}
}

// An I-5 assessment is dated by the day: dated today (the bot sends 09:00 of the picked day),
// it is accepted at 07:30 too; a date tomorrow is refused.
func TestRehabilitationAssessedTodayBeforeNine(t *testing.T) {
	early := time.Date(2026, 11, 24, 7, 0, 0, 0, calendar.Oslo)
	h := newPlanHarness(t, nil, nil, early)
	today9 := time.Date(2026, 11, 24, 9, 0, 0, 0, calendar.Oslo)
	h.establish(5*time.Minute, time.Date(2027, 5, 24, 9, 0, 0, 0, calendar.Oslo))
	h.at(20*time.Minute, "i-morgen", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: true,
		AssessedAt: today9.AddDate(0, 0, 1), AssessedBy: "ergoterapeut", Conclusion: "x"})
	h.at(30*time.Minute, "i-dag", UpdateAssessRehabilitation, AssessRehabilitation{Actor: kari, Assessed: true,
		AssessedAt: today9, AssessedBy: "ergoterapeut", Conclusion: "begrenset potensial"})
	h.at(time.Hour, "slutt", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndServicesEnded})
	h.runPlan(planInput())
	h.refused("i-morgen", "ikke fram i tid")
	h.accepted("i-dag")
}

// A revision date is a day: the plan escalates at its end, and the reminder two weeks before
// moves to the working day before when it would land on a holiday. 2027-05-31 minus 14 days
// is Whit Monday 17 May 2027 (and 17 May): back to Friday 14 May.
func TestPlanRevisionReminderOffHoliday(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	revision := time.Date(2027, 5, 31, 9, 0, 0, 0, calendar.Oslo)
	h.establish(time.Hour, revision)
	h.at(time.Date(2027, 6, 1, 12, 0, 0, 0, calendar.Oslo).Sub(monday), "slutt", UpdateEndPlan, EndPlan{Actor: kari, Reason: PlanEndServicesEnded})
	h.runPlan(planInput())
	rem := h.rec.auditOf("påminnelse_sendt")
	if len(rem) != 1 || !rem[0].OccurredAt.Equal(time.Date(2027, 5, 14, 9, 0, 0, 0, calendar.Oslo)) {
		t.Errorf("reminder %+v, want Friday 14.05.2027 09:00", rem)
	}
	esc := h.rec.auditOf("frist_oversittet")
	if len(esc) != 1 || !esc[0].OccurredAt.Equal(calendar.EndOfDay(revision)) {
		t.Errorf("escalation %+v, want at the end of 31.05.2027", esc)
	}
}

// fvl § 31 third paragraph: a late appeal more than a year after the decision is not considered.
func TestLateAppealAfterAYearOnlyRejected(t *testing.T) {
	c := &coordCase{in: coordInput(KindCoordinator), kind: CoordinatorKinds[KindCoordinator], lawDays: true}
	decided := monday.Add(time.Hour)
	c.st.Step, c.st.AppealDeadline = CoordStepAppealLate, AppealWindowEnd(decided)
	c.st.Decisions = []CoordinatorDecision{{At: decided}}
	later := decided.AddDate(1, 0, 2)
	consider := CoordinatorAppeal{Actor: coordKE, Reason: "uenig", Late: LateAppealConsider, LateReason: "syk"}
	if err := c.checkAppeal(later, consider); err == nil || !strings.Contains(err.Error(), "mer enn ett år") {
		t.Errorf("considered after a year: %v", err)
	}
	reject := consider
	reject.Late = LateAppealReject
	if err := c.checkAppeal(later, reject); err != nil {
		t.Errorf("rejection after a year refused: %v", err)
	}
	if err := c.checkAppeal(decided.AddDate(0, 6, 0), consider); err != nil {
		t.Errorf("considered after six months refused: %v", err)
	}
}

// The letter reached the family after the decision: the KE records the day, and the window
// counts from it; a window that had run out opens again.
func TestNoticeDateRecordedAfterTheDecision(t *testing.T) {
	h := newCoordHarness(t)
	h.at(time.Hour, "avslå", UpdateCoordinatorAssess, coordRefusal(KindCoordinator)) // Monday 23 November
	var late, reopened CoordinatorStatus
	h.coordQueryAt(29*24*time.Hour, &late) // 22 December: the window from the decision has run out
	h.at(29*24*time.Hour+time.Hour, "kjent", UpdateCoordinatorNotified, DecisionNotified{Actor: coordKE,
		NotifiedAt: time.Date(2026, 11, 27, 0, 0, 0, 0, calendar.Oslo)})
	h.at(29*24*time.Hour+2*time.Hour, "kjent-fram", UpdateCoordinatorNotified, DecisionNotified{Actor: coordKE,
		NotifiedAt: time.Date(2027, 1, 27, 0, 0, 0, 0, calendar.Oslo)})
	h.coordQueryAt(29*24*time.Hour+3*time.Hour, &reopened)
	h.at(30*24*time.Hour, "klage", UpdateCoordinatorAppeal, CoordinatorAppeal{Actor: coordKE, Reason: "uenig"})
	h.at(31*24*time.Hour, "slutt", UpdateCoordinatorEnd, CoordinationEnd{Actor: coordKE, Reason: "trukket"})
	st := h.runCoord(coordInput(KindCoordinator))
	h.accepted("kjent")
	h.refused("kjent-fram", "fram i tid")
	h.accepted("klage")
	if late.Step != CoordStepAppealLate {
		t.Errorf("before the notice date: step %q", late.Step)
	}
	window := time.Date(2026, 12, 28, 23, 59, 59, 0, calendar.Oslo) // 27 November + four weeks = Christmas Day: Monday 28th
	if reopened.Step != CoordStepAppealOpen || !reopened.AppealDeadline.Equal(window) || !reopened.LateAppealUntil.IsZero() {
		t.Errorf("after the notice date: step %q, window %s, late until %s", reopened.Step, reopened.AppealDeadline, reopened.LateAppealUntil)
	}
	if st.Appeal == nil || st.Appeal.Late != "" {
		t.Errorf("an appeal within the window from notice counted as late: %+v", st.Appeal)
	}
	if a := h.coordAuditOf("vedtak_kjent_registrert"); len(a) != 1 || a[0].LegalBasis != AppealCitation {
		t.Errorf("notice record %+v", a)
	}
}
