package webconsole

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// codeWords are the machine words of steps and outcomes that are no word of any language:
// one in a page is a code where a person reads.
var codeWords = regexp.MustCompile(`\b(plan-aktiv|plan-utkast|koordinator-aktiv|svar-oppnevning|foreløpig-svar|klagefrist-ute|ny-oppnevning|` +
	`ingen_andre_tjenester|samarbeid_ikke_nødvendig|kontakt_avklart|samtykke_nektet|ingen_tok_ansvar|avsluttet_ved_beslutning|` +
	`koordinering_avsluttet|avslag_ikke_påklaget|oversendt_statsforvalteren|avsluttet_uten_vedtak|klage_avvist_for_sent|ikke_vår|` +
	`hf-koordinerende|nav-sosial|psykisk-helse-rus)\b`)

// Every step, outcome, answer and basis the console can show has its words in every
// language: none is said as the workflows store it (issue 14).
func TestConsoleSaysStepsAndOutcomesInWords(t *testing.T) {
	for _, lang := range i18n.Languages {
		p := page{V: &viewer{tr: i18n.For(lang)}}
		check := func(what, raw, said string) {
			t.Helper()
			// Bokmål's short step names are often the stored word itself («kontakt»); English
			// tells a translated word from one said as it came.
			if (lang == "en" && said == raw) || strings.Contains(said, ".") && !strings.Contains(said, " ") || codeWords.MatchString(said) {
				t.Errorf("%s %s %q reads %q", lang, what, raw, said)
			}
		}
		for _, s := range steps {
			check("step", string(s), p.StepName("", string(s)))
		}
		for kind, rules := range localRules {
			for step := range rules {
				check("deadline of "+kind, step, p.StepName(kind, step))
			}
		}
		check("coordinator step", string(workflows.CoordStepAssess), p.StepName("konsoll.kind.coordinator", string(workflows.CoordStepAssess)))
		for _, o := range outcomes {
			check("outcome", o, p.OutcomeName(o))
		}
		for _, a := range []string{workflows.AnswerAccepted, workflows.AnswerDeclined, workflows.AnswerNotOurs} {
			if said := p.AnswerName(a); said == "" || codeWords.MatchString(said) || strings.HasPrefix(said, "answer_short") {
				t.Errorf("%s answer %q reads %q", lang, a, said)
			}
		}
		for _, b := range []string{workflows.BasisConsent, workflows.BasisStatutory, workflows.BasisRefused, workflows.BasisWithdrawn, "skriftlig", "muntlig"} {
			if said := p.BasisName(b); said == "" || strings.HasPrefix(said, "basis.") {
				t.Errorf("%s basis %q reads %q", lang, b, said)
			}
		}
	}
}

// The Sak page of a closed duty case and of a coordinator case, drawn in every language,
// shows no step or outcome code and no service ID.
func TestCasePageShowsNoCodes(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	names := func(id string) string {
		return map[string]string{"helsestasjon": "Helsestasjon", "nav-sosial": "Sosiale tjenester i NAV", "hf-koordinerende": "Koordinerende enhet, Helse Eksempel HF"}[id]
	}
	views := []caseView{
		{WorkflowID: "duty", KindKey: "konsoll.kind.duty", Step: string(workflows.StepDone), Outcome: workflows.OutcomeContactDone, Scope: access.Whole,
			Services: []workflows.ServiceStatus{{ServiceID: "nav-sosial", Assessment: &workflows.Assessment{Needed: true},
				Consent: &workflows.ConsentStatus{Basis: workflows.BasisConsent, Form: "muntlig"},
				Contact: &workflows.ContactStatus{RequestedAt: at, Answer: workflows.AnswerNotOurs, AnsweredAt: at}}},
			Deadlines: []deadlineRow{{Deadline: workflows.Deadline{Step: "svar", About: "nav-sosial", Responsible: "nav-sosial", Start: at, Due: at}}}},
		{WorkflowID: "coord", KindKey: "konsoll.kind.coordinator", Step: string(workflows.CoordStepAppoint), Outcome: workflows.OutcomeRefusalFinal, Scope: access.Whole,
			Deadlines: []deadlineRow{{Deadline: workflows.Deadline{Step: "svar-oppnevning", Responsible: "hf-koordinerende", Start: at, Due: at}}}},
		{WorkflowID: "plan", KindKey: "konsoll.kind.plan", Step: string(workflows.PlanStepActive), Scope: access.Whole},
	}
	// The access log an auditor reads: where each look was, and how much it showed.
	var looks []store.Access
	for surface := range surfaceKeys {
		for scope := range scopeKeys {
			looks = append(looks, store.Access{Viewer: "U_RITA", CaseRef: "SAK-1", Surface: surface, Allowed: true, Scope: scope, At: at})
		}
	}
	for _, lang := range i18n.Languages {
		var buf bytes.Buffer
		v := &viewer{tr: i18n.For(lang), KE: true, Auditor: true}
		if err := pages["case"].Execute(&buf, page{V: v, Nav: "cases", Path: "/konsoll/sak/SAK-1",
			D: map[string]any{"Ref": "SAK-1", "Views": views, "Names": names, "AccessLog": looks,
				"People": func(id string) string { return map[string]string{"U_RITA": "Rita (revisor)"}[id] }}}); err != nil {
			t.Fatal(err)
		}
		html := buf.String()
		if lang == "en" { // the stored words are Norwegian: in English, none may show
			text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(html, " ") // what a person reads
			for _, w := range []string{"koordinatorsak", "tidslinje", "tilgangslogg", "konsoll-sak", "koordinering", "(hele)", "(delt)", "(linje)"} {
				if strings.Contains(text, w) {
					t.Errorf("en: the Sak page shows %q", w)
				}
			}
		}
		if bad := codeWords.FindAllString(html, -1); len(bad) > 0 {
			t.Errorf("%s: the Sak page shows %v", lang, bad)
		}
		tr := i18n.For(lang)
		if strings.Contains(html, "U_RITA") || !strings.Contains(html, "Rita (revisor)") {
			t.Errorf("%s: the access log does not name who looked", lang)
		}
		for _, want := range []string{tr.T("outcome.contact_done"), tr.T("plan_step.active"), tr.T("coord_step.appoint"), tr.T("answer_short.not_ours")} {
			if !strings.Contains(html, want) && !strings.Contains(html, template.HTMLEscapeString(want)) {
				t.Errorf("%s: the Sak page lacks %q", lang, want)
			}
		}
	}
}
