package app

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestSpecialistCoordinatorGoesToTheHealthTrust (issue 10 item 12): a coordinator in
// specialist care (sphl § 2-5 a) is the health trust's to appoint. BUP asks through Slack;
// the request reaches the health trust's coordinating unit, not the municipality's KE; the
// municipal KE may not decide it, and the trust's unit assesses it with the same checklist.
func TestSpecialistCoordinatorGoesToTheHealthTrust(t *testing.T) {
	const line, hanne, chBUP, chTrust = "U_LINE", "U_HANNE", "C_BUP", "C_HF_KE"
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()

	if _, err := sl.SlashCommand(line, chBUP, "/samarbeid", "koordinator"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, line, "ny_koordinator"), "saksreferanse")
	submit(t, sl, line, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "voksen"}},
		"type": {"verdi": {Value: workflows.KindSpecialist}}, "opphav": {"verdi": {Value: workflows.OriginRequest}},
	})
	request := waitForButton(t, sl, chTrust, "k_vurder")
	wfID := workflows.CoordinatorWorkflowID(ref, workflows.KindSpecialist)
	var st workflows.CoordinatorStatus
	v, err := a.Temporal.QueryWorkflow(ctx, wfID, "", workflows.QueryStatus)
	if err != nil || v.Get(&st) != nil || st.CoordinatingUnitID != "hf-koordinerende" {
		t.Fatalf("coordinating unit %q, %v", st.CoordinatingUnitID, err)
	}
	for _, m := range sl.Messages("C_KE") {
		t.Fatalf("the municipal KE got the health trust's request: %s", m.Text)
	}

	// The municipal KE's decision is refused by the workflow; the trust's unit decides.
	assessment := workflows.CoordinatorAssessment{Actor: kimActor, Granted: true, Reasons: "vilkåret er oppfylt",
		Conditions: []workflows.ConditionAnswer{{ID: "komplekse-langvarige", Met: true}}}
	h, err := a.Temporal.UpdateWorkflow(ctx, updateOptions(wfID, "kim-vurderer", workflows.UpdateCoordinatorAssess, assessment))
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if _, _, refused := workflows.RefusalOf(err); !refused {
		t.Fatalf("the municipal KE's decision on a specialist coordinator was not refused: %v", err)
	}
	click(t, sl, hanne, chTrust, request.TS, "k_vurder")
	view := openView(t, sl, hanne, "k_vurdering")
	if _, ok := viewBlock(view, "vilkår:komplekse-langvarige"); !ok {
		t.Fatalf("the trust's checklist lacks sphl § 2-5 a's condition: %+v", view.Blocks)
	}
	submit(t, sl, hanne, map[string]map[string]slacklocal.Value{
		"vilkår:komplekse-langvarige": {"verdi": {Value: "ja"}}, "vedtak": {"verdi": {Value: "innvilget"}},
		"begrunnelse": {"verdi": {Value: "langvarig behov for koordinerte tjenester"}},
	})
	waitForButton(t, sl, chTrust, "k_oppnevn")
	v, err = a.Temporal.QueryWorkflow(ctx, wfID, "", workflows.QueryStatus)
	if err != nil || v.Get(&st) != nil || len(st.Decisions) != 1 || !st.Decisions[0].Granted || st.Decisions[0].By != hanne {
		t.Fatalf("decisions %+v %v", st.Decisions, err)
	}
}

// viewBlock finds an input block of a modal by its block ID.
func viewBlock(v slacklocal.View, blockID string) (any, bool) {
	var blocks []struct {
		BlockID string `json:"block_id"`
	}
	raw, _ := json.Marshal(v.Blocks)
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return nil, false
	}
	for _, b := range blocks {
		if b.BlockID == blockID {
			return b, true
		}
	}
	return nil, false
}
