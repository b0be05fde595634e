package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// A deadline is shown as its day, in every format, however the detail carries it.
func TestDeadlineShownAsADay(t *testing.T) {
	due := time.Date(2026, 12, 4, 23, 59, 59, 0, calendar.Oslo)
	rows := []store.AuditRow{
		{AuditEntry: store.AuditEntry{Action: "frist_oversittet", Detail: map[string]any{"frist": due.Format(time.RFC3339Nano)}}},
		{AuditEntry: store.AuditEntry{Action: "koordinator_avslått", Detail: map[string]any{"klagefrist": due}}},
		{AuditEntry: store.AuditEntry{Action: "plan_opprettet", Detail: map[string]any{"annet": "x"}}},
	}
	want := []string{"frist oversittet (fredag 04.12.2026)", "fredag 04.12.2026", ""}
	var entries []Entry
	for i, r := range rows {
		e := Entry{Seq: int64(i + 1), When: due.Add(-time.Hour), Deadline: deadlineNote(r), DeadlineDate: deadlineDate(r)}
		if got := e.DeadlineText(); got != want[i] {
			t.Errorf("row %d: %q, want %q", i, got, want[i])
		}
		entries = append(entries, e)
	}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, "SAK-2026-0001", entries, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "fredag 04.12.2026") || strings.Contains(out, "23:59") {
			t.Errorf("%s: the deadline is not shown as a day:\n%s", format, out)
		}
	}
}
