package bot

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/workflows"
)

// startMemo is the memo field that names the Slack interaction (a modal's view ID, a click)
// that started a run, so a repeat of that interaction finds its own run.
const startMemo = "samarbeid_start"

// errRunning means a run under the same business key is still open, started by another
// interaction: a duplicate, which the caller refuses in words.
var errRunning = errors.New("en kjøring med samme ID er fortsatt åpen")

// reuseOptions sets the ID policies every start uses. Workflow IDs are business keys
// (reference + service, kind or plan), and the law allows a new one once the earlier is
// closed: a new coordinator request after a refusal, a new plan after a withdrawal, a new
// duty case after the first closed. So a closed run never blocks (ALLOW_DUPLICATE), and a
// running one always does (FAIL, reported as an error rather than handing back the run).
func reuseOptions(opts clientStartOptions) clientStartOptions {
	opts.WorkflowIDReusePolicy = enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
	opts.WorkflowIDConflictPolicy = enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL
	opts.WorkflowExecutionErrorWhenAlreadyStarted = true
	return opts
}

// startOnce starts a workflow under its business key for one Slack interaction. When a run
// under that key is already open, it tells a repeat of the same interaction (a double click,
// a Slack retry: started is false, err nil) from a duplicate (errRunning). The SDK lets no
// caller set the start's request ID, so the interaction is kept in the run's memo instead.
func (b *Bot) startOnce(ctx context.Context, opts clientStartOptions, interaction string, workflow any, args ...any) (started bool, err error) {
	opts = reuseOptions(opts)
	memo := map[string]any{}
	for k, v := range opts.Memo {
		memo[k] = v
	}
	memo[startMemo] = interaction
	opts.Memo = memo
	_, err = b.temporal.ExecuteWorkflow(ctx, opts, workflow, args...)
	if err == nil {
		return true, nil
	}
	if !isAlreadyStarted(err) {
		return false, err
	}
	if b.startedBy(ctx, opts.ID) == interaction {
		return false, nil
	}
	return false, errRunning
}

// startedBy is the interaction that started the workflow's latest run ("" if unknown). The
// memo is read through the client's own data converter, which decrypts payloads.
func (b *Bot) startedBy(ctx context.Context, workflowID string) string {
	desc, err := b.temporal.DescribeWorkflow(ctx, workflowID, "")
	if err != nil {
		return ""
	}
	var by string
	if desc.GetMemoValue(startMemo, &by) != nil {
		return ""
	}
	return by
}

// followCoordinator hands a duty case just opened to the child coordinator who already
// coordinates the reference (hol § 3-4 second paragraph): the coordinator case reached the
// cases running when she accepted, and this reaches the ones opened after. A failure is
// logged; the case still runs, with the KE as its coordinating unit.
func (b *Bot) followCoordinator(ctx context.Context, ref, workflowID string) {
	coordID := workflows.CoordinatorWorkflowID(ref, workflows.KindChildCoordinator)
	st, err := b.coordinatorStatus(ctx, coordID)
	if err != nil {
		return // no child coordinator for the reference
	}
	co := st.Coordinator
	if st.Step != workflows.CoordStepActive || co == nil || co.Answer != workflows.NominationAccepted || !co.LeftAt.IsZero() {
		return
	}
	kind := workflows.CoordinatorKinds[st.Kind]
	h := activities.HandOver{CaseRef: ref, CoordinatorWorkflowID: coordID, Kind: kind.Kind, Title: kind.Title,
		Citation: kind.Citation, SlackUserID: co.SlackUserID, ServiceID: co.ServiceID, At: co.AnsweredAt}
	if err := b.temporal.SignalWorkflow(ctx, workflowID, "", workflows.SignalCoordinatorTakeover, h); err != nil {
		b.log.Warn("kunne ikke gi saken til koordinatoren", "sak", ref, "workflow", workflowID, "feil", err)
	}
}
