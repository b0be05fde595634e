package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

type fakeSource struct{ rows []store.AuditRow }

func (f fakeSource) AuditRows(context.Context) ([]store.AuditRow, error) { return f.rows, nil }
func (f fakeSource) Services(context.Context) ([]store.Service, error) {
	return []store.Service{{ID: "skole", Sector: "skole og PPT"}, {ID: "nav", Sector: "NAV"}, {ID: "helsestasjon", Sector: "kommunal helse og omsorg"}}, nil
}

func day(d int, hour int) time.Time { return time.Date(2026, 11, d, hour, 0, 0, 0, calendar.Oslo) }

func row(wf, ref, service, action string, at time.Time, detail map[string]any, summary string) store.AuditRow {
	return store.AuditRow{AuditEntry: store.AuditEntry{WorkflowID: wf, CaseRef: ref, ServiceID: service, Action: action,
		OccurredAt: at, Detail: detail, Summary: summary}}
}

func TestCompute(t *testing.T) {
	src := fakeSource{rows: []store.AuditRow{
		// Case 1 opened before the period (2 Nov), closed inside it.
		row("w1", "SAK-1", "helsestasjon", "sak_opprettet", day(2, 9), nil, ""),
		row("w1", "SAK-1", "skole", "samtykke_registrert", day(3, 9), map[string]any{"grunnlag": "samtykke"}, ""),
		row("w1", "SAK-1", "skole", "kontakt_forespurt", day(16, 9), nil, ""),
		row("w1", "SAK-1", "skole", "kontakt_godtatt", day(17, 9), map[string]any{"innen_frist": true}, ""),
		row("w1", "SAK-1", "helsestasjon", "sak_avsluttet", day(17, 9), map[string]any{"utfall": "kontakt_avklart"}, ""),
		// Case 2 inside the period: NAV refused consent, then a statutory basis; answered late.
		row("w2", "SAK-2", "helsestasjon", "sak_opprettet", day(16, 9), nil, ""),
		row("w2", "SAK-2", "nav", "samtykke_registrert", day(16, 10), map[string]any{"grunnlag": "nektet"}, ""),
		row("w2", "SAK-2", "nav", "samtykke_registrert", day(16, 11), map[string]any{"grunnlag": "lovhjemmel"}, ""),
		row("w2", "SAK-2", "nav", "kontakt_forespurt", day(16, 12), nil, ""),
		row("w2", "SAK-2", "nav", "frist_oversittet", day(23, 12), nil, "Frist for svar hos nav gikk ut mandag 23.11.2026 kl. 12:00; eskalert"),
		row("w2", "SAK-2", "nav", "kontakt_avslått", day(24, 9), map[string]any{"innen_frist": false}, ""),
		// Case 3: step 1 late, still open.
		row("w3", "SAK-3", "helsestasjon", "sak_opprettet", day(16, 9), nil, ""),
		row("w3", "SAK-3", "helsestasjon", "frist_oversittet", day(23, 9), nil, "Frist for avklaring hos helsestasjon gikk ut"),
		// Outside the period: not counted.
		row("w4", "SAK-4", "helsestasjon", "sak_opprettet", day(30, 9), nil, ""),
	}}
	ind, err := Compute(context.Background(), src, day(16, 0), day(30, 0))
	if err != nil {
		t.Fatal(err)
	}
	if ind.Cases.Opened != 2 || ind.Cases.Closed != 1 || ind.Cases.Outcomes["kontakt_avklart"] != 1 {
		t.Errorf("cases %+v", ind.Cases)
	}
	if want := float64(calendar.WorkingDaysBetween(day(2, 9), day(17, 9))); ind.Cases.MedianDay != want {
		t.Errorf("median %v, want %v", ind.Cases.MedianDay, want)
	}
	if len(ind.Contacts) != 2 || ind.Contacts[0].Sector != "NAV" || ind.Contacts[0].OnTime != (Share{0, 1}) || ind.Contacts[1].OnTime != (Share{1, 1}) {
		t.Errorf("contacts %+v", ind.Contacts)
	}
	if ind.Escalations["svar"] != 1 || ind.Escalations["avklaring"] != 1 {
		t.Errorf("escalations %v", ind.Escalations)
	}
	if ind.ConsentCoverage != (Share{2, 2}) {
		t.Errorf("coverage %+v", ind.ConsentCoverage)
	}

	var table, js, cs bytes.Buffer
	for buf, format := range map[*bytes.Buffer]string{&table: "tabell", &js: "json", &cs: "csv"} {
		if err := Write(buf, ind, format); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(table.String(), "besvart innen frist") || !strings.Contains(table.String(), "0 av 1 (0 %)") {
		t.Errorf("table:\n%s", table.String())
	}
	var back Indicators
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.ConsentCoverage.Count != 2 {
		t.Errorf("json %v %s", err, js.String())
	}
	recs, err := csv.NewReader(&cs).ReadAll()
	if err != nil || recs[0][0] != "indikator" || len(recs) < 8 {
		t.Errorf("csv %v %q", err, recs)
	}
	if _, err := Compute(context.Background(), src, day(30, 0), day(16, 0)); err == nil {
		t.Error("empty period accepted")
	}
}

func TestConsentCoverageCountsMissingBasis(t *testing.T) {
	// A request recorded without a basis before it (as a hand-edited or imported ledger might
	// hold) lowers the coverage; the workflow itself never sends one.
	src := fakeSource{rows: []store.AuditRow{
		row("w", "SAK-9", "skole", "kontakt_forespurt", day(17, 9), nil, ""),
		row("w", "SAK-9", "skole", "samtykke_registrert", day(17, 10), map[string]any{"grunnlag": "samtykke"}, ""),
	}}
	ind, err := Compute(context.Background(), src, day(16, 0), day(30, 0))
	if err != nil || ind.ConsentCoverage != (Share{0, 1}) {
		t.Fatalf("%+v %v", ind.ConsentCoverage, err)
	}
}

func TestCoordinatorAndPlanIndicators(t *testing.T) {
	child, adult := "koordinator/SAK-5/barnekoordinator", "koordinator/SAK-6/koordinator"
	src := fakeSource{rows: []store.AuditRow{
		// A child coordinator: requested 2 Nov, provisional answer on time, granted 20 Nov, accepted 24 Nov.
		row(child, "SAK-5", "ke", "koordinator_forespurt", day(2, 9), nil, ""),
		row(child, "SAK-5", "ke", "foreløpig_svar_sendt", day(16, 9), nil, ""),
		row(child, "SAK-5", "ke", "koordinator_innvilget", day(20, 9), nil, ""),
		row(child, "SAK-5", "skole", "oppnevning_godtatt", day(24, 9), nil, ""),
		// A coordinator refused 17 Nov, appealed, granted on reassessment 19 Nov.
		row(adult, "SAK-6", "ke", "koordinator_forespurt", day(16, 9), nil, ""),
		row(adult, "SAK-6", "ke", "koordinator_avslått", day(17, 9), nil, ""),
		row(adult, "SAK-6", "ke", "klage_mottatt", day(18, 9), nil, ""),
		row(adult, "SAK-6", "ke", "koordinator_innvilget", day(19, 9), nil, ""),
		// Plans: one revision on time, one late.
		row("individuell-plan/SAK-5", "SAK-5", "skole", "plan_revidert", day(18, 9), map[string]any{"innen_frist": true}, ""),
		row("individuell-plan/SAK-7", "SAK-7", "skole", "plan_revidert", day(19, 9), map[string]any{"innen_frist": false}, ""),
	}}
	ind, err := Compute(context.Background(), src, day(16, 0), day(30, 0))
	if err != nil {
		t.Fatal(err)
	}
	c := ind.Coordinators
	if c.Requests["koordinator"] != 1 || c.Requests["barnekoordinator"] != 0 { // SAK-5 was requested before the period
		t.Errorf("requests %v", c.Requests)
	}
	// Decisions in the period: SAK-5 after 14 working days, SAK-6 after 1.
	if want := float64(calendar.WorkingDaysBetween(day(2, 9), day(20, 9))+1) / 2; c.MedianDaysToDecision != want {
		t.Errorf("median to decision %v, want %v", c.MedianDaysToDecision, want)
	}
	if want := float64(calendar.WorkingDaysBetween(day(2, 9), day(24, 9))); c.MedianDaysToAccepted != want {
		t.Errorf("median to accepted %v, want %v", c.MedianDaysToAccepted, want)
	}
	if c.ProvisionalOnTime != (Share{1, 1}) || c.DecidedAfterMonth != 0 {
		t.Errorf("provisional %+v, after a month %d", c.ProvisionalOnTime, c.DecidedAfterMonth)
	}
	if c.Appeals != 1 || c.AppealsGranted != 1 || c.AppealsForwarded != 0 {
		t.Errorf("appeals %+v", c)
	}
	if c.ChildGrantedWithCoordinator != (Share{1, 1}) {
		t.Errorf("child coordinators %+v", c.ChildGrantedWithCoordinator)
	}
	if ind.PlansRevisedOnTime != (Share{1, 2}) {
		t.Errorf("plans %+v", ind.PlansRevisedOnTime)
	}
	var table bytes.Buffer
	if err := Write(&table, ind, "tabell"); err != nil || !strings.Contains(table.String(), "klager tatt til følge") {
		t.Fatalf("%v\n%s", err, table.String())
	}
}
