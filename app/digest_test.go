package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestKEDigest: an escalation waits in PostgreSQL instead of being posted, the daily
// Schedule's run posts one digest with it and the overview, and the next run does not
// repeat it. The KE also sees the overview on request; a caseworker does not.
func TestKEDigest(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx := context.Background()
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	waitForButton(t, sl, chHelsestasjon, "avklaring")

	sched := a.Temporal.ScheduleClient().GetHandle(ctx, workflows.KEDigestScheduleID)
	desc, err := sched.Describe(ctx)
	if err != nil {
		t.Fatalf("the digest schedule is missing: %v", err)
	}
	if cal := desc.Schedule.Spec.Calendars; len(cal) != 1 || cal[0].Hour[0].Start != 7 || cal[0].Minute[0].Start != 30 {
		t.Fatalf("schedule spec: %+v", desc.Schedule.Spec)
	}

	// What the messenger does with an escalation to the KE (tested in bot): keep it.
	if err := a.Store.EnqueueDigest(ctx, store.DigestItem{Key: "test-eskalering", WorkflowID: wfID, CaseRef: ref,
		Kind: "eskalering", ServiceID: "helsestasjon", Step: "avklaring", Deadline: time.Now().Add(-time.Hour), Escalations: 2}); err != nil {
		t.Fatal(err)
	}
	digests := func() []string {
		var out []string
		for _, m := range sl.Messages("C_KE") {
			raw, _ := json.Marshal(m)
			if strings.Contains(string(raw), "Dagsoversikt") {
				out = append(out, string(raw))
			}
		}
		return out
	}
	if err := sched.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for len(digests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	got := digests()
	if len(got) != 1 {
		t.Fatalf("want one digest in C_KE, got %d", len(got))
	}
	for _, want := range []string{ref, "Siden forrige oversikt", "varsel nr. 2", "Helsestasjon"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("digest lacks %q: %s", want, got[0])
		}
	}

	if desc, err := sched.Describe(ctx); err == nil && len(desc.Info.RecentActions) > 0 {
		run := desc.Info.RecentActions[0].StartWorkflowResult
		if err := a.Temporal.GetWorkflow(ctx, run.WorkflowID, run.FirstExecutionRunID).Get(ctx, nil); err != nil {
			t.Fatal(err)
		}
		recordHistory(t, a, run.WorkflowID, "ke_digest.json")
	}

	// A second run has no new items; it may repeat the overview, never the escalation.
	if err := sched.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	for _, d := range digests()[1:] {
		if strings.Contains(d, "Siden forrige oversikt") {
			t.Fatalf("the escalation was sent twice: %s", d)
		}
	}

	reply, err := sl.SlashCommand(kim, "C_KE", "/samarbeid", "oversikt")
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := json.Marshal(reply); !strings.Contains(string(raw), "arbeidsdager") {
		t.Fatalf("KE overview: %s", raw)
	}
	reply, err = sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "oversikt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.Text, "for koordinerende enhet og revisorer") {
		t.Fatalf("a caseworker got the overview: %+v", reply)
	}
}
