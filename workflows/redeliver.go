package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
)

// RedeliverWorkflowID is the workflow that sends a service's parked notices again (all
// services' with "alle"): one at a time per service, however often an administrator asks.
func RedeliverWorkflowID(serviceID string) string {
	if serviceID == "" {
		serviceID = "alle"
	}
	return "samarbeid-send-igjen-" + serviceID
}

// RedeliverNotices sends the notices Slack would not take (bot/delivery.go) again, once an
// administrator has fixed their cause: the bot starts it for `/samarbeid katalog send-igjen`
// and when a service is moved to another channel. The morning digest does the same for all.
func RedeliverNotices(ctx workflow.Context, serviceID string) (activities.Redelivery, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		// Each notice is one or two Web API calls, paced at one a second per channel: five
		// minutes covers a few hundred parked notices, far more than one channel gathers
		// before the KE and an administrator are told.
		StartToCloseTimeout: 5 * time.Minute,
		// Three attempts, a little apart: this answers an administrator's command, and what
		// still fails is tried again every morning before the digest.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumAttempts: 3},
	})
	var a *activities.Activities
	var res activities.Redelivery
	err := workflow.ExecuteActivity(ctx, a.RedeliverNotices, serviceID).Get(ctx, &res)
	return res, err
}
