package workflows

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/policy"
)

// TestWhoMayAnswerWhat checks every role against every action of the duty to collaborate,
// each at the step where the action belongs: only the right role gets past the validator.
func TestWhoMayAnswerWhat(t *testing.T) {
	roles := map[string]Actor{
		"saksbehandler i tjenesten som har saken": {SlackUserID: "U1", ServiceIDs: []string{"helsestasjon"}},
		"kontaktperson i tjenesten som er spurt":  {SlackUserID: "U2", ServiceIDs: []string{"skole"}},
		"ansatt i en annen tjeneste":              {SlackUserID: "U3", ServiceIDs: []string{"nav"}},
		"koordinerende enhet":                     {SlackUserID: "U4", ServiceIDs: []string{"ke"}},
	}
	actions := []struct {
		name    string
		at      func() *dutyCase
		try     func(c *dutyCase, a Actor) error
		allowed string // the one role allowed
	}{
		{"steg 1: avklare", caseAt(StepClarify), func(c *dutyCase, a Actor) error {
			return c.validateClarify(ClarifyAnswer{Actor: a, ServiceIDs: []string{"skole"}})
		}, "saksbehandler i tjenesten som har saken"},
		{"steg 2: vurdere", caseAt(StepAssess), func(c *dutyCase, a Actor) error {
			return c.validateAssess(AssessAnswer{Actor: a, ServiceID: "skole", Needed: true, About: "a", Reason: "b"})
		}, "saksbehandler i tjenesten som har saken"},
		{"steg 3: registrere samtykke", caseAt(StepContact), func(c *dutyCase, a Actor) error {
			return c.validateConsent(ConsentAnswer{Actor: a, ServiceID: "skole", Basis: BasisConsent, Form: "muntlig"})
		}, "saksbehandler i tjenesten som har saken"},
		{"steg 3: sende kontaktforespørsel", withConsent(caseAt(StepContact)), func(c *dutyCase, a Actor) error {
			return c.validateRequestContact(ContactRequest{Actor: a, ServiceID: "skole"})
		}, "saksbehandler i tjenesten som har saken"},
		{"svare på kontaktforespørsel", withRequest(caseAt(StepContact)), func(c *dutyCase, a Actor) error {
			return c.validateAnswerContact(ContactAnswer{Actor: a, ServiceID: "skole", Answer: AnswerAccepted, ContactPerson: "x"})
		}, "kontaktperson i tjenesten som er spurt"},
	}
	for _, action := range actions {
		for role, actor := range roles {
			err := action.try(action.at(), actor)
			if role == action.allowed && err != nil {
				t.Errorf("%s: %s was refused: %v", action.name, role, err)
			}
			var appErr *temporal.ApplicationError
			if role != action.allowed && (!errors.As(err, &appErr) || appErr.Type() != RefusalType) {
				t.Errorf("%s: %s was not refused (%v)", action.name, role, err)
			}
		}
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
		c.st.Services[0].Consent = &ConsentStatus{Basis: BasisConsent, Form: "muntlig", By: "U1"}
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
