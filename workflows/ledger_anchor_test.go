package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/samarbeid/samarbeid/activities"
)

// flakyHead is a ledger whose head read fails a given number of times first.
type flakyHead struct {
	failures int
	calls    int
	head     activities.LedgerHead
}

func (f *flakyHead) Head(context.Context) (activities.LedgerHead, error) {
	f.calls++
	if f.calls <= f.failures {
		return activities.LedgerHead{}, errors.New("PostgreSQL svarer ikke")
	}
	return f.head, nil
}

// TestLedgerAnchorKeepsTheHead: the workflow's result, kept in its history, is the ledger's
// head as read, after PostgreSQL answers again.
func TestLedgerAnchorKeepsTheHead(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	want := activities.LedgerHead{Seq: 1234, Hash: "9f86d081884c7d65", ReadAt: time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)}
	ledger := &flakyHead{failures: 2, head: want}
	env.RegisterActivity(&activities.Anchoring{Ledger: ledger})
	env.RegisterWorkflow(LedgerAnchor)
	env.ExecuteWorkflow(LedgerAnchor)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("anchor did not complete: %v", env.GetWorkflowError())
	}
	var got activities.LedgerHead
	if err := env.GetWorkflowResult(&got); err != nil {
		t.Fatal(err)
	}
	if got.Seq != want.Seq || got.Hash != want.Hash || !got.ReadAt.Equal(want.ReadAt) {
		t.Fatalf("anchor kept %+v, want %+v", got, want)
	}
	t.Logf("anchor kept row %d after %d reads (%d failed)", got.Seq, ledger.calls, ledger.failures)
}

// TestLedgerAnchorWithoutLedgerFails: a worker registered without a ledger (a replayer's
// registry) does not pretend to have read a head.
func TestLedgerAnchorWithoutLedgerFails(t *testing.T) {
	if _, err := (&activities.Anchoring{}).ReadLedgerHead(context.Background()); err == nil {
		t.Fatal("an anchoring without a ledger read a head")
	}
}
