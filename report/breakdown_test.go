package report

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

func oslo(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Oslo)
}

// Escalations are counted in the Oslo month they happened, every month of the period listed.
func TestEscalationsByMonth(t *testing.T) {
	esc := func(at time.Time) store.AuditRow {
		return row("w", "SAK-1", "skole", "frist_oversittet", at, nil, "Frist for svar hos skole gikk ut")
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		rows     []store.AuditRow
		want     string
	}{
		{"one month, none", oslo(2026, 11, 1, 0, 0), oslo(2026, 12, 1, 0, 0), nil, "[2026-11:0]"},
		{"23:30 on 31 December is December; 00:30 on 1 January is January (UTC says December)",
			oslo(2026, 12, 1, 0, 0), oslo(2027, 2, 1, 0, 0),
			[]store.AuditRow{esc(oslo(2026, 12, 31, 23, 30)), esc(oslo(2027, 1, 1, 0, 30))}, "[2026-12:1 2027-01:1]"},
		{"month end: 30 November and 1 December", oslo(2026, 11, 16, 0, 0), oslo(2026, 12, 15, 0, 0),
			[]store.AuditRow{esc(oslo(2026, 11, 30, 23, 59)), esc(oslo(2026, 12, 1, 8, 0)), esc(oslo(2026, 12, 2, 8, 0))}, "[2026-11:1 2026-12:2]"},
		{"a month without escalations stays in the list, Easter 2027 in March", oslo(2027, 2, 1, 0, 0), oslo(2027, 5, 1, 0, 0),
			[]store.AuditRow{esc(oslo(2027, 2, 3, 9, 0)), esc(oslo(2027, 4, 1, 9, 0)), esc(oslo(2027, 4, 6, 9, 0))}, "[2027-02:1 2027-03:0 2027-04:2]"},
		{"outside the period is not counted", oslo(2026, 11, 1, 0, 0), oslo(2026, 12, 1, 0, 0),
			[]store.AuditRow{esc(oslo(2026, 10, 31, 23, 59)), esc(oslo(2026, 12, 1, 0, 0))}, "[2026-11:0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ind, err := Compute(context.Background(), fakeSource{rows: tc.rows}, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			got := "["
			for i, m := range ind.EscalationsByMonth {
				if i > 0 {
					got += " "
				}
				got += fmt.Sprintf("%s:%d", m.Month, m.Count)
			}
			if got += "]"; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDistributionBuckets(t *testing.T) {
	for _, tc := range []struct {
		days []int
		want [4]int
	}{
		{nil, [4]int{0, 0, 0, 0}},
		{[]int{0, 5}, [4]int{2, 0, 0, 0}},
		{[]int{6, 10, 11, 20}, [4]int{0, 2, 2, 0}},
		{[]int{21, 250}, [4]int{0, 0, 0, 2}},
	} {
		got := distribution(tc.days)
		if len(got) != 4 {
			t.Fatalf("%v: %d buckets", tc.days, len(got))
		}
		for i := range got {
			if got[i].Count != tc.want[i] {
				t.Errorf("%v: bucket %s has %d, want %d", tc.days, got[i].Bucket, got[i].Count, tc.want[i])
			}
		}
	}
	if s := DayBuckets[0].String() + " " + DayBuckets[3].String(); s != "0–5 21+" {
		t.Errorf("labels %q", s)
	}
}

// Time to decision and to an accepted coordinator, as distributions of working days
// counted over the real calendar (Easter 2027: 25 March to 29 March off).
func TestCoordinatorDayDistributions(t *testing.T) {
	wf := func(n int) string { return fmt.Sprintf("koordinator/SAK-%d/koordinator", n) }
	req := oslo(2027, 3, 22, 9, 0) // Monday before Easter 2027
	src := fakeSource{rows: []store.AuditRow{
		// 3 working days to decision (Tue, Wed, Thu 25th is Maundy Thursday: off; Fri off; Mon 29 off; Tue 30): 23, 24, 30.
		row(wf(1), "SAK-1", "ke", "koordinator_forespurt", req, nil, ""),
		row(wf(1), "SAK-1", "ke", "koordinator_innvilget", oslo(2027, 3, 30, 12, 0), nil, ""),
		row(wf(1), "SAK-1", "ke", "oppnevning_godtatt", oslo(2027, 4, 9, 12, 0), nil, ""), // 11 working days
		// 25 working days to decision.
		row(wf(2), "SAK-2", "ke", "koordinator_forespurt", req, nil, ""),
		row(wf(2), "SAK-2", "ke", "koordinator_avslått", calendar.AddWorkingDays(req, 25), nil, ""),
	}}
	ind, err := Compute(context.Background(), src, oslo(2027, 3, 1, 0, 0), oslo(2027, 6, 1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c := ind.Coordinators
	if got := [4]int{c.DaysToDecision[0].Count, c.DaysToDecision[1].Count, c.DaysToDecision[2].Count, c.DaysToDecision[3].Count}; got != [4]int{1, 0, 0, 1} {
		t.Errorf("to decision %v", got)
	}
	if got := [4]int{c.DaysToAccepted[0].Count, c.DaysToAccepted[1].Count, c.DaysToAccepted[2].Count, c.DaysToAccepted[3].Count}; got != [4]int{0, 0, 1, 0} {
		t.Errorf("to accepted %v", got)
	}
}
