package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
)

// LedgerAnchorScheduleID is the Temporal Schedule that starts LedgerAnchor every hour.
const LedgerAnchorScheduleID = "samarbeid-revisjonslogg-anker"

// LedgerAnchorWorkflowID is the scheduled runs' workflow ID (Temporal appends the time).
const LedgerAnchorWorkflowID = "revisjonslogg-anker"

// LedgerAnchor reads the audit ledger's newest row (sequence number and hash) and returns it,
// so the head is kept in Temporal's history, outside PostgreSQL. `audit verify` compares the
// chain with every anchor it finds: a chain shorter than an anchor lost rows from its end; a
// different hash at an anchor's row means the chain was rewritten, even with fresh hashes.
func LedgerAnchor(ctx workflow.Context) (activities.LedgerHead, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		// PostgreSQL may be down for a while. An hour is the schedule's interval: by then the
		// next run takes over, so a stuck run never overlaps many others.
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		ScheduleToCloseTimeout: time.Hour,
	})
	var a *activities.Anchoring
	var head activities.LedgerHead
	err := workflow.ExecuteActivity(ctx, a.ReadLedgerHead).Get(ctx, &head)
	return head, err
}
