package overview

import (
	"context"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// pagedLister serves executions two per page, and remembers the queries it was asked.
type pagedLister struct {
	all     []*workflowpb.WorkflowExecutionInfo
	queries []string
}

func (l *pagedLister) ListWorkflow(_ context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	l.queries = append(l.queries, req.GetQuery())
	start := 0
	if len(req.GetNextPageToken()) > 0 {
		start = int(req.GetNextPageToken()[0])
	}
	end := min(start+2, len(l.all))
	resp := &workflowservice.ListWorkflowExecutionsResponse{Executions: l.all[start:end]}
	if end < len(l.all) {
		resp.NextPageToken = []byte{byte(end)}
	}
	return resp, nil
}

func execution(t *testing.T, id, ref, service string, deadline time.Time, overdue bool) *workflowpb.WorkflowExecutionInfo {
	t.Helper()
	enc := func(v any) *commonpb.Payload {
		p, err := converter.GetDefaultDataConverter().ToPayload(v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	fields := map[string]*commonpb.Payload{
		workflows.AttrCase.GetName():    enc(ref),
		workflows.AttrStep.GetName():    enc("vurdering"),
		workflows.AttrService.GetName(): enc(service),
		workflows.AttrOverdue.GetName(): enc(overdue),
	}
	if !deadline.IsZero() {
		fields[workflows.AttrDeadline.GetName()] = enc(deadline)
	}
	return &workflowpb.WorkflowExecutionInfo{
		Execution:        &commonpb.WorkflowExecution{WorkflowId: id},
		SearchAttributes: &commonpb.SearchAttributes{IndexedFields: fields},
	}
}

func TestBuildGroupsBySectorAndUnitAcrossPages(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	horizon := now.Add(72 * time.Hour)
	services := []store.Service{
		{ID: "helsestasjon", Name: "Helsestasjon", Sector: "helse"},
		{ID: "fastlege", Name: "Fastlege", Sector: "helse"},
		{ID: "nav", Name: "NAV-kontor", Sector: "arbeid"},
	}
	l := &pagedLister{all: []*workflowpb.WorkflowExecutionInfo{
		execution(t, "w1", "SAK-1", "helsestasjon", now.Add(-time.Hour), true),
		execution(t, "w2", "SAK-2", "helsestasjon", now.Add(24*time.Hour), false),
		// Deadline passed, timer not fired yet: overdue all the same.
		execution(t, "w3", "SAK-3", "nav", now.Add(-time.Minute), false),
		execution(t, "w4", "SAK-4", "fastlege", now.Add(48*time.Hour), false),
		execution(t, "w5", "SAK-5", "helsestasjon", now.Add(-48*time.Hour), true),
		// A service the directory no longer knows still counts.
		execution(t, "w6", "SAK-6", "nedlagt", time.Time{}, true),
	}}
	r, err := Build(context.Background(), l, services, now, horizon)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.queries) != 3 {
		t.Fatalf("read %d pages, want 3", len(l.queries))
	}
	if !strings.Contains(l.queries[0], "SamarbeidForfalt = true") || !strings.Contains(l.queries[0], horizon.Format(time.RFC3339)) {
		t.Fatalf("unexpected query %q", l.queries[0])
	}
	if r.Overdue != 4 || r.DueSoon != 2 {
		t.Fatalf("overdue %d, due soon %d; want 4 and 2", r.Overdue, r.DueSoon)
	}
	var got []string
	for _, u := range r.Units {
		got = append(got, u.Sector+"/"+u.Name)
	}
	if want := "arbeid/NAV-kontor helse/Fastlege helse/Helsestasjon ukjent/nedlagt"; strings.Join(got, " ") != want {
		t.Fatalf("units %q, want %q", strings.Join(got, " "), want)
	}
	hs := r.Units[2]
	if len(hs.Overdue) != 2 || hs.Overdue[0].Ref != "SAK-5" || len(hs.DueSoon) != 1 || hs.DueSoon[0].Ref != "SAK-2" {
		t.Fatalf("helsestasjon: %+v", hs)
	}
	if sectors := r.Sectors(); len(sectors) != 3 || len(sectors[1]) != 2 {
		t.Fatalf("sectors: %+v", sectors)
	}
}
