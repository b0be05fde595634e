package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

func TestMyTasks(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	mine := func(user, want string) string {
		t.Helper()
		var last string
		for i := 0; i < 100; i++ { // visibility may lag a moment behind a new case
			reply, err := sl.SlashCommand(user, chHelsestasjon, "/samarbeid", "mine")
			if err != nil {
				t.Fatal(err)
			}
			if last = reply.Text; strings.Contains(last, want) {
				return last
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("/samarbeid mine for %s lacks %q:\n%s", user, want, last)
		return ""
	}
	if got := mine("U_PER", "ingen ventende steg"); !strings.Contains(got, "ingen") {
		t.Fatal(got)
	}
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	mine(kari, ref+"*: Steg 1 av 3")

	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	clickValue(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "vurder").TS, "vurder", wfID+"|skole")
	openView(t, sl, kari, "vurdering")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "a"}}, "begrunnelse": {"verdi": {Value: "b"}}})
	mine(kari, "registrer samtykke eller lovhjemmel for Grunnskolen")

	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "muntlig"}}, "gitt_av": {"verdi": {Value: "personen"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	waitForButton(t, sl, chSkole, "godta")
	mine(ola, ref+"*: svar på forespørsel om samarbeid fra Helsestasjon")
	mine(kim, "Koordinerende enhet: 0 steg har oversittet frist")
	// The history keeps SamarbeidVenterPaa moving from helsestasjon to skole as the case goes.
	recordHistory(t, a, wfID, "collaboration_duty_waiting_on.json")
}

// Opening the Home tab shows "Mine oppgaver"; Slack's redelivery of the same event is
// acknowledged without drawing the tab again.
func TestHomeTab(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	waitForButton(t, sl, chHelsestasjon, "avklaring")
	var home string
	for i := 0; i < 100 && !strings.Contains(home, ref); i++ { // visibility may lag behind the new case
		if err := sl.OpenHome(kari); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if v, ok := sl.HomeView(kari); ok {
			raw, _ := json.Marshal(v.Blocks)
			home = string(raw)
		}
	}
	if !strings.Contains(home, "Mine oppgaver") || !strings.Contains(home, ref) {
		t.Fatalf("Home tab: %s", home)
	}
	// One click from the Home tab opens the step's modal, and the answer goes through.
	v, _ := sl.HomeView(kari)
	if _, err := sl.ClickViewButton(kari, v.ID, "avklaring", "", nil); err != nil {
		t.Fatalf("the Home tab has no button for step 1: %v\n%s", err, home)
	}
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	waitForButton(t, sl, chHelsestasjon, "vurder")
	// The answered task leaves the Home tab, and step 2's takes its place, without reopening it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, _ := sl.HomeView(kari)
		raw, _ := json.Marshal(v.Blocks)
		if strings.Contains(string(raw), `"action_id":"vurder"`) && !strings.Contains(string(raw), `"action_id":"avklaring"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Home tab was not redrawn after the answer: %s", raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	before := sl.Calls()["views.publish"]
	status, err := sl.SendEvent(map[string]any{"type": "app_home_opened", "user": kari, "tab": "home"}, 1)
	if err != nil || status != 200 {
		t.Fatalf("retry: %d %v", status, err)
	}
	time.Sleep(300 * time.Millisecond)
	if after := sl.Calls()["views.publish"]; after != before {
		t.Fatalf("a redelivered event drew the Home tab again (%d -> %d)", before, after)
	}
}

// "Mine oppgaver" finds a task however many running workflows came after it: the case
// carries who it waits on (SamarbeidVenterPaa), and one paginated visibility query finds it.
// Before, only the 100 newest running workflows were looked into.
func TestMineFindsTaskAmongManyRunning(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	waitForButton(t, sl, chHelsestasjon, "avklaring")

	// The case's visibility record names the service it waits on, and no person.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var waiting []string
	for i := 0; i < 200; i++ {
		d, err := a.Temporal.DescribeWorkflowExecution(ctx, wfID, "")
		if err != nil {
			t.Fatal(err)
		}
		if p := d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[workflows.AttrWaitingOn.GetName()]; p != nil {
			waiting = nil
			if err := converter.GetDefaultDataConverter().FromPayload(p, &waiting); err != nil {
				t.Fatal(err)
			}
			if len(waiting) > 0 {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !slices.Equal(waiting, []string{"svc:helsestasjon"}) {
		t.Fatalf("SamarbeidVenterPaa = %v, want [svc:helsestasjon]", waiting)
	}

	// 120 running workflows newer than the case, on a queue no worker polls, so they stay
	// running without costing the test a worker.
	for i := 0; i < 120; i++ {
		if _, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("annen-%03d", i), TaskQueue: "ingen-worker"}, "Annen"); err != nil {
			t.Fatal(err)
		}
	}
	var last string
	for i := 0; i < 100; i++ { // visibility may lag a moment behind the new workflows
		reply, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "mine")
		if err != nil {
			t.Fatal(err)
		}
		last = reply.Text
		n, err := a.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "WorkflowType = 'Annen' AND ExecutionStatus = 'Running'"})
		if err != nil {
			t.Fatal(err)
		}
		if n.GetCount() == 120 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(last, ref+"*: Steg 1 av 3") {
		t.Fatalf("/samarbeid mine among 120 newer running workflows lacks the case %s:\n%s", ref, last)
	}
	// Skolen's staff have nothing to do in it, so nothing of it reaches them.
	reply, err := sl.SlashCommand(ola, chSkole, "/samarbeid", "mine")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(reply.Text, ref) {
		t.Fatalf("Ola (skole) sees a case that waits on helsestasjon: %s", reply.Text)
	}
}
