// Package report computes the indicators a coordinating unit steers by (DOMAIN.md, "What a
// KE and an auditor want to see") from the audit ledger, over a period.
package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// Source is what the report reads.
type Source interface {
	AuditRows(ctx context.Context) ([]store.AuditRow, error)
	Services(ctx context.Context) ([]store.Service, error)
}

// Indicators for one period.
type Indicators struct {
	From  time.Time `json:"fra"`
	To    time.Time `json:"til"`
	Cases struct {
		Opened    int            `json:"opprettet"`
		Closed    int            `json:"avsluttet"`
		Outcomes  map[string]int `json:"utfall"`
		MedianDay float64        `json:"median_virkedager_til_avsluttet"`
	} `json:"saker"`
	// Contacts holds contact requests answered, by the contacted service's sector.
	Contacts []SectorAnswers `json:"kontaktforesporsler"`
	// Escalations counts deadlines passed, by the step that was late.
	Escalations map[string]int `json:"eskaleringer"`
	// EscalationsByMonth counts the same escalations by calendar month (Oslo time), every
	// month of the period in order, months without any as 0.
	EscalationsByMonth []MonthCount `json:"eskaleringer_per_maned"`
	// ConsentCoverage is the share of contact requests with a consent or statutory basis
	// recorded for that service before the request.
	ConsentCoverage Share                 `json:"samtykkedekning"`
	Coordinators    CoordinatorIndicators `json:"koordinatorer"`
	// PlansRevisedOnTime is the share of individual-plan revisions done by their date.
	PlansRevisedOnTime Share `json:"individuelle_planer_revidert_i_tide"`
}

// CoordinatorIndicators are the KE's figures for coordinator requests.
type CoordinatorIndicators struct {
	Requests map[string]int `json:"foresporsler"` // by kind
	// MedianDaysToDecision and MedianDaysToAccepted are working days from the request; -1
	// when there is nothing to measure.
	MedianDaysToDecision float64 `json:"median_virkedager_til_vedtak"`
	MedianDaysToAccepted float64 `json:"median_virkedager_til_godtatt_koordinator"`
	// DaysToDecision and DaysToAccepted are the same working days as distributions over
	// DayBuckets, so a long tail shows where a median hides it.
	DaysToDecision []BucketCount `json:"virkedager_til_vedtak_fordeling"`
	DaysToAccepted []BucketCount `json:"virkedager_til_godtatt_koordinator_fordeling"`
	// DecidedAfterMonth counts first decisions given more than one month after the request.
	DecidedAfterMonth int `json:"vedtak_etter_en_maned"`
	// ProvisionalOnTime: provisional answers sent within the month (fvl § 11 a).
	ProvisionalOnTime Share `json:"forelopig_svar_i_tide"`
	Appeals           int   `json:"klager"`
	AppealsGranted    int   `json:"klager_tatt_til_folge"`
	AppealsForwarded  int   `json:"klager_oversendt_statsforvalteren"`
	// ChildGrantedWithCoordinator: granted child coordinators who have an accepted one.
	ChildGrantedWithCoordinator Share `json:"barnekoordinator_innvilget_med_koordinator"`
}

// SectorAnswers counts answers to contact requests in one sector.
type SectorAnswers struct {
	Sector   string `json:"sektor"`
	Sent     int    `json:"sendt"`
	Answered int    `json:"besvart"`
	OnTime   Share  `json:"besvart_innen_frist"`
}

// MonthCount is a count in one calendar month, "2026-11".
type MonthCount struct {
	Month string `json:"maned"`
	Count int    `json:"antall"`
}

// BucketCount is how many fell in one bucket of working days.
type BucketCount struct {
	Bucket Bucket `json:"virkedager"`
	Count  int    `json:"antall"`
}

// Bucket is a range of working days, To included; To -1 has no upper end.
type Bucket struct {
	From int `json:"fra"`
	To   int `json:"til"`
}

func (b Bucket) String() string {
	if b.To < 0 {
		return fmt.Sprintf("%d+", b.From)
	}
	return fmt.Sprintf("%d–%d", b.From, b.To)
}

// DayBuckets are the working-day ranges the distributions count in: about a week, two
// weeks, a month, and longer.
var DayBuckets = []Bucket{{0, 5}, {6, 10}, {11, 20}, {21, -1}}

// distribution counts days over DayBuckets.
func distribution(days []int) []BucketCount {
	out := make([]BucketCount, len(DayBuckets))
	for i, b := range DayBuckets {
		out[i].Bucket = b
	}
	for _, d := range days {
		for i, b := range DayBuckets {
			if d >= b.From && (b.To < 0 || d <= b.To) {
				out[i].Count++
				break
			}
		}
	}
	return out
}

// months lists every calendar month (Oslo time) that [from, to) touches, "2026-11", in order.
func months(from, to time.Time) []MonthCount {
	var out []MonthCount
	f := from.In(calendar.Oslo)
	last := to.Add(-time.Nanosecond).In(calendar.Oslo)
	for m := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, calendar.Oslo); !m.After(last); m = m.AddDate(0, 1, 0) {
		out = append(out, MonthCount{Month: m.Format("2006-01")})
	}
	return out
}

// Share is a count out of a total.
type Share struct {
	Count int `json:"antall"`
	Of    int `json:"av"`
}

// Percent is the share in percent, or -1 when there is nothing to count.
func (s Share) Percent() float64 {
	if s.Of == 0 {
		return -1
	}
	return 100 * float64(s.Count) / float64(s.Of)
}

func (s Share) String() string {
	if s.Of == 0 {
		return "–"
	}
	return fmt.Sprintf("%d av %d (%.0f %%)", s.Count, s.Of, s.Percent())
}

// Compute reads the ledger and counts what happened in [from, to).
func Compute(ctx context.Context, src Source, from, to time.Time) (Indicators, error) {
	var ind Indicators
	ind.From, ind.To = from, to
	ind.Cases.Outcomes = map[string]int{}
	ind.Escalations = map[string]int{}
	if !to.After(from) {
		return ind, fmt.Errorf("perioden er tom: til-datoen må være etter fra-datoen")
	}
	ind.EscalationsByMonth = months(from, to)
	monthIndex := map[string]int{}
	for i, m := range ind.EscalationsByMonth {
		monthIndex[m.Month] = i
	}
	services, err := src.Services(ctx)
	if err != nil {
		return ind, err
	}
	sector := map[string]string{}
	for _, s := range services {
		sector[s.ID] = s.Sector
	}
	rows, err := src.AuditRows(ctx)
	if err != nil {
		return ind, err
	}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	opened := map[string]time.Time{} // by workflow, over the whole ledger: a case may open before the period
	hasBasis := map[string]bool{}    // case|service with consent or statutory basis so far
	bySector := map[string]*SectorAnswers{}
	sectorOf := func(service string) *SectorAnswers {
		name := sector[service]
		if name == "" {
			name = "ukjent"
		}
		if bySector[name] == nil {
			bySector[name] = &SectorAnswers{Sector: name}
		}
		return bySector[name]
	}
	var closeDays []int
	for _, r := range rows {
		key := r.CaseRef + "|" + r.ServiceID
		switch r.Action {
		case "sak_opprettet":
			opened[r.WorkflowID] = r.OccurredAt
			if in(r.OccurredAt) {
				ind.Cases.Opened++
			}
		case "samtykke_registrert":
			hasBasis[key] = r.Detail["grunnlag"] == "samtykke" || r.Detail["grunnlag"] == "lovhjemmel"
		}
		if !in(r.OccurredAt) {
			continue
		}
		switch r.Action {
		case "sak_avsluttet":
			ind.Cases.Closed++
			if outcome, _ := r.Detail["utfall"].(string); outcome != "" {
				ind.Cases.Outcomes[outcome]++
			}
			if start, ok := opened[r.WorkflowID]; ok {
				closeDays = append(closeDays, calendar.WorkingDaysBetween(start, r.OccurredAt))
			}
		case "kontakt_forespurt":
			sectorOf(r.ServiceID).Sent++
			ind.ConsentCoverage.Of++
			if hasBasis[key] {
				ind.ConsentCoverage.Count++
			}
		case "kontakt_godtatt", "kontakt_avslått", "kontakt_ikke_vår":
			s := sectorOf(r.ServiceID)
			s.Answered++
			s.OnTime.Of++
			if r.Detail["innen_frist"] == true {
				s.OnTime.Count++
			}
		case "frist_oversittet":
			step := stepOf(r.Summary)
			ind.Escalations[step]++
			if i, ok := monthIndex[r.OccurredAt.In(calendar.Oslo).Format("2006-01")]; ok {
				ind.EscalationsByMonth[i].Count++
			}
		}
	}
	ind.Cases.MedianDay = median(closeDays)
	ind.Coordinators = coordinatorIndicators(rows, in)
	for _, r := range rows {
		if r.Action == "plan_revidert" && in(r.OccurredAt) {
			ind.PlansRevisedOnTime.Of++
			if r.Detail["innen_frist"] == true {
				ind.PlansRevisedOnTime.Count++
			}
		}
	}
	for _, s := range bySector {
		ind.Contacts = append(ind.Contacts, *s)
	}
	sort.Slice(ind.Contacts, func(i, j int) bool { return ind.Contacts[i].Sector < ind.Contacts[j].Sector })
	return ind, nil
}

// coordinatorIndicators follows each coordinator request through its workflow's rows.
func coordinatorIndicators(rows []store.AuditRow, in func(time.Time) bool) CoordinatorIndicators {
	ci := CoordinatorIndicators{Requests: map[string]int{}}
	type request struct {
		kind                      string
		opened, decided, accepted time.Time
		granted, appealed         bool
		provisionalDue            time.Time // the month as the case counted it (fvl § 11 a, from receipt)
	}
	reqs := map[string]*request{}
	var toDecision, toAccepted []int
	for _, r := range rows {
		if !strings.HasPrefix(r.WorkflowID, "koordinator/") {
			continue
		}
		q := reqs[r.WorkflowID]
		if q == nil {
			q = &request{kind: r.WorkflowID[strings.LastIndex(r.WorkflowID, "/")+1:]}
			reqs[r.WorkflowID] = q
		}
		switch r.Action {
		case "koordinator_forespurt":
			q.opened = r.OccurredAt
			q.provisionalDue = q.opened.AddDate(0, 1, 0) // cases before docs/FRISTER.md
			switch v := r.Detail["foreløpig_svar_frist"].(type) {
			case time.Time:
				q.provisionalDue = v
			case string:
				if due, err := time.Parse(time.RFC3339Nano, v); err == nil {
					q.provisionalDue = due
				}
			}
			if in(r.OccurredAt) {
				ci.Requests[q.kind]++
			}
		case "koordinator_innvilget", "koordinator_avslått":
			if q.appealed && r.Action == "koordinator_innvilget" && in(r.OccurredAt) {
				ci.AppealsGranted++
			}
			q.granted = q.granted || r.Action == "koordinator_innvilget"
			if q.decided.IsZero() {
				q.decided = r.OccurredAt
				if in(r.OccurredAt) && !q.opened.IsZero() {
					toDecision = append(toDecision, calendar.WorkingDaysBetween(q.opened, r.OccurredAt))
					if r.OccurredAt.After(q.provisionalDue) {
						ci.DecidedAfterMonth++
					}
				}
			}
		case "foreløpig_svar_sendt":
			if in(r.OccurredAt) && !q.opened.IsZero() {
				ci.ProvisionalOnTime.Of++
				if !r.OccurredAt.After(q.provisionalDue) {
					ci.ProvisionalOnTime.Count++
				}
			}
		case "oppnevning_godtatt":
			if q.accepted.IsZero() {
				q.accepted = r.OccurredAt
				if in(r.OccurredAt) && !q.opened.IsZero() {
					toAccepted = append(toAccepted, calendar.WorkingDaysBetween(q.opened, r.OccurredAt))
				}
			}
		case "klage_mottatt", "klage_mottatt_for_sent", "klage_avvist_for_sent": // a late appeal is an appeal too (fvl § 31)
			q.appealed = true
			if in(r.OccurredAt) {
				ci.Appeals++
			}
		case "klage_oversendt_statsforvalteren":
			if in(r.OccurredAt) {
				ci.AppealsForwarded++
			}
		}
	}
	for _, q := range reqs {
		if q.kind == "barnekoordinator" && q.granted && in(q.decided) {
			ci.ChildGrantedWithCoordinator.Of++
			if !q.accepted.IsZero() {
				ci.ChildGrantedWithCoordinator.Count++
			}
		}
	}
	ci.MedianDaysToDecision, ci.MedianDaysToAccepted = median(toDecision), median(toAccepted)
	ci.DaysToDecision, ci.DaysToAccepted = distribution(toDecision), distribution(toAccepted)
	return ci
}

// stepOf reads the step from an escalation's summary ("Frist for vurdering hos ..."); the
// ledger's detail does not carry it on rows written before it did.
func stepOf(summary string) string {
	rest, ok := strings.CutPrefix(summary, "Frist for ")
	if !ok {
		return "ukjent"
	}
	step, _, _ := strings.Cut(rest, " ")
	return step
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return -1
	}
	sort.Ints(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return float64(xs[m])
	}
	return float64(xs[m-1]+xs[m]) / 2
}

// Formats the report can be written in.
var Formats = []string{"tabell", "csv", "json"}

// Write renders the indicators.
func Write(w io.Writer, ind Indicators, format string) error {
	switch format {
	case "tabell", "table", "":
		return writeTable(w, ind)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(ind)
	case "csv":
		cw := csv.NewWriter(w)
		for _, row := range rows(ind) {
			_ = cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("ukjent format %q; velg et av %s", format, strings.Join(Formats, ", "))
}

// rows flattens the indicators as (indikator, grupppe, verdi) for CSV and the table.
func rows(ind Indicators) [][]string {
	out := [][]string{{"indikator", "gruppe", "verdi"}}
	add := func(name, group, value string) { out = append(out, []string{name, group, value}) }
	add("saker opprettet", "", fmt.Sprint(ind.Cases.Opened))
	add("saker avsluttet", "", fmt.Sprint(ind.Cases.Closed))
	for _, k := range sortedKeys(ind.Cases.Outcomes) {
		add("utfall", k, fmt.Sprint(ind.Cases.Outcomes[k]))
	}
	if ind.Cases.MedianDay >= 0 {
		add("virkedager fra opprettet til avsluttet (median)", "", fmt.Sprintf("%.1f", ind.Cases.MedianDay))
	}
	for _, s := range ind.Contacts {
		add("kontaktforespørsler sendt", s.Sector, fmt.Sprint(s.Sent))
		add("besvart innen frist", s.Sector, s.OnTime.String())
	}
	for _, k := range sortedKeys(ind.Escalations) {
		add("eskaleringer til koordinerende enhet", k, fmt.Sprint(ind.Escalations[k]))
	}
	for _, m := range ind.EscalationsByMonth {
		add("eskaleringer per måned", m.Month, fmt.Sprint(m.Count))
	}
	add("samtykkedekning ved kontakt", "", ind.ConsentCoverage.String())
	c := ind.Coordinators
	for _, k := range sortedKeys(c.Requests) {
		add("koordinatorforespørsler", k, fmt.Sprint(c.Requests[k]))
	}
	if c.MedianDaysToDecision >= 0 {
		add("virkedager fra forespørsel til vedtak (median)", "", fmt.Sprintf("%.1f", c.MedianDaysToDecision))
	}
	if c.MedianDaysToAccepted >= 0 {
		add("virkedager fra forespørsel til godtatt koordinator (median)", "", fmt.Sprintf("%.1f", c.MedianDaysToAccepted))
	}
	for _, b := range c.DaysToDecision {
		add("virkedager fra forespørsel til vedtak", b.Bucket.String(), fmt.Sprint(b.Count))
	}
	for _, b := range c.DaysToAccepted {
		add("virkedager fra forespørsel til godtatt koordinator", b.Bucket.String(), fmt.Sprint(b.Count))
	}
	add("vedtak senere enn én måned", "", fmt.Sprint(c.DecidedAfterMonth))
	add("foreløpig svar innen én måned (fvl § 11 a)", "", c.ProvisionalOnTime.String())
	add("klager", "", fmt.Sprint(c.Appeals))
	add("klager tatt til følge", "", fmt.Sprint(c.AppealsGranted))
	add("klager oversendt Statsforvalteren", "", fmt.Sprint(c.AppealsForwarded))
	add("innvilget barnekoordinator med godtatt koordinator", "", c.ChildGrantedWithCoordinator.String())
	add("individuelle planer revidert i tide", "", ind.PlansRevisedOnTime.String())
	return out
}

func writeTable(w io.Writer, ind Indicators) error {
	fmt.Fprintf(w, "Indikatorer for samarbeid og koordinering %s til %s\n\n", ind.From.Format("02.01.2006"), ind.To.Add(-time.Nanosecond).Format("02.01.2006"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, r := range rows(ind) {
		if i == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r[0], r[1], r[2])
	}
	return tw.Flush()
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
