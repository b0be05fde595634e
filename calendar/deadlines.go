package calendar

import "time"

// Rule is a statutory rule for counting a deadline, with where it is written. The rules are
// fixed in code; the citations are data, so a municipality's lawyer can correct them.
type Rule struct {
	Rule     string
	Citation string
}

// The counting rules samarbeid applies (docs/FRISTER.md says how each is used).
var (
	// RuleEndOfDay: a deadline counted in days, weeks or months runs to the end of its last
	// day, and the day it starts from is not counted.
	RuleEndOfDay = Rule{"fristen løper til utgangen av siste dag; dagen fristen regnes fra, telles ikke med",
		"domstolloven § 148 (forvaltningslovens frister regnes etter domstolloven §§ 148–149)"}
	// RuleMonth: a month ends on the day with the same number in the last month, or on the
	// last day of a shorter month (31 January -> 28/29 February).
	RuleMonth = Rule{"en frist i måneder ender på dagen med samme tall i siste måned, eller på siste dag i en kortere måned",
		"domstolloven § 148 andre ledd"}
	// RuleNextWorkingDay: a deadline ending on a Saturday, Sunday or public holiday runs to
	// the end of the next working day.
	RuleNextWorkingDay = Rule{"en frist som ender på lørdag, søndag eller helligdag, forlenges til nærmeste virkedag",
		"domstolloven § 149 (forvaltningslovens frister regnes etter domstolloven §§ 148–149)"}
)

// EndOfDay is the last second of t's day in Oslo: where a deadline counted in days ends.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.In(Oslo).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, Oslo)
}

// WorkingDayDeadline is the end of the day n working days after t (RuleEndOfDay).
func WorkingDayDeadline(t time.Time, n int) time.Time {
	return EndOfDay(AddWorkingDays(t, n))
}

// AddMonths is the same date n months after t, or the last day of a shorter month
// (RuleMonth), at the same Oslo clock time.
func AddMonths(t time.Time, n int) time.Time {
	local := t.In(Oslo)
	y, m, d := local.Date()
	last := time.Date(y, m+time.Month(n)+1, 0, 0, 0, 0, 0, time.UTC).Day() // day 0 = last day of the month before
	if d > last {
		d = last
	}
	return time.Date(y, m+time.Month(n), d, local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), Oslo)
}

// OnOrAfterWorkingDay is t when its day is a working day, else the same clock time on the
// next working day (RuleNextWorkingDay).
func OnOrAfterWorkingDay(t time.Time) time.Time {
	local := t.In(Oslo)
	for !IsWorkingDay(local) {
		local = local.AddDate(0, 0, 1)
	}
	return local
}

// OnOrBeforeWorkingDay is t when its day is a working day, else the same clock time on the
// working day before: where a reminder that would land on a day off goes.
func OnOrBeforeWorkingDay(t time.Time) time.Time {
	local := t.In(Oslo)
	for !IsWorkingDay(local) {
		local = local.AddDate(0, 0, -1)
	}
	return local
}

// ReminderBetween places a reminder at percent of the span from start to due, moved to the
// working day before when it would land on a weekend or public holiday. If that day is
// before the start (a short period over a long weekend), it goes to the first working day
// after the start instead, and never later than due.
func ReminderBetween(start, due time.Time, percent int) time.Time {
	at := start.Add(due.Sub(start) * time.Duration(percent) / 100)
	if r := OnOrBeforeWorkingDay(at); !r.Before(start) {
		return r
	}
	if r := OnOrAfterWorkingDay(at); r.Before(due) {
		return r
	}
	return at
}
