package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestTakeoverFollowsTheCases (issue 10 item 13), through the HTTP Slack surface: a child
// coordinator accepted before the health station opens its duty case still takes that case
// over, sees it and gets its escalations; when she leaves, the case and the plan show the
// gap, and the KE changes the plan's coordinator from the plan's message.
func TestTakeoverFollowsTheCases(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()

	// A child coordinator for a new reference: granted, Ola named, accepted.
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_koordinator"), "saksreferanse")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"type": {"verdi": {Value: workflows.KindChildCoordinator}}, "opphav": {"verdi": {Value: workflows.OriginRequest}},
	})
	accepted := grantNameAccept(t, sl, workflows.KindChildCoordinator, 1)

	// Only then does the health station open its duty case for the reference.
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	openView(t, sl, kari, "ny_sak")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	})
	dutyID := workflows.WorkflowID(ref, "helsestasjon")
	waitForText(t, sl, chHelsestasjon, "koordinerer nå tjenestene")
	// Ola hears of it in the school's channel, with what is now his to follow up, and may
	// open the case (he is in none of its services).
	yours, err := sl.WaitForMessage(chSkole, 20*time.Second, func(m slacklocal.Message) bool {
		return strings.Contains(m.Text, ref) && strings.Contains(m.Text, "Du følger nå opp fristene")
	})
	if err != nil {
		t.Fatal(err)
	}
	click(t, sl, ola, chSkole, yours.TS, "detaljer")
	openView(t, sl, ola, "detaljer") // the case details, not a refusal
	sl.CloseView(ola)
	var duty workflows.Status
	v, err := a.Temporal.QueryWorkflow(ctx, dutyID, "", workflows.QueryStatus)
	if err != nil || v.Get(&duty) != nil || duty.Coordinator == nil || duty.Coordinator.SlackUserID != ola {
		t.Fatalf("the later case was not taken over: %+v %v", duty.Coordinator, err)
	}

	// Her plan is established from the acceptance.
	click(t, sl, kim, "C_KE", accepted.TS, "ip_opprett")
	openView(t, sl, kim, "ip_opprett")
	var all []string
	for _, it := range workflows.PlanChecklist {
		all = append(all, it.ID)
	}
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{"sjekkliste": {"verdi": {Selected: all}}, "revisjonsdatoer": {"verdi": {SelectedDate: "2027-03-01"}}})
	waitForButton(t, sl, chSkole, "ip_avslutt")

	// Ola leaves: the duty case is without a coordinator from today, and the plan asks the KE.
	click(t, sl, ola, "C_KE", accepted.TS, "k_slutter")
	openView(t, sl, ola, "k_slutter")
	submit(t, sl, ola, map[string]map[string]slacklocal.Value{"begrunnelse": {"verdi": {Value: "ny jobb"}}})
	waitForText(t, sl, chHelsestasjon, "er ikke lenger barnekoordinator")
	gap := waitForButton(t, sl, "C_KE", "ip_bytt")
	v, err = a.Temporal.QueryWorkflow(ctx, dutyID, "", workflows.QueryStatus)
	if err != nil || v.Get(&duty) != nil || duty.Coordinator == nil || duty.Coordinator.LeftAt.IsZero() {
		t.Fatalf("the duty case does not show the gap: %+v %v", duty.Coordinator, err)
	}
	recordHistory(t, a, dutyID, "collaboration_duty_takeover_later.json")

	// The KE changes the plan's coordinator from that message; Ola may not.
	click(t, sl, ola, "C_KE", gap.TS, "ip_bytt")
	openView(t, sl, ola, "ip_bytt")
	change := map[string]map[string]slacklocal.Value{"koordinator": {"verdi": {SelectedUser: "U_AISHA"}}, "tjeneste": {"verdi": {Value: "barnevern"}}}
	reply, err := sl.SubmitView(ola, change)
	if err != nil || reply.ResponseAction != "errors" {
		t.Fatalf("a non-KE change was not refused: %+v %v", reply, err)
	}
	sl.CloseView(ola)
	click(t, sl, kim, "C_KE", gap.TS, "ip_bytt")
	openView(t, sl, kim, "ip_bytt")
	// The KE names the person; her one service comes from the directory (issue 14).
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{"koordinator": {"verdi": {SelectedUser: "U_AISHA"}}})
	waitForButton(t, sl, "C_BARNEVERN", "ip_revider")
	var ip workflows.PlanStatus
	v, err = a.Temporal.QueryWorkflow(ctx, workflows.PlanWorkflowID(ref), "", workflows.QueryStatus)
	if err != nil || v.Get(&ip) != nil || ip.CoordinatorSlackUserID != "U_AISHA" || ip.CoordinatorServiceID != "barnevern" || !ip.WithoutCoordinatorSince.IsZero() {
		t.Fatalf("plan after the change: %+v %v", ip, err)
	}
	recordHistory(t, a, workflows.PlanWorkflowID(ref), "individual_plan_coordinator_left_changed.json")
}
