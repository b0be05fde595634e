package calendar

import (
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02", s, Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Easter 2026-2030 and the holidays that hang on it, from the almanac.
func TestEasterHolidays2026To2030(t *testing.T) {
	for _, c := range []struct{ easter, maundy, goodFriday, easterMonday, ascension, whitMonday string }{
		{"2026-04-05", "2026-04-02", "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-25"},
		{"2027-03-28", "2027-03-25", "2027-03-26", "2027-03-29", "2027-05-06", "2027-05-17"},
		{"2028-04-16", "2028-04-13", "2028-04-14", "2028-04-17", "2028-05-25", "2028-06-05"},
		{"2029-04-01", "2029-03-29", "2029-03-30", "2029-04-02", "2029-05-10", "2029-05-21"},
		{"2030-04-21", "2030-04-18", "2030-04-19", "2030-04-22", "2030-05-30", "2030-06-10"},
	} {
		year := day(t, c.easter).Year()
		if got := EasterSunday(year).Format("2006-01-02"); got != c.easter {
			t.Errorf("Easter %d: %s, want %s", year, got, c.easter)
		}
		for _, d := range []string{c.maundy, c.goodFriday, c.easter, c.easterMonday, c.ascension, c.whitMonday} {
			if IsWorkingDay(day(t, d).Add(12 * time.Hour)) {
				t.Errorf("%s should be a public holiday", d)
			}
		}
		// One working day from the Wednesday before Easter is the Tuesday after, to the end of the day.
		wednesday := day(t, c.maundy).AddDate(0, 0, -1).Add(10 * time.Hour)
		want := day(t, c.easterMonday).AddDate(0, 0, 1).Add(24*time.Hour - time.Second)
		if got := WorkingDayDeadline(wednesday, 1); !got.Equal(want) {
			t.Errorf("%d: one working day from %s is %s, want %s", year, wednesday, got, want)
		}
	}
}

// A month ends on the same date, or on the last day of a shorter month.
func TestAddMonths(t *testing.T) {
	for _, c := range []struct{ from, want string }{
		{"2027-01-31", "2027-02-28"},
		{"2028-01-31", "2028-02-29"}, // leap year
		{"2026-01-30", "2026-02-28"},
		{"2026-03-31", "2026-04-30"},
		{"2026-11-23", "2026-12-23"},
		{"2026-12-31", "2027-01-31"}, // over the new year
		{"2026-08-31", "2026-09-30"},
		{"2026-02-28", "2026-03-28"}, // not the last day of March: the same date
	} {
		from := day(t, c.from).Add(14*time.Hour + 30*time.Minute)
		got := AddMonths(from, 1)
		if got.Format("2006-01-02 15:04") != c.want+" 14:30" {
			t.Errorf("one month from %s: %s, want %s 14:30", c.from, got.Format("2006-01-02 15:04"), c.want)
		}
	}
}

// A deadline that ends on a day off runs to the next working day; a reminder that would land
// on one goes to the working day before.
func TestWorkingDayMoves(t *testing.T) {
	for _, c := range []struct{ on, after, before, why string }{
		{"2026-12-25", "2026-12-28", "2026-12-24", "Christmas Day (Friday), then the weekend"},
		{"2026-04-05", "2026-04-07", "2026-04-01", "Easter Sunday 2026"},
		{"2026-04-02", "2026-04-07", "2026-04-01", "Maundy Thursday 2026"},
		{"2027-03-26", "2027-03-30", "2027-03-24", "Good Friday 2027"},
		{"2028-04-17", "2028-04-18", "2028-04-12", "Easter Monday 2028"},
		{"2029-05-17", "2029-05-18", "2029-05-16", "17 May 2029 (Thursday)"},
		{"2026-05-17", "2026-05-18", "2026-05-15", "17 May 2026 (Sunday)"},
		{"2030-06-10", "2030-06-11", "2030-06-07", "Whit Monday 2030"},
		{"2026-11-24", "2026-11-24", "2026-11-24", "an ordinary Tuesday stays"},
	} {
		at := day(t, c.on).Add(9 * time.Hour)
		if got := OnOrAfterWorkingDay(at).Format("2006-01-02 15:04"); got != c.after+" 09:00" {
			t.Errorf("%s: forward to %s, want %s", c.why, got, c.after)
		}
		if got := OnOrBeforeWorkingDay(at).Format("2006-01-02 15:04"); got != c.before+" 09:00" {
			t.Errorf("%s: back to %s, want %s", c.why, got, c.before)
		}
	}
}

func TestEndOfDayAcrossDaylightSaving(t *testing.T) {
	// 29 March 2026 has 23 hours in Oslo, 25 October 2026 has 25.
	for _, d := range []string{"2026-03-29", "2026-10-25"} {
		got := EndOfDay(day(t, d).Add(3 * time.Hour))
		if got.Format("2006-01-02 15:04:05") != d+" 23:59:59" {
			t.Errorf("end of %s: %s", d, got)
		}
	}
}

func TestReminderBetween(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, Oslo)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		start, due string
		percent    int
		want       string
	}{
		// 60 % of Mon 23 Nov 10:00 -> Mon 30 Nov 23:59 is Fri 27 Nov: a working day, kept.
		{"2026-11-23 10:00", "2026-11-30 23:59", 60, "2026-11-27"},
		// Would land on 17 May 2029 (Thursday): the day before.
		{"2029-05-14 08:00", "2029-05-21 08:00", 47, "2029-05-16"},
		// Would land on Good Friday 2027: back past Maundy Thursday.
		{"2027-03-22 08:00", "2027-03-29 08:00", 60, "2027-03-24"},
		// Would land on Sunday and the Friday before is before the start: Monday.
		{"2026-11-27 20:00", "2026-11-30 23:59", 60, "2026-11-30"},
	} {
		got := ReminderBetween(at(c.start), at(c.due), c.percent)
		if got.Format("2006-01-02") != c.want || !IsWorkingDay(got) {
			t.Errorf("reminder %d %% of %s..%s: %s, want %s", c.percent, c.start, c.due, got, c.want)
		}
	}
}
