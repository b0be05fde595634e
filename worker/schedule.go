package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/workflows"
)

// EnsureKEDigestSchedule creates the Temporal Schedule that runs the KE's daily digest every
// weekday at hour:minute Oslo time, or brings an existing one to that time. Holidays fall on
// weekdays too; the digest simply has less to say on those days. Safe at every start and from
// several processes at once.
func EnsureKEDigestSchedule(ctx context.Context, c client.Client, hour, minute int) error {
	spec := client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Hour:      []client.ScheduleRange{{Start: hour}},
			Minute:    []client.ScheduleRange{{Start: minute}},
			DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5}}, // Monday to Friday
		}},
		TimeZoneName: calendar.Oslo.String(),
	}
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   workflows.KEDigestScheduleID,
		Spec: spec,
		Action: &client.ScheduleWorkflowAction{
			ID: "ke-dagsoversikt", Workflow: workflows.KEDigest, TaskQueue: workflows.TaskQueue,
		},
		// A digest missed while samarbeid was down runs when it is back, the same day only.
		CatchupWindow: 12 * time.Hour,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		err = c.ScheduleClient().GetHandle(ctx, workflows.KEDigestScheduleID).Update(ctx, client.ScheduleUpdateOptions{
			DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				in.Description.Schedule.Spec = &spec
				return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
			},
		})
	}
	if err != nil {
		return fmt.Errorf("oppretter Temporal-planen for dagsoversikten: %w", err)
	}
	return nil
}

// EnsureLedgerAnchorSchedule creates the Temporal Schedule that records the audit ledger's
// head every hour (workflows.LedgerAnchor). Hourly, not daily: rows written after the newest
// anchor can be cut from the end unseen once their cases' histories are gone, so the interval
// is that window; a run is a dozen events. Safe at every start and from several processes.
func EnsureLedgerAnchorSchedule(ctx context.Context, c client.Client) error {
	_, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   workflows.LedgerAnchorScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
		Action: &client.ScheduleWorkflowAction{
			ID: workflows.LedgerAnchorWorkflowID, Workflow: workflows.LedgerAnchor, TaskQueue: workflows.TaskQueue,
		},
		// A missed anchor is simply taken at the next hour; catching up adds nothing.
		CatchupWindow: time.Minute,
		Overlap:       enums.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil // the same spec every time: nothing to bring up to date
	}
	if err != nil {
		return fmt.Errorf("oppretter Temporal-planen for revisjonsloggens anker: %w", err)
	}
	return nil
}
