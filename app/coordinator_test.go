package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestChildCoordinatorAppointedAndAccepted: a health station asks for a child coordinator;
// the KE assesses the four conditions and grants, names the school's Ola, and Ola accepts.
func TestChildCoordinatorAppointedAndAccepted(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()

	// The health station's collaboration case runs; the child coordinator is asked for the
	// same case, so the modal offers its reference.
	ref := openCase(t, sl)
	waitForButton(t, sl, chHelsestasjon, "avklaring")
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator "+ref); err != nil {
		t.Fatal(err)
	}
	if got := initialValue(t, openView(t, sl, kari, "ny_koordinator"), "saksreferanse"); got != ref {
		t.Fatalf("modal offers %q, want the case %s", got, ref)
	}
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"type": {"verdi": {Value: workflows.KindChildCoordinator}}, "opphav": {"verdi": {Value: workflows.OriginRequest}},
	})
	wfID := workflows.CoordinatorWorkflowID(ref, workflows.KindChildCoordinator)

	// The KE's channel gets the request. Only the KE may decide: Kari's attempt is refused.
	request := waitForButton(t, sl, "C_KE", "k_vurder")
	assessment := map[string]map[string]slacklocal.Value{
		"vedtak": {"verdi": {Value: "innvilget"}}, "begrunnelse": {"verdi": {Value: "alle vilkår er oppfylt"}},
	}
	for _, c := range workflows.CoordinatorKinds[workflows.KindChildCoordinator].Conditions {
		assessment["vilkår:"+c.ID] = map[string]slacklocal.Value{"verdi": {Value: "ja"}}
	}
	click(t, sl, kari, "C_KE", request.TS, "k_vurder")
	waitForEphemeral(t, sl, kari, "Dette steget gjøres av koordinerende enhet")
	if v, ok := sl.OpenView(kari); ok {
		t.Fatalf("a modal opened for a non-KE decision: %s", v.CallbackID)
	}
	click(t, sl, kim, "C_KE", request.TS, "k_vurder")
	openView(t, sl, kim, "k_vurdering")
	submit(t, sl, kim, assessment)

	// Granted: the KE names Ola at the school.
	granted := waitForButton(t, sl, "C_KE", "k_oppnevn")
	click(t, sl, kim, "C_KE", granted.TS, "k_oppnevn")
	openView(t, sl, kim, "k_oppnevn")
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{
		"koordinator": {"verdi": {SelectedUser: ola}}, "tjeneste": {"verdi": {Value: "skole"}},
	})

	// The school's channel asks Ola; only Ola may accept.
	named := waitForButton(t, sl, chSkole, "k_godta")
	click(t, sl, kari, chSkole, named.TS, "k_godta")
	waitForEphemeral(t, sl, kari, "Bare den som er oppnevnt")
	click(t, sl, ola, chSkole, named.TS, "k_godta")
	waitForEphemeral(t, sl, ola, "Du er registrert som barnekoordinator")
	waitForText(t, sl, "C_KE", "har godtatt oppdraget")

	var st workflows.CoordinatorStatus
	v, err := a.Temporal.QueryWorkflow(ctx, wfID, "", workflows.QueryStatus)
	if err != nil || v.Get(&st) != nil {
		t.Fatal(err)
	}
	if st.Step != workflows.CoordStepActive || st.Coordinator == nil || st.Coordinator.SlackUserID != ola ||
		st.Coordinator.Answer != workflows.NominationAccepted || len(st.Decisions) != 1 || !st.Decisions[0].Granted {
		t.Fatalf("status %+v", st)
	}
	// She now coordinates the collaboration case (hol § 3-4 second paragraph).
	waitForText(t, sl, chHelsestasjon, "koordinerer nå tjenestene")
	var duty workflows.Status
	v, err = a.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(ref, "helsestasjon"), "", workflows.QueryStatus)
	if err != nil || v.Get(&duty) != nil || duty.Coordinator == nil || duty.Coordinator.SlackUserID != ola {
		t.Fatalf("collaboration case not taken over: %+v %v", duty.Coordinator, err)
	}
	recordHistory(t, a, wfID, "coordinator_child_accepted_takeover.json")

	// The KE establishes her individual plan from the acceptance message: every element of
	// the regulation must be there, then it is fixed with its first revision date.
	accepted := waitForButton(t, sl, "C_KE", "ip_opprett")
	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett")
	openView(t, sl, kim, "ip_opprett")
	var all []string
	for _, it := range workflows.PlanChecklist {
		all = append(all, it.ID)
	}
	plan := map[string]map[string]slacklocal.Value{"sjekkliste": {"verdi": {Selected: all[1:]}}, "revisjonsdatoer": {"verdi": {SelectedDate: "2027-03-01"}}}
	reply, err := sl.SubmitView(kim, plan)
	if err != nil || !strings.Contains(reply.Errors["sjekkliste"], workflows.PlanChecklist[0].Text) {
		t.Fatalf("a plan missing %q was not refused: %+v %v", workflows.PlanChecklist[0].ID, reply, err)
	}
	plan["sjekkliste"] = map[string]slacklocal.Value{"verdi": {Selected: all}}
	submit(t, sl, kim, plan)

	// In the school's channel: a permanent compensating measure waits for the rehabilitation
	// assessment (Rundskriv I-5/2017).
	established := waitForButton(t, sl, chSkole, "ip_tiltak")
	click(t, sl, ola, chSkole, established.TS, "ip_tiltak")
	openView(t, sl, ola, "ip_tiltak")
	measure := map[string]map[string]slacklocal.Value{"tiltak": {"verdi": {Value: "varig tilrettelagt skyss"}}}
	reply, err = sl.SubmitView(ola, measure)
	if err != nil || !strings.Contains(reply.Errors["tiltak"], "I-5/2017") {
		t.Fatalf("measure before the rehabilitation assessment not refused: %+v %v", reply, err)
	}
	sl.CloseView(ola)
	click(t, sl, ola, chSkole, established.TS, "ip_rehab")
	openView(t, sl, ola, "ip_rehab")
	submit(t, sl, ola, map[string]map[string]slacklocal.Value{
		"vurdert": {"verdi": {Value: "ja"}}, "vurdert_dato": {"verdi": {SelectedDate: "2026-11-20"}},
		"vurdert_av": {"verdi": {Value: "fysio- og ergoterapitjenesten"}}, "konklusjon": {"verdi": {Value: "begrenset potensial"}},
	})
	click(t, sl, ola, chSkole, established.TS, "ip_tiltak")
	openView(t, sl, ola, "ip_tiltak")
	submit(t, sl, ola, measure)
	var ip workflows.PlanStatus
	v, err = a.Temporal.QueryWorkflow(ctx, workflows.PlanWorkflowID(ref), "", workflows.QueryStatus)
	if err != nil || v.Get(&ip) != nil || ip.Step != workflows.PlanStepActive || len(ip.CompensatingMeasures) != 1 ||
		ip.Rehabilitation == nil || ip.CoordinatorSlackUserID != ola {
		t.Fatalf("plan %+v %v", ip, err)
	}
	recordHistory(t, a, workflows.PlanWorkflowID(ref), "individual_plan_measure.json")

	// Need to know: the plan opens to its coordinator, the KE and the services taking part
	// (consent to share it is on the checklist), not to a stranger; the coordinator case to
	// the KE and the service that asked, not to the coordinator or a stranger. Each look
	// is logged.
	for _, c := range []struct {
		user, channel, ts, action, callback string
		opens                               bool
	}{
		{ola, chSkole, established.TS, "ip_detaljer", "ip_detaljer_vis", true},
		{kim, chSkole, established.TS, "ip_detaljer", "ip_detaljer_vis", true},
		{kari, chSkole, established.TS, "ip_detaljer", "ip_detaljer_vis", true},
		{"U_PER", chSkole, established.TS, "ip_detaljer", "ip_detaljer_vis", false},
		{kari, "C_KE", request.TS, "k_detaljer", "k_detaljer_vis", true},
		{kim, "C_KE", request.TS, "k_detaljer", "k_detaljer_vis", true},
		{ola, "C_KE", request.TS, "k_detaljer", "k_detaljer_vis", false},
		{"U_PER", "C_KE", request.TS, "k_detaljer", "k_detaljer_vis", false},
	} {
		modal, refusal := tryOpen(t, sl, c.user, c.channel, c.ts, c.action, c.callback)
		if (modal != "") != c.opens || (!c.opens && !strings.Contains(refusal, "Bare ")) {
			t.Errorf("%s on %s: modal %v, refusal %s; want it to open: %v", c.user, c.action, modal != "", refusal, c.opens)
		}
	}
	looks, err := a.Store.AccessByCase(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	logged := map[string]bool{}
	for _, l := range looks {
		logged[fmt.Sprintf("%s %s %v", l.Viewer, l.Surface, l.Allowed)] = true
	}
	for _, want := range []string{"U_OLA plan true", "U_PER plan false", "U_KARI koordinatorsak true", "U_OLA koordinatorsak false"} {
		if !logged[want] {
			t.Errorf("access log lacks %q: %+v", want, looks)
		}
	}

	// /samarbeid status shows the KE all three: the duty, the coordinator and the plan.
	status, err := sl.SlashCommand(kim, "C_KE", "/samarbeid", "status "+ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Steg 1 av 3", "Barnekoordinator (hol § 7-2 a): koordinator i arbeid", "Individuell plan (aktiv)"} {
		if !strings.Contains(status.Text, want) {
			t.Errorf("status lacks %q:\n%s", want, status.Text)
		}
	}
	// Kari's refused accept left no trace; every decision is in the ledger and reconciles.
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil || !rep.OK() || rep.Reconciled != rep.Rows {
		t.Fatalf("ledger: %+v %v", rep, err)
	}
	trail, err := a.Store.AuditTrail(ctx, ref)
	if err != nil || len(trail) < 5 {
		t.Fatalf("trail %d rows, %v", len(trail), err)
	}
}

// A collaboration case whose outcome points to a coordinator asks the KE in one click, with
// the case and the origin already filled in.
func TestCoordinatorRequestedFromACollaborationCase(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := runShortCase(t, a)
	closed := waitForButton(t, sl, chHelsestasjon, "k_be_om")
	click(t, sl, kari, chHelsestasjon, closed.TS, "k_be_om")
	view := openView(t, sl, kari, "ny_koordinator")
	if got := initialValue(t, view, "saksreferanse"); got != ref {
		t.Fatalf("modal offers %q, want %s", got, ref)
	}
	// Whom it concerns and where the request comes from are the case's (issue 14): the modal
	// does not ask them, and Kari chooses only the kind.
	for _, asked := range []string{`"block_id":"målgruppe"`, `"block_id":"opphav"`, `"value":"` + workflows.KindChildCoordinator + `"`} {
		if strings.Contains(string(view.Blocks), asked) {
			t.Fatalf("the modal asks what the case says (%s): %s", asked, view.Blocks)
		}
	}
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"type": {"verdi": {Value: workflows.KindCoordinator}}})
	request := waitForButton(t, sl, "C_KE", "k_vurder")
	wfID := workflows.CoordinatorWorkflowID(ref, workflows.KindCoordinator)
	status := func() workflows.CoordinatorStatus {
		t.Helper()
		v, err := a.Temporal.QueryWorkflow(context.Background(), wfID, "", workflows.QueryStatus)
		if err != nil {
			t.Fatal(err)
		}
		var st workflows.CoordinatorStatus
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := status(); st.Origin != workflows.OriginCollaboration || st.OriginWorkflowID != workflows.WorkflowID(ref, "helsestasjon") || st.Subject != "voksen" {
		t.Fatalf("origin %q / %q, subject %q", st.Origin, st.OriginWorkflowID, st.Subject)
	}

	// Granted, the KE names a coordinator: the service comes from the directory, and is asked
	// only of someone who works in more than one (Nils: the GP's office and home care).
	assessment := map[string]map[string]slacklocal.Value{
		"vedtak": {"verdi": {Value: "innvilget"}}, "begrunnelse": {"verdi": {Value: "alle vilkår er oppfylt"}},
	}
	for _, c := range workflows.CoordinatorKinds[workflows.KindCoordinator].Conditions {
		assessment["vilkår:"+c.ID] = map[string]slacklocal.Value{"verdi": {Value: "ja"}}
	}
	click(t, sl, kim, "C_KE", request.TS, "k_vurder")
	openView(t, sl, kim, "k_vurdering")
	submit(t, sl, kim, assessment)
	granted := waitForButton(t, sl, "C_KE", "k_oppnevn")
	click(t, sl, kim, "C_KE", granted.TS, "k_oppnevn")
	openView(t, sl, kim, "k_oppnevn")
	reply, err := sl.SubmitView(kim, map[string]map[string]slacklocal.Value{"koordinator": {"verdi": {SelectedUser: nils}}})
	if err != nil || reply.ResponseAction != "errors" || !strings.Contains(reply.Errors["tjeneste"], "Fastlegekontoret") || !strings.Contains(reply.Errors["tjeneste"], "Hjemmetjenesten") {
		t.Fatalf("naming someone in two services without saying which: %+v %v", reply, err)
	}
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{"koordinator": {"verdi": {SelectedUser: ola}}})
	waitForButton(t, sl, chSkole, "k_godta")
	if st := status(); st.Coordinator == nil || st.Coordinator.SlackUserID != ola || st.Coordinator.ServiceID != "skole" {
		t.Fatalf("the coordinator's service is not the directory's: %+v", st.Coordinator)
	}

	// Asked by command, a child coordinator for an adult is refused in the modal, not started
	// for the workflow to reject after Kari was told it was sent.
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator"); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_koordinator")
	reply, err = sl.SubmitView(kari, map[string]map[string]slacklocal.Value{"målgruppe": {"verdi": {Value: workflows.SubjectAdult}},
		"type": {"verdi": {Value: workflows.KindChildCoordinator}}, "opphav": {"verdi": {Value: workflows.OriginRequest}}})
	if err != nil || reply.ResponseAction != "errors" || !strings.Contains(reply.Errors["type"], "gjelder en voksen") {
		t.Fatalf("a child coordinator for an adult: %+v %v", reply, err)
	}
}
