package policy

import (
	"strings"
	"testing"
)

// The consent's validity and the evaluation interval are local choices with documented
// defaults (issue 10): a file may set them, and a wrong value is named.
func TestConsentAndEvaluationFields(t *testing.T) {
	d := DefaultMunicipality().CollaborationDeadlines()
	if d.ConsentValidMonths != 0 || d.EvaluationMonths != 3 || d.EvaluationRemindWorkingDays != 5 {
		t.Fatalf("defaults %+v", d)
	}
	m, err := Parse([]byte("versjon: v1\nsamarbeidsplikt:\n  samtykke_gyldig_måneder: 12\n  evaluering_måneder: 6\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := m.CollaborationDeadlines(); d.ConsentValidMonths != 12 || d.EvaluationMonths != 6 || d.Validate() != nil {
		t.Fatalf("%+v", d)
	}
	for in, want := range map[string]string{
		"versjon: v1\nsamarbeidsplikt:\n  samtykke_gyldig_måneder: -1\n":         "samtykke_gyldig_måneder må være minst 0",
		"versjon: v1\nsamarbeidsplikt:\n  evaluering_måneder: 0\n":               "evaluering_måneder må være minst 1",
		"versjon: v1\nsamarbeidsplikt:\n  evaluering_påminnelse_virkedager: 0\n": "evaluering_påminnelse_virkedager må være minst 1",
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
	p := Default()
	p.EvaluationMonths = -1
	if p.Validate() == nil {
		t.Fatal("negative evaluation interval accepted")
	}
}
