package workflows

import (
	"slices"
	"strings"
	"testing"
)

func TestDutyWaitingOn(t *testing.T) {
	needed := &Assessment{Needed: true}
	cases := []struct {
		name string
		st   Status
		want []string
	}{
		{"step 1 waits on the initiating service", Status{Step: StepClarify, InitiatingServiceID: "helsestasjon"}, []string{"svc:helsestasjon"}},
		{"step 2 waits on the initiator while an assessment is missing",
			Status{Step: StepAssess, InitiatingServiceID: "helsestasjon", Services: []ServiceStatus{{ServiceID: "skole"}, {ServiceID: "barnevern", Assessment: needed}}},
			[]string{"svc:helsestasjon"}},
		{"step 3: the initiator sends, the asked service answers",
			Status{Step: StepContact, InitiatingServiceID: "helsestasjon", Services: []ServiceStatus{
				{ServiceID: "skole", Assessment: needed, Contact: &ContactStatus{}},
				{ServiceID: "barnevern", Assessment: needed},
				{ServiceID: "nav", Assessment: needed, Contact: &ContactStatus{Answer: "godtatt"}},
			}},
			[]string{"svc:helsestasjon", "svc:skole"}},
		{"a refused consent ends what the service waits for",
			Status{Step: StepContact, InitiatingServiceID: "helsestasjon", Services: []ServiceStatus{
				{ServiceID: "skole", Assessment: needed, Consent: &ConsentStatus{Basis: BasisRefused}},
			}},
			[]string{WaitingNobody}},
		{"a closed case waits on nobody", Status{Step: StepDone, InitiatingServiceID: "helsestasjon"}, []string{WaitingNobody}},
	}
	for _, c := range cases {
		if got := DutyWaitingOn(c.st); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCoordinatorWaitingOn(t *testing.T) {
	st := CoordinatorStatus{Step: CoordStepAppoint, Waiting: "venter på svar fra koordinator",
		Coordinator: &NamedCoordinator{SlackUserID: "U_LISE", Name: "Lise", ServiceID: "skole"}}
	if got, want := CoordinatorWaitingOn(st, "ke"), []string{"svc:ke", "user:U_LISE"}; !slices.Equal(got, want) {
		t.Fatalf("nominated: got %v, want %v", got, want)
	}
	st.Coordinator.Answer, st.Step, st.Waiting = NominationAccepted, CoordStepActive, ""
	if got := CoordinatorWaitingOn(st, "ke"); !slices.Equal(got, []string{WaitingNobody}) {
		t.Fatalf("a serving coordinator: got %v", got)
	}
	for _, v := range CoordinatorWaitingOn(CoordinatorStatus{Step: CoordStepAppoint, Waiting: "x",
		Coordinator: &NamedCoordinator{SlackUserID: "U_LISE", Name: "Lise Nordmann"}}, "ke") {
		if strings.Contains(v, "Lise") {
			t.Fatalf("a name in the search attribute: %q", v)
		}
	}
}

func TestWaitingQuery(t *testing.T) {
	q := WaitingQuery([]string{"svc:skole", "user:U'X"})
	for _, want := range []string{"ExecutionStatus = 'Running'", "WorkflowType IN ('CollaborationDuty', 'CoordinatorAppointment')",
		"SamarbeidVenterPaa IS NULL OR SamarbeidVenterPaa IN ('svc:skole', 'user:U''X')"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
}
