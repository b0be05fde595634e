package app

// Long lists through the local Slack, which refuses what Slack refuses (issue 11, item 4):
// a directory of hundreds of services and many waiting tasks. Run with:
// go test -run TestLongListsStayValid ./app -v

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// taskCount reads the number of tasks in `/samarbeid mine`'s answer.
var taskCount = regexp.MustCompile(`Mine oppgaver\* \((\d+)\)`)

// TestLongListsStayValid seeds 300 services and 45 cases waiting for Kari, then draws what
// lists them through the stand-in: the step-1 modal's service select, `/samarbeid katalog`,
// `/samarbeid mine` (two pages), the Home tab and `/samarbeid oversikt`. Each would be
// refused by the stand-in if Slack would refuse it.
func TestLongListsStayValid(t *testing.T) {
	const services, cases = 300, 45
	a := startApp(t)
	sl := a.SlackLocal
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sectors := []string{"Helse og omsorg", "Oppvekst", "Arbeid og velferd"}
	for i := range services {
		svc := store.Service{ID: fmt.Sprintf("ekstra-%03d", i), Name: fmt.Sprintf("Ekstra tjeneste %d", i),
			Sector: sectors[i%len(sectors)], Law: "helse- og omsorgstjenesteloven", Section: "§ 3-4", SlackChannel: chSkole}
		if err := a.Store.UpsertService(ctx, svc); err != nil {
			t.Fatal(err)
		}
	}

	// The directory, in pages.
	reply, err := sl.SlashCommand(kim, chHelsestasjon, "/samarbeid", "katalog")
	if err != nil || !strings.Contains(reply.Text, "/samarbeid katalog side 2") {
		t.Fatalf("katalog: %v\n%s", err, reply.Text)
	}
	last, err := sl.SlashCommand(kim, chHelsestasjon, "/samarbeid", "katalog side 99")
	if err != nil || strings.Contains(last.Text, "katalog side") || !strings.Contains(last.Text, "i alt).") {
		t.Fatalf("the directory's last page: %v\n%s", err, last.Text)
	}

	// 45 cases wait for Kari's answer to step 1.
	refs := faultRefs(8100, cases)
	each(t, refs, func(ref string) error {
		if _, err := startCase(ctx, a, ref, faultActor); err != nil {
			return err
		}
		return waitForStep(ctx, a, workflows.WorkflowID(ref, "helsestasjon"), workflows.StepClarify)
	})

	// Step 1's modal offers every one of the 300 (and the seeded) services.
	prompt := waitForButton(t, sl, chHelsestasjon, "avklaring")
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
	view := openView(t, sl, kari, "avklaring")
	raw, _ := json.Marshal(view.Blocks)
	if !strings.Contains(string(raw), "option_groups") || !strings.Contains(string(raw), `"ekstra-299"`) {
		t.Fatalf("the modal does not offer the 300 services in groups: %.500s", raw)
	}
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"ekstra-000", "ekstra-299"}}}})

	// `/samarbeid mine` in pages; visibility may lag behind the new cases.
	var mine slacklocal.Reply
	waitUntil(t, 30*time.Second, "every case in /samarbeid mine", func() bool {
		mine, err = sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "mine")
		m := taskCount.FindStringSubmatch(mine.Text)
		n := 0
		if m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		return err == nil && n >= cases
	})
	if !strings.Contains(mine.Text, "/samarbeid mine side 2") {
		t.Fatalf("45 tasks on one page:\n%s", mine.Text)
	}
	page2, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "mine side 2")
	if err != nil || !strings.Contains(page2.Text, "Side 2 av 2") {
		t.Fatalf("page 2: %v\n%s", err, page2.Text)
	}

	// The Home tab lists what fits and counts the rest.
	var home string
	waitUntil(t, 30*time.Second, "the Home tab drawn with the tasks left out counted", func() bool {
		if err := sl.OpenHome(kari); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		v, ok := sl.HomeView(kari)
		raw, _ := json.Marshal(v.Blocks)
		home = string(raw)
		return ok && strings.Contains(home, "oppgaver til")
	})

	// The KE's overview.
	over, err := sl.SlashCommand(kim, chHelsestasjon, "/samarbeid", "oversikt")
	if err != nil || len(over.Blocks) == 0 {
		t.Fatalf("oversikt: %v %+v", err, over)
	}
	t.Logf("%d tjenester, %d saker: katalogen %d tegn på side 1, /samarbeid mine %d tegn, Hjem-fanen %d byte, modalen %d byte; views.publish %d kall, views.open %d",
		services, cases, len([]rune(reply.Text)), len([]rune(mine.Text)), len(home), len(raw), sl.Calls()["views.publish"], sl.Calls()["views.open"])
}
