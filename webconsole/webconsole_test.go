package webconsole

import (
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/report"
	"github.com/samarbeid/samarbeid/store"
)

var keyUse = regexp.MustCompile(`"(konsoll2?\.[a-z_]+\.?[a-z_.]*)"`)

// Every catalogue key the console's code and templates name is in all three languages.
func TestEveryConsoleKeyInEveryLanguage(t *testing.T) {
	sources := map[string]string{}
	for _, pattern := range []string{"*.go", "templates/*.html"} {
		files, _ := fs.Glob(assetsAndCode, pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			buf, err := fs.ReadFile(assetsAndCode, f)
			if err != nil {
				t.Fatal(err)
			}
			sources[f] = string(buf)
		}
	}
	found := 0
	for f, src := range sources {
		for _, m := range keyUse.FindAllStringSubmatch(src, -1) {
			found++
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, m[1]) {
					t.Errorf("%s: %q is not in the %s catalogue", f, m[1], lang)
				}
			}
		}
	}
	if found < 100 {
		t.Fatalf("found only %d key uses; is the scan broken?", found)
	}
}

// assetsAndCode reads the package's own folder.
var assetsAndCode = os.DirFS(".")

var services = []store.Service{
	{ID: "barnevern", Name: "Barnevern", Sector: "barnevern"},
	{ID: "helsestasjon", Name: "Helsestasjon", Sector: "helse"},
	{ID: "fastlege", Name: "Fastlege", Sector: "helse"},
}

func TestCaseFilterQueryOnlyCarriesCheckedValues(t *testing.T) {
	q := url.Values{"sak": {"sak-2026-00"}, "steg": {"kontakt"}, "sektor": {"helse"}, "forfalt": {"ja"},
		"status": {"running"}, "fra": {"2026-01-01"}, "til": {"2026-02-01"}}
	f := parseCaseFilter(q, services)
	got := f.query(services)
	for _, want := range []string{
		"WorkflowType IN ('CollaborationDuty', 'CoordinatorAppointment', 'IndividualPlan')",
		"SamarbeidSak STARTS_WITH 'SAK-2026-00'", "SamarbeidSteg = 'kontakt'",
		"SamarbeidTjeneste IN ('helsestasjon', 'fastlege')", "SamarbeidForfalt = true",
		"ExecutionStatus = 'Running'", "StartTime >= '2025-12-31T23:00:00Z'", "StartTime < '2026-01-31T23:00:00Z'",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("query lacks %q:\n%s", want, got)
		}
	}
	if len(f.Problems) != 0 {
		t.Errorf("problems: %v", f.Problems)
	}

	// An outcome filter lists the cases the ledger closed with it.
	o := parseCaseFilter(url.Values{"utfall": {"ingen_andre_tjenester"}}, services)
	o.OutcomeRefs = []string{"SAK-2026-0001", "SAK-2026-0002"}
	if got := o.query(services); !strings.Contains(got, "SamarbeidSak IN ('SAK-2026-0001', 'SAK-2026-0002')") {
		t.Errorf("outcome query: %s", got)
	}

	// What is not on a list or matches no pattern never reaches the query.
	bad := parseCaseFilter(url.Values{"sak": {"x' OR '1'='1"}, "steg": {"x' OR 1=1"}, "tjeneste": {"ukjent'"},
		"sektor": {"nope"}, "status": {"Running' OR"}, "fra": {"i går"}, "utfall": {"x' OR '1'='1"}}, services)
	got = bad.query(services)
	if strings.Count(got, "'") != 6 || strings.Contains(got, " OR ") {
		t.Errorf("unchecked values in the query: %s", got)
	}
	if len(bad.Problems) != 2 {
		t.Errorf("want the reference and the date named as problems, got %v", bad.Problems)
	}
}

func TestOverviewRowsFilterAndPages(t *testing.T) {
	due := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	var many []overview.Case
	for i := 0; i < 120; i++ {
		many = append(many, overview.Case{Ref: fmt.Sprintf("SAK-2026-%04d", i), Deadline: due})
	}
	rep := overview.Report{Units: []overview.Unit{
		{ServiceID: "barnevern", Name: "Barnevern", Sector: "barnevern", Overdue: []overview.Case{{Ref: "SAK-1", Overdue: true, Deadline: due}}},
		{ServiceID: "helsestasjon", Name: "Helsestasjon", Sector: "helse", DueSoon: many},
	}}
	if rows := (overviewFilter{}).rows(rep); len(rows) != 121 || rows[0].Ref != "SAK-1" {
		t.Fatalf("unfiltered: %d rows, first %v", len(rows), rows[0])
	}
	if rows := (overviewFilter{Which: "forfalt"}).rows(rep); len(rows) != 1 || !rows[0].Overdue {
		t.Errorf("overdue only: %v", rows)
	}
	if rows := (overviewFilter{Sector: "helse", Which: "forfalt"}).rows(rep); len(rows) != 0 {
		t.Errorf("helse overdue: %v", rows)
	}
	if rows := (overviewFilter{Service: "helsestasjon"}).rows(rep); len(rows) != 120 {
		t.Errorf("one unit: %d", len(rows))
	}
	// Unlimited, in pages of 50: page 3 of 121 rows holds the last 21.
	p := paginate(httptest.NewRequest("GET", "/konsoll/?side=3", nil), 121)
	if p.Pages != 3 || p.First != 100 || p.Last != 121 || p.Next() != "" || p.Prev() != "2" {
		t.Errorf("page 3: %+v", p)
	}
	p = paginate(httptest.NewRequest("GET", "/konsoll/?side=99", nil), 121)
	if p.Page != 3 {
		t.Errorf("a page past the end shows the last: %+v", p)
	}
}

func TestChartsHaveTheirTables(t *testing.T) {
	var ind report.Indicators
	ind.Cases.Outcomes = map[string]int{"samarbeid_etablert": 3, "ingen_andre_tjenester": 2}
	ind.Escalations = map[string]int{"avklaring": 1}
	ind.Contacts = []report.SectorAnswers{{Sector: "helse", Sent: 4, Answered: 3, OnTime: report.Share{Count: 2, Of: 3}}}
	ind.ConsentCoverage = report.Share{Count: 4, Of: 4}
	ind.EscalationsByMonth = []report.MonthCount{{Month: "2026-10", Count: 0}, {Month: "2026-11", Count: 1}}
	ind.Coordinators.DaysToDecision = []report.BucketCount{{Bucket: report.DayBuckets[0], Count: 2}, {Bucket: report.DayBuckets[3], Count: 1}}
	ind.Coordinators.DaysToAccepted = []report.BucketCount{{Bucket: report.DayBuckets[0], Count: 0}, {Bucket: report.DayBuckets[3], Count: 1}}
	figs, err := indicatorCharts(i18n.For("nb"), ind)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 6 {
		t.Fatalf("%d charts", len(figs))
	}
	for _, f := range figs {
		if !strings.HasPrefix(string(f.SVG), "data:image/svg+xml;base64,") || len(f.Rows) == 0 {
			t.Errorf("%s: svg %d bytes, %d rows", f.TitleKey, len(f.SVG), len(f.Rows))
		}
	}
	if got := figs[0].Rows[0]; got[0] != "helse" || got[3] != "2 av 3 (67 %)" {
		t.Errorf("contacts table: %v", got)
	}
	if got := figs[2].Rows; len(got) != 2 || got[0][0] != "2026-10" || got[0][1] != "0" || got[1][1] != "1" {
		t.Errorf("escalations per month table: %v", got)
	}
	if got := figs[3].Rows; len(got) != 2 || strings.Join(got[1], " ") != "21+ 1 1" || strings.Join(got[0], " ") != "0–5 2 0" {
		t.Errorf("days distribution table: %v", got)
	}
	// Months and buckets that counted nothing draw no picture; their table keeps the zeros.
	ind.EscalationsByMonth = []report.MonthCount{{Month: "2026-10"}}
	ind.Coordinators.DaysToDecision = []report.BucketCount{{Bucket: report.DayBuckets[0]}}
	ind.Coordinators.DaysToAccepted = []report.BucketCount{{Bucket: report.DayBuckets[0]}}
	zeros, err := indicatorCharts(i18n.For("nb"), ind)
	if err != nil {
		t.Fatal(err)
	}
	if zeros[2].SVG != "" || zeros[3].SVG != "" || len(zeros[2].Rows) != 1 || len(zeros[3].Rows) != 1 {
		t.Errorf("zeros: svg %d and %d bytes, %d and %d rows", len(zeros[2].SVG), len(zeros[3].SVG), len(zeros[2].Rows), len(zeros[3].Rows))
	}
	// Nothing to draw gives no picture, and the table says so.
	empty, err := indicatorCharts(i18n.For("nb"), report.Indicators{})
	if err != nil {
		t.Fatal(err)
	}
	if empty[0].SVG != "" || empty[1].SVG != "" || empty[2].SVG != "" || empty[3].SVG != "" {
		t.Errorf("an empty period drew a chart")
	}
}
