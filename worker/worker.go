// Package worker wires samarbeid's workflows and activities to a Temporal worker, and the
// activities' interfaces to their real adapters.
package worker

import (
	"context"
	"errors"
	"fmt"

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

// New returns a worker on workflows.TaskQueue with every workflow and activity registered.
// The caller starts and stops it.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
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
	r.RegisterActivity(acts)
}

// RegisterSearchAttributes adds the typed search attributes the workflows upsert, leaving
// those already there alone, so it is safe at every start.
func RegisterSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("leser søkeattributter i Temporal: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for _, attrs := range []map[string]enums.IndexedValueType{workflows.SearchAttributes(), workflows.CoordinatorSearchAttributes()} {
		for name, typ := range attrs {
			if _, ok := have.GetCustomAttributes()[name]; !ok {
				missing[name] = typ
			}
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
	actor := r.Actor
	if r.ActorName != "" {
		actor = r.ActorName + ", " + r.Actor // "Kari (helsestasjon), U_KARI": name first, for the reader
	}
	_, err := l.Store.AppendAudit(ctx, store.AuditEntry{
		Key: r.Key, CaseRef: r.CaseRef, WorkflowID: r.WorkflowID, RunID: r.RunID, Actor: actor,
		ServiceID: r.ServiceID, Action: r.Action, Summary: r.Summary, Detail: r.Detail,
		LegalBasis: r.LegalBasis, OccurredAt: r.OccurredAt,
	})
	return err
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

// TemporalCases finds a case's running collaboration-duty workflows through Temporal's
// visibility and signals each that a coordinator has taken over.
type TemporalCases struct{ Client client.Client }

func (t TemporalCases) HandOver(ctx context.Context, h activities.HandOver) (int, error) {
	query := fmt.Sprintf("%s = '%s' AND WorkflowType = 'CollaborationDuty' AND ExecutionStatus = 'Running'",
		workflows.AttrCase.GetName(), h.CaseRef)
	var token []byte
	n := 0
	for {
		resp, err := t.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return n, fmt.Errorf("finner samarbeidssakene til %s: %w", h.CaseRef, err)
		}
		for _, e := range resp.GetExecutions() {
			err := t.Client.SignalWorkflow(ctx, e.GetExecution().GetWorkflowId(), "", workflows.SignalCoordinatorTakeover, h)
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
