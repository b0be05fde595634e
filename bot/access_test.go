package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestDetailsShowOnlyTheScope renders the "Vis sak" modal for each scope from a case with
// free text in every service: each shows what its scope allows and nothing more.
func TestDetailsShowOnlyTheScope(t *testing.T) {
	st := workflows.Status{CaseRef: "SAK-2026-0042", Subject: "barn", InitiatingServiceID: "helsestasjon", Step: workflows.StepContact,
		Services: []workflows.ServiceStatus{
			{ServiceID: "skole", Assessment: &workflows.Assessment{Needed: true, About: "OM-SKOLE", Reason: "GRUNN-SKOLE", By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: "skriftlig", By: "U_KARI"},
				Contact: &workflows.ContactStatus{RequestedBy: "U_KARI", Answer: workflows.AnswerAccepted, ContactPerson: "PERSON-SKOLE", AnsweredBy: "U_OLA"}},
			{ServiceID: "barnevern", Assessment: &workflows.Assessment{Needed: true, About: "OM-BV", Reason: "GRUNN-BV", By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisRefused, By: "U_KARI"}},
		}}
	name := func(_ context.Context, id string) string { return "tjeneste:" + id }
	render := func(v access.Viewer) string {
		view := access.Case(v, st, "ke", time.Now())
		raw, _ := json.Marshal(detailsView(i18n.For("nb"), access.Filter(st, view), view.Scope, name, time.Now()))
		return string(raw)
	}
	cases := []struct {
		who        string
		viewer     access.Viewer
		shows, not []string
	}{
		{"the initiating service", access.Viewer{SlackUserID: "U_KARI", ServiceIDs: []string{"helsestasjon"}},
			[]string{"OM-SKOLE", "GRUNN-SKOLE", "PERSON-SKOLE", "GRUNN-BV", "tjeneste:barnevern"}, nil},
		{"the school", access.Viewer{SlackUserID: "U_OLA", ServiceIDs: []string{"skole"}},
			[]string{"OM-SKOLE", "PERSON-SKOLE", "tjeneste:helsestasjon"}, []string{"GRUNN-SKOLE", "OM-BV", "GRUNN-BV", "tjeneste:barnevern"}},
		{"the KE", access.Viewer{SlackUserID: "U_KE", ServiceIDs: []string{"ke"}},
			[]string{"tjeneste:skole", "tjeneste:barnevern", "samtykke nektet"}, []string{"OM-SKOLE", "GRUNN-SKOLE", "PERSON-SKOLE", "OM-BV", "GRUNN-BV"}},
	}
	for _, c := range cases {
		got := render(c.viewer)
		for _, s := range c.shows {
			if !strings.Contains(got, s) {
				t.Errorf("%s does not see %q: %s", c.who, s, got)
			}
		}
		for _, s := range c.not {
			if strings.Contains(got, s) {
				t.Errorf("%s sees %q: %s", c.who, s, got)
			}
		}
	}
}

// TestRefusedAtTheClick: the directory alone refuses an auditor every action and start,
// and anyone outside the service that must answer.
func TestRefusedAtTheClick(t *testing.T) {
	rita := store.Staff{SlackUserID: "U_RITA", ServiceIDs: []string{"skole"}, Roles: []string{workflows.RoleAuditor}}
	adam := store.Staff{SlackUserID: "U_ADAM", Roles: []string{workflows.RoleAdmin}}
	kari := store.Staff{SlackUserID: "U_KARI", ServiceIDs: []string{"helsestasjon"}}
	var r refusal
	if err := mayAct(rita, "skole"); !errors.As(err, &r) || !strings.Contains(r.Error(), "revisorrollen") {
		t.Errorf("an auditor in the school may act: %v", err)
	}
	if err := mayStart(rita); err == nil {
		t.Error("an auditor may start a case")
	}
	if err := mayStart(adam); err == nil {
		t.Error("an administrator in no service may start a case")
	}
	if err := mayAct(kari, "skole"); err == nil {
		t.Error("the health station may answer for the school")
	}
	if err := mayAct(kari, "helsestasjon"); err != nil {
		t.Errorf("the health station may not answer its own step: %v", err)
	}
	if err := mayStart(kari); err != nil {
		t.Errorf("a caseworker may not start a case: %v", err)
	}
	coord := workflows.CoordinatorStatus{CoordinatingUnitID: "ke", Coordinator: &workflows.NamedCoordinator{SlackUserID: "U_LINE"}}
	if err := mayActOnCoordinatorCase(kari, coord, actionCoordAssess); err == nil {
		t.Error("a caseworker may assess a coordinator request")
	}
	if err := mayActOnCoordinatorCase(kari, coord, actionCoordDecline); err == nil {
		t.Error("someone other than the nominee may decline")
	}
	if err := mayActOnCoordinatorCase(store.Staff{SlackUserID: "U_LINE"}, coord, actionCoordDecline); err != nil {
		t.Errorf("the nominee may not decline: %v", err)
	}
	if err := mayActOnPlan(kari, "U_LINE", "ke"); err == nil {
		t.Error("a caseworker may change a plan")
	}
}
