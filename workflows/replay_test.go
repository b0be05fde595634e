package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays real histories recorded from the embedded Temporal
// server (SAMARBEID_RECORD_HISTORY=1 go test ./app/ writes them). A change to
// CollaborationDuty that would break cases already running fails here; guard such a change
// with workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories under workflows/testdata: record one with SAMARBEID_RECORD_HISTORY=1 go test ./app/")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(CollaborationDuty)
			r.RegisterWorkflow(CollaborationEvaluation)
			r.RegisterWorkflow(CoordinatorAppointment)
			r.RegisterWorkflow(IndividualPlan)
			r.RegisterWorkflow(KEDigest)
			r.RegisterWorkflow(LedgerAnchor)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay of %s: %v", f, err)
			}
		})
	}
}
