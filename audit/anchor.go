package audit

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/store"
)

// Anchor is the ledger's head as it was recorded outside PostgreSQL: by the hourly anchor
// workflow in Temporal, or in an export handed to an auditor.
type Anchor struct {
	Seq    int64     `json:"nr"`
	Hash   string    `json:"hash"`
	At     time.Time `json:"tidspunkt"`
	Source string    `json:"kilde"`
}

// TemporalAnchors reads the head every completed LedgerAnchor run returned, oldest first.
// Temporal keeps them for the namespace's retention; as each one vouches, through the chain,
// for every row before it, the newest alone covers the whole ledger up to its row.
func TemporalAnchors(ctx context.Context, c client.Client) ([]Anchor, error) {
	// The type's name is the function's name, as the worker registers it.
	query := "WorkflowType = 'LedgerAnchor' AND ExecutionStatus = 'Completed'"
	var out []Anchor
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("finner ankrene i Temporal: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			id, run := e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId()
			var head activities.LedgerHead
			err := c.GetWorkflow(ctx, id, run).Get(ctx, &head)
			var notFound *serviceerror.NotFound
			if errors.As(err, &notFound) {
				continue // past retention since it was listed
			}
			if err != nil {
				return nil, fmt.Errorf("leser ankeret %s: %w", id, err)
			}
			out = append(out, Anchor{Seq: head.Seq, Hash: head.Hash, At: head.ReadAt, Source: "Temporal " + id})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// CheckAnchors compares the chain with each anchor. The chain itself is checked apart
// (VerifyChain): if it holds and the row an anchor names still has the anchor's hash, every
// row up to it is as it was when the anchor was taken. A chain that ends before an anchor's
// row lost rows from its end; another hash there means the chain was rewritten.
func CheckAnchors(rows []store.AuditRow, anchors []Anchor) []Finding {
	bySeq := make(map[int64]store.AuditRow, len(rows))
	var last int64
	for _, r := range rows {
		bySeq[r.Seq] = r
		last = max(last, r.Seq)
	}
	var findings []Finding
	for _, a := range anchors {
		if a.Seq == 0 {
			continue // taken of an empty ledger: it vouches for nothing
		}
		when := a.At.UTC().Format(time.RFC3339)
		r, ok := bySeq[a.Seq]
		switch {
		case a.Seq > last:
			findings = append(findings, Finding{Seq: a.Seq, Problem: fmt.Sprintf(
				"revisjonsloggen slutter ved rad %d, men ankeret fra %s (%s) viser at rad %d fantes: rader er fjernet fra slutten",
				last, when, a.Source, a.Seq)})
		case !ok:
			findings = append(findings, Finding{Seq: a.Seq, Problem: fmt.Sprintf(
				"rad %d mangler, men ankeret fra %s (%s) viser at den fantes", a.Seq, when, a.Source)})
		case r.Hash != a.Hash:
			findings = append(findings, Finding{Seq: a.Seq, Problem: fmt.Sprintf(
				"rad %d har en annen hash enn ankeret fra %s (%s): kjeden er skrevet om", a.Seq, when, a.Source)})
		}
	}
	return findings
}
