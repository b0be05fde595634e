package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// runShortCase takes a case to "no other services" and waits for it to close.
func runShortCase(t *testing.T, a *App) string {
	t.Helper()
	sl := a.SlackLocal
	ref := openCase(t, sl)
	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"ingen": {"verdi": {Selected: []string{"ingen"}}}})
	ctx := context.Background()
	var st workflows.Status
	if err := a.Temporal.GetWorkflow(ctx, workflows.WorkflowID(ref, "helsestasjon"), "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestAuditTimelineAndVerify(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	ref := runShortCase(t, a)
	other := runShortCase(t, a)

	entries, err := audit.Timeline(ctx, a.Store, ref)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Action != "sak_opprettet" || entries[2].Action != "sak_avsluttet" {
		t.Fatalf("timeline %+v", entries)
	}
	if entries[0].Service != "Helsestasjon og skolehelsetjeneste" || entries[0].Who != "Kari (helsestasjon), "+kari {
		t.Errorf("first entry names %q / %q", entries[0].Service, entries[0].Who)
	}
	for _, format := range audit.Formats {
		var buf bytes.Buffer
		if err := audit.Write(&buf, ref, entries, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		out := buf.String()
		switch format {
		case "json":
			var doc struct{ Beslutninger []audit.Entry }
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Beslutninger) != 3 {
				t.Fatalf("json: %v %s", err, out)
			}
		case "csv":
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 4 || recs[0][1] != "tidspunkt" {
				t.Fatalf("csv: %v %q", err, recs)
			}
		case "html":
			if !strings.Contains(out, "<table>") || !strings.Contains(out, "Tidslinje for sak "+ref) || strings.Contains(out, "<script") {
				t.Fatalf("html: %s", out)
			}
		default:
			if !strings.Contains(out, "Hjemmel: helse- og omsorgstjenesteloven § 3-4") {
				t.Fatalf("text: %s", out)
			}
		}
	}
	if err := audit.Write(&bytes.Buffer{}, ref, entries, "pdf"); err == nil {
		t.Error("unknown format accepted")
	}

	// The export of today's period holds both cases with their whole timelines; yesterday's holds none.
	today := time.Now().In(calendar.Oslo).Truncate(24 * time.Hour)
	cases, err := audit.Export(ctx, a.Store, today.Add(-24*time.Hour), today.Add(48*time.Hour))
	if err != nil || len(cases) != 2 || len(cases[0].Decisions) != 3 {
		t.Fatalf("export %+v %v", cases, err)
	}
	if none, err := audit.Export(ctx, a.Store, today.Add(-72*time.Hour), today.Add(-48*time.Hour)); err != nil || len(none) != 0 {
		t.Fatalf("export of an empty period %+v %v", none, err)
	}
	var exp bytes.Buffer
	if err := audit.WriteExport(&exp, today, today, cases, "csv"); err != nil || strings.Count(exp.String(), "\n") != 7 {
		t.Fatalf("export csv %v:\n%s", err, exp.String())
	}

	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Rows != 6 || rep.Reconciled != 6 || rep.Workflows != 2 {
		t.Fatalf("clean ledger: %+v", rep)
	}

	// Tamper with a row behind the trigger's back, as a superuser could.
	tamper(t, a, func(tx pgx.Tx) {
		if _, err := tx.Exec(ctx, `UPDATE audit_ledger SET summary = 'Steg 1: andre tjenester som gir tjenester: barnevern.' WHERE case_ref = $1 AND action = 'steg1_avklart'`, other); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM audit_ledger WHERE case_ref = $1 AND action = 'sak_avsluttet'`, ref); err != nil {
			t.Fatal(err)
		}
	})
	rep, err = audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, f := range rep.Findings {
		problems = append(problems, f.Problem)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{"mangler rad", "avviker fra Temporal-historikken: beskrivelse", "mangler i revisjonsloggen"} {
		if !strings.Contains(all, want) {
			t.Errorf("verify did not report %q; findings:\n%s", want, all)
		}
	}
}
