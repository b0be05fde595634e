package bot

import (
	"context"
	"log/slog"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/workflows"
)

// startRedelivery starts sending a service's parked notices again (all with ""), in the
// worker: `/samarbeid katalog send-igjen`, and a service moved to another channel. A round
// already running for the service is left to finish; asking again after it starts a new one.
func (b *Bot) startRedelivery(ctx context.Context, serviceID string) error {
	_, err := b.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.RedeliverWorkflowID(serviceID), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.RedeliverNotices, serviceID)
	if err != nil {
		slog.Warn("kunne ikke starte ny sending av parkerte meldinger", "tjeneste", serviceID, "error", err)
	}
	return err
}
