// Package calendar knows the Norwegian working days: weekdays that are not public holidays
// (lov om helligdager og helligdagsfred, and 1 and 17 May by their own laws). Deadlines in
// samarbeid are counted in these working days (virkedager). Everything here is a pure function
// of its arguments, so workflows may call it.
package calendar

import (
	"time"
	_ "time/tzdata" // the machine may lack a zoneinfo database; deadlines must not depend on it
)

// Oslo is the zone every Norwegian deadline is counted in.
var Oslo = mustLoad("Europe/Oslo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Holiday names the public holiday on day (in Oslo), or "" if it is none.
func Holiday(day time.Time) string {
	y, m, d := day.In(Oslo).Date()
	switch {
	case m == time.January && d == 1:
		return "1. nyttårsdag"
	case m == time.May && d == 1:
		return "Arbeidernes dag"
	case m == time.May && d == 17:
		return "Grunnlovsdag"
	case m == time.December && d == 25:
		return "1. juledag"
	case m == time.December && d == 26:
		return "2. juledag"
	}
	easter := EasterSunday(y)
	date := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch int(date.Sub(easter).Hours() / 24) {
	case -3:
		return "Skjærtorsdag"
	case -2:
		return "Langfredag"
	case 0:
		return "1. påskedag"
	case 1:
		return "2. påskedag"
	case 39:
		return "Kristi himmelfartsdag"
	case 49:
		return "1. pinsedag"
	case 50:
		return "2. pinsedag"
	}
	return ""
}

// IsWorkingDay reports whether day (in Oslo) is a weekday and not a public holiday.
func IsWorkingDay(day time.Time) bool {
	wd := day.In(Oslo).Weekday()
	return wd != time.Saturday && wd != time.Sunday && Holiday(day) == ""
}

// AddWorkingDays returns the moment n working days after t, at the same Oslo clock time.
// A start on a weekend or holiday counts from the next working day, so a case opened on
// Saturday with a 1-day deadline is due on Monday at the same hour (or Tuesday if Monday
// is a holiday).
func AddWorkingDays(t time.Time, n int) time.Time {
	local := t.In(Oslo)
	for n > 0 {
		local = local.AddDate(0, 0, 1)
		if IsWorkingDay(local) {
			n--
		}
	}
	return local
}

// WorkingDaysBetween counts the working days in (from, to], by Oslo calendar date.
func WorkingDaysBetween(from, to time.Time) int {
	n := 0
	a := from.In(Oslo)
	b := to.In(Oslo)
	for a = a.AddDate(0, 0, 1); !dateAfter(a, b); a = a.AddDate(0, 0, 1) {
		if IsWorkingDay(a) {
			n++
		}
	}
	return n
}

func dateAfter(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC).After(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC))
}

// EasterSunday returns Easter Sunday of year (Gregorian), as a UTC midnight date, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func EasterSunday(year int) time.Time {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// FormatDate writes a deadline the way Norwegian users read it: "fredag 04.12.2026". A
// deadline is a day (it runs to the end of that day), so no clock time is shown.
func FormatDate(t time.Time) string {
	local := t.In(Oslo)
	return weekdays[local.Weekday()] + " " + local.Format("02.01.2006")
}

// FormatDateTime writes a moment, not a deadline: "fredag 27.11.2026 kl. 14:00".
func FormatDateTime(t time.Time) string {
	local := t.In(Oslo)
	return weekdays[local.Weekday()] + " " + local.Format("02.01.2006 kl. 15:04")
}

var weekdays = [...]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"}
