// Package policy holds the deadline policy a case runs under. The numbers are a
// municipality's local choice (DOMAIN.md, "Suggested default policy"); no statute sets them.
// A running case keeps the policy it started with: the workflow receives a copy in its input.
package policy

import (
	"fmt"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
)

// Deadlines for one collaboration-duty case, in Norwegian working days.
type Deadlines struct {
	Version string
	// Step 1, clarify whether other providers give services: counted from opening the case.
	ClarifyWorkingDays int
	// Step 2, assess the need to collaborate: counted from step 1's answer.
	AssessWorkingDays int
	// Step 3, establish contact (consent recorded and request sent): counted from step 2.
	// DOMAIN.md suggests no figure for this; 5 keeps the case moving at the same pace.
	ContactWorkingDays int
	// A contacted service answers within this, counted from the request.
	AnswerWorkingDays int
	// A reminder goes out when this share of a period has passed.
	ReminderPercent int
	// After the first escalation the KE is told again this often until the step is done.
	ReescalateWorkingDays int
	// ConsentValidMonths is how long a recorded consent lasts where the municipality's
	// practice sets a limit (local; no statute fixes one). 0: until withdrawn.
	ConsentValidMonths int `json:",omitempty"`
	// EvaluationMonths is the default time from an accepted contact to the evaluation of
	// the collaboration with the person (local; the guideline asks for evaluation as it goes,
	// and names no interval). 0 in a case started before the field existed: no evaluation.
	EvaluationMonths int `json:",omitempty"`
	// EvaluationRemindWorkingDays is how long before the evaluation date the reminder goes.
	EvaluationRemindWorkingDays int `json:",omitempty"`
	// Counting is the version of the counting rules the case runs under. It travels in the
	// case input, so a running case keeps the rules it started with (and its recorded history
	// replays): 0, clock-time deadlines (before 2026-11); 1 (CountingDays), a deadline ends
	// at the end of its day, a reminder never lands on a day off, and escalations after an
	// outage repeat from the moment the case wakes rather than in a burst.
	Counting int `json:",omitempty"`
}

// CountingDays is the counting rule new cases start with (see Deadlines.Counting).
const CountingDays = 1

// Default is the suggested default policy of DOMAIN.md.
func Default() Deadlines {
	return Deadlines{
		Version:                     "standard-2026-1",
		ClarifyWorkingDays:          5,
		AssessWorkingDays:           5,
		ContactWorkingDays:          5,
		AnswerWorkingDays:           5,
		ReminderPercent:             60,
		ReescalateWorkingDays:       5,
		EvaluationMonths:            3,
		EvaluationRemindWorkingDays: 5,
		Counting:                    CountingDays,
	}
}

// Validate refuses a policy that would let a case stall or remind after its deadline.
func (d Deadlines) Validate() error {
	// A slice, not a map: the workflow calls this, and the first problem named must not
	// depend on map order.
	for _, f := range []struct {
		name string
		v    int
	}{
		{"avklaring", d.ClarifyWorkingDays}, {"vurdering", d.AssessWorkingDays}, {"kontakt", d.ContactWorkingDays},
		{"svar", d.AnswerWorkingDays}, {"ny eskalering", d.ReescalateWorkingDays},
	} {
		if f.v < 1 {
			return fmt.Errorf("fristpolicy %q: fristen for %s må være minst 1 virkedag (er %d)", d.Version, f.name, f.v)
		}
	}
	if d.ReminderPercent < 1 || d.ReminderPercent > 99 {
		return fmt.Errorf("fristpolicy %q: påminnelse må komme mellom 1 og 99 %% av fristen (er %d)", d.Version, d.ReminderPercent)
	}
	if d.ConsentValidMonths < 0 || d.EvaluationMonths < 0 || d.EvaluationRemindWorkingDays < 0 {
		return fmt.Errorf("fristpolicy %q: samtykkets varighet og evalueringen kan ikke være negative", d.Version)
	}
	if d.Version == "" {
		return fmt.Errorf("fristpolicy mangler versjon")
	}
	return nil
}

// Period is one deadline: when it started, when to remind and when it falls due.
type Period struct {
	Start, Remind, Due time.Time
}

// NewPeriod counts workingDays from start and places the reminder at ReminderPercent of the
// wall-clock span, so a 5-day period started on a Monday reminds on Thursday. Under
// CountingDays the period ends at the end of its last day and the reminder moves to the
// working day before when it would land on a weekend or public holiday.
func (d Deadlines) NewPeriod(start time.Time, workingDays int) Period {
	if d.Counting >= CountingDays {
		due := calendar.WorkingDayDeadline(start, workingDays)
		return Period{Start: start, Remind: calendar.ReminderBetween(start, due, d.ReminderPercent), Due: due}
	}
	due := calendar.AddWorkingDays(start, workingDays)
	remind := start.Add(due.Sub(start) * time.Duration(d.ReminderPercent) / 100)
	return Period{Start: start, Remind: remind, Due: due}
}

// NextEscalation is when the KE is told again after an escalation that was due at last and
// fired at now: every ReescalateWorkingDays. Under CountingDays, a case that wakes after an
// outage with several repeats overdue sends one, and counts the next from now.
func (d Deadlines) NextEscalation(last, now time.Time) time.Time {
	next := calendar.AddWorkingDays(last, d.ReescalateWorkingDays)
	if d.Counting >= CountingDays && !next.After(now) {
		next = calendar.WorkingDayDeadline(now, d.ReescalateWorkingDays)
	}
	return next
}
