package privacy

import "testing"

func TestContainsFodselsnummer(t *testing.T) {
	cases := map[string]bool{
		"01010150017":                     false, // check digits wrong
		"Født 15076500565, trenger hjelp": true,  // synthetic number with valid check digits
		"15076500565":                     true,
		"tlf 12345678901":                 false,
		"SAK-2026-0042":                   false,
		"150765005651":                    false, // 12 digits: not a fødselsnummer
		"":                                false,
		"55076500565":                     false, // D-number form, wrong check digits
	}
	for in, want := range cases {
		if got := ContainsFodselsnummer(in); got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}

func FuzzContainsFodselsnummer(f *testing.F) {
	f.Add("15076500565")
	f.Add("SAK-2026-0042 ring 99887766")
	f.Fuzz(func(t *testing.T, s string) {
		_ = ContainsFodselsnummer(s) // must never panic on any input
	})
}
