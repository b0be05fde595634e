package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
)

var childTakeover = activities.HandOver{CaseRef: "SAK-2026-0042", CoordinatorWorkflowID: "koordinator/SAK-2026-0042/barnekoordinator",
	Kind: KindChildCoordinator, Title: "barnekoordinator", Citation: "hol § 7-2 a", SlackUserID: "U_OLA", ServiceID: "skole"}

// After a child coordinator's takeover the case's escalations go to her, not the KE; from
// the day she leaves they go to the KE again, and the gap is on record (issue 10 item 13).
func TestTakeoverHandsEscalationsToTheCoordinator(t *testing.T) {
	h := newHarness(t)
	left := childTakeover
	left.Left = true
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, childTakeover) }, time.Hour)
	// Step 1 is due Monday 30 November (5 working days) and escalated again on 7 December.
	// She leaves on Wednesday 2 December, before the second escalation.
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, left) }, 9*24*time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, left) }, 9*24*time.Hour+time.Hour) // a retry
	var during, after *CoordinatorRef
	h.env.RegisterDelayedCallback(func() { during = h.statusNow().Coordinator }, 8*24*time.Hour)
	h.env.RegisterDelayedCallback(func() { after = h.statusNow().Coordinator }, 10*24*time.Hour)
	h.at(15*24*time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	h.run()

	esc := h.rec.noticesOf(activities.NoticeEscalation)
	if len(esc) != 2 {
		t.Fatalf("%d escalations, want 2: %+v", len(esc), esc)
	}
	if !esc[0].ToCoordinatingUnit || esc[0].CoordinatorUserID != "U_OLA" || esc[0].CoordinatorServiceID != "skole" || esc[0].ServiceID != "helsestasjon" {
		t.Errorf("the escalation while she coordinates: %+v", esc[0])
	}
	if !esc[1].ToCoordinatingUnit || esc[1].CoordinatorUserID != "" {
		t.Errorf("the escalation after she left still goes to her: %+v", esc[1])
	}
	// She was told in her own service's channel, with the step and its deadline.
	taken := h.rec.noticesOf(NoticeCoordinationTakenOver)
	if len(taken) != 2 || taken[1].ServiceID != "skole" || taken[1].Step != string(StepClarify) || taken[1].Deadline.IsZero() {
		t.Errorf("takeover notices %+v", taken)
	}
	if during == nil || !during.LeftAt.IsZero() || after == nil || after.LeftAt.IsZero() {
		t.Errorf("coordinator during %+v, after %+v", during, after)
	}
	leftNotices := h.rec.noticesOf(NoticeCoordinatorLeftCase)
	if len(leftNotices) != 1 || leftNotices[0].ServiceID != "helsestasjon" || leftNotices[0].About != "U_OLA" {
		t.Errorf("left notices %+v", leftNotices)
	}
	rows := 0
	for _, a := range h.rec.audit {
		if a.Action == "koordinator_sluttet" {
			rows++
			if !strings.Contains(a.Summary, "uten koordinator") || !strings.Contains(a.LegalBasis, "hol § 3-4 annet ledd") {
				t.Errorf("ledger row %+v", a)
			}
		}
	}
	if rows != 1 {
		t.Errorf("%d rows for her leaving, want 1 (a retried signal applies once)", rows)
	}
}

// A new coordinator who accepts after a gap takes the case over again.
func TestTakeoverAfterAGap(t *testing.T) {
	h := newHarness(t)
	left := childTakeover
	left.Left = true
	next := childTakeover
	next.SlackUserID, next.ServiceID = "U_AISHA", "barnevern"
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, childTakeover) }, time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, left) }, 2*time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, next) }, 3*time.Hour)
	h.at(8*24*time.Hour+time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	st := h.run()
	if c := st.Coordinator; c == nil || c.SlackUserID != "U_AISHA" || !c.LeftAt.IsZero() {
		t.Fatalf("coordinator %+v", c)
	}
	esc := h.rec.noticesOf(activities.NoticeEscalation)
	if len(esc) != 1 || esc[0].CoordinatorUserID != "U_AISHA" || esc[0].CoordinatorServiceID != "barnevern" {
		t.Fatalf("escalations %+v", esc)
	}
}

// The plan follows the coordinator case: one who leaves leaves it without a coordinator
// from that day, and the one who accepts next becomes its coordinator; a person cannot send
// either on behalf of a coordinator case.
func TestPlanFollowsTheCoordinatorCase(t *testing.T) {
	h := newPlanHarness(t, nil, nil, monday)
	system := Actor{SlackUserID: System, Name: "samarbeid (koordinatorsak)"}
	from := "koordinator/" + planRef + "/barnekoordinator"
	h.establish(hour, after(60*day))
	h.at(2*hour, "forkledd", UpdatePlanCoordinatorLeft, PlanCoordinatorLeft{Actor: kari, CoordinatorSlackUserID: kari.SlackUserID, FromCoordinatorCase: from})
	h.at(3*hour, "sluttet", UpdatePlanCoordinatorLeft, PlanCoordinatorLeft{Actor: system, CoordinatorSlackUserID: kari.SlackUserID, FromCoordinatorCase: from})
	h.at(4*hour, "sluttet-igjen", UpdatePlanCoordinatorLeft, PlanCoordinatorLeft{Actor: system, CoordinatorSlackUserID: kari.SlackUserID, FromCoordinatorCase: from})
	var gap time.Time
	h.env.RegisterDelayedCallback(func() { gap = h.query().WithoutCoordinatorSince }, 5*hour)
	h.at(2*day, "ny", UpdateChangeCoordinator, ChangeCoordinator{Actor: system, CoordinatorSlackUserID: nina.SlackUserID,
		CoordinatorServiceID: "psykisk-helse", FromCoordinatorCase: from})
	h.at(3*day, "slutt", UpdateEndPlan, EndPlan{Actor: per, Reason: PlanEndWithdrawn})
	st := h.runPlan(planInput())
	h.refused("forkledd", "Bare ke kan bytte koordinator") // the bot says the unit by name
	h.accepted("sluttet")
	h.refused("sluttet-igjen", "er ikke koordinator")
	h.accepted("ny")
	if !gap.Equal(after(3 * hour)) {
		t.Errorf("without a coordinator since %v, want the day she left", gap)
	}
	if st.CoordinatorSlackUserID != nina.SlackUserID || !st.WithoutCoordinatorSince.IsZero() {
		t.Errorf("plan after the new coordinator: %s, gap %v", st.CoordinatorSlackUserID, st.WithoutCoordinatorSince)
	}
	if n := h.rec.noticesOf(NoticePlanCoordinatorLeft); len(n) != 1 || !n[0].ToCoordinatingUnit || n[0].About != kari.SlackUserID {
		t.Errorf("KE notices of the gap %+v", n)
	}
}

// statusNow queries the running duty case.
func (h *harness) statusNow() Status {
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Error(err)
		return Status{}
	}
	var st Status
	if err := v.Get(&st); err != nil {
		h.t.Error(err)
	}
	return st
}

// The coordinator acts on the case as its coordinating role: she may close it by decision
// while she coordinates it, not after she has left.
func TestCoordinatorClosesTheCase(t *testing.T) {
	olaCoordinator := Actor{SlackUserID: "U_OLA", Name: "Ola", ServiceIDs: []string{"skole"}}
	for _, leaves := range []bool{false, true} {
		h := newHarness(t)
		h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, childTakeover) }, time.Hour)
		if leaves {
			left := childTakeover
			left.Left = true
			h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCoordinatorTakeover, left) }, 2*time.Hour)
		}
		h.at(3*time.Hour, "lukk", UpdateCloseCase, CloseCase{Actor: olaCoordinator, Reason: CloseMoved, Text: "familien har flyttet", CoordinatingUnitID: "ke"})
		h.at(4*time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
		h.run()
		if leaves {
			h.refused("lukk", "helsestasjon")
		} else {
			h.accepted("lukk")
		}
	}
}
