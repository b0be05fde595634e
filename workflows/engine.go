package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// caseState is a case workflow's state as the shared loop drives it. Update handlers change
// the state and queue effects; only the loop runs activities, so an update completes in one
// workflow task and the bot can answer Slack within its 3 seconds.
type caseState interface {
	flush(ctx workflow.Context) error // runs queued effects through activities, in order
	queued() int                      // effects waiting
	fireAlarms(now time.Time)         // queues reminders and escalations that are due
	nextAlarm() time.Time             // zero when nothing is pending
	publishSearchAttributes(ctx workflow.Context) error
	closed() bool
	// Notices on their own path (effects.go): chosen once a run, awaited before it ends.
	setNoticesApart(apart bool)
	noticesSent() bool
	noticeFailed() bool
	awaitNotices(ctx workflow.Context) error
}

// runCase drives a case until it closes, so it never stalls silently: effects run, due
// alarms fire, search attributes follow the state, and otherwise it waits for an update or
// the next alarm. idle, when given, is asked whenever the case has nothing to do; it may
// end the run (continue-as-new returns its error) or ask for another round.
func runCase(ctx workflow.Context, c caseState, idle func(workflow.Context) (again bool, err error)) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		// PostgreSQL may be down for a while: the ledger, consents and hand-overs are tried
		// until it is back, with no bound on attempts, on purpose: the legal record is never
		// dropped, and an outage shows on /readyz. Slack is bounded in the messenger instead
		// (bot/delivery.go: lasting errors at once, an outage after six hours are parked and
		// the KE told), so a notice's attempts end too. A minute between tries at most keeps
		// a recovery quick without hammering either.
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: time.Minute},
	})
	c.setNoticesApart(workflow.GetVersion(ctx, versionNoticesApart, workflow.DefaultVersion, 1) == 1)
	// idleWaits: idle was not asked because notices were still on their way (a run hands
	// over only once its notices are out); the loop comes round again when they are.
	idleWaits := false
	hasWork := func() bool { return c.queued() > 0 || c.noticeFailed() || (idleWaits && c.noticesSent()) }
	for {
		if err := c.flush(ctx); err != nil {
			return err
		}
		c.fireAlarms(workflow.Now(ctx))
		if c.queued() > 0 {
			continue
		}
		if err := c.publishSearchAttributes(ctx); err != nil {
			return err
		}
		if c.closed() {
			break
		}
		idleWaits = idle != nil && !c.noticesSent()
		if idle != nil && !idleWaits {
			again, err := idle(ctx)
			if err != nil {
				return err
			}
			if again {
				continue
			}
		}
		if next := c.nextAlarm(); next.IsZero() {
			if err := workflow.Await(ctx, hasWork); err != nil {
				return err
			}
		} else if wait := next.Sub(workflow.Now(ctx)); wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, hasWork); err != nil {
				return err
			}
		}
	}
	// Let any update that was let in finish, and run what it queued, before closing.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	if err := c.flush(ctx); err != nil {
		return err
	}
	return c.awaitNotices(ctx)
}

// updateHandler is one Update with its validator.
type updateHandler struct {
	name      string
	handler   any
	validator any
}

// registerHandlers sets the status query and every Update handler with its validator.
func registerHandlers(ctx workflow.Context, status any, handlers []updateHandler) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, status); err != nil {
		return err
	}
	for _, h := range handlers {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	return nil
}
