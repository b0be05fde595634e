package calendar

import (
	"testing"
	"time"
)

func TestEasterSunday(t *testing.T) {
	// Known dates, from the almanac.
	want := map[int]string{2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"}
	for year, date := range want {
		if got := EasterSunday(year).Format("2006-01-02"); got != date {
			t.Errorf("Easter %d: got %s, want %s", year, got, date)
		}
	}
}

func TestHolidays2026(t *testing.T) {
	holidays := map[string]string{
		"2026-01-01": "1. nyttårsdag", "2026-04-02": "Skjærtorsdag", "2026-04-03": "Langfredag",
		"2026-04-06": "2. påskedag", "2026-05-01": "Arbeidernes dag", "2026-05-14": "Kristi himmelfartsdag",
		"2026-05-17": "Grunnlovsdag", "2026-05-25": "2. pinsedag", "2026-12-25": "1. juledag", "2026-12-26": "2. juledag",
	}
	for date, name := range holidays {
		day := oslo(t, date+" 12:00")
		if got := Holiday(day); got != name {
			t.Errorf("%s: got %q, want %q", date, got, name)
		}
	}
	for _, date := range []string{"2026-04-01", "2026-04-07", "2026-05-18", "2026-12-24", "2026-11-23"} {
		if !IsWorkingDay(oslo(t, date+" 12:00")) {
			t.Errorf("%s should be a working day", date)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cases := []struct {
		start string
		n     int
		want  string
	}{
		{"2026-11-23 10:00", 5, "2026-11-30 10:00"}, // Monday + 5 = next Monday
		{"2026-11-27 10:00", 1, "2026-11-30 10:00"}, // Friday + 1 = Monday
		{"2026-11-28 10:00", 1, "2026-11-30 10:00"}, // Saturday + 1 = Monday
		{"2026-03-31 09:00", 3, "2026-04-08 09:00"}, // across Easter: skips Thu, Fri, Mon
		{"2026-12-23 15:00", 3, "2026-12-29 15:00"}, // across Christmas: 24th, (25th, 26th off), 28th, 29th
		{"2026-05-13 08:00", 2, "2026-05-18 08:00"}, // Ascension Day 14 May
		{"2026-11-23 10:00", 0, "2026-11-23 10:00"},
	}
	for _, c := range cases {
		got := AddWorkingDays(oslo(t, c.start), c.n)
		if want := oslo(t, c.want); !got.Equal(want) {
			t.Errorf("%s + %d: got %s, want %s", c.start, c.n, got, want)
		}
	}
}

func TestAddWorkingDaysKeepsClockAcrossDST(t *testing.T) {
	// Summer time ends on 25 October 2026; the deadline keeps 10:00 Oslo time.
	got := AddWorkingDays(oslo(t, "2026-10-23 10:00"), 1)
	if got.In(Oslo).Format("2006-01-02 15:04") != "2026-10-26 10:00" {
		t.Errorf("got %s", got.In(Oslo))
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	if n := WorkingDaysBetween(oslo(t, "2026-11-23 10:00"), oslo(t, "2026-11-30 09:00")); n != 5 {
		t.Errorf("got %d, want 5", n)
	}
	if n := WorkingDaysBetween(oslo(t, "2026-03-31 10:00"), oslo(t, "2026-04-08 10:00")); n != 3 {
		t.Errorf("got %d, want 3", n)
	}
}

func TestFormatDate(t *testing.T) {
	// A deadline is a day: no clock time, even for an end-of-day instant.
	if got := FormatDate(oslo(t, "2026-12-04 23:59")); got != "fredag 04.12.2026" {
		t.Errorf("got %q", got)
	}
	if got := FormatDateTime(oslo(t, "2026-11-27 14:00")); got != "fredag 27.11.2026 kl. 14:00" {
		t.Errorf("got %q", got)
	}
}

func oslo(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
