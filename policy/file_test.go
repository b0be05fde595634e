package policy

import (
	"os"
	"strings"
	"testing"
)

func TestExampleFileLoads(t *testing.T) {
	m, err := LoadFile("eksempel.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "eksempel-kommune-2026-1" || m.Coordinator.Decision != 10 || m.IndividualPlan.RemindDaysBefore != 14 {
		t.Fatalf("%+v", m)
	}
	if d := m.CollaborationDeadlines(); d.Validate() != nil || d.Version != m.Version || d.AnswerWorkingDays != 5 {
		t.Fatalf("collaboration deadlines %+v", d)
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"versjon: v1\nsamarbeidsplikt:\n  svar_virkdager: 3\n":       "svar_virkdager",         // misspelt key
		"versjon: v1\nkoordinator:\n  klagefrist_dager: 10\n":        "fire uker er lovfestet", // statutory
		"versjon: v1\nforeløpig_svar: 45\n":                          "forvaltningsloven § 11 a",
		"versjon: v1\nsamarbeidsplikt:\n  svar_virkedager: 0\n":      "samarbeidsplikt.svar_virkedager må være minst 1",
		"versjon: v1\nsamarbeidsplikt:\n  påminnelse_prosent: 100\n": "mellom 1 og 99",
		"kommune: X\n": "versjon mangler",
		"versjon: v1\nkoordinator:\n  vedtak_virkedager: 30\n": "foreløpig svar",
		"versjon: [\n": "ugyldig YAML",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, want)
		}
	}
}

func TestParseKeepsDefaultsForWhatIsLeftOut(t *testing.T) {
	m, err := Parse([]byte("versjon: liten\nsamarbeidsplikt:\n  svar_virkedager: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Collaboration.Answer != 3 || m.Collaboration.Clarify != 5 || m.Coordinator.Decision != 10 {
		t.Fatalf("%+v", m)
	}
}

func TestAllProblemsNamedAtOnce(t *testing.T) {
	_, err := Parse([]byte("versjon: v\nsamarbeidsplikt:\n  avklaring_virkedager: 0\n  vurdering_virkedager: 0\n"))
	if err == nil || !strings.Contains(err.Error(), "avklaring_virkedager") || !strings.Contains(err.Error(), "vurdering_virkedager") {
		t.Fatalf("%v", err)
	}
}

// FuzzParse: any file either loads into a valid policy or is refused with an error; never a
// panic, never an invalid policy accepted.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("eksempel.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add("versjon: v\nkoordinator:\n  vedtak_virkedager: 0\n")
	f.Add("versjon: [\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := Parse([]byte(in))
		if err == nil {
			if verr := m.Validate(); verr != nil {
				t.Fatalf("accepted an invalid policy: %v", verr)
			}
			if verr := m.CollaborationDeadlines().Validate(); verr != nil {
				t.Fatalf("accepted policy gives invalid deadlines: %v", verr)
			}
		}
	})
}
