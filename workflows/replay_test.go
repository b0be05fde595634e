package workflows_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"go.temporal.io/sdk/worker"

	samarbeidworker "github.com/samarbeid/samarbeid/worker"
)

// workflowsOf records the workflows a registry is given; the activities are left out, since a
// replayer runs none. Only the two methods samarbeidworker.Register calls are implemented.
type workflowsOf struct {
	worker.Registry
	fns []any
}

func (w *workflowsOf) RegisterWorkflow(fn any) { w.fns = append(w.fns, fn) }
func (w *workflowsOf) RegisterActivity(any)    {}

// replayed are the workflows the worker runs, taken from its own registration, so a workflow
// added to the worker is replayed and must have a recorded history
// (TestEveryWorkflowHasARecordedHistory) without a second list to keep.
var replayed = func() []any {
	var w workflowsOf
	samarbeidworker.Register(&w, nil)
	return w.fns
}()

// workflowTypeName is the name Temporal registers a workflow function under by default, the
// one its histories carry.
func workflowTypeName(fn any) string {
	full := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	return full[strings.LastIndex(full, ".")+1:]
}

func recordedHistories(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories under workflows/testdata: record one with SAMARBEID_RECORD_HISTORY=1 go test ./app/")
	}
	return files
}

// TestReplayRecordedHistories replays real histories recorded from the embedded Temporal
// server (SAMARBEID_RECORD_HISTORY=1 go test ./app/ writes them). A change to a workflow
// that would break cases already running fails here; guard such a change with
// workflow.GetVersion.
func TestReplayRecordedHistories(t *testing.T) {
	for _, f := range recordedHistories(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			for _, w := range replayed {
				r.RegisterWorkflow(w)
			}
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay of %s: %v", f, err)
			}
		})
	}
}

// TestEveryWorkflowHasARecordedHistory: a workflow without a recorded history could change
// under running cases without the replay test noticing.
func TestEveryWorkflowHasARecordedHistory(t *testing.T) {
	seen := map[string]int{}
	for _, f := range recordedHistories(t) {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var h struct {
			Events []struct {
				Started *struct {
					WorkflowType struct{ Name string } `json:"workflowType"`
				} `json:"workflowExecutionStartedEventAttributes"`
			} `json:"events"`
		}
		if err := json.Unmarshal(raw, &h); err != nil || len(h.Events) == 0 || h.Events[0].Started == nil {
			t.Fatalf("%s is not a recorded history: %v", f, err)
		}
		seen[h.Events[0].Started.WorkflowType.Name]++
	}
	for _, w := range replayed {
		if name := workflowTypeName(w); seen[name] == 0 {
			t.Errorf("no recorded history of %s under workflows/testdata", name)
		}
	}
}
