package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRefuses(t *testing.T) {
	p := Default()
	p.AnswerWorkingDays = 0
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "svar") {
		t.Fatalf("want error naming svar, got %v", err)
	}
	p = Default()
	p.ReminderPercent = 100
	if err := p.Validate(); err == nil {
		t.Fatal("reminder at 100 % accepted")
	}
}

func TestNewPeriod(t *testing.T) {
	start := time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Oslo) // Monday
	before := Default()
	before.Counting = 0 // the clock-time counting cases started before 2026-11 keep
	p := before.NewPeriod(start, 5)
	if want := time.Date(2026, 11, 30, 10, 0, 0, 0, calendar.Oslo); !p.Due.Equal(want) {
		t.Errorf("due %s, want %s", p.Due, want)
	}
	if !(p.Remind.After(start) && p.Remind.Before(p.Due)) {
		t.Errorf("reminder %s not inside the period", p.Remind)
	}
	if want := start.Add(7 * 24 * time.Hour * 60 / 100); !p.Remind.Equal(want) {
		t.Errorf("reminder %s, want %s", p.Remind, want)
	}
}

// Under CountingDays a period ends at the end of its day, and its reminder is on a working day.
func TestNewPeriodCountsDays(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.Oslo)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name            string
		start           string
		days            int
		due, remindDay  string
		remindOnWorkday bool
	}{
		{"a plain week", "2026-11-23 10:00", 5, "2026-11-30", "2026-11-27", true},
		// 60 % of Wed 1 Apr 2026 10:00 -> Thu 9 Apr 23:59 lands on Easter Monday 6 Apr: back to Wed 1 Apr.
		{"over Easter 2026", "2026-04-01 10:00", 3, "2026-04-09", "2026-04-01", true},
		// 2027: Easter Sunday 28 March; five working days from Mon 22 March skip Maundy
		// Thursday, Good Friday and Easter Monday; 60 % lands on Easter Sunday and moves back
		// past Good Friday and Maundy Thursday to Wed 24 March.
		{"over Easter 2027", "2027-03-22 09:00", 5, "2027-04-01", "2027-03-24", true},
		// A Friday-evening start, one day: 60 % lands on Sunday, the Friday before the start
		// is too early, so Monday.
		{"short period over a weekend", "2026-11-27 20:00", 1, "2026-11-30", "2026-11-30", true},
	}
	for _, c := range cases {
		p := Default().NewPeriod(at(c.start), c.days)
		if got := p.Due.In(calendar.Oslo).Format("2006-01-02 15:04:05"); got != c.due+" 23:59:59" {
			t.Errorf("%s: due %s, want %s 23:59:59", c.name, got, c.due)
		}
		if got := p.Remind.In(calendar.Oslo).Format("2006-01-02"); got != c.remindDay {
			t.Errorf("%s: reminder %s, want %s", c.name, p.Remind, c.remindDay)
		}
		if !calendar.IsWorkingDay(p.Remind) || p.Remind.Before(p.Start) || !p.Remind.Before(p.Due) {
			t.Errorf("%s: reminder %s not on a working day inside the period", c.name, p.Remind)
		}
	}
}

// After an outage the next escalation counts from now; without one it keeps its rhythm.
func TestNextEscalationFromNow(t *testing.T) {
	d := Default()
	last := calendar.WorkingDayDeadline(time.Date(2026, 11, 23, 10, 0, 0, 0, calendar.Oslo), 0) // Mon 23 Nov, end of day
	if got, want := d.NextEscalation(last, last), calendar.WorkingDayDeadline(last, 5); !got.Equal(want) {
		t.Errorf("in rhythm: %s, want %s", got, want)
	}
	woke := time.Date(2026, 12, 21, 9, 0, 0, 0, calendar.Oslo) // four weeks later
	if got, want := d.NextEscalation(last, woke), calendar.WorkingDayDeadline(woke, 5); !got.Equal(want) {
		t.Errorf("after an outage: %s, want %s", got, want)
	}
	before := Default()
	before.Counting = 0
	if got, want := before.NextEscalation(last, woke), calendar.AddWorkingDays(last, 5); !got.Equal(want) {
		t.Errorf("old counting changed: %s, want %s", got, want)
	}
}
