package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestLateAppealThroughSlack: a family expecting a child asks for a child coordinator, with
// the parents' wish for who coordinates; the KE refuses (a refusal with every condition met is
// sent back for a reason), with the decision made known six weeks ago, so the appeal window
// (pbrl § 7-5) has run out. The family's appeal comes in late; the KE records it and decides to
// consider it (fvl § 31), reassesses, upholds, and the appeal goes to Statsforvalteren.
func TestLateAppealThroughSlack(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()
	today := time.Now().In(calendar.Oslo)
	date := func(days int) string { return today.AddDate(0, 0, days).Format("2006-01-02") }

	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "koordinator"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_koordinator"), "saksreferanse")
	request := map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: workflows.SubjectExpected}},
		"type": {"verdi": {Value: workflows.KindCoordinator}}, "opphav": {"verdi": {Value: workflows.OriginRequest}},
		"mottatt":    {"verdi": {SelectedDate: date(-50)}},
		"ønske_hvem": {"verdi": {Value: workflows.WishByParents}}, "ønske_tjeneste": {"verdi": {Value: "helsestasjon"}},
	}
	reply, err := sl.SubmitView(kari, request)
	if err != nil || !containsAny(reply.Errors, "familie som venter barn kan be om barnekoordinator") {
		t.Fatalf("an expecting family's request for an adult's coordinator was not refused: %+v %v", reply, err)
	}
	request["type"] = map[string]slacklocal.Value{"verdi": {Value: workflows.KindChildCoordinator}}
	submit(t, sl, kari, request)
	wfID := workflows.CoordinatorWorkflowID(ref, workflows.KindChildCoordinator)

	// The child says who she wants; the KE records it from the request's message.
	assess := waitForButton(t, sl, "C_KE", "k_vurder")
	click(t, sl, kim, "C_KE", assess.TS, "k_onske")
	openView(t, sl, kim, "k_onske")
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{
		"ønske_hvem": {"verdi": {Value: workflows.WishByChild}}, "ønske_tjeneste": {"verdi": {Value: "skole"}},
		"ønske_merknad": {"verdi": {Value: "kjenner kontaktlæreren"}},
	})

	// The KE refuses. Every condition marked met and no reason why: sent back.
	assessment := map[string]map[string]slacklocal.Value{
		"vedtak": {"verdi": {Value: "avslått"}}, "begrunnelse": {"verdi": {Value: "vilkårene er vurdert"}},
		"kjent": {"verdi": {SelectedDate: date(-42)}},
	}
	for _, c := range workflows.CoordinatorKinds[workflows.KindChildCoordinator].Conditions {
		assessment["vilkår:"+c.ID] = map[string]slacklocal.Value{"verdi": {Value: "ja"}}
	}
	click(t, sl, kim, "C_KE", assess.TS, "k_vurder")
	openView(t, sl, kim, "k_vurdering")
	reply, err = sl.SubmitView(kim, assessment)
	if err != nil || !containsAny(reply.Errors, "Skal forespørselen likevel avslås") {
		t.Fatalf("a refusal with every condition met was not sent back: %+v %v", reply, err)
	}
	assessment["vilkår:familiens-onske"] = map[string]slacklocal.Value{"verdi": {Value: "nei"}}
	submit(t, sl, kim, assessment)

	// The window ran out long ago: the case waits for a late appeal, it does not close.
	refused := waitForButton(t, sl, "C_KE", "k_klage")
	st := coordStatus(t, a, wfID)
	waitUntil(t, 20*time.Second, "the case to wait for a late appeal", func() bool {
		st = coordStatus(t, a, wfID)
		return st.Step == workflows.CoordStepAppealLate
	})
	if st.Subject != workflows.SubjectExpected || st.Wish == nil || st.Wish.By != workflows.WishByChild || st.Wish.ServiceID != "skole" ||
		st.ReceivedAt.In(calendar.Oslo).Format("2006-01-02") != date(-50) {
		t.Fatalf("request %+v", st)
	}

	// The KE corrects the day the letter reached the family; the window moves, still past.
	click(t, sl, kim, "C_KE", refused.TS, "k_kjent")
	openView(t, sl, kim, "k_kjent")
	submit(t, sl, kim, map[string]map[string]slacklocal.Value{"kjent": {"verdi": {SelectedDate: date(-40)}}})
	waitUntil(t, 20*time.Second, "the notice date to be recorded", func() bool {
		st = coordStatus(t, a, wfID)
		return st.NotifiedAt.In(calendar.Oslo).Format("2006-01-02") == date(-40)
	})
	if !st.AppealDeadline.Equal(workflows.AppealWindowEnd(st.NotifiedAt)) || st.Step != workflows.CoordStepAppealLate {
		t.Fatalf("after the notice date: step %q, window %s", st.Step, st.AppealDeadline)
	}

	// The appeal came in today: late. Without the KE's decision on it, it is sent back.
	click(t, sl, kim, "C_KE", refused.TS, "k_klage")
	view := openView(t, sl, kim, "k_klage")
	if !strings.Contains(string(view.Blocks), "for sen klage kan likevel behandles") {
		t.Fatalf("the appeal modal does not say the window has run out: %s", view.Blocks)
	}
	appeal := map[string]map[string]slacklocal.Value{"begrunnelse": {"verdi": {Value: "familien mener de trenger koordinator"}}}
	reply, err = sl.SubmitView(kim, appeal)
	if err != nil || !containsAny(reply.Errors, "Velg om koordinerende enhet likevel behandler den") {
		t.Fatalf("a late appeal without the KE's decision was not sent back: %+v %v", reply, err)
	}
	appeal["for_sent"] = map[string]slacklocal.Value{"verdi": {Value: workflows.LateAppealConsider}}
	appeal["for_sent_begrunnelse"] = map[string]slacklocal.Value{"verdi": {Value: "vedtaket nådde ikke familien før nylig"}}
	submit(t, sl, kim, appeal)

	// Reassessed and upheld: forwarded to Statsforvalteren.
	reassess := waitForButton(t, sl, "C_KE", "k_vurder")
	click(t, sl, kim, "C_KE", reassess.TS, "k_vurder")
	openView(t, sl, kim, "k_vurdering")
	delete(assessment, "kjent")
	submit(t, sl, kim, assessment)
	waitUntil(t, 20*time.Second, "the appeal to be forwarded", func() bool {
		st = coordStatus(t, a, wfID)
		return st.Outcome == workflows.OutcomeAppealForwarded
	})
	if st.Appeal == nil || st.Appeal.Late != workflows.LateAppealConsider || len(st.Decisions) != 2 {
		t.Fatalf("final %+v", st)
	}
	if err := a.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	recordHistory(t, a, wfID, "coordinator_late_appeal.json")
}

func coordStatus(t *testing.T, a *App, wfID string) workflows.CoordinatorStatus {
	t.Helper()
	var st workflows.CoordinatorStatus
	v, err := a.Temporal.QueryWorkflow(context.Background(), wfID, "", workflows.QueryStatus)
	if err != nil || v.Get(&st) != nil {
		t.Fatal(err)
	}
	return st
}
