package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
)

// effect is one thing a case does to the world, queued by an update handler or an alarm
// and run by the main loop (runCase) through an activity.
type effect struct {
	audit    *activities.AuditRecord
	consent  *activities.ConsentRecord
	notice   *activities.Notice
	handOver *activities.HandOver
	// postKey keeps the posted message under this key; replaceKey redraws that message.
	postKey, replaceKey string
	// version, when set, is the workflow.GetVersion change the effect came with: histories
	// recorded before it replay without it.
	version string
}

// effectQueue holds a case's effects in order, and the Slack messages it may redraw.
type effectQueue struct {
	info       *workflow.Info
	caseRef    string
	subject    string
	legalBasis string // the audit records' basis unless one is given
	queue      []effect
	posted     map[string]activities.Posted

	// apart sends notices on their own path (versionNoticesApart): the main loop writes the
	// ledger, consents and hand-overs and fires alarms while a sender coroutine posts the
	// notices, in order, so none of those ever waits behind Slack.
	apart     bool
	notices   []effect // waiting for the sender, the first one being sent
	senderUp  bool
	noticeErr error // a notice that failed for good (never a Slack error: those are parked)
}

// versionNoticesApart moves notices off the path of the ledger and the alarms (issue 11).
// Cases started before it keep one ordered queue, so their histories replay.
const versionNoticesApart = "varsler-egen-vei"

// setNoticesApart chooses the path for this run (runCase asks workflow.GetVersion).
func (q *effectQueue) setNoticesApart(apart bool) { q.apart = apart }

// noticesSent reports whether every notice handed to the sender has been sent (or parked).
func (q *effectQueue) noticesSent() bool { return len(q.notices) == 0 }

// noticeFailed reports whether a notice failed for good; flush returns its error.
func (q *effectQueue) noticeFailed() bool { return q.noticeErr != nil }

// awaitNotices waits until the sender has sent every notice, before the run ends.
func (q *effectQueue) awaitNotices(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return q.noticesSent() || q.noticeFailed() }); err != nil {
		return err
	}
	return q.noticeErr
}

// startSender starts the coroutine that posts notices one at a time, in the order queued,
// so a redraw always follows the message it redraws.
func (q *effectQueue) startSender(ctx workflow.Context) {
	if q.senderUp {
		return
	}
	q.senderUp = true
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			if err := workflow.Await(ctx, func() bool { return len(q.notices) > 0 }); err != nil {
				return
			}
			err := q.sendNotice(ctx, q.notices[0])
			q.notices = q.notices[1:]
			if err != nil {
				q.noticeErr = err
				return
			}
		}
	})
}

func newEffectQueue(info *workflow.Info, caseRef, subject, legalBasis string) effectQueue {
	return effectQueue{info: info, caseRef: caseRef, subject: subject, legalBasis: legalBasis, posted: map[string]activities.Posted{}}
}

func (q *effectQueue) queued() int { return len(q.queue) }

// audit queues a ledger record; its key is unique within the workflow.
func (q *effectQueue) audit(key string, who Actor, service, action, summary string, detail map[string]any, at time.Time, legalBasis ...string) {
	basis := q.legalBasis
	if len(legalBasis) > 0 {
		basis = legalBasis[0]
	}
	q.queue = append(q.queue, effect{audit: &activities.AuditRecord{
		Key: q.keyPrefix() + key, CaseRef: q.caseRef, WorkflowID: q.info.WorkflowExecution.ID,
		RunID: q.info.WorkflowExecution.RunID, Actor: who.SlackUserID, ActorName: who.Name, ServiceID: service,
		Action: action, Summary: summary, Detail: detail, LegalBasis: basis, OccurredAt: at,
	}})
}

// keyPrefix makes ledger keys unique per case: a workflow ID is a business key that a new
// case may use again once the earlier one closed, so the keys also name the first run of
// the chain (which continue-as-new keeps). Only an activity's input changes, no command, so
// running cases replay as before; the test suite has no run IDs and keeps the short form.
func (q *effectQueue) keyPrefix() string {
	if q.info.FirstRunID == "" {
		return q.info.WorkflowExecution.ID + "/"
	}
	return q.info.WorkflowExecution.ID + "/" + q.info.FirstRunID + "/"
}

// notify queues a message; postKey remembers it for redrawing, replaceKey redraws one.
func (q *effectQueue) notify(n activities.Notice, postKey, replaceKey string) {
	n.WorkflowID, n.CaseRef, n.Subject = q.info.WorkflowExecution.ID, q.caseRef, q.subject
	q.queue = append(q.queue, effect{notice: &n, postKey: postKey, replaceKey: replaceKey})
}

// flush runs queued effects in order. Handlers may queue more while an activity runs. With
// notices apart, it hands notices to the sender and runs the rest at once: the legal record
// is written first, whatever Slack does.
func (q *effectQueue) flush(ctx workflow.Context) error {
	var a *activities.Activities
	for len(q.queue) > 0 {
		if q.noticeErr != nil {
			return q.noticeErr
		}
		e := q.queue[0]
		q.queue = q.queue[1:]
		if e.version != "" && workflow.GetVersion(ctx, e.version, workflow.DefaultVersion, 1) < 1 {
			continue
		}
		switch {
		case e.audit != nil:
			if err := workflow.ExecuteActivity(ctx, a.RecordAudit, *e.audit).Get(ctx, nil); err != nil {
				return err
			}
		case e.consent != nil:
			if err := workflow.ExecuteActivity(ctx, a.RecordConsent, *e.consent).Get(ctx, nil); err != nil {
				return err
			}
		case e.handOver != nil:
			// Added after cases were running: histories from before replay without it.
			if workflow.GetVersion(ctx, "koordinator-overtar-samarbeidssaker", workflow.DefaultVersion, 1) == 1 {
				if err := workflow.ExecuteActivity(ctx, a.HandOverCoordination, *e.handOver).Get(ctx, nil); err != nil {
					return err
				}
			}
		case e.notice != nil && q.apart:
			q.notices = append(q.notices, e)
			q.startSender(ctx)
		case e.notice != nil:
			if err := q.sendNotice(ctx, e); err != nil {
				return err
			}
		}
	}
	return q.noticeErr
}

// sendNotice posts (or redraws) one notice and remembers the message under its postKey. A
// notice Slack would not take comes back parked (Posted.Undelivered): a later redraw of it
// is kept with it by its key, and goes out when it is sent again.
func (q *effectQueue) sendNotice(ctx workflow.Context, e effect) error {
	var a *activities.Activities
	n := *e.notice
	if e.replaceKey != "" {
		prev, ok := q.posted[e.replaceKey]
		if !ok {
			return nil // the prompt was never posted; nothing to redraw
		}
		n.Replace = &prev
	}
	var posted activities.Posted
	if err := workflow.ExecuteActivity(ctx, a.Notify, n).Get(ctx, &posted); err != nil {
		return err
	}
	if e.postKey != "" {
		q.posted[e.postKey] = posted
	}
	return nil
}
