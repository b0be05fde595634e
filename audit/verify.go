package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
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
	Rows      int `json:"rader"`
	Workflows int `json:"workflows"`
	// Runs is how many workflow runs' histories were read: every run of every workflow with
	// a row, a plan's runs before and after each continue-as-new included.
	Runs       int `json:"kjoringer"`
	Reconciled int `json:"avstemt"`
	// Unavailable lists workflows whose history Temporal no longer keeps (retention): their
	// rows rest on the chain alone.
	Unavailable []string `json:"uten_historikk,omitempty"`
	// Anchors is how many recorded heads the chain was checked against; NewestAnchor the
	// latest of them, which vouches for every row up to its own.
	Anchors      int       `json:"ankre"`
	NewestAnchor *Anchor   `json:"nyeste_anker,omitempty"`
	Findings     []Finding `json:"avvik,omitempty"`
}

// OK reports whether nothing was found wrong.
func (r Report) OK() bool { return len(r.Findings) == 0 }

type runKey struct{ id, run string }

// Verify checks the hash chain, checks it against every anchor (the heads the anchor
// workflow kept in Temporal, and those given, e.g. from exports), then reconciles each
// workflow's ledger rows with the RecordAudit activities in its Temporal history: a decision
// the workflow recorded must be in the ledger unchanged, and a ledger row must come from its
// workflow. Every run of a workflow is read, not only those with rows.
func Verify(ctx context.Context, ledger Ledger, temporal client.Client, anchors ...Anchor) (Report, error) {
	var rep Report
	if _, err := ledger.VerifyChain(ctx); err != nil {
		rep.Findings = append(rep.Findings, Finding{Problem: err.Error()})
	}
	rows, err := ledger.AuditRows(ctx)
	if err != nil {
		return rep, err
	}
	rep.Rows = len(rows)
	recordedAnchors, err := TemporalAnchors(ctx, temporal)
	if err != nil {
		return rep, err
	}
	anchors = append(append([]Anchor(nil), anchors...), recordedAnchors...)
	rep.Anchors = len(anchors)
	for i := range anchors {
		if rep.NewestAnchor == nil || anchors[i].Seq > rep.NewestAnchor.Seq {
			rep.NewestAnchor = &anchors[i]
		}
	}
	rep.Findings = append(rep.Findings, CheckAnchors(rows, anchors)...)

	// Rows are reconciled run by run: a workflow ID may have several runs (a reference opened
	// again after the first case closed, a plan that continued as new), and each run's rows
	// are in that run's history.
	byRun := map[runKey][]store.AuditRow{}
	var order []runKey
	workflowIDs := map[string]bool{}
	var idOrder []string
	for _, r := range rows {
		k := runKey{r.WorkflowID, r.RunID}
		if _, seen := byRun[k]; !seen {
			order = append(order, k)
		}
		byRun[k] = append(byRun[k], r)
		if !workflowIDs[r.WorkflowID] {
			workflowIDs[r.WorkflowID] = true
			idOrder = append(idOrder, r.WorkflowID)
		}
	}
	rep.Workflows = len(workflowIDs)
	// Runs with no row at all are read too: their decisions must be in the ledger. Temporal's
	// visibility lists a workflow ID's runs; each history also names the run before and after
	// a continue-as-new, which finds the runs of a chain even before visibility lists them.
	queued := map[runKey]bool{}
	for _, k := range order {
		queued[k] = true
	}
	for _, id := range idOrder {
		runs, err := listRuns(ctx, temporal, id)
		if err != nil {
			return rep, err
		}
		for _, run := range runs {
			if k := (runKey{id, run}); !queued[k] {
				queued[k] = true
				order = append(order, k)
			}
		}
	}
	histories := map[runKey]map[string]*recordedDecision{}
	unavailable := map[string]bool{}
	for i := 0; i < len(order); i++ {
		k := order[i]
		h, err := readRun(ctx, temporal, k.id, k.run)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			if len(byRun[k]) > 0 && !unavailable[k.id] {
				unavailable[k.id] = true
				rep.Unavailable = append(rep.Unavailable, k.id)
			}
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("leser Temporal-historikken til %s: %w", k.id, err)
		}
		histories[k] = h.decisions
		for _, linked := range []string{h.previousRun, h.nextRun} {
			if lk := (runKey{k.id, linked}); linked != "" && !queued[lk] {
				queued[lk] = true
				order = append(order, lk)
			}
		}
	}
	rep.Runs = len(histories)
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

// listRuns is every run of a workflow ID that Temporal's visibility knows.
func listRuns(ctx context.Context, c client.Client, workflowID string) ([]string, error) {
	if strings.ContainsAny(workflowID, `'"\`) {
		return nil, nil // not an ID samarbeid makes; its rows' own runs are still read
	}
	var runs []string
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("finner kjøringene til %s: %w", workflowID, err)
		}
		for _, e := range resp.GetExecutions() {
			runs = append(runs, e.GetExecution().GetRunId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return runs, nil
		}
	}
}

type recordedDecision struct {
	record    activities.AuditRecord
	completed bool
}

// runHistory is what one run's history says: the audit records it handed to RecordAudit, by
// key, and the runs before and after it in a continue-as-new chain.
type runHistory struct {
	decisions            map[string]*recordedDecision
	previousRun, nextRun string
}

// readRun reads one run of a workflow ("" for the latest run).
func readRun(ctx context.Context, c client.Client, workflowID, runID string) (runHistory, error) {
	h := runHistory{decisions: map[string]*recordedDecision{}}
	scheduled := map[int64]*recordedDecision{}
	dc := codec.Converter(c) // the histories' payloads are encrypted
	it := c.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return h, err
		}
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			h.previousRun = ev.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
			h.nextRun = ev.GetWorkflowExecutionContinuedAsNewEventAttributes().GetNewExecutionRunId()
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			attrs := ev.GetActivityTaskScheduledEventAttributes()
			if attrs.GetActivityType().GetName() != "RecordAudit" {
				continue
			}
			var rec activities.AuditRecord
			if err := dc.FromPayloads(attrs.GetInput(), &rec); err != nil {
				return h, fmt.Errorf("hendelse %d: %w", ev.GetEventId(), err)
			}
			d := &recordedDecision{record: rec}
			h.decisions[rec.Key] = d
			scheduled[ev.GetEventId()] = d
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			if d, ok := scheduled[ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()]; ok {
				d.completed = true
			}
		}
	}
	return h, nil
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
// Every field the workflow gave is compared; only the chain's own (sequence number, hashes,
// when PostgreSQL wrote it) are not in the history.
func differs(r store.AuditRow, rec activities.AuditRecord) string {
	switch {
	case r.Key != rec.Key:
		return "nøkkel"
	case r.CaseRef != rec.CaseRef:
		return "sak"
	case r.WorkflowID != rec.WorkflowID:
		return "workflow"
	case r.RunID != rec.RunID:
		return "kjøring"
	case r.Actor != store.AuditActor(rec.Actor, rec.ActorName):
		return "hvem"
	case r.ServiceID != rec.ServiceID:
		return "tjeneste"
	case r.Action != rec.Action:
		return "handling"
	case r.Summary != rec.Summary:
		return "beskrivelse"
	case r.LegalBasis != rec.LegalBasis:
		return "hjemmel"
	case !r.OccurredAt.Equal(rec.OccurredAt.UTC().Truncate(time.Microsecond)):
		return "tidspunkt"
	}
	// The details in one canonical form (sorted keys), as the chain stores them.
	got, err1 := store.CanonicalDetail(r.Detail)
	want, err2 := store.CanonicalDetail(rec.Detail)
	if err1 != nil || err2 != nil || got != want {
		return "detaljer"
	}
	return ""
}
