package bot

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// update sends one answer to a case and waits for the workflow to apply it. The update ID
// comes from the Slack interaction, so a double click or a Slack retry applies once.
func (b *Bot) update(ctx context.Context, workflowID, updateID, name string, arg any) (workflows.Status, error) {
	var st workflows.Status
	h, err := b.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateID: updateID, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &st)
	}
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		err = refuse("", "err.case_gone")
	}
	if b.metrics != nil {
		result := "godtatt"
		if _, _, refused := workflows.RefusalOf(err); refused || errors.As(err, &refusal{}) {
			result = "avvist"
		} else if err != nil {
			result = "feil"
		}
		b.metrics.Answers.WithLabelValues(name, result).Inc()
	}
	return st, err
}

func (b *Bot) status(ctx context.Context, workflowID string) (workflows.Status, error) {
	return queryStatus[workflows.Status](ctx, b, workflowID, "err.case_not_found")
}

// queryStatus asks a case workflow for its status; a case Temporal does not know is told to
// the user in words (notFoundKey, a catalogue key), any other failure is an error.
func queryStatus[T any](ctx context.Context, b *Bot, workflowID, notFoundKey string) (T, error) {
	var st T
	v, err := b.temporal.QueryWorkflow(ctx, workflowID, "", workflows.QueryStatus)
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return st, refuse("", notFoundKey)
		}
		return st, err
	}
	return st, v.Get(&st)
}

// workflowActor is the staff member as the workflow's validators see them.
func workflowActor(st store.Staff) workflows.Actor {
	return workflows.Actor{SlackUserID: st.SlackUserID, Name: st.Name, ServiceIDs: st.ServiceIDs, Roles: st.Roles}
}

func caseSearchQuery(caseRef string) string {
	return fmt.Sprintf("%s = '%s'", workflows.AttrCase.GetName(), caseRef)
}

type clientStartOptions = client.StartWorkflowOptions

func isAlreadyStarted(err error) bool {
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	return errors.As(err, &started)
}
