package app

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

var kimActor = workflows.Actor{SlackUserID: kim, Name: "Kim (koordinerende enhet)", ServiceIDs: []string{"ke"}}

// TestAgainWithTheSameReference (issue 10 item 4): for a duty case, a coordinator request
// and an individual plan, through the HTTP Slack surface: a double submit starts one, a
// second one while it runs is refused in words, and once it is closed a new one starts
// under the same reference.
func TestAgainWithTheSameReference(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()

	// --- a duty case ---
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_sak"), "saksreferanse")
	newCase := map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	}
	doubleSubmit(t, sl, kari, newCase)
	dutyID := workflows.WorkflowID(ref, "helsestasjon")
	waitForButton(t, sl, chHelsestasjon, "avklaring")
	firstDuty := latestRun(t, a, dutyID)

	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_sak")
	refusedSubmit(t, sl, kari, newCase, "saksreferanse", "er allerede åpen for Helsestasjon")

	// Closed: step 1 answered "no other services".
	prompt := waitForButton(t, sl, chHelsestasjon, "avklaring")
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"ingen": {"verdi": {Selected: []string{"ingen"}}}})
	waitClosed(t, a, dutyID, firstDuty)

	// A second duty case for the same reference and service starts.
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_sak")
	submit(t, sl, kari, newCase)
	waitNewRun(t, a, dutyID, firstDuty)
	// The first prompt was redrawn as answered; the new case posts its own.
	if again := waitForButton(t, sl, chHelsestasjon, "avklaring"); again.TS == prompt.TS {
		t.Fatalf("no prompt for the second case")
	}
	waitUntil(t, 20*time.Second, "two cases opened in the ledger", func() bool { return ledgerCount(t, a, ref, "sak_opprettet") == 2 })
	// The status lists the reference's duty once: the latest run, still in step 1.
	status, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "status "+ref)
	if err != nil || strings.Count(status.Text, "Steg 1 av 3") != 1 {
		t.Fatalf("status after a second case:\n%s (%v)", status.Text, err)
	}

	// --- a coordinator request ---
	request := map[string]map[string]slacklocal.Value{
		"målgruppe": {"verdi": {Value: "barn"}}, "type": {"verdi": {Value: workflows.KindChildCoordinator}},
		"opphav": {"verdi": {Value: workflows.OriginRequest}},
	}
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator "+ref); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_koordinator")
	doubleSubmit(t, sl, kari, request)
	coordID := workflows.CoordinatorWorkflowID(ref, workflows.KindChildCoordinator)
	waitForButton(t, sl, "C_KE", "k_vurder")
	firstCoord := latestRun(t, a, coordID)

	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator "+ref); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_koordinator")
	refusedSubmit(t, sl, kari, request, "saksreferanse", "fortsatt under behandling")

	// The KE closes the request undecided (its button comes only with a coordinator, so
	// through Temporal as the bot would send it); a new request then starts.
	h, err := a.Temporal.UpdateWorkflow(ctx, updateOptions(coordID, "avslutt-første", workflows.UpdateCoordinatorEnd,
		workflows.CoordinationEnd{Actor: kimActor, Reason: "trukket; familien sender en ny forespørsel"}))
	if err != nil || h.Get(ctx, nil) != nil {
		t.Fatalf("end: %v", err)
	}
	waitClosed(t, a, coordID, firstCoord)
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator "+ref); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_koordinator")
	submit(t, sl, kari, request)
	waitNewRun(t, a, coordID, firstCoord)

	// --- an individual plan, from the second request's accepted coordinator ---
	accepted := grantNameAccept(t, sl, workflows.KindChildCoordinator, 2)
	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett")
	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett") // a double click: one plan, its form
	planID := workflows.PlanWorkflowID(ref)
	openView(t, sl, kim, "ip_opprett")
	var all []string
	for _, it := range workflows.PlanChecklist {
		all = append(all, it.ID)
	}
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{"sjekkliste": {"verdi": {Selected: all}}, "revisjonsdatoer": {"verdi": {SelectedDate: "2027-03-01"}}})
	established := waitForButton(t, sl, chSkole, "ip_avslutt")
	firstPlan := latestRun(t, a, planID)
	if n := runCount(t, a, planID); n != 1 {
		t.Fatalf("the double click started %d plans", n)
	}

	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett")
	waitForEphemeral(t, sl, kim, "har allerede en individuell plan i arbeid")

	// Withdrawn: a new plan may be made for the same reference.
	click(t, sl, ola, chSkole, established.TS, "ip_avslutt")
	openView(t, sl, ola, "ip_avslutt")
	submit(t, sl, ola, map[string]map[string]slacklocal.Value{"grunn": {"verdi": {Value: workflows.PlanEndWithdrawn}}})
	waitClosed(t, a, planID, firstPlan)
	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett")
	openView(t, sl, kim, "ip_opprett")
	waitNewRun(t, a, planID, firstPlan)

	// The ledger reconciles run by run: the closed runs' rows with their own histories.
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil || !rep.OK() || rep.Reconciled != rep.Rows {
		t.Fatalf("ledger after reuse of the references: %+v %v", rep, err)
	}
}

// doubleSubmit sends the user's open modal twice at once, as a double click does; neither
// may be refused.
func doubleSubmit(t *testing.T, sl *slacklocal.Server, user string, values map[string]map[string]slacklocal.Value) {
	t.Helper()
	var wg sync.WaitGroup
	replies := make([]slacklocal.ViewReply, 2)
	errs := make([]error, 2)
	gate := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			replies[i], errs[i] = sl.SubmitView(user, values)
		}()
	}
	close(gate)
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil || replies[i].ResponseAction == "errors" {
			t.Fatalf("submit %d of a double click: %+v %v", i+1, replies[i], errs[i])
		}
	}
}

func refusedSubmit(t *testing.T, sl *slacklocal.Server, user string, values map[string]map[string]slacklocal.Value, field, want string) {
	t.Helper()
	reply, err := sl.SubmitView(user, values)
	if err != nil || !strings.Contains(reply.Errors[field], want) {
		t.Fatalf("not refused with %q under %s: %+v %v", want, field, reply, err)
	}
	if err := sl.CloseView(user); err != nil {
		t.Fatal(err)
	}
}

// latestRun is the run ID of the workflow's latest run.
func latestRun(t *testing.T, a *App, workflowID string) string {
	t.Helper()
	d, err := a.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	return d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
}

// runCount is how many runs the workflow ID has had, from Temporal's visibility.
func runCount(t *testing.T, a *App, workflowID string) int {
	t.Helper()
	n, err := a.Temporal.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: "WorkflowId = '" + workflowID + "'"})
	if err != nil {
		t.Fatal(err)
	}
	return int(n.GetCount())
}

func waitClosed(t *testing.T, a *App, workflowID, runID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.Temporal.GetWorkflow(ctx, workflowID, runID).Get(ctx, nil); err != nil {
		t.Fatalf("%s did not close: %v", workflowID, err)
	}
}

// waitNewRun waits until the workflow ID has a running run other than previous.
func waitNewRun(t *testing.T, a *App, workflowID, previous string) string {
	t.Helper()
	var run string
	waitUntil(t, 20*time.Second, "a new run of "+workflowID, func() bool {
		d, err := a.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			return false
		}
		run = d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
		return run != previous && d.GetWorkflowExecutionInfo().GetStatus().String() == "Running"
	})
	return run
}

func ledgerCount(t *testing.T, a *App, ref, action string) int {
	t.Helper()
	rows, err := a.Store.AuditTrail(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Action == action {
			n++
		}
	}
	return n
}

// nthButton waits for the n-th message (1-based, in posting order) in the channel that
// carries a button with actionID.
func nthButton(t *testing.T, sl *slacklocal.Server, channel, actionID string, n int) slacklocal.Message {
	t.Helper()
	var found slacklocal.Message
	waitUntil(t, 20*time.Second, "message "+actionID+" in "+channel, func() bool {
		seen := 0
		for _, m := range sl.Messages(channel) {
			raw, _ := json.Marshal(m.Blocks)
			if strings.Contains(string(raw), `"action_id":"`+actionID+`"`) {
				seen++
				if seen == n {
					found = m
					return true
				}
			}
		}
		return false
	})
	return found
}

// grantNameAccept takes the n-th coordinator request in the KE's channel through a grant
// (every condition met), names Ola at the school, and has him accept; it returns the KE's
// message of the acceptance (with the plan button).
func grantNameAccept(t *testing.T, sl *slacklocal.Server, kind string, n int) slacklocal.Message {
	t.Helper()
	request := nthButton(t, sl, "C_KE", "k_vurder", n)
	assessment := map[string]map[string]slacklocal.Value{
		"vedtak": {"verdi": {Value: "innvilget"}}, "begrunnelse": {"verdi": {Value: "alle vilkår er oppfylt"}},
	}
	for _, c := range workflows.CoordinatorKinds[kind].Conditions {
		assessment["vilkår:"+c.ID] = map[string]slacklocal.Value{"verdi": {Value: "ja"}}
	}
	click(t, sl, kim, "C_KE", request.TS, "k_vurder")
	openView(t, sl, kim, "k_vurdering")
	submit(t, sl, kim, assessment)
	granted := waitForButton(t, sl, "C_KE", "k_oppnevn")
	click(t, sl, kim, "C_KE", granted.TS, "k_oppnevn")
	openView(t, sl, kim, "k_oppnevn")
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{
		"koordinator": {"verdi": {SelectedUser: ola}}, "tjeneste": {"verdi": {Value: "skole"}},
	})
	named := waitForButton(t, sl, chSkole, "k_godta")
	click(t, sl, ola, chSkole, named.TS, "k_godta")
	return waitForButton(t, sl, "C_KE", "ip_opprett")
}
