package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// sampleDirectory is a directory as a municipality has it: IDs people never read.
var sampleDirectory = map[string]string{
	"ke": "Koordinerende enhet", "bup": "BUP (barne- og ungdomspsykiatrisk poliklinikk)", "ppt": "PPT (pedagogisk-psykologisk tjeneste)",
	"skole": "Grunnskolen", "helsestasjon": "Helsestasjon og skolehelsetjeneste", "nav-sosial": "Sosiale tjenester i NAV",
	"hf-koordinerende": "Koordinerende enhet, Helse Eksempel HF", "psykisk-helse-rus": "Psykisk helse og rus",
	"fysio-ergo": "Fysio- og ergoterapitjenesten", "psykisk-helsevern": "Psykisk helsevern", "nav": "NAV-kontoret",
}

// idsNoOneSays are the sample IDs that are not also words of the language (skole, helsestasjon
// are), so any of them standing as a word in a text is an ID a person would read.
var idsNoOneSays = []string{"ke", "bup", "ppt", "nav-sosial", "hf-koordinerende", "psykisk-helse-rus", "fysio-ergo", "psykisk-helsevern", "nav"}

// codes are the workflows' internal words: steps, outcomes and reasons as they are stored.
var codes = []string{
	string(workflows.PlanStepDraft), string(workflows.PlanStepActive), workflows.OutcomeNoOtherServices, workflows.OutcomeNotNeeded,
	workflows.OutcomeContactDone, workflows.OutcomeConsentRefused, workflows.OutcomeNobodyResponsible, workflows.OutcomeClosedByDecision,
	workflows.CloseDeclined, workflows.CloseServicesEnded, workflows.CloseMerged, workflows.AnswerNotOurs,
}

var word = regexp.MustCompile(`[\p{L}\p{N}_-]+`)

// unreadable lists the IDs and codes that stand as words in text.
func unreadable(text string, ids []string) []string {
	var out []string
	for _, w := range word.FindAllString(text, -1) {
		for _, id := range append(append([]string{}, ids...), codes...) {
			if w == id {
				out = append(out, w)
			}
		}
	}
	return out
}

// No text of the catalogue, in any language, says a service ID or an internal code where a
// person reads it (issue 14): every key is rendered and its words checked.
func TestCatalogueSaysNoIDsOrCodes(t *testing.T) {
	// Every argument any text takes, each given as its own name, so every text renders.
	files, err := filepath.Glob("../i18n/locales/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no catalogue files", err)
	}
	args := i18n.Args{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`\.([A-Z][A-Za-z]*)`).FindAllStringSubmatch(string(raw), -1) {
			if m[1] != "Count" {
				args[m[1]] = "«" + m[1] + "»"
			}
		}
	}
	if bad := unreadable("Bare ansatte i koordinerende enhet (ke) kan: Individuell plan (plan-aktiv).", idsNoOneSays); len(bad) != 2 {
		t.Fatalf("the check misses IDs and codes: %v", bad)
	}
	for _, lang := range i18n.Languages {
		tr := i18n.For(lang)
		for _, key := range i18n.Keys(lang) {
			text := tr.T(key, args)
			if text == key { // a plural text renders with a count
				text = tr.N(key, 2, args)
			}
			if text == key {
				t.Errorf("%s %s does not render", lang, key)
			}
			if bad := unreadable(text, idsNoOneSays); len(bad) > 0 {
				t.Errorf("%s %s says %v: %q", lang, key, bad, text)
			}
		}
	}
}

type sampleDir struct{ nobody }

func (sampleDir) Service(_ context.Context, id string) (store.Service, error) {
	if n, ok := sampleDirectory[id]; ok {
		return store.Service{ID: id, Name: n}, nil
	}
	return store.Service{}, store.ErrNotFound
}

func (sampleDir) CoordinatingUnit(context.Context) (store.Service, error) {
	return store.Service{ID: "ke", Name: sampleDirectory["ke"]}, nil
}

func (sampleDir) StaffBySlackUser(_ context.Context, user string) (store.Staff, error) {
	switch user {
	case "U_ONE":
		return store.Staff{SlackUserID: user, Name: "Line (BUP)", ServiceIDs: []string{"bup"}}, nil
	case "U_TWO":
		return store.Staff{SlackUserID: user, Name: "Nils", ServiceIDs: []string{"nav", "nav-sosial"}}, nil
	case "U_NONE":
		return store.Staff{SlackUserID: user, Name: "Adam", Roles: []string{workflows.RoleAdmin}}, nil
	}
	return store.Staff{}, store.ErrNotFound
}

func closedCase() workflows.Status {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return workflows.Status{
		CaseRef: "SAK-2026-0042", Subject: "barn", InitiatingServiceID: "helsestasjon", LegalBasis: "hol § 3-4", Step: workflows.StepDone,
		Outcome: workflows.OutcomeClosedByDecision,
		Closed:  &workflows.ClosedByDecision{Reason: workflows.CloseServicesEnded, Text: "tjenestene er ferdige", By: "U_KARI", At: at.Add(48 * time.Hour)},
		Services: []workflows.ServiceStatus{
			{ServiceID: "bup", Assessment: &workflows.Assessment{Needed: true, About: "felles plan", Reason: "behov", By: "U_KARI", At: at},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: workflows.FormWritten, By: "U_KARI", At: at},
				Contact: &workflows.ContactStatus{RequestedBy: "U_KARI", RequestedAt: at, Answer: workflows.AnswerAccepted,
					ContactPerson: "Line, 900 00 000", AnsweredBy: "U_LINE", AnsweredAt: at.Add(24 * time.Hour)}},
			{ServiceID: "nav-sosial", Assessment: &workflows.Assessment{Needed: false, Reason: "ikke aktuelt", By: "U_KARI", At: at}},
		},
	}
}

// «Vis sak» on a closed case shows how it ended, each service's answer with its contact
// person and who decided when, by name and in every language; the KE sees who closed it but
// not why in free text, nor the contact person; a contacted service sees its own part.
func TestClosedCaseDetailsSayNames(t *testing.T) {
	b := &Bot{dir: sampleDir{}}
	st := closedCase()
	for _, lang := range i18n.Languages {
		tr := i18n.For(lang)
		raw, _ := json.Marshal(detailsView(tr, st, access.Whole, b.serviceName, time.Now()))
		text := string(raw)
		for _, want := range []string{sampleDirectory["bup"], sampleDirectory["nav-sosial"], "Line, 900 00 000", "tjenestene er ferdige",
			"<@U_LINE>", tr.Date(st.Services[0].Contact.AnsweredAt), tr.Date(st.Closed.At),
			strings.SplitN(tr.T("hverdag2.closed_by", "User", "X", "Date", st.Closed.At, "Reason", "Y"), " ", 2)[0]} {
			if !strings.Contains(text, jsonText(want)) {
				t.Errorf("%s: the closed case lacks %q: %s", lang, want, text)
			}
		}
		if bad := unreadable(text, idsNoOneSays); len(bad) > 0 {
			t.Errorf("%s: the closed case says %v: %s", lang, bad, text)
		}
	}
	tr := i18n.For(i18n.Bokmal)
	view := access.CaseView{Scope: access.Coordinate}
	raw, _ := json.Marshal(detailsView(tr, access.Filter(st, view), view.Scope, b.serviceName, time.Now()))
	if text := string(raw); !strings.Contains(text, jsonText("Avsluttet av <@U_KARI>")) || strings.Contains(text, "tjenestene er ferdige") || strings.Contains(text, "Line, 900") {
		t.Errorf("the KE's view of the closed case: %s", text)
	}
	view = access.CaseView{Scope: access.Shared, Services: []string{"bup"}}
	raw, _ = json.Marshal(detailsView(tr, access.Filter(st, view), view.Scope, b.serviceName, time.Now()))
	if text := string(raw); !strings.Contains(text, "Saken er avsluttet.") || !strings.Contains(text, "Line, 900") || strings.Contains(text, "Avsluttet av") || strings.Contains(text, "Sosiale tjenester") {
		t.Errorf("the contacted service's view of the closed case: %s", text)
	}
}

// jsonText is s as it stands inside a JSON string.
func jsonText(s string) string {
	raw, _ := json.Marshal(s)
	return strings.Trim(string(raw), `"`)
}

// Once Temporal has let the closed workflow go, the ledger rebuilds its last run: each
// service's answer, contact person and who decided what and when.
func TestStatusFromLedger(t *testing.T) {
	wf := workflows.WorkflowID("SAK-2026-0042", "helsestasjon")
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	row := func(i int, action, service, actor string, detail map[string]any) store.AuditRow {
		return store.AuditRow{AuditEntry: store.AuditEntry{CaseRef: "SAK-2026-0042", WorkflowID: wf, Action: action, ServiceID: service,
			Actor: actor, Detail: detail, OccurredAt: at.Add(time.Duration(i) * time.Hour),
			Summary: "Sak SAK-2026-0042 (barn) opprettet; steg 1 avklaring med frist fredag 27.11.2026.", LegalBasis: "hol § 3-4"}}
	}
	old := row(0, "sak_opprettet", "helsestasjon", "Kari, U_KARI", nil)
	old.WorkflowID = wf
	rows := []store.AuditRow{
		old, row(1, "sak_avsluttet", "helsestasjon", "samarbeid", map[string]any{"utfall": workflows.OutcomeNoOtherServices}),
		// opened again: the run shown is this one
		row(2, "sak_opprettet", "helsestasjon", "Kari (helsestasjon), U_KARI", map[string]any{}),
		row(3, "steg1_avklart", "helsestasjon", "Kari (helsestasjon), U_KARI", map[string]any{"tjenester": []any{"bup", "skole"}, "ingen": false}),
		row(4, "steg2_vurdert", "bup", "Kari (helsestasjon), U_KARI", map[string]any{"behov": true, "tema": "felles plan", "begrunnelse": "behov"}),
		row(5, "steg2_vurdert", "skole", "Kari (helsestasjon), U_KARI", map[string]any{"behov": false, "begrunnelse": "ikke nå"}),
		{AuditEntry: store.AuditEntry{CaseRef: "SAK-2026-0042", WorkflowID: "annen", Action: "kontakt_avslått", ServiceID: "bup"}},
		row(6, "samtykke_registrert", "bup", "Kari (helsestasjon), U_KARI", map[string]any{"grunnlag": "samtykke", "form": "skriftlig", "gitt_av": "personen"}),
		row(7, "kontakt_forespurt", "bup", "Kari (helsestasjon), U_KARI", nil),
		row(8, "kontakt_godtatt", "bup", "Line (BUP), U_LINE", map[string]any{"kontaktperson": "Line, 900 00 000", "innen_frist": true}),
		row(9, "sak_avsluttet", "helsestasjon", "samarbeid", map[string]any{"utfall": workflows.OutcomeContactDone}),
	}
	st, ok := statusFromLedger(rows, wf)
	if !ok {
		t.Fatal("no case in the ledger")
	}
	if st.Step != workflows.StepDone || st.Outcome != workflows.OutcomeContactDone || st.Subject != "barn" || st.OpenedBy != "U_KARI" || len(st.Services) != 2 {
		t.Fatalf("%+v", st)
	}
	bup := st.Services[0]
	if bup.ServiceID != "bup" || !bup.Consent.Permits() || bup.Contact == nil || bup.Contact.Answer != workflows.AnswerAccepted ||
		bup.Contact.ContactPerson != "Line, 900 00 000" || bup.Contact.AnsweredBy != "U_LINE" || !bup.Contact.AnsweredAt.Equal(at.Add(8*time.Hour)) {
		t.Fatalf("%+v %+v", bup, bup.Contact)
	}
	if s := st.Services[1]; s.ServiceID != "skole" || s.Assessment == nil || s.Assessment.Needed || s.Assessment.By != "U_KARI" {
		t.Fatalf("%+v", s)
	}
	// The same access rules decide: the school, judged not needed, learns only that its contact closed.
	if v := access.Case(access.Viewer{ServiceIDs: []string{"skole"}}, st, "ke", time.Now()); v.Scope != access.Closed {
		t.Fatalf("the school's scope: %+v", v)
	}
	if _, ok := statusFromLedger(rows, "koordinator/SAK-2026-0042/barnekoordinator"); ok {
		t.Fatal("a workflow the ledger never opened was found")
	}
}

// Naming a coordinator takes her service from the directory, and asks only of someone who
// works in more than one, naming them (issue 14).
func TestNomineeServiceFromDirectory(t *testing.T) {
	b := &Bot{dir: sampleDir{}}
	ctx := context.Background()
	tr := i18n.For(i18n.Bokmal)
	if svc, name, err := b.nomineeService(ctx, "U_ONE", ""); err != nil || svc != "bup" || name != "Line (BUP)" {
		t.Fatalf("one service: %q %q %v", svc, name, err)
	}
	if svc, _, err := b.nomineeService(ctx, "U_TWO", "nav-sosial"); err != nil || svc != "nav-sosial" {
		t.Fatalf("picked: %q %v", svc, err)
	}
	_, _, err := b.nomineeService(ctx, "U_TWO", "")
	r, ok := err.(refusal)
	if !ok || r.field != "tjeneste" || !strings.Contains(r.in(tr), "NAV-kontoret, Sosiale tjenester i NAV") {
		t.Fatalf("two services: %v", err)
	}
	for _, user := range []string{"U_NONE", "U_UNKNOWN"} {
		_, _, err := b.nomineeService(ctx, user, "")
		if r, ok := err.(refusal); !ok || r.field != "tjeneste" || !strings.Contains(r.in(tr), "/samarbeid katalog ansatt") {
			t.Fatalf("%s: %v", user, err)
		}
	}
}
