package privacy

import (
	"strings"
	"testing"
)

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

		// written in parts
		"150765 00565":              true,
		"150765-00565":              true,
		"15.07.65 00565":            true,
		"15.07.65-00565":            true,
		"15 07 65 005 65":           true,
		"150765 - 00565":            true,
		"150765\u00a000565":         true, // no-break space
		"150765\u201300565":         true, // en dash
		"15/07/65 00565":            true,
		"f.nr.: 150765 00565.":      true,
		"150765    00565":           false, // four spaces: two numbers, not one
		"150765 x 00565":            false, // a word between
		"1507650 0565 1":            true,  // odd grouping still makes 11 digits
		"2150765 00565":             false, // 12 digits across the groups
		"SAK-2026-0042 15076500565": true,
		"15076500565 ring 99887766": true,
		"99887766 / 15076500565":    true, // the chain starts at any group

		// D-, H- and FH-numbers
		"55076500559":    true, // D-number: day 15 + 40
		"550765 00559":   true,
		"15476500548":    true, // H-number: month 07 + 40
		"15.47.65 00548": true,
		"81010112354":    true,  // FH-number: no date
		"29020012380":    true,  // 29 February 2000
		"29020112482":    false, // 29 February 2001: no such day, though the check digits hold
		"31046512483":    false, // 31 April
		"01010000110":    true,
	}
	for in, want := range cases {
		if got := ContainsFodselsnummer(in); got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
}

// An ordinary notice, as the guard sees it, is not taken for a number.
func TestNoticeTextsPass(t *testing.T) {
	for _, s := range []string{
		"SAK-2026-0042 · Steg 2: vurdering · frist 15.07.2026 kl. 15:04",
		`{"ts":"1764372712.000100","channel":"C_SKOLE"}`,
		"Tlf 22 33 44 55, mobil 99 88 77 66",
		"Kontonummer 1234.56.78903",
	} {
		if ContainsFodselsnummer(s) {
			t.Errorf("%q taken for a fødselsnummer", s)
		}
	}
}

// writtenForms are the ways a person writes a number; each keeps its 11 digits in order.
var writtenForms = []func(n string) string{
	func(n string) string { return n },
	func(n string) string { return n[:6] + " " + n[6:] },
	func(n string) string { return n[:6] + "-" + n[6:] },
	func(n string) string { return n[:2] + "." + n[2:4] + "." + n[4:6] + " " + n[6:] },
	func(n string) string { return n[:2] + " " + n[2:4] + " " + n[4:6] + " " + n[6:9] + " " + n[9:] },
	func(n string) string { return n[:6] + " - " + n[6:] },
	func(n string) string { return n[:6] + "\u00a0" + n[6:] },
	func(n string) string { return n[:2] + "/" + n[2:4] + "/" + n[4:6] + "-" + n[6:] },
}

// number makes a valid fødselsnummer, D-number or H-number from seed: a real date, an
// individual number, and the check digits (the seed moves on when a check digit would be 10).
func number(seed uint32) string {
	for ; ; seed++ {
		day, month, year := int(seed%28)+1, int(seed/28%12)+1, int(seed/336%100)
		switch seed / 33600 % 3 {
		case 1:
			day += 40
		case 2:
			month += 40
		}
		ind := int(seed / 100800 % 1000)
		d := []int{day / 10, day % 10, month / 10, month % 10, year / 10, year % 10, ind / 100, ind / 10 % 10, ind % 10, 0, 0}
		k1 := checkDigit(d, weights1[:])
		if k1 == 10 {
			continue
		}
		d[9] = k1
		k2 := checkDigit(d, weights2[:])
		if k2 == 10 {
			continue
		}
		d[10] = k2
		var sb strings.Builder
		for _, x := range d {
			sb.WriteByte(byte('0' + x))
		}
		return sb.String()
	}
}

func checkDigit(d []int, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += w * d[i]
	}
	return (11 - sum%11) % 11
}

// FuzzContainsFodselsnummer: any text, with a valid number in any written form set in it
// (words around, so it does not join the text's own digits), is caught; with one check digit
// wrong it changes nothing; and the check never panics.
func FuzzContainsFodselsnummer(f *testing.F) {
	f.Add("15076500565", uint8(0), uint32(0))
	f.Add("SAK-2026-0042 ring 99887766", uint8(1), uint32(7))
	f.Add("150765 00565", uint8(2), uint32(40000))
	f.Add("15.07.65 00565", uint8(3), uint32(80000))
	f.Add("150765-00565", uint8(4), uint32(123456789))
	f.Add("55076500559 og 15476500548", uint8(5), uint32(99))
	f.Fuzz(func(t *testing.T, s string, form uint8, seed uint32) {
		found := ContainsFodselsnummer(s)
		if found && strings.Count(strings.Map(keepDigits, s), "")-1 < 11 {
			t.Fatalf("%q: found with fewer than 11 digits", s)
		}
		n := number(seed)
		written := writtenForms[int(form)%len(writtenForms)](n)
		if in := s + " x " + written + " x " + s; !ContainsFodselsnummer(in) {
			t.Fatalf("%q (%s) not found in %q", written, n, in)
		}
		wrong := n[:10] + string('0'+(n[10]-'0'+1)%10)
		written = writtenForms[int(form)%len(writtenForms)](wrong)
		if in := s + " x " + written + " x " + s; ContainsFodselsnummer(in) != found {
			t.Fatalf("%q with a wrong check digit changed the answer for %q", written, s)
		}
	})
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}
