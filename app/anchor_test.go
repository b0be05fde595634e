package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/worker"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestAuditVerifyAcrossContinueAsNew drives an individual plan (with a low history limit)
// through continue-as-new and verifies the ledger: every run is read, and there is no false
// alarm. Then the rows of the first run are removed: its history, which no row points to any
// more, is still read and names each missing decision.
func TestAuditVerifyAcrossContinueAsNew(t *testing.T) {
	a := startApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const ref = "SAK-2026-0901"
	id := workflows.PlanWorkflowID(ref)
	coordinator := workflows.Actor{SlackUserID: kari, Name: "Kari (helsestasjon)", ServiceIDs: []string{"helsestasjon"}}
	_, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.IndividualPlan,
		workflows.PlanInput{CaseRef: ref, Subject: "voksen", CoordinatorSlackUserID: kari, CoordinatorServiceID: "helsestasjon",
			CoordinatingUnitID: "ke", PolicyVersion: "test", ContinueAsNewAfterEvents: 40})
	if err != nil {
		t.Fatal(err)
	}
	var checklist []workflows.PlanItem
	for _, it := range workflows.PlanChecklist {
		checklist = append(checklist, workflows.PlanItem{ID: it.ID, Done: true, Note: "ok"})
	}
	today := time.Now().In(calendar.Oslo)
	update := func(updateID, name string, arg any) {
		t.Helper()
		h, err := a.Temporal.UpdateWorkflow(ctx, updateOptions(id, updateID, name, arg))
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("%s: %v", updateID, err)
		}
		// The run hands over only when it has nothing queued; a person's next answer comes
		// after the last one's messages went out, so wait for that as they would.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			d, err := a.Temporal.DescribeWorkflowExecution(ctx, id, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(d.GetPendingActivities()) == 0 {
				break
			}
		}
	}
	update("fastsett", workflows.UpdateEstablishPlan, workflows.EstablishPlan{Actor: coordinator, Checklist: checklist,
		RevisionDates: []time.Time{today.AddDate(0, 6, 0)}})
	runs := func() int {
		v, err := a.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
		if err != nil {
			t.Fatal(err)
		}
		var st workflows.PlanStatus
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		return st.Runs
	}
	revisions := 0
	for runs() < 3 && revisions < 30 {
		revisions++
		update("revisjon-"+string(rune('a'+revisions)), workflows.UpdateRevisePlan, workflows.RevisePlan{Actor: coordinator,
			Summary: "revisjon", NextRevisionDates: []time.Time{today.AddDate(0, 6, revisions)}})
	}
	// One more decision, in the newest run.
	update("slutt", workflows.UpdateEndPlan, workflows.EndPlan{Actor: coordinator, Reason: workflows.PlanEndWithdrawn})
	var st workflows.PlanStatus
	if err := a.Temporal.GetWorkflow(ctx, id, "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if st.Runs < 3 {
		t.Fatalf("the plan never continued as new (%d revisions, %d runs)", revisions, st.Runs)
	}
	rows, err := a.Store.AuditTrail(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	runIDs := map[string]int{}
	for _, r := range rows {
		runIDs[r.RunID]++
	}
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %d revisions, %d runs, %d rows from %d runs; verify: %d rows, %d runs read, %d reconciled, %d findings",
		revisions, st.Runs, len(rows), len(runIDs), rep.Rows, rep.Runs, rep.Reconciled, len(rep.Findings))
	if !rep.OK() || rep.Reconciled != rep.Rows || rep.Rows != len(rows) || rep.Runs < st.Runs {
		t.Fatalf("a plan that continued as new does not verify clean: %+v", rep)
	}

	// The first run's rows go: the run is found from the next one's history and read.
	first := rows[0].RunID
	removed := 0
	tamper(t, a, func(tx pgx.Tx) {
		tag, err := tx.Exec(ctx, `DELETE FROM audit_ledger WHERE run_id = $1`, first)
		if err != nil {
			t.Fatal(err)
		}
		removed = int(tag.RowsAffected())
	})
	rep, err = audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, f := range rep.Findings {
		if f.WorkflowID == id && strings.Contains(f.Problem, "mangler i revisjonsloggen") {
			missing++
		}
	}
	t.Logf("removed the first run's %d rows: %d reported missing from its history, %d findings in all", removed, missing, len(rep.Findings))
	if removed == 0 || missing != removed {
		t.Fatalf("the first run's %d removed decisions: %d reported; findings %+v", removed, missing, rep.Findings)
	}
}

// tamper changes the ledger behind its trigger's back, as a superuser could.
func tamper(t *testing.T, a *App, change func(tx pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a.databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	change(tx)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// cli runs the samarbeid binary against a's database and Temporal; it returns the output
// and the exit code.
func cli(t *testing.T, bin string, a *App, extraEnv []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(),
		"DATABASE_URL="+a.databaseURL,
		"TEMPORAL_ADDRESS="+a.TemporalAddress(),
		"SAMARBEID_PAYLOAD_KEYS="+a.PayloadKeys(),
		"TEMPORAL_NAMESPACE="+a.Namespace,
	), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("samarbeid %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String(), 0
}

// TestAuditVerifyCatchesCutAndRewrittenChain: rows whose cases Temporal no longer keeps
// (past retention) rest on the chain alone. A chain cut by two rows, or rewritten with fresh
// hashes, still holds together; the anchor (the schedule's run in Temporal, and the head in
// a signed export) shows it, and `samarbeid audit verify` exits 1. The signed export itself
// is checked with the public key alone, and a tampered copy is refused.
func TestAuditVerifyCatchesCutAndRewrittenChain(t *testing.T) {
	a := startApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	bin := buildSamarbeid(t)

	runShortCase(t, a) // three rows Temporal still has the history of
	now := time.Now().UTC()
	for i, action := range []string{"sak_opprettet", "steg1_avklart", "steg2_vurdert", "sak_avsluttet"} {
		_, err := a.Store.AppendAudit(ctx, store.AuditEntry{Key: "SAK-2025-0007/helsestasjon/gammel/" + action, CaseRef: "SAK-2025-0007",
			WorkflowID: "SAK-2025-0007/helsestasjon", RunID: "0b3c8a8e-1f0e-4c1a-9d7e-5a2f1e0c9b11", Actor: "Kari (helsestasjon), U_KARI",
			ServiceID: "helsestasjon", Action: action, Summary: "En sak fra i fjor.", LegalBasis: "hol § 3-4",
			Detail: map[string]any{"steg": i}, OccurredAt: now.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
	}
	head, err := a.Store.LedgerHead(ctx)
	if err != nil || head.Seq != 7 {
		t.Fatalf("head %+v %v", head, err)
	}

	// The worker made the schedule at start; a second process starting does no harm.
	if err := worker.EnsureLedgerAnchorSchedule(ctx, a.Temporal); err != nil {
		t.Fatalf("the anchor schedule made again: %v", err)
	}
	desc, err := a.Temporal.ScheduleClient().GetHandle(ctx, workflows.LedgerAnchorScheduleID).Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if iv := desc.Schedule.Spec.Intervals; len(iv) != 1 || iv[0].Every > 24*time.Hour {
		t.Fatalf("the anchor schedule runs %+v, not at least daily", iv)
	}
	t.Logf("anchor schedule: every %s", desc.Schedule.Spec.Intervals[0].Every)
	// It records the head; run it now rather than at the hour.
	if err := a.Temporal.ScheduleClient().GetHandle(ctx, workflows.LedgerAnchorScheduleID).Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var anchors []audit.Anchor
	for deadline := time.Now().Add(time.Minute); ; {
		if anchors, err = audit.TemporalAnchors(ctx, a.Temporal); err != nil {
			t.Fatal(err)
		}
		if len(anchors) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(anchors) == 0 || anchors[len(anchors)-1].Seq != head.Seq || anchors[len(anchors)-1].Hash != head.Hash {
		t.Fatalf("the anchor schedule's run kept %+v, the head is %+v", anchors, head)
	}

	recordHistory(t, a, strings.TrimPrefix(anchors[len(anchors)-1].Source, "Temporal "), "ledger_anchor.json")

	out, code := cli(t, bin, a, nil, "audit", "verify")
	t.Logf("clean ledger: exit %d\n%s", code, out)
	if code != 0 || !strings.Contains(out, "Ingen avvik") || !strings.Contains(out, "gjelder rad 7") {
		t.Fatalf("a clean ledger: exit %d\n%s", code, out)
	}

	// A signed export, checked with the public key alone; a changed copy is refused.
	keyOut, code := cli(t, bin, a, nil, "audit", "signing-key")
	lines := strings.Split(strings.TrimSpace(keyOut), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "SAMARBEID_EXPORT_SIGNING_KEY=") {
		t.Fatalf("signing-key: exit %d\n%s", code, keyOut)
	}
	signingEnv, pub := lines[0], lines[2]
	from := now.In(calendar.Oslo).AddDate(0, 0, -1).Format("2006-01-02")
	to := now.In(calendar.Oslo).AddDate(0, 0, 2).Format("2006-01-02")
	exported, code := cli(t, bin, a, []string{signingEnv}, "audit", "export", "--from", from, "--to", to)
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, exported)
	}
	dir := t.TempDir()
	exportFile, tamperedFile := filepath.Join(dir, "eksport.json"), filepath.Join(dir, "endret.json")
	if err := os.WriteFile(exportFile, []byte(exported), 0o600); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(exported, "En sak fra i fjor.", "En sak fra i forfjor.", 1)
	if tampered == exported {
		t.Fatal("the export lacks the rows it should hold")
	}
	if err := os.WriteFile(tamperedFile, []byte(tampered), 0o600); err != nil {
		t.Fatal(err)
	}
	okOut, okCode := cli(t, bin, a, nil, "audit", "verify-export", "--public-key", pub, exportFile)
	badOut, badCode := cli(t, bin, a, nil, "audit", "verify-export", "--public-key", pub, tamperedFile)
	t.Logf("signed export (%d bytes): verify-export exit %d: %s; tampered copy exit %d: %s", len(exported), okCode, okOut, badCode, badOut)
	if okCode != 0 || !strings.Contains(okOut, "rad 7") || badCode != 1 || !strings.Contains(badOut, "signaturen stemmer ikke") {
		t.Fatalf("verify-export: %d %s / %d %s", okCode, okOut, badCode, badOut)
	}

	// verify --anker checks an export's signature when it has a public key (flag, then
	// SAMARBEID_EXPORT_PUBLIC_KEY, then the signing key's public half) and refuses a file that
	// does not verify or is not signed; without a key it says it did not check.
	unsigned, code := cli(t, bin, a, nil, "audit", "export", "--from", from, "--to", to)
	unsignedFile := filepath.Join(dir, "usignert.json")
	if err := os.WriteFile(unsignedFile, []byte(unsigned), 0o600); code != 0 || err != nil {
		t.Fatalf("unsigned export: exit %d %v\n%s", code, err, unsigned)
	}
	anchorRuns := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"signed, --public-key", nil, []string{"--anker", exportFile, "--public-key", pub}, 0, []string{"Signaturen på eksport.json stemmer", "Ingen avvik"}},
		{"signed, no key", nil, []string{"--anker", exportFile}, 0, []string{"signaturen på eksport.json er ikke kontrollert", "Ingen avvik"}},
		{"signed, the signing key's public half", []string{signingEnv}, []string{"--anker", exportFile}, 0, []string{"Signaturen på eksport.json stemmer"}},
		{"changed, SAMARBEID_EXPORT_PUBLIC_KEY", []string{"SAMARBEID_EXPORT_PUBLIC_KEY=" + pub}, []string{"--anker", tamperedFile}, 1, []string{"endret.json godtas ikke som anker", "signaturen stemmer ikke"}},
		{"unsigned, --public-key", nil, []string{"--anker", unsignedFile, "--public-key", pub}, 1, []string{"usignert.json godtas ikke som anker", "eksporten er ikke signert"}},
		{"unsigned, no key", nil, []string{"--anker", unsignedFile}, 0, []string{"signaturen på usignert.json er ikke kontrollert", "Ingen avvik"}},
	}
	for _, r := range anchorRuns {
		out, code := cli(t, bin, a, r.env, append([]string{"audit", "verify"}, r.args...)...)
		t.Logf("verify --anker, %s: exit %d", r.name, code)
		if code != r.code {
			t.Errorf("verify --anker, %s: exit %d, want %d\n%s", r.name, code, r.code, out)
		}
		for _, w := range r.want {
			if !strings.Contains(out, w) {
				t.Errorf("verify --anker, %s: no %q in\n%s", r.name, w, out)
			}
		}
	}

	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Rewritten: row 5's text changed and every hash from it recomputed, so the chain holds.
	rewritten := append([]store.AuditRow(nil), rows...)
	rewritten[4].Summary = "En annen sak fra i fjor."
	for i := 4; i < len(rewritten); i++ {
		rewritten[i].PrevHash = rewritten[i-1].Hash
		rewritten[i].Hash = rewritten[i].ChainHash()
	}
	setRows := func(rs []store.AuditRow) {
		tamper(t, a, func(tx pgx.Tx) {
			for _, r := range rs[4:] {
				if _, err := tx.Exec(ctx, `UPDATE audit_ledger SET summary = $2, prev_hash = $3, hash = $4 WHERE seq = $1`,
					r.Seq, r.Summary, r.PrevHash, r.Hash); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	setRows(rewritten)
	if n, err := a.Store.VerifyChain(ctx); err != nil {
		t.Fatalf("the rewritten chain should hold on its own: %d %v", n, err)
	}
	out, code = cli(t, bin, a, nil, "audit", "verify")
	t.Logf("rewritten from row 5 with recomputed hashes: exit %d\n%s", code, out)
	if code != 1 || !strings.Contains(out, "kjeden er skrevet om") {
		t.Fatalf("a rewritten chain: exit %d\n%s", code, out)
	}
	setRows(rows) // as it was

	// Cut: the two newest rows deleted; the shorter chain holds on its own.
	tamper(t, a, func(tx pgx.Tx) {
		if _, err := tx.Exec(ctx, `DELETE FROM audit_ledger WHERE seq > 5`); err != nil {
			t.Fatal(err)
		}
	})
	if n, err := a.Store.VerifyChain(ctx); err != nil || n != 5 {
		t.Fatalf("the cut chain should hold on its own: %d %v", n, err)
	}
	out, code = cli(t, bin, a, nil, "audit", "verify")
	t.Logf("cut by two rows: exit %d\n%s", code, out)
	if code != 1 || !strings.Contains(out, "rader er fjernet fra slutten") {
		t.Fatalf("a cut chain: exit %d\n%s", code, out)
	}
	// The export's head alone catches it too (as after Temporal's retention).
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	out, code = cli(t, bin, a, nil, "audit", "verify", "--json", "--anker", exportFile)
	t.Logf("cut, with the export as an anchor: exit %d; %d anchors from Temporal alone", code, rep.Anchors)
	if code != 1 || !strings.Contains(out, "eksport eksport.json") {
		t.Fatalf("the export's anchor: exit %d\n%s", code, out)
	}
}
