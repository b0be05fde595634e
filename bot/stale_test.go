package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/i18n"
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
		got := staleClick(st, at, c.action, "skole", name)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.action, got, c.want)
		}
	}
	// An expired consent may be given again: the button is current once it has expired.
	st.Services[0].Consent.ExpiresAt = at.Add(24 * time.Hour)
	if got := staleClick(st, at, actionConsent, "skole", name); got == "" {
		t.Error("a consent that has not expired: the consent button should be stale")
	}
	if got := staleClick(st, at.Add(24*time.Hour), actionConsent, "skole", name); got != "" {
		t.Errorf("an expired consent made the consent button stale: %q", got)
	}
	st.Services[0].Consent.ExpiresAt = time.Time{}
	// A refused consent may be followed by a new one: that button is still current.
	st.Services[0].Consent.Basis = workflows.BasisRefused
	if got := staleClick(st, at, actionConsent, "skole", name); got != "" {
		t.Errorf("a refused consent made the consent button stale: %q", got)
	}
	fresh := workflows.Status{CaseRef: "SAK-2026-0008", Step: workflows.StepClarify}
	if got := staleClick(fresh, at, actionClarify, "", name); got != "" {
		t.Errorf("a current step was called stale: %q", got)
	}
	st.Step = workflows.StepDone
	if got := staleClick(st, at, actionAssess, "skole", name); !strings.Contains(got, "er avsluttet") {
		t.Errorf("closed case: %q", got)
	}
}

// A consent past its expiry date is no basis: the status line asks for a new one.
func TestServiceLineSaysAnExpiredConsent(t *testing.T) {
	at := time.Date(2026, 12, 24, 12, 0, 0, 0, time.UTC)
	s := workflows.ServiceStatus{ServiceID: "skole", Assessment: &workflows.Assessment{Needed: true},
		Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, At: at.AddDate(0, -6, 0), ExpiresAt: at}}
	tr := i18n.For("nb")
	if got := serviceLine(tr, s, at.Add(-time.Second)); !strings.Contains(got, "grunnlag registrert") {
		t.Errorf("before expiry: %q", got)
	}
	if got := serviceLine(tr, s, at); !strings.Contains(got, "utløpt") {
		t.Errorf("at expiry: %q", got)
	}
}
