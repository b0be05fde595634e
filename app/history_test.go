package app

import (
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

func historyRequest(namespace, workflowID string) *workflowservice.GetWorkflowExecutionHistoryRequest {
	return &workflowservice.GetWorkflowExecutionHistoryRequest{
		Namespace: namespace, Execution: &commonpb.WorkflowExecution{WorkflowId: workflowID}, MaximumPageSize: 1000,
	}
}

// historyJSON writes a history the way `temporal workflow show --output json` does, which is
// what worker.WorkflowReplayer reads.
func historyJSON(h *history.History) ([]byte, error) {
	return protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
}

func updateOptions(workflowID, updateID, name string, arg any) client.UpdateWorkflowOptions {
	return client.UpdateWorkflowOptions{WorkflowID: workflowID, UpdateID: updateID, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted}
}
