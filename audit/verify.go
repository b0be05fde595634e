package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/store"
)

// Ledger is what verification reads from PostgreSQL.
type Ledger interface {
	VerifyChain(ctx context.Context) (int, error)
	AuditRows(ctx context.Context) ([]store.AuditRow, error)
}

// Finding is one thing that does not hold.
type Finding struct {
	Seq        int64  `json:"nr,omitempty"`
	WorkflowID string `json:"workflow,omitempty"`
	Key        string `json:"nokkel,omitempty"`
	Problem    string `json:"problem"`
}

// Report is the outcome of a verification.
type Report struct {
	Rows       int `json:"rader"`
	Workflows  int `json:"workflows"`
	Reconciled int `json:"avstemt"`
	// Unavailable lists workflows whose history Temporal no longer keeps (retention): their
	// rows rest on the chain alone.
	Unavailable []string  `json:"uten_historikk,omitempty"`
	Findings    []Finding `json:"avvik,omitempty"`
}

// OK reports whether nothing was found wrong.
func (r Report) OK() bool { return len(r.Findings) == 0 }

// Verify checks the hash chain, then reconciles each workflow's ledger rows with the
// RecordAudit activities in its Temporal history: a decision the workflow recorded must be
// in the ledger unchanged, and a ledger row must come from its workflow.
func Verify(ctx context.Context, ledger Ledger, temporal client.Client) (Report, error) {
	var rep Report
	if _, err := ledger.VerifyChain(ctx); err != nil {
		rep.Findings = append(rep.Findings, Finding{Problem: err.Error()})
	}
	rows, err := ledger.AuditRows(ctx)
	if err != nil {
		return rep, err
	}
	rep.Rows = len(rows)
	// Rows are reconciled run by run: a workflow ID may have several runs (a reference opened
	// again after the first case closed, a plan that continued as new), and each run's rows
	// are in that run's history.
	type run struct{ id, run string }
	byRun := map[run][]store.AuditRow{}
	var order []run
	workflowIDs := map[string]bool{}
	for _, r := range rows {
		k := run{r.WorkflowID, r.RunID}
		if _, seen := byRun[k]; !seen {
			order = append(order, k)
		}
		byRun[k] = append(byRun[k], r)
		workflowIDs[r.WorkflowID] = true
	}
	rep.Workflows = len(workflowIDs)
	histories := map[run]map[string]*recordedDecision{}
	unavailable := map[string]bool{}
	for _, k := range order {
		recorded, err := recordedDecisions(ctx, temporal, k.id, k.run)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			if !unavailable[k.id] {
				unavailable[k.id] = true
				rep.Unavailable = append(rep.Unavailable, k.id)
			}
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("leser Temporal-historikken til %s: %w", k.id, err)
		}
		histories[k] = recorded
	}
	// Running cases keep writing while we read. Every row of the first snapshot was written
	// before the histories were read, so its decision must be in them; every decision the
	// histories show as recorded was written before the second snapshot, so it must be there.
	after, err := ledger.AuditRows(ctx)
	if err != nil {
		return rep, err
	}
	afterByKey := make(map[string]store.AuditRow, len(after))
	for _, r := range after {
		afterByKey[r.Key] = r
	}
	for _, k := range order {
		if recorded, ok := histories[k]; ok {
			rep.Findings = append(rep.Findings, reconcile(k.id, byRun[k], afterByKey, recorded, &rep.Reconciled)...)
		}
	}
	return rep, nil
}

type recordedDecision struct {
	record    activities.AuditRecord
	completed bool
}

// recordedDecisions reads the audit records one run of a workflow handed to RecordAudit,
// by key ("" for the latest run).
func recordedDecisions(ctx context.Context, c client.Client, workflowID, runID string) (map[string]*recordedDecision, error) {
	out := map[string]*recordedDecision{}
	scheduled := map[int64]*recordedDecision{}
	dc := codec.Converter(c) // the histories' payloads are encrypted
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, err
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			attrs := ev.GetActivityTaskScheduledEventAttributes()
			if attrs.GetActivityType().GetName() != "RecordAudit" {
				continue
			}
			var rec activities.AuditRecord
			if err := dc.FromPayloads(attrs.GetInput(), &rec); err != nil {
				return nil, fmt.Errorf("hendelse %d: %w", ev.GetEventId(), err)
			}
			d := &recordedDecision{record: rec}
			out[rec.Key] = d
			scheduled[ev.GetEventId()] = d
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			if d, ok := scheduled[ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()]; ok {
				d.completed = true
			}
		}
	}
	return out, nil
}

func reconcile(workflowID string, rows []store.AuditRow, after map[string]store.AuditRow, recorded map[string]*recordedDecision, reconciled *int) []Finding {
	var findings []Finding
	for _, r := range rows {
		d, ok := recorded[r.Key]
		if !ok {
			findings = append(findings, Finding{Seq: r.Seq, WorkflowID: workflowID, Key: r.Key,
				Problem: "raden finnes ikke i workflowens Temporal-historikk"})
			continue
		}
		if diff := differs(r, d.record); diff != "" {
			findings = append(findings, Finding{Seq: r.Seq, WorkflowID: workflowID, Key: r.Key,
				Problem: "raden avviker fra Temporal-historikken: " + diff})
			continue
		}
		*reconciled++
	}
	// A decision whose RecordAudit completed must be in the ledger (keys sorted for a stable report).
	for _, key := range sortedKeys(recorded) {
		if _, ok := after[key]; recorded[key].completed && !ok {
			d := recorded[key]
			findings = append(findings, Finding{WorkflowID: workflowID, Key: key,
				Problem: fmt.Sprintf("beslutningen «%s» er registrert i Temporal, men mangler i revisjonsloggen", d.record.Summary)})
		}
	}
	return findings
}

// differs names the first field where the ledger row and the workflow's record disagree.
func differs(r store.AuditRow, rec activities.AuditRecord) string {
	switch {
	case r.CaseRef != rec.CaseRef:
		return "sak"
	case r.Action != rec.Action:
		return "handling"
	case r.Summary != rec.Summary:
		return "beskrivelse"
	case r.LegalBasis != rec.LegalBasis:
		return "hjemmel"
	case r.ServiceID != rec.ServiceID:
		return "tjeneste"
	case !r.OccurredAt.Equal(rec.OccurredAt.UTC().Truncate(time.Microsecond)):
		return "tidspunkt"
	}
	return ""
}
