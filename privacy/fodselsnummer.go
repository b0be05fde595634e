// Package privacy keeps national identity numbers out of samarbeid's free text.
package privacy

// ContainsFodselsnummer reports whether s holds 11 consecutive digits (not part of a longer
// run of digits) whose two mod-11 check digits hold, as a Norwegian fødselsnummer or
// D-number does. Case references and phone numbers do not pass the check, so they are not
// refused; a number that merely looks like one is refused, which is the safe side.
func ContainsFodselsnummer(s string) bool {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 11 && validFodselsnummer(s[i-11:i]) {
			return true
		}
		run = 0
	}
	return false
}

// ErrorText is what a user sees when free text was refused for holding one.
const ErrorText = "Teksten ser ut til å inneholde et fødselsnummer. Personens identitet skal bare stå i journalsystemet; bruk saksreferansen."

var (
	weights1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	weights2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

func validFodselsnummer(d string) bool {
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
	k2 := check(weights2[:])
	return k2 != 10 && k2 == digit(10)
}
