package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
)

// KEDigestScheduleID is the Temporal Schedule that starts KEDigest every working morning.
const KEDigestScheduleID = "samarbeid-ke-dagsoversikt"

// KEDigest posts the coordinating unit's daily digest: one message with the overdue and
// soon-due steps by sector and unit, and the reminders and escalations since the last one,
// instead of a message for each (issue 4, rate limits). A Temporal Schedule starts it; the
// reminders and escalations wait in PostgreSQL until it runs, so none is lost if it fails.
func KEDigest(ctx workflow.Context) (activities.DigestResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		// Slack or PostgreSQL may be down for a while; the digest waits for them, within the day.
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
		ScheduleToCloseTimeout: 12 * time.Hour,
	})
	var a *activities.Activities
	var res activities.DigestResult
	err := workflow.ExecuteActivity(ctx, a.SendKEDigest, workflow.Now(ctx)).Get(ctx, &res)
	return res, err
}
