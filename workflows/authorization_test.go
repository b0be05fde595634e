package workflows

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/policy"
)

// The roles of issue 4, as the directory and the case make them. The auditor also works in
// the service that has the case and in the KE, to show that the read-only role wins.
const (
	roleCaseworker = "saksbehandler i tjenesten som har saken"
	roleContact    = "kontaktperson i tjenesten som er spurt"
	roleCoord      = "koordinator oppnevnt i saken"
	roleKE         = "koordinerende enhet"
	roleAuditor    = "revisor"
	roleAdmin      = "administrator"
	roleOther      = "ansatt i en annen tjeneste"
)

var roleActors = map[string]Actor{
	roleCaseworker: {SlackUserID: "U1", ServiceIDs: []string{"helsestasjon"}},
	roleContact:    {SlackUserID: "U2", ServiceIDs: []string{"skole"}},
	roleCoord:      {SlackUserID: "U5", ServiceIDs: []string{"barnevern"}},
	roleKE:         {SlackUserID: "U4", ServiceIDs: []string{"ke"}},
	roleAuditor:    {SlackUserID: "U6", ServiceIDs: []string{"helsestasjon", "ke"}, Roles: []string{RoleAuditor}},
	roleAdmin:      {SlackUserID: "U7", Roles: []string{RoleAdmin}},
	roleOther:      {SlackUserID: "U3", ServiceIDs: []string{"nav"}},
}

type authAction struct {
	name    string
	try     func(a Actor) error
	allowed []string
}

// TestWhoMayDoWhat checks every role against every action of the three workflows, each at
// the point in the case where the action belongs: exactly the allowed roles get past the
// validator, and every other role gets a refusal the user sees.
func TestWhoMayDoWhat(t *testing.T) {
	var actions []authAction
	actions = append(actions, dutyActions()...)
	actions = append(actions, coordinatorActions()...)
	actions = append(actions, planActions()...)
	for _, action := range actions {
		for role, actor := range roleActors {
			err := action.try(actor)
			allowed := false
			for _, r := range action.allowed {
				allowed = allowed || r == role
			}
			if allowed && err != nil {
				t.Errorf("%s: %s was refused: %v", action.name, role, err)
			}
			var appErr *temporal.ApplicationError
			if !allowed && (!errors.As(err, &appErr) || appErr.Type() != RefusalType) {
				t.Errorf("%s: %s was not refused (%v)", action.name, role, err)
			}
		}
	}
}

func dutyActions() []authAction {
	on := func(at func() *dutyCase, try func(c *dutyCase, a Actor) error) func(Actor) error {
		return func(a Actor) error { return try(at(), a) }
	}
	return []authAction{
		{"samarbeidsplikt steg 1: avklare", on(caseAt(StepClarify), func(c *dutyCase, a Actor) error {
			return c.validateClarify(ClarifyAnswer{Actor: a, ServiceIDs: []string{"skole"}})
		}), []string{roleCaseworker}},
		{"samarbeidsplikt steg 2: vurdere", on(caseAt(StepAssess), func(c *dutyCase, a Actor) error {
			return c.validateAssess(AssessAnswer{Actor: a, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
		}), []string{roleCaseworker}},
		{"samarbeidsplikt steg 3: registrere samtykke", on(caseAt(StepContact), func(c *dutyCase, a Actor) error {
			return c.validateConsent(ConsentAnswer{Actor: a, ServiceID: "skole", Basis: BasisConsent, Form: "muntlig", GivenBy: GiverPerson})
		}), []string{roleCaseworker}},
		{"samarbeidsplikt steg 3: sende kontaktforespørsel", on(withConsent(caseAt(StepContact)), func(c *dutyCase, a Actor) error {
			return c.validateRequestContact(ContactRequest{Actor: a, ServiceID: "skole"})
		}), []string{roleCaseworker}},
		{"samarbeidsplikt: svare på kontaktforespørsel", on(withRequest(caseAt(StepContact)), func(c *dutyCase, a Actor) error {
			return c.validateAnswerContact(ContactAnswer{Actor: a, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "x"})
		}), []string{roleContact}},
		{"samarbeidsplikt: trekke samtykke", on(withRequest(caseAt(StepContact)), func(c *dutyCase, a Actor) error {
			return c.validateWithdrawConsent(WithdrawConsent{Actor: a, ServiceID: "skole", Form: FormOral, GivenBy: GiverPerson})
		}), []string{roleCaseworker}},
		{"samarbeidsplikt: avslutte saken ved beslutning", on(caseAt(StepAssess), func(c *dutyCase, a Actor) error {
			return c.validateCloseCase(CloseCase{Actor: a, Reason: CloseMoved, Text: "flyttet", CoordinatingUnitID: "ke"})
		}), []string{roleCaseworker, roleKE}},
	}
}

func coordinatorActions() []authAction {
	at := func(step Step) *coordCase {
		c := &coordCase{in: coordInput(KindCoordinator), kind: CoordinatorKinds[KindCoordinator]}
		c.in.CoordinatingUnitID = "ke"
		c.st.Step = step
		if step == CoordStepAppoint || step == CoordStepActive {
			c.st.Coordinator = &NamedCoordinator{SlackUserID: "U5", Name: "Kari", ServiceID: "barnevern"}
		}
		if step == CoordStepActive {
			c.st.Coordinator.Answer = NominationAccepted
		}
		return c
	}
	var conditions []ConditionAnswer
	for _, cond := range CoordinatorKinds[KindCoordinator].Conditions {
		conditions = append(conditions, ConditionAnswer{ID: cond.ID, Met: true})
	}
	return []authAction{
		{"koordinator: vurdere og vedta", func(a Actor) error {
			return at(CoordStepAssess).validateAssess(CoordinatorAssessment{Actor: a, Conditions: conditions, Granted: true, Reasons: "vilkårene er oppfylt"})
		}, []string{roleKE}},
		{"koordinator: registrere klage", func(a Actor) error {
			c := at(CoordStepAppealOpen)
			c.st.AppealDeadline = time.Now().Add(24 * time.Hour)
			return c.checkAppeal(time.Now(), CoordinatorAppeal{Actor: a, Reason: "familien klager"})
		}, []string{roleKE}},
		{"koordinator: oppnevne", func(a Actor) error {
			return at(CoordStepAppoint).validateName(CoordinatorNomination{Actor: a, CoordinatorSlackUserID: "U5", CoordinatorName: "Kari", ServiceID: "barnevern"})
		}, []string{roleKE}},
		{"koordinator: svare på oppnevning", func(a Actor) error {
			return at(CoordStepAppoint).validateAnswer(NominationAnswer{Actor: a, Accept: true})
		}, []string{roleCoord}},
		{"koordinator: registrere at koordinatoren slutter", func(a Actor) error {
			return at(CoordStepActive).validateLeave(CoordinatorLeaving{Actor: a, Reason: "ny jobb"})
		}, []string{roleCoord, roleKE}},
		{"koordinator: avslutte koordineringen", func(a Actor) error {
			return at(CoordStepActive).validateEnd(CoordinationEnd{Actor: a, Reason: "personen trakk seg"})
		}, []string{roleKE}},
	}
}

// planActions checks the plan's authorization rules, which every plan validator applies
// first (after recognising a repeated update, which needs a running workflow).
func planActions() []authAction {
	p := func() *plan {
		return &plan{in: PlanInput{CaseRef: "SAK-2026-0001", CoordinatorSlackUserID: "U5", CoordinatorServiceID: "barnevern", CoordinatingUnitID: "ke"},
			st: PlanStatus{CoordinatorSlackUserID: "U5", CoordinatorServiceID: "barnevern"}}
	}
	changePlan := func(a Actor) error { return p().coordinatorOrKE(a) }
	return []authAction{
		{"plan: etablere, revidere, vurdere rehabilitering, tiltak, avslutte", changePlan, []string{roleCoord, roleKE}},
		{"plan: bytte koordinator", func(a Actor) error { return p().keOnly(a) }, []string{roleKE}},
	}
}

// caseAt builds a case standing at step with skole among its services.
func caseAt(step Step) func() *dutyCase {
	return func() *dutyCase {
		c := &dutyCase{in: CaseInput{CaseRef: "SAK-2026-0001", InitiatingServiceID: "helsestasjon", Policy: policy.Default()},
			effectQueue: newEffectQueue(&workflow.Info{}, "SAK-2026-0001", "barn", "hol § 3-4")}
		c.st = Status{Step: step, InitiatingServiceID: "helsestasjon"}
		if step != StepClarify {
			c.st.Services = []ServiceStatus{{ServiceID: "skole"}}
		}
		if step == StepContact {
			c.st.Services[0].Assessment = &Assessment{Needed: true, About: "a", Reason: "b", By: "U1", At: time.Now()}
		}
		return c
	}
}

func withConsent(at func() *dutyCase) func() *dutyCase {
	return func() *dutyCase {
		c := at()
		c.st.Services[0].Consent = &ConsentStatus{Basis: BasisConsent, Form: "muntlig", GivenBy: GiverPerson, By: "U1"}
		return c
	}
}

func withRequest(at func() *dutyCase) func() *dutyCase {
	return func() *dutyCase {
		c := withConsent(at)()
		c.st.Services[0].Contact = &ContactStatus{RequestedBy: "U1"}
		return c
	}
}
