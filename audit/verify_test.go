package audit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/store"
)

// recordAndRow is a decision as the workflow handed it to RecordAudit, and the ledger row
// the worker wrote from it (the detail as read back: numbers as float64).
func recordAndRow(t *testing.T) (activities.AuditRecord, store.AuditRow) {
	t.Helper()
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	rec := activities.AuditRecord{
		Key: "SAK-2026-0042/helsestasjon/run1/steg1", CaseRef: "SAK-2026-0042", WorkflowID: "SAK-2026-0042/helsestasjon",
		RunID: "run2", Actor: "U_KARI", ActorName: "Kari (helsestasjon)", ServiceID: "helsestasjon",
		Action: "steg1_avklart", Summary: "Steg 1: ingen andre tjenester.", LegalBasis: "hol § 3-4 første ledd",
		Detail: map[string]any{"tjenester": []any{"barnevern"}, "antall": 2}, OccurredAt: at,
	}
	raw, err := json.Marshal(rec.Detail)
	if err != nil {
		t.Fatal(err)
	}
	var detail map[string]any
	if err := json.Unmarshal(raw, &detail); err != nil {
		t.Fatal(err)
	}
	row := store.AuditRow{AuditEntry: store.AuditEntry{
		Key: rec.Key, CaseRef: rec.CaseRef, WorkflowID: rec.WorkflowID, RunID: rec.RunID,
		Actor: "Kari (helsestasjon), U_KARI", ServiceID: rec.ServiceID, Action: rec.Action, Summary: rec.Summary,
		Detail: detail, LegalBasis: rec.LegalBasis, OccurredAt: at.UTC().Truncate(time.Microsecond),
	}, Seq: 7}
	return rec, row
}

// TestDiffersNamesEveryTamperedField changes one field of an otherwise faithful row at a time:
// each must be reported, by name.
func TestDiffersNamesEveryTamperedField(t *testing.T) {
	rec, row := recordAndRow(t)
	if d := differs(row, rec); d != "" {
		t.Fatalf("a faithful row differs in %q", d)
	}
	// A record without details matches a row holding the empty object.
	noDetail, emptyRow := rec, row
	noDetail.Detail, emptyRow.Detail = nil, map[string]any{}
	if d := differs(emptyRow, noDetail); d != "" {
		t.Fatalf("no details vs {} differs in %q", d)
	}
	cases := []struct {
		field  string
		tamper func(r *store.AuditRow)
	}{
		{"nøkkel", func(r *store.AuditRow) { r.Key += "x" }},
		{"sak", func(r *store.AuditRow) { r.CaseRef = "SAK-2026-0043" }},
		{"workflow", func(r *store.AuditRow) { r.WorkflowID = "SAK-2026-0042/barnevern" }},
		{"kjøring", func(r *store.AuditRow) { r.RunID = "run3" }},
		{"hvem", func(r *store.AuditRow) { r.Actor = "Ola (barnevern), U_OLA" }},
		{"hvem", func(r *store.AuditRow) { r.Actor = "U_KARI" }},             // the name dropped
		{"hvem", func(r *store.AuditRow) { r.Actor = "Kari (NAV), U_KARI" }}, // the name changed
		{"tjeneste", func(r *store.AuditRow) { r.ServiceID = "nav" }},
		{"handling", func(r *store.AuditRow) { r.Action = "sak_avsluttet" }},
		{"beskrivelse", func(r *store.AuditRow) { r.Summary = "Steg 1: barnevern." }},
		{"hjemmel", func(r *store.AuditRow) { r.LegalBasis = "bvl § 6-4" }},
		{"tidspunkt", func(r *store.AuditRow) { r.OccurredAt = r.OccurredAt.Add(time.Microsecond) }},
		{"detaljer", func(r *store.AuditRow) { r.Detail = map[string]any{"tjenester": []any{"nav"}, "antall": 2.0} }},
		{"detaljer", func(r *store.AuditRow) { r.Detail = map[string]any{"tjenester": []any{"barnevern"}, "antall": 3.0} }},
		{"detaljer", func(r *store.AuditRow) { r.Detail["ekstra"] = true }},
		{"detaljer", func(r *store.AuditRow) { r.Detail = map[string]any{} }},
	}
	for _, c := range cases {
		_, tampered := recordAndRow(t)
		c.tamper(&tampered)
		if got := differs(tampered, rec); got != c.field {
			t.Errorf("tampered %s: differs says %q", c.field, got)
		}
	}
	t.Logf("%d tamperings of %d fields, each named", len(cases), 12)
}

// TestCheckAnchors: a chain cut before an anchor's row, or with another hash there, is
// reported; anchors the chain still matches, or of an empty ledger, are not.
func TestCheckAnchors(t *testing.T) {
	rows := []store.AuditRow{{Seq: 1, Hash: "h1"}, {Seq: 2, Hash: "h2"}, {Seq: 3, Hash: "h3"}}
	at := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)
	ok := []Anchor{{Seq: 0, At: at}, {Seq: 2, Hash: "h2", At: at}, {Seq: 3, Hash: "h3", At: at}}
	if f := CheckAnchors(rows, ok); len(f) != 0 {
		t.Fatalf("matching anchors reported: %+v", f)
	}
	cut := CheckAnchors(rows, []Anchor{{Seq: 5, Hash: "h5", At: at, Source: "eksport"}})
	rewritten := CheckAnchors(rows, []Anchor{{Seq: 2, Hash: "gammel", At: at, Source: "Temporal"}})
	if len(cut) != 1 || cut[0].Seq != 5 || !contains(cut[0].Problem, "fjernet fra slutten") {
		t.Errorf("cut chain: %+v", cut)
	}
	if len(rewritten) != 1 || rewritten[0].Seq != 2 || !contains(rewritten[0].Problem, "skrevet om") {
		t.Errorf("rewritten chain: %+v", rewritten)
	}
	gap := CheckAnchors([]store.AuditRow{{Seq: 1, Hash: "h1"}, {Seq: 3, Hash: "h3"}}, []Anchor{{Seq: 2, Hash: "h2", At: at}})
	if len(gap) != 1 || !contains(gap[0].Problem, "mangler") {
		t.Errorf("row gone from the middle: %+v", gap)
	}
	t.Logf("findings: cut %d, rewritten %d, gap %d", len(cut), len(rewritten), len(gap))
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
