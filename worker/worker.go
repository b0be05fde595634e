// Package worker wires samarbeid's workflows and activities to a Temporal worker, and the
// activities' interfaces to their real adapters.
package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// New returns a worker on workflows.TaskQueue with every workflow and activity registered,
// sized by s (it sets the process-wide sticky cache). The caller starts and stops it.
func New(c client.Client, acts *activities.Activities, s Settings) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, s.apply())
	Register(w, acts)
	return w
}

// Register puts samarbeid's workflows and activities on a registry (a worker or a replayer).
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.CollaborationDuty)
	r.RegisterWorkflow(workflows.CollaborationEvaluation)
	r.RegisterWorkflow(workflows.CoordinatorAppointment)
	r.RegisterWorkflow(workflows.IndividualPlan)
	r.RegisterWorkflow(workflows.KEDigest)
	r.RegisterWorkflow(workflows.LedgerAnchor)
	r.RegisterWorkflow(workflows.RedeliverNotices)
	r.RegisterActivity(acts)
	// The anchor reads the ledger the audit records go to; a registry without one (a
	// replayer) still knows the activity's name.
	anchoring := &activities.Anchoring{}
	if acts != nil {
		anchoring.Ledger, _ = acts.Ledger.(activities.HeadReader)
	}
	r.RegisterActivity(anchoring)
}

// SearchAttributes is every search attribute samarbeid registers in its namespace.
func SearchAttributes() map[string]enums.IndexedValueType {
	all := map[string]enums.IndexedValueType{}
	for _, attrs := range []map[string]enums.IndexedValueType{workflows.SearchAttributes(), workflows.CoordinatorSearchAttributes()} {
		for name, typ := range attrs {
			all[name] = typ
		}
	}
	return all
}

// RegisterSearchAttributes adds the typed search attributes the workflows upsert, leaving
// those already there alone, so it is safe at every start.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("leser søkeattributter i Temporal: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range SearchAttributes() {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	if err != nil {
		return fmt.Errorf("registrerer søkeattributter i Temporal: %w", err)
	}
	return nil
}

// StoreLedger appends audit records to the PostgreSQL ledger.
type StoreLedger struct{ Store *store.Store }

func (l StoreLedger) Append(ctx context.Context, r activities.AuditRecord) error {
	actor := store.AuditActor(r.Actor, r.ActorName)
	_, err := l.Store.AppendAudit(ctx, store.AuditEntry{
		Key: r.Key, CaseRef: r.CaseRef, WorkflowID: r.WorkflowID, RunID: r.RunID, Actor: actor,
		ServiceID: r.ServiceID, Action: r.Action, Summary: r.Summary, Detail: r.Detail,
		LegalBasis: r.LegalBasis, OccurredAt: r.OccurredAt,
	})
	return err
}

// Head reads the ledger's newest row, for the anchor workflow.
func (l StoreLedger) Head(ctx context.Context) (activities.LedgerHead, error) {
	h, err := l.Store.LedgerHead(ctx)
	return activities.LedgerHead{Seq: h.Seq, Hash: h.Hash, ReadAt: time.Now().UTC()}, err
}

// StoreConsents records consents in PostgreSQL.
type StoreConsents struct{ Store *store.Store }

func (s StoreConsents) Record(ctx context.Context, c activities.ConsentRecord) error {
	return s.Store.RecordConsent(ctx, store.Consent{
		Key: c.Key, CaseRef: c.CaseRef, RecipientServiceID: c.RecipientServiceID, Basis: c.Basis,
		Form: c.Form, StatutoryBasis: c.StatutoryBasis, RecordedBy: c.RecordedBy, RecordedAt: c.RecordedAt,
		GivenBy: c.GivenBy, Information: c.Information, Reason: c.Reason, ExpiresAt: c.ExpiresAt,
	})
}

// TemporalCases reaches a case's other workflows when a child coordinator takes over or
// leaves: the running collaboration-duty workflows by signal, and the individual plan by
// update. A duty case opened later learns of the coordinator when it starts (the bot asks
// the coordinator case then), so together every duty case for the reference is reached.
type TemporalCases struct{ Client client.Client }

func (t TemporalCases) HandOver(ctx context.Context, h activities.HandOver) (int, error) {
	n, err := t.signalDutyCases(ctx, h)
	if err != nil {
		return n, err
	}
	return n, t.followPlan(ctx, h)
}

func (t TemporalCases) signalDutyCases(ctx context.Context, h activities.HandOver) (int, error) {
	query := fmt.Sprintf("%s = '%s' AND WorkflowType = 'CollaborationDuty' AND ExecutionStatus = 'Running'",
		workflows.AttrCase.GetName(), h.CaseRef)
	var token []byte
	n := 0
	seen := map[string]bool{} // a workflow ID is listed once per run; only the running one answers
	for {
		resp, err := t.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return n, fmt.Errorf("finner samarbeidssakene til %s: %w", h.CaseRef, err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if seen[id] {
				continue
			}
			seen[id] = true
			err := t.Client.SignalWorkflow(ctx, id, "", workflows.SignalCoordinatorTakeover, h)
			var notFound *serviceerror.NotFound
			if errors.As(err, &notFound) {
				continue // closed since it was listed
			}
			if err != nil {
				return n, err
			}
			n++
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return n, nil
		}
	}
}

// followPlan tells the reference's running individual plan: a new coordinator who accepted
// becomes the plan's coordinator; one who left leaves the plan without a coordinator until
// then. The update IDs come from the coordinator case, so a retried activity applies once;
// a plan that is closed, or already has her, refuses, and that is no error here.
func (t TemporalCases) followPlan(ctx context.Context, h activities.HandOver) error {
	id := workflows.PlanWorkflowID(h.CaseRef)
	actor := workflows.Actor{SlackUserID: workflows.System, Name: "samarbeid (koordinatorsak)"}
	var name, updateID string
	var arg any
	if h.Left {
		name, updateID = workflows.UpdatePlanCoordinatorLeft, fmt.Sprintf("koordinator-sluttet:%s:%s:%d", h.CoordinatorWorkflowID, h.SlackUserID, h.At.Unix())
		arg = workflows.PlanCoordinatorLeft{Actor: actor, CoordinatorSlackUserID: h.SlackUserID, FromCoordinatorCase: h.CoordinatorWorkflowID}
	} else {
		name, updateID = workflows.UpdateChangeCoordinator, fmt.Sprintf("koordinator-overtar:%s:%s", h.CoordinatorWorkflowID, h.SlackUserID)
		arg = workflows.ChangeCoordinator{Actor: actor, CoordinatorSlackUserID: h.SlackUserID, CoordinatorServiceID: h.ServiceID,
			FromCoordinatorCase: h.CoordinatorWorkflowID}
	}
	handle, err := t.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateID: updateID, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = handle.Get(ctx, nil)
	}
	var notFound *serviceerror.NotFound
	if _, _, refused := workflows.RefusalOf(err); refused || errors.As(err, &notFound) {
		return nil // no plan, a closed one, or one that has her already
	}
	return err
}
