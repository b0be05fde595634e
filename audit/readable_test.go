package audit

import (
	"strings"
	"testing"
)

// A ledger sentence keeps service IDs (the workflow's words); the timeline says names, and
// leaves words that merely contain an ID alone (issue 14).
func TestReadableSaysNames(t *testing.T) {
	names := map[string]string{"bup": "BUP (barne- og ungdomspsykiatrisk poliklinikk)", "skole": "Grunnskolen",
		"nav-sosial": "Sosiale tjenester i NAV", "ke": "Koordinerende enhet"}
	for in, want := range map[string]string{
		"Steg 2: behov for samarbeid med bup.":                                                     "Steg 2: behov for samarbeid med BUP (barne- og ungdomspsykiatrisk poliklinikk).",
		"Steg 1: andre tjenester som gir tjenester: skole, nav-sosial.":                            "Steg 1: andre tjenester som gir tjenester: Grunnskolen, Sosiale tjenester i NAV.",
		"Sak SAK-2026-0001 avsluttet ved beslutning (personen_avslår) på kontakt.":                 "Sak SAK-2026-0001 avsluttet ved beslutning (personen avslår samarbeid) på kontakt.",
		"Skolehelsetjenesten og barnevernsloven § 15-8 gjelder; eskalert til koordinerende enhet.": "Skolehelsetjenesten og barnevernsloven § 15-8 gjelder; eskalert til koordinerende enhet.",
	} {
		got := Readable(in, names)
		if got != want {
			t.Errorf("%q\n got %q\nwant %q", in, got, want)
		}
		for id := range names {
			for _, tok := range codeToken.FindAllString(got, -1) {
				if tok == id {
					t.Errorf("%q still says the ID %q", got, id)
				}
			}
		}
		if strings.Contains(got, "_") {
			t.Errorf("%q still says a code", got)
		}
	}
}
