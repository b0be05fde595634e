// Package overview builds the coordinating unit's (KE) picture of every running case: how
// many steps are overdue and how many fall due soon, by sector and by unit. It reads only
// Temporal's visibility store (the search attributes the workflows keep up to date), never
// each workflow's state, so its cost grows with the cases it lists, not with their history.
package overview

import (
	"context"
	"fmt"
	"sort"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Lister is the part of the Temporal client the overview needs.
type Lister interface {
	ListWorkflow(ctx context.Context, req *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error)
}

// Case is one running case with an overdue or soon-due step.
type Case struct {
	Ref, WorkflowID, Step string
	Deadline              time.Time // zero when the step has none
	Overdue               bool
}

// Unit is one service's share of the overview.
type Unit struct {
	ServiceID, Name, Sector string
	Overdue, DueSoon        []Case // each sorted by deadline
}

// Report is the overview at one moment.
type Report struct {
	At, Horizon      time.Time // soon-due means a deadline before Horizon
	Units            []Unit    // by sector, then name
	Overdue, DueSoon int
}

// Sectors groups the units by sector, in the report's order.
func (r Report) Sectors() [][]Unit {
	var out [][]Unit
	for _, u := range r.Units {
		if n := len(out); n > 0 && out[n-1][0].Sector == u.Sector {
			out[n-1] = append(out[n-1], u)
			continue
		}
		out = append(out, []Unit{u})
	}
	return out
}

// Query is the visibility query behind the overview: running cases that are overdue or whose
// next deadline falls before horizon.
func Query(horizon time.Time) string {
	return fmt.Sprintf("ExecutionStatus = 'Running' AND (%s = true OR %s < '%s')",
		workflows.AttrOverdue.GetName(), workflows.AttrDeadline.GetName(), horizon.UTC().Format(time.RFC3339))
}

// pageSize is the visibility page; the SQL visibility store serves a thousand rows per page
// comfortably.
const pageSize = 1000

// Build lists the overdue and soon-due cases and groups them by the service that answers for
// them (the search attribute SamarbeidTjeneste). Services unknown to the directory keep their
// ID as the name, so no case falls out of the count.
func Build(ctx context.Context, temporal Lister, services []store.Service, now, horizon time.Time) (Report, error) {
	byID := make(map[string]store.Service, len(services))
	for _, s := range services {
		byID[s.ID] = s
	}
	units := map[string]*Unit{}
	report := Report{At: now, Horizon: horizon}
	var token []byte
	for {
		page, err := temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: Query(horizon), PageSize: pageSize, NextPageToken: token})
		if err != nil {
			return Report{}, fmt.Errorf("oversikt over løpende saker: %w", err)
		}
		for _, e := range page.GetExecutions() {
			attrs := e.GetSearchAttributes().GetIndexedFields()
			c := Case{WorkflowID: e.GetExecution().GetWorkflowId()}
			var serviceID string
			decode(attrs[workflows.AttrCase.GetName()], &c.Ref)
			decode(attrs[workflows.AttrStep.GetName()], &c.Step)
			decode(attrs[workflows.AttrDeadline.GetName()], &c.Deadline)
			decode(attrs[workflows.AttrOverdue.GetName()], &c.Overdue)
			decode(attrs[workflows.AttrService.GetName()], &serviceID)
			if !c.Deadline.IsZero() && !c.Deadline.After(now) {
				// The workflow's own timer marks it overdue; between the deadline and that
				// timer it is overdue already.
				c.Overdue = true
			}
			u := units[serviceID]
			if u == nil {
				svc, ok := byID[serviceID]
				if !ok {
					svc = store.Service{ID: serviceID, Name: serviceID, Sector: "ukjent"}
				}
				u = &Unit{ServiceID: serviceID, Name: svc.Name, Sector: svc.Sector}
				units[serviceID] = u
			}
			if c.Overdue {
				u.Overdue = append(u.Overdue, c)
				report.Overdue++
			} else {
				u.DueSoon = append(u.DueSoon, c)
				report.DueSoon++
			}
		}
		token = page.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	for _, u := range units {
		byDeadline(u.Overdue)
		byDeadline(u.DueSoon)
		report.Units = append(report.Units, *u)
	}
	sort.Slice(report.Units, func(i, j int) bool {
		a, b := report.Units[i], report.Units[j]
		if a.Sector != b.Sector {
			return a.Sector < b.Sector
		}
		return a.Name < b.Name
	})
	return report, nil
}

func byDeadline(cases []Case) {
	sort.Slice(cases, func(i, j int) bool {
		if !cases[i].Deadline.Equal(cases[j].Deadline) {
			return cases[i].Deadline.Before(cases[j].Deadline)
		}
		return cases[i].Ref < cases[j].Ref
	})
}

// decode reads one search attribute; a missing or malformed one leaves v as it was, since
// the overview should show a case with less detail rather than not at all.
func decode(p *commonpb.Payload, v any) {
	if p == nil || len(p.GetData()) == 0 {
		return
	}
	_ = converter.GetDefaultDataConverter().FromPayload(p, v)
}
