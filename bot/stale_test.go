package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/workflows"
)

func TestStaleClickSaysWhatHappened(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	name := func(id string) string { return "tjenesten " + id }
	st := workflows.Status{CaseRef: "SAK-2026-0007", Step: workflows.StepContact, ClarifiedBy: "U_KARI", ClarifiedAt: at,
		Services: []workflows.ServiceStatus{{ServiceID: "skole",
			Assessment: &workflows.Assessment{Needed: true, By: "U_KARI", At: at},
			Consent:    &workflows.ConsentStatus{Basis: workflows.BasisConsent, By: "U_KARI", At: at},
			Contact:    &workflows.ContactStatus{Answer: workflows.AnswerAccepted, AnsweredBy: "U_OLA", AnsweredAt: at}}}}
	cases := []struct{ action, want string }{
		{actionClarify, "Steg 1 i sak SAK-2026-0007 er allerede besvart av <@U_KARI>"},
		{actionAssess, "med tjenesten skole i sak SAK-2026-0007 er allerede vurdert av <@U_KARI>"},
		{actionConsent, "allerede registrert av <@U_KARI>"},
		{actionAccept, "allerede besvart (godtatt) av <@U_OLA>"},
		{actionDecline, "allerede besvart (godtatt) av <@U_OLA>"},
		{actionDetails, ""},
	}
	for _, c := range cases {
		got := staleClick(st, c.action, "skole", name)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.action, got, c.want)
		}
	}
	// A refused consent may be followed by a new one: that button is still current.
	st.Services[0].Consent.Basis = workflows.BasisRefused
	if got := staleClick(st, actionConsent, "skole", name); got != "" {
		t.Errorf("a refused consent made the consent button stale: %q", got)
	}
	fresh := workflows.Status{CaseRef: "SAK-2026-0008", Step: workflows.StepClarify}
	if got := staleClick(fresh, actionClarify, "", name); got != "" {
		t.Errorf("a current step was called stale: %q", got)
	}
	st.Step = workflows.StepDone
	if got := staleClick(st, actionAssess, "skole", name); !strings.Contains(got, "er avsluttet") {
		t.Errorf("closed case: %q", got)
	}
}
