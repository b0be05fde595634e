package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/privacy"
)

// A refusal carries its field and its text as a key with arguments, and its own message is
// the bokmål text, so logs and older clients still read it.
func TestRefusalCarriesKeyAndBokmal(t *testing.T) {
	err := refuse("begrunnelse", "refusal.coord_appeal_late", "Date", time.Date(2026, 12, 21, 9, 0, 0, 0, time.UTC))
	text, r, ok := RefusalOf(err)
	if !ok || r.Field != "begrunnelse" || r.Message.Key != "refusal.coord_appeal_late" {
		t.Fatalf("%v %+v", ok, r)
	}
	if !strings.HasPrefix(text, "Klagefristen gikk ut mandag 21.12.2026 (fire uker, pbrl § 7-5).") {
		t.Fatalf("bokmål message %q", text)
	}
	if got := i18n.For(i18n.English).Render(r.Message); !strings.HasPrefix(got, "The appeal deadline passed Monday 21 December 2026 (four weeks, pbrl § 7-5).") {
		t.Fatalf("English %q", got)
	}
	if _, _, ok := RefusalOf(nil); ok {
		t.Fatal("nil is not a refusal")
	}
}

// The privacy package's text and the catalogue's bokmål say the same.
func TestFodselsnummerRefusalIsPrivacyText(t *testing.T) {
	if got := i18n.For(i18n.Bokmal).T("refusal.fodselsnummer"); got != privacy.ErrorText {
		t.Fatalf("%q != %q", got, privacy.ErrorText)
	}
}

// Every coordinator kind, condition and plan item has its text in the catalogue, and the
// bokmål there is the workflows' own.
func TestWorkflowWordsAreInTheCatalogue(t *testing.T) {
	nb := i18n.For(i18n.Bokmal)
	for id, k := range CoordinatorKinds {
		if key := KindTitleKey(id); key == "" || nb.T(string(key)) != k.Title {
			t.Errorf("kind %s: %q", id, key)
		}
		for _, c := range k.Conditions {
			if key := ConditionKey(c.ID); key == "" || nb.T(string(key)) != c.Text {
				t.Errorf("condition %s: %q", c.ID, key)
			}
		}
	}
	for _, it := range PlanChecklist {
		if key := PlanItemKey(it.ID); key == "" || nb.T(string(key)) != it.Text {
			t.Errorf("plan item %s: %q", it.ID, key)
		}
	}
	for _, s := range []Step{StepClarify, StepAssess, StepContact, StepDone} {
		if key := StepNameKey(s); key == "" || nb.T(string(key)) != string(s) {
			t.Errorf("step %s: %q", s, key)
		}
	}
	for _, r := range []string{PlanEndWithdrawn, PlanEndServicesEnded} {
		// said as words a person reads, not the code the workflow keeps (issue 14)
		if key := PlanEndKey(r); key == "" || nb.T(string(key)) == r || nb.T(string(key)) == string(key) {
			t.Errorf("plan end %s: %q", r, key)
		}
	}
}

// A fødselsnummer in two free-text fields is one refusal naming both (issue 14): the user
// fixes every field in one go. A refusal naming one field keeps Fields empty.
func TestFodselsnummerInTwoFieldsNamesBoth(t *testing.T) {
	_, r, ok := RefusalOf(checkFreeText(map[string]string{
		"hjemmel": "gjelder 15076500565", "opplysninger": "ok", "begrunnelse": "se 15076500565",
	}))
	if !ok || r.Message.Key != "refusal.fodselsnummer" || r.Field != "begrunnelse" ||
		strings.Join(r.Fields, ",") != "begrunnelse,hjemmel" {
		t.Fatalf("%v %+v", ok, r)
	}
	if checkFreeText(map[string]string{"tema": "skole", "begrunnelse": "uten nummer"}) != nil {
		t.Fatal("text without a fødselsnummer refused")
	}
	_, r, _ = RefusalOf(refuse("tema", "refusal.fodselsnummer"))
	if r.Field != "tema" || len(r.Fields) != 0 {
		t.Fatalf("%+v", r)
	}
}
