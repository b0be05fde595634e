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
	p := Default().NewPeriod(start, 5)
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
