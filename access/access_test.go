package access

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/workflows"
)

const ke = "ke"

// now is when every look of the table happens; the consents' expiry is set against it.
var now = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// The roles of the table, as the directory and the case make them.
var roles = []struct {
	name   string
	viewer Viewer
}{
	{"caseworker in the service that has the case", Viewer{SlackUserID: "U_KARI", ServiceIDs: []string{"helsestasjon"}}},
	{"contacted service: basis on record, request sent", Viewer{SlackUserID: "U_OLA", ServiceIDs: []string{"skole"}}},
	{"contacted service: no consent yet", Viewer{SlackUserID: "U_PER", ServiceIDs: []string{"nav"}}},
	{"contacted service: consent expired", Viewer{SlackUserID: "U_PIA", ServiceIDs: []string{"ppt"}}},
	{"contacted service: consent not yet expired", Viewer{SlackUserID: "U_EVA", ServiceIDs: []string{"psykiskhelse"}}},
	{"service named in step 1, judged not needed", Viewer{SlackUserID: "U_NILS", ServiceIDs: []string{"fastlege", "hjemmetjeneste"}}},
	{"service whose consent was refused", Viewer{SlackUserID: "U_AISHA", ServiceIDs: []string{"barnevern"}}},
	{"coordinator (took over the case, keeps the plan)", Viewer{SlackUserID: "U_LINE", ServiceIDs: []string{"bup"}}},
	{"KE (coordinating unit)", Viewer{SlackUserID: "U_KE", ServiceIDs: []string{ke}}},
	{"auditor", Viewer{SlackUserID: "U_RITA", Roles: []string{workflows.RoleAuditor}}},
	{"administrator", Viewer{SlackUserID: "U_ADAM", Roles: []string{workflows.RoleAdmin}}},
	{"stranger (works in another service)", Viewer{SlackUserID: "U_TANN", ServiceIDs: []string{"tannhelse"}}},
}

// Free text of the fixture; each must reach only those the table lets see it.
const (
	aboutSkole, reasonSkole, personSkole = "OM-SKOLE", "GRUNN-SKOLE", "PERSON-SKOLE"
	aboutNav, reasonNav                  = "OM-NAV", "GRUNN-NAV"
	reasonFastlege                       = "GRUNN-FASTLEGE"
	aboutBV, reasonBV, statuteBV         = "OM-BV", "GRUNN-BV", "HJEMMEL-BV"
)

// dutyCase is a collaboration case of the helsestasjon in step 3: the school has consent
// and accepted the request, NAV waits for consent, the GP was judged not needed, child
// welfare's consent was refused, PPT accepted a request sent on a consent that expired the
// day before now, mental health one sent on a consent valid for six months more, and a
// child coordinator (Line, BUP) has taken over.
func dutyCase() workflows.Status {
	return workflows.Status{
		CaseRef: "SAK-2026-0042", Subject: "barn", InitiatingServiceID: "helsestasjon", LegalBasis: "hol § 3-4",
		Step: workflows.StepContact,
		Services: []workflows.ServiceStatus{
			{ServiceID: "skole", Assessment: &workflows.Assessment{Needed: true, About: aboutSkole, Reason: reasonSkole, By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: "skriftlig", By: "U_KARI"},
				Contact: &workflows.ContactStatus{RequestedBy: "U_KARI", Answer: workflows.AnswerAccepted, ContactPerson: personSkole, AnsweredBy: "U_OLA"}},
			{ServiceID: "nav", Assessment: &workflows.Assessment{Needed: true, About: aboutNav, Reason: reasonNav, By: "U_KARI"}},
			{ServiceID: "fastlege", Assessment: &workflows.Assessment{Needed: false, Reason: reasonFastlege, By: "U_KARI"}},
			{ServiceID: "barnevern", Assessment: &workflows.Assessment{Needed: true, About: aboutBV, Reason: reasonBV, By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisRefused, StatutoryBasis: statuteBV, By: "U_KARI"}},
			{ServiceID: "ppt", Assessment: &workflows.Assessment{Needed: true, By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: "skriftlig", By: "U_KARI", ExpiresAt: now.AddDate(0, 0, -1)},
				Contact: &workflows.ContactStatus{RequestedBy: "U_KARI", Answer: workflows.AnswerAccepted, AnsweredBy: "U_PIA"}},
			{ServiceID: "psykiskhelse", Assessment: &workflows.Assessment{Needed: true, By: "U_KARI"},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: "skriftlig", By: "U_KARI", ExpiresAt: now.AddDate(0, 6, 0)},
				Contact: &workflows.ContactStatus{RequestedBy: "U_KARI", Answer: workflows.AnswerAccepted, AnsweredBy: "U_EVA"}},
		},
		Deadlines:   workflows.Deadlines{{Key: "svar:nav", About: "nav"}, {Key: "svar:skole", About: "skole", Done: true}},
		Coordinator: &workflows.CoordinatorRef{SlackUserID: "U_LINE", ServiceID: "bup"},
	}
}

// plan is the person's individual plan, kept by Line, with consent to share it recorded.
func plan(consent bool) workflows.PlanStatus {
	return workflows.PlanStatus{CaseRef: "SAK-2026-0042", CoordinatingUnitID: ke, CoordinatorSlackUserID: "U_LINE", CoordinatorServiceID: "bup",
		Checklist: []workflows.PlanItem{{ID: "deltakere", Done: true}, {ID: "samtykke", Done: consent}}}
}

// coordCase is the helsestasjon's (Kari's) request for a child coordinator, Line named and
// yet to answer.
func coordCase() workflows.CoordinatorStatus {
	return workflows.CoordinatorStatus{CaseRef: "SAK-2026-0042", CoordinatingUnitID: ke, RequestedBy: "U_KARI",
		Coordinator: &workflows.NamedCoordinator{SlackUserID: "U_LINE", ServiceID: "bup"}}
}

// surfaces are the columns: every surface that shows a case's details, for the three
// workflows. status shows the same scope as the modal of its workflow.
var surfaces = []struct {
	name string
	see  func(v Viewer) string
}{
	{"duty case: *Vis sak*, status", func(v Viewer) string { return string(Case(v, dutyCase(), ke, now).Scope) }},
	{"duty case: Home tab line", func(v Viewer) string { return yes(CaseLine(v, dutyCase(), now)) }},
	{"plan: *Vis plan*, status", func(v Viewer) string {
		return string(Plan(v, plan(true), ke, PlanParticipants(plan(true), []workflows.Status{dutyCase()}, now)))
	}},
	{"coordinator case: details, status", func(v Viewer) string {
		return string(Coordinator(v, coordCase(), ke, []string{"helsestasjon"}))
	}},
	{"coordinator case: Home tab line", func(v Viewer) string { return yes(CoordinatorLine(v, coordCase(), ke)) }},
	{"audit timeline, export", func(v Viewer) string { return string(Timeline(v, ke)) }},
	{"access log", func(v Viewer) string { return yes(AccessLog(v, ke)) }},
}

func yes(b bool) string {
	if b {
		return "ja"
	}
	return ""
}

// want is the specification: what each role sees on each surface ("" is nothing).
// Columns in the order of surfaces; README.md shows this table.
var want = map[string][]string{
	"caseworker in the service that has the case":      {"hele", "ja", "hele", "hele", "", "", ""},
	"contacted service: basis on record, request sent": {"delt", "ja", "hele", "", "", "", ""},
	"contacted service: no consent yet":                {"", "", "", "", "", "", ""},
	"contacted service: consent expired":               {"", "", "", "", "", "", ""},
	"contacted service: consent not yet expired":       {"delt", "ja", "hele", "", "", "", ""},
	"service named in step 1, judged not needed":       {"avsluttet", "", "", "", "", "", ""},
	"service whose consent was refused":                {"avsluttet", "", "", "", "", "", ""},
	"coordinator (took over the case, keeps the plan)": {"hele", "", "hele", "", "ja", "", ""},
	"KE (coordinating unit)":                           {"koordinering", "", "hele", "hele", "ja", "hele", "ja"},
	"auditor":                                          {"hele", "", "hele", "hele", "", "hele", "ja"},
	"administrator":                                    {"", "", "", "", "", "", ""},
	"stranger (works in another service)":              {"", "", "", "", "", "", ""},
}

func TestWhoSeesWhat(t *testing.T) {
	if len(want) != len(roles) {
		t.Fatalf("the table has %d roles, the fixture %d", len(want), len(roles))
	}
	for _, r := range roles {
		row, ok := want[r.name]
		if !ok || len(row) != len(surfaces) {
			t.Fatalf("%s: no row of %d columns in the table", r.name, len(surfaces))
		}
		for i, s := range surfaces {
			if got := s.see(r.viewer); got != row[i] {
				t.Errorf("%s on %q: sees %q, the table says %q", r.name, s.name, got, row[i])
			}
		}
	}
}

// TestREADMEShowsTheTable: the README's table is this test's, word for word.
func TestREADMEShowsTheTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := markdownTable(); !strings.Contains(string(readme), table) {
		t.Fatalf("README.md does not show the need-to-know table; it should contain:\n%s", table)
	}
}

func markdownTable() string {
	cell := map[string]string{"": "–", "ja": "yes", "hele": "whole", "delt": "shared", "avsluttet": "closed", "koordinering": "coordinate"}
	var b strings.Builder
	b.WriteString("| role |")
	for _, s := range surfaces {
		b.WriteString(" " + s.name + " |")
	}
	b.WriteString("\n|---|")
	for range surfaces {
		b.WriteString("---|")
	}
	for _, r := range roles {
		fmt.Fprintf(&b, "\n| %s |", r.name)
		for _, c := range want[r.name] {
			b.WriteString(" " + cell[c] + " |")
		}
	}
	return b.String() + "\n"
}

// TestFilterKeepsOnlyTheScope: what a scope shows carries no free text beyond it.
func TestFilterKeepsOnlyTheScope(t *testing.T) {
	all := []string{aboutSkole, reasonSkole, personSkole, aboutNav, reasonNav, reasonFastlege, aboutBV, reasonBV, statuteBV, "U_KARI"}
	cases := []struct {
		role  string
		shows []string
	}{
		{"caseworker in the service that has the case", all},
		{"contacted service: basis on record, request sent", []string{aboutSkole, personSkole, "U_KARI"}},
		{"KE (coordinating unit)", nil},
		{"service whose consent was refused", nil},
		{"service named in step 1, judged not needed", nil},
		{"administrator", nil},
	}
	for _, c := range cases {
		var v Viewer
		for _, r := range roles {
			if r.name == c.role {
				v = r.viewer
			}
		}
		st := dutyCase()
		raw, _ := json.Marshal(Filter(st, Case(v, st, ke, now)))
		for _, text := range all {
			shown := strings.Contains(string(raw), text)
			if want := contains(c.shows, text); shown != want {
				t.Errorf("%s: %q shown=%v, want %v (%s)", c.role, text, shown, want, raw)
			}
		}
	}
	// The school's view names no other service, and its deadline is its own.
	v := roles[1].viewer
	f := Filter(dutyCase(), Case(v, dutyCase(), ke, now))
	if len(f.Services) != 1 || f.Services[0].ServiceID != "skole" || f.Coordinator != nil || f.Subject != "" {
		t.Fatalf("the school sees more than its part: %+v", f)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestConsentDecidesWhenItChanges: a contacted service loses its view when consent no
// longer permits sharing (refused later, or withdrawn), and a plan is closed to its
// participants until consent to share it is recorded.
func TestConsentDecidesWhenItChanges(t *testing.T) {
	st := dutyCase()
	ola := roles[1].viewer
	st.Services[0].Consent = &workflows.ConsentStatus{Basis: workflows.BasisRefused}
	if got := Case(ola, st, ke, now); got.Scope != Closed {
		t.Fatalf("after consent was refused the school sees %q", got.Scope)
	}
	st.Services[0].Consent = &workflows.ConsentStatus{Basis: workflows.BasisConsent, Withdrawn: &workflows.Withdrawal{Reason: "TRUKKET-GRUNN", At: st.OpenedAt}}
	if got := Case(ola, st, ke, now); got.Scope != Closed {
		t.Fatalf("after consent was withdrawn the school sees %q", got.Scope)
	}
	if kev := Filter(st, Case(roles[8].viewer, st, ke, now)); kev.Services[0].Consent.Withdrawn == nil || kev.Services[0].Consent.Withdrawn.Reason != "" {
		t.Fatalf("the KE should see that consent was withdrawn, not why: %+v", kev.Services[0].Consent)
	}
	st.Services[0].Consent = &workflows.ConsentStatus{Basis: workflows.BasisStatutory, StatutoryBasis: "opplæringslova"}
	if got := Case(ola, st, ke, now); got.Scope != Shared {
		t.Fatalf("on a statutory basis the school sees %q", got.Scope)
	}
	// A consent lapses at its expiry: the look a second before shares, the look at it not.
	st.Services[0].Consent = &workflows.ConsentStatus{Basis: workflows.BasisConsent, ExpiresAt: now}
	if got := Case(ola, st, ke, now.Add(-time.Second)); got.Scope != Shared {
		t.Fatalf("a second before the consent expires the school sees %q", got.Scope)
	}
	if got := Case(ola, st, ke, now); got.Scope != None {
		t.Fatalf("when the consent expires the school sees %q", got.Scope)
	}
	st.Services[0].Contact = nil // basis on record, request not sent
	if got := Case(ola, st, ke, now); got.Scope != None {
		t.Fatalf("before the request is sent the school sees %q", got.Scope)
	}
	participants := PlanParticipants(plan(false), []workflows.Status{dutyCase()}, now)
	if got := Plan(ola, plan(false), ke, participants); got != None {
		t.Fatalf("without consent to share the plan the school sees %q", got)
	}
	if got := Plan(roles[7].viewer, plan(false), ke, participants); got != Whole {
		t.Fatalf("the coordinator sees %q of her own plan", got)
	}
}
