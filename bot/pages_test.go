package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// The sizes a large municipality could reach: hundreds of services and people, hundreds of
// waiting tasks, and an overview of hundreds of units with overdue cases.
const (
	manyServices = 350 // in 6 sectors, one of them with 150
	manyStaff    = 600
	manyTasks    = 500
)

func bigDirectory() []store.Service {
	sectors := []string{"Helse og omsorg", "Oppvekst", "NAV", "Kultur", "Teknisk", "Spesialisthelsetjenesten"}
	var out []store.Service
	for i := range manyServices {
		sector := sectors[i%5]
		if i >= 200 {
			sector = sectors[5] // 150 in one sector: more than one group of 100
		}
		out = append(out, store.Service{ID: fmt.Sprintf("tjeneste-%03d", i), Sector: sector, SlackChannel: "C_SKOLE",
			Name: fmt.Sprintf("Tjeneste nummer %d med et langt navn som går forbi det Slack viser i et valg, for å prøve kuttet", i)})
	}
	return out
}

// bigDir is a directory with bigDirectory's services and manyStaff people.
type bigDir struct{ nobody }

func (bigDir) Services(context.Context) ([]store.Service, error) { return bigDirectory(), nil }
func (bigDir) StaffList(context.Context) ([]store.Staff, error) {
	var out []store.Staff
	for i := range manyStaff {
		out = append(out, store.Staff{SlackUserID: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("Ansatt %d Etternavnsen", i),
			ServiceIDs: []string{fmt.Sprintf("tjeneste-%03d", i%manyServices), "helsestasjon"}, Roles: []string{"revisor"}})
	}
	return out, nil
}
func (bigDir) AdminSetStaff(context.Context, string, store.Staff) error      { return nil }
func (bigDir) AdminSetRoles(context.Context, string, string, []string) error { return nil }
func (bigDir) AdminSetChannel(context.Context, string, string, string) error { return nil }

func checkView(t *testing.T, name string, view any) []byte {
	t.Helper()
	raw, err := json.Marshal(view)
	if err != nil {
		t.Fatal(err)
	}
	if errs := slacklocal.CheckView(raw); len(errs) > 0 {
		t.Errorf("%s: Slack would refuse it: %s", name, strings.Join(errs, "\n"))
	}
	return raw
}

// TestServiceSelectsWithHundredsOfServices: every modal that offers the directory's services
// is one Slack takes with 350 of them, and offers them all.
func TestServiceSelectsWithHundredsOfServices(t *testing.T) {
	tr := i18n.For("nb")
	b := New(Config{Directory: bigDir{}})
	services, err := b.otherServices(context.Background(), "")
	if err != nil || len(services) != manyServices {
		t.Fatalf("%d services, %v", len(services), err)
	}
	plan, err := b.planChangeView(context.Background(), tr, workflows.PlanStatus{CaseRef: "SAK-2026-0001"}, metadata{})
	if err != nil {
		t.Fatal(err)
	}
	for name, view := range map[string]slack.ModalViewRequest{
		"avklaring":        clarifyView(tr, "SAK-2026-0001", services, metadata{}),
		"ikke vår":         notOursView(tr, "SAK-2026-0001", services, metadata{}),
		"koordinatorønske": coordWishView(tr, workflows.CoordinatorStatus{}, services, metadata{}),
		"bytt koordinator": plan,
	} {
		raw := checkView(t, name, view)
		for _, s := range services { // each service is still offered
			if !strings.Contains(string(raw), `"value":"`+s.ID+`"`) {
				t.Errorf("%s: %s is not offered", name, s.ID)
				break
			}
		}
		if !strings.Contains(string(raw), `"option_groups"`) || !strings.Contains(string(raw), "Spesialisthelsetjenesten (2)") {
			t.Errorf("%s: 350 services are not grouped by sector, a large sector in parts", name)
		}
	}
	// A short list stays a plain list.
	raw := checkView(t, "kort liste", clarifyView(tr, "SAK-2026-0001", services[:20], metadata{}))
	if strings.Contains(string(raw), "option_groups") {
		t.Error("20 services grouped; a list is plainer")
	}
}

// TestHomeTabWithHundredsOfTasks: a Home tab with 500 tasks and an overview of hundreds of
// units is one Slack takes; the tasks left out are counted.
func TestHomeTabWithHundredsOfTasks(t *testing.T) {
	tr := i18n.For("nb")
	tasks := make([]task, manyTasks)
	for i := range tasks {
		ref := fmt.Sprintf("SAK-2026-%04d", i)
		tasks[i] = task{text: tr.T("mine.assess", "Ref", ref, "Service", "Tjeneste", "Date", time.Now()),
			action: actionAssess, value: buttonValue(ref, "skole"), label: tr.T("mine.button_assess"), primary: true}
	}
	report := bigReport()
	notes := []string{tr.N("mine.ke", 900, "DueSoon", 300, "Days", soonWorkingDays)}
	blocks := homeBlocks(tr, tasks, notes, &report, []string{"Svaret er registrert."}, time.Now())
	raw := checkView(t, "Hjem-fanen", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
	if want := tr.N("mine.more", manyTasks-homeTaskLimit); !strings.Contains(string(raw), want) {
		t.Errorf("the tasks left out are not counted (%q)", want)
	}
	t.Logf("Hjem-fanen med %d oppgaver og %d enheter i oversikten: %d blokker, %d byte", manyTasks, len(report.Units), len(blocks), len(raw))
}

// bigReport is an overview of 50 sectors of 30 units, each with 12 overdue cases.
func bigReport() overview.Report {
	r := overview.Report{At: time.Now(), Horizon: time.Now().Add(72 * time.Hour)}
	for s := range 50 {
		for u := range 30 {
			unit := overview.Unit{ServiceID: fmt.Sprintf("s%d-u%d", s, u), Sector: fmt.Sprintf("Sektor %d", s),
				Name: fmt.Sprintf("Enhet %d i sektor %d med et navn av vanlig lengde", u, s)}
			for c := range 12 {
				unit.Overdue = append(unit.Overdue, overview.Case{Ref: fmt.Sprintf("SAK-2026-%02d%02d%02d", s, u, c), Deadline: time.Now(), Overdue: true})
			}
			r.Units = append(r.Units, unit)
			r.Overdue += 12
		}
	}
	return r
}

// TestOverviewWithHundredsOfUnits: `/samarbeid oversikt` with 1,200 units is a message Slack
// takes; a sector too long for one section counts the units it leaves out.
func TestOverviewWithHundredsOfUnits(t *testing.T) {
	tr := i18n.For("nb")
	blocks := overviewBlocks(tr, bigReport())
	raw, _ := json.Marshal(blocks)
	if errs := slacklocal.CheckMessage(tr.T("overview.fallback", "Overdue", 1, "DueSoon", 0), raw); len(errs) > 0 {
		t.Fatalf("Slack would refuse the overview: %s", strings.Join(errs, "\n"))
	}
	if !strings.Contains(string(raw), "• "+tr.T("overview.more_cases", "N", 30-sectorFits(t, blocks))) || !strings.Contains(string(raw), tr.T("overview.sectors_cut")) {
		t.Errorf("the units and sectors left out are not said")
	}
	t.Logf("oversikten med %d enheter: %d blokker, %d byte", 1500, len(blocks), len(raw))
}

// sectorFits is how many units the first sector's section lists.
func sectorFits(t *testing.T, blocks []slack.Block) int {
	t.Helper()
	sec, ok := blocks[1].(*slack.SectionBlock)
	if !ok {
		t.Fatalf("block 1 is %T", blocks[1])
	}
	return strings.Count(sec.Text.Text, "\n• Enhet")
}

// TestPagedListsWithHundreds: `/samarbeid mine` with 500 tasks and `/samarbeid katalog`
// with 350 services and 600 people answer in pages Slack takes, and every line is on one.
func TestPagedListsWithHundreds(t *testing.T) {
	tr := i18n.For("nb")
	tasks := make([]task, manyTasks)
	for i := range tasks {
		tasks[i] = task{text: fmt.Sprintf("• *SAK-2026-%04d*: svar på forespørsel", i)}
	}
	pages := (manyTasks + minePageSize - 1) / minePageSize
	seen := 0
	for page := 1; page <= pages; page++ {
		text := tasksText(tr, tasks, nil, page)
		if errs := slacklocal.CheckMessage(text, nil); len(errs) > 0 {
			t.Fatalf("page %d: %v", page, errs)
		}
		seen += strings.Count(text, "• *SAK-")
		if page < pages && !strings.Contains(text, fmt.Sprintf("/samarbeid mine side %d", page+1)) {
			t.Fatalf("page %d does not say how to see the next:\n%s", page, text)
		}
	}
	if seen != manyTasks {
		t.Fatalf("%d tasks over %d pages, want %d", seen, pages, manyTasks)
	}
	if last := tasksText(tr, tasks, nil, 999); !strings.Contains(last, fmt.Sprintf("Side %d av %d", pages, pages)) {
		t.Errorf("a page past the end is not the last:\n%s", last)
	}

	b := New(Config{Directory: bigDir{}})
	lines := 0
	for page := 1; ; page++ {
		text, err := b.listDirectory(context.Background(), tr, bigDir{}, page)
		if err != nil {
			t.Fatal(err)
		}
		if errs := slacklocal.CheckMessage(text, nil); len(errs) > 0 || utf8.RuneCountInString(text) > 10000 {
			t.Fatalf("page %d (%d characters): %v", page, utf8.RuneCountInString(text), errs)
		}
		lines += strings.Count(text, "• `tjeneste-") + strings.Count(text, "• <@U")
		if !strings.Contains(text, "/samarbeid katalog side") {
			break
		}
	}
	if lines != manyServices+manyStaff {
		t.Fatalf("%d directory lines over the pages, want %d", lines, manyServices+manyStaff)
	}
	if got := pageArg([]string{"side", "3"}); got != 3 || pageArg(nil) != 1 || pageArg([]string{"x"}) != 1 {
		t.Errorf("pageArg: %d", got)
	}
}

// TestDetailsWithLongTextsAndManyServices: a case's details with the longest free texts the
// modals take (3,000 characters each) and 60 services is a modal Slack takes; every free
// text is shown whole on a case that fits, and a case that does not says where the rest is.
func TestDetailsWithLongTextsAndManyServices(t *testing.T) {
	tr := i18n.For("nb")
	long := func(c string) string { return strings.Repeat(c, 3000) }
	name := func(_ context.Context, id string) string { return id }
	st := workflows.Status{CaseRef: "SAK-2026-0001", Subject: "barn", InitiatingServiceID: "helsestasjon", Step: workflows.StepContact}
	for i := range 3 {
		st.Services = append(st.Services, workflows.ServiceStatus{ServiceID: fmt.Sprintf("tjeneste-%d", i),
			Assessment: &workflows.Assessment{Needed: true, About: long("Ω"), Reason: long("Ж"), By: "U1", At: time.Now()},
			Contact:    &workflows.ContactStatus{Answer: workflows.AnswerDeclined, AnsweredBy: "U2", Reason: long("Ψ")}})
	}
	raw := checkView(t, "detaljer med lange tekster", detailsView(tr, st, access.Whole, name, time.Now()))
	for _, c := range []string{"Ω", "Ж", "Ψ"} {
		if n := strings.Count(string(raw), c); n != 3*3000 {
			t.Errorf("the free text of %q is not shown whole: %d of %d characters", c, n, 3*3000)
		}
	}
	for i := range 60 {
		st.Services = append(st.Services, workflows.ServiceStatus{ServiceID: fmt.Sprintf("flere-%d", i),
			Assessment: &workflows.Assessment{Needed: true, About: "kort", Reason: "kort", By: "U1", At: time.Now()}})
	}
	raw = checkView(t, "detaljer med 63 tjenester", detailsView(tr, st, access.Whole, name, time.Now()))
	if !strings.Contains(string(raw), "/samarbeid status SAK-2026-0001") {
		t.Error("a case with more than a modal shows does not say where the rest is")
	}
}

// TestCoordinatorDetailsWithLongReasons: a coordinator case with two decisions whose
// reasons are 3,000 characters each opens as a modal Slack takes, with both reasons whole.
func TestCoordinatorDetailsWithLongReasons(t *testing.T) {
	tr := i18n.For("nb")
	st := workflows.CoordinatorStatus{CaseRef: "SAK-2026-0002", Decisions: []workflows.CoordinatorDecision{
		{Reasons: strings.Repeat("Ж", 3000), By: "U1"}, {Granted: true, Reasons: strings.Repeat("Ж", 3000), By: "U1"}}}
	raw := checkView(t, "koordinatordetaljer", coordDetailsView(tr, st))
	if n := strings.Count(string(raw), "Ж"); n != 6000 {
		t.Errorf("%d of 6000 characters of the reasons shown", n)
	}
}
