// Package privacy keeps national identity numbers out of samarbeid's free text.
package privacy

import "unicode/utf8"

// ContainsFodselsnummer reports whether s holds what looks like a Norwegian national
// identity number: a fødselsnummer, a D-number (first digit +4), an H-number (third digit
// +4) or a health sector FH-number (first digit 8 or 9), with both mod-11 check digits
// holding. The number may be written in one run (15076500565) or in groups of digits
// parted by spaces, dots, dashes or slashes (150765 00565, 150765-00565, 15.07.65 00565),
// at most three such characters between two groups.
//
// To keep false positives down, the digits must make exactly 11 (a group is never split:
// a run of 12 digits is not a number here), and the first six must be a date (day 1-31 in
// its month, 29 February in any year divisible by four) once a D- or H-number's +4 is taken
// off; an FH-number carries no date. Case references, dates, phone numbers and amounts seldom
// pass both the date and the check digits; a number that merely looks like one is refused,
// which is the safe side.
func ContainsFodselsnummer(s string) bool {
	groups := digitGroups(s)
	for i := range groups {
		n := 0
		var digits [11]byte
		for j := i; j < len(groups); j++ {
			if j > i && !groups[j].joined {
				break
			}
			g := groups[j].digits
			if n+len(g) > 11 {
				break
			}
			n += copy(digits[n:], g)
			if n == 11 && validNumber(digits[:]) {
				return true
			}
		}
	}
	return false
}

// ErrorText is what a user sees when free text was refused for holding one.
const ErrorText = "Teksten ser ut til å inneholde et fødselsnummer. Personens identitet skal bare stå i journalsystemet; bruk saksreferansen."

// group is a maximal run of ASCII digits; joined says it follows the previous group across
// separators only, so the two may be one number written in parts.
type group struct {
	digits string
	joined bool
}

// maxGap is the most separator characters allowed between two parts of one number
// ("150765 - 00565" has three).
const maxGap = 3

func digitGroups(s string) []group {
	var out []group
	gap := -1 // separators since the last group; -1: something else came between
	for i := 0; i < len(s); {
		if isDigit(s[i]) {
			j := i
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			out = append(out, group{digits: s[i:j], joined: len(out) > 0 && gap >= 1 && gap <= maxGap})
			gap, i = 0, j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isSeparator(r) && gap >= 0 {
			gap++
		} else {
			gap = -1
		}
		i += size
	}
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isSeparator: what people put between the parts of a number, including the spaces and
// dashes word processors and phones substitute.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '.', '-', '/', '\u00a0', '\u2009', '\u202f', '\u2010', '\u2011', '\u2012', '\u2013', '\u2212':
		return true
	}
	return false
}

var (
	weights1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	weights2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// validNumber checks 11 ASCII digits: check digits first, then the date.
func validNumber(d []byte) bool {
	digit := func(i int) int { return int(d[i] - '0') }
	check := func(weights []int) int {
		sum := 0
		for i, w := range weights {
			sum += w * digit(i)
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k
	}
	k1 := check(weights1[:])
	if k1 == 10 || k1 != digit(9) {
		return false
	}
	if k2 := check(weights2[:]); k2 == 10 || k2 != digit(10) {
		return false
	}
	if digit(0) >= 8 {
		return true // FH-number: no date in it
	}
	day, month, year := digit(0)*10+digit(1), digit(2)*10+digit(3), digit(4)*10+digit(5)
	if day > 40 {
		day -= 40 // D-number
	}
	if month > 40 {
		month -= 40 // H-number
	}
	return validDate(day, month, year)
}

// validDate checks a day and month; year is two digits, and any year divisible by four has
// a 29 February (the century is in the individual number, and 1900 is the only miss).
func validDate(day, month, year int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month]
	if month == 2 && year%4 == 0 {
		days = 29
	}
	return day <= days
}
