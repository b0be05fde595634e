package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// A closed case is still read by those whose basis allows it (issue 14 item 3): «Vis sak» on
// the closing message shows the health station each service's answer, the contact person
// the school named, and who decided what and when; the school sees its own part; every look
// is logged. Once Temporal no longer keeps the workflow (retention), the same modal is built
// from the ledger.
func TestClosedCaseReadable(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()
	const person = "Ola, kontaktlærer, 900 00 000"
	ref, wfID, step3 := openCaseToStep3(t, sl, "skole")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, values{"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "skriftlig"}}, "gitt_av": {"verdi": {Value: "personen"}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	req := waitForButton(t, sl, chSkole, "godta")
	click(t, sl, ola, chSkole, req.TS, "godta")
	openView(t, sl, ola, "godta")
	submit(t, sl, ola, values{"kontaktperson": {"verdi": {Value: person}}})
	if st := finalStatus(t, a, wfID); st.Step != workflows.StepDone {
		t.Fatalf("the case did not close: %+v", st)
	}
	closed, err := sl.WaitForMessage(chHelsestasjon, 20*time.Second, func(m slacklocal.Message) bool {
		return strings.Contains(m.Text, ref) && strings.Contains(m.Text, "fulgt opp")
	})
	if err != nil {
		t.Fatal(err)
	}

	readable := func(source string) {
		t.Helper()
		modal, refusal := tryOpen(t, sl, kari, chHelsestasjon, closed.TS, "detaljer", "detaljer")
		for _, want := range []string{person, "Grunnskolen", "Saken er avsluttet", "godtatt", "Svar fra <@" + ola + ">", "Vurdert av <@" + kari + ">"} {
			if !strings.Contains(modal, want) {
				t.Fatalf("%s: the initiator's «Vis sak» on the closed case lacks %q: %s %s", source, want, modal, refusal)
			}
		}
		// The school reads its own part, and that the case is closed; not the health station's reasons.
		modal, refusal = tryOpen(t, sl, ola, chHelsestasjon, closed.TS, "detaljer", "detaljer")
		if !strings.Contains(modal, person) || !strings.Contains(modal, "Saken er avsluttet") || strings.Contains(modal, "behov for felles plan") {
			t.Fatalf("%s: the school's «Vis sak» on the closed case: %s %s", source, modal, refusal)
		}
	}
	readable("workflow")

	// Retention: Temporal deletes the closed workflow; the ledger still answers.
	if _, err := a.Temporal.WorkflowService().DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace: a.Namespace, WorkflowExecution: &common.WorkflowExecution{WorkflowId: wfID}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		_, err := a.Temporal.QueryWorkflow(ctx, wfID, "", workflows.QueryStatus)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workflow was not deleted: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	readable("ledger")
	// /samarbeid status still finds it, though Temporal's visibility no longer lists it.
	for _, user := range []string{kari, kim} {
		reply, err := sl.SlashCommand(user, chHelsestasjon, "/samarbeid", "status "+ref)
		if err != nil || !strings.Contains(reply.Text, ref) || !strings.Contains(reply.Text, "Grunnskolen: forespørsel godtatt") {
			t.Fatalf("%s's status of the case Temporal no longer keeps: %+v %v", user, reply, err)
		}
	}

	// Every look is logged, with the scope it gave.
	looks, err := a.Store.AccessByCase(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, l := range looks {
		if l.Surface == store.SurfaceCaseModal && l.Allowed && l.WorkflowID == wfID {
			count[l.Viewer+" "+l.Scope]++
		}
	}
	if count[kari+" hele"] != 2 || count[ola+" delt"] != 2 {
		t.Fatalf("the looks at the closed case are not all logged: %v (%+v)", count, looks)
	}
}
