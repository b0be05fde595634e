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
}

// effectQueue holds a case's effects in order, and the Slack messages it may redraw.
type effectQueue struct {
	info       *workflow.Info
	caseRef    string
	subject    string
	legalBasis string // the audit records' basis unless one is given
	queue      []effect
	posted     map[string]activities.Posted
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

// flush runs queued effects in order. Handlers may queue more while an activity runs.
func (q *effectQueue) flush(ctx workflow.Context) error {
	var a *activities.Activities
	for len(q.queue) > 0 {
		e := q.queue[0]
		q.queue = q.queue[1:]
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
		case e.notice != nil:
			n := *e.notice
			if e.replaceKey != "" {
				prev, ok := q.posted[e.replaceKey]
				if !ok {
					continue // the prompt was never posted; nothing to redraw
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
		}
	}
	return nil
}
