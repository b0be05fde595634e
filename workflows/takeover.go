package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
)

// A coordinator's takeover of a collaboration duty (hol § 3-4 second paragraph: when a
// child coordinator is appointed, that person does the coordinating). What moves to her is
// the coordinating: the escalations of missed deadlines, which otherwise go to the KE, and
// the right to see the whole case. Steps 1-3 stay with the initiating service, whose duty
// they are under its own law (hol § 3-4 first paragraph and its twins): the coordinator
// follows them up, she does not answer them for the service.

// NoticeCoordinatorLeftCase tells the initiating service that the coordinator no longer
// coordinates the case (About is her Slack user ID, Answer her title).
const NoticeCoordinatorLeftCase activities.NoticeKind = "koordinator-sluttet-sak"

// versionTakeoverDeadlines marks the change that tells the coordinator's own service of a
// takeover and lets her leave; histories from before replay without those effects.
const versionTakeoverDeadlines = "koordinator-overtar-frister"

// notify queues a message. It shadows effectQueue.notify for the duty case, so that every
// escalation queued anywhere in the case goes to the coordinator while one coordinates it,
// and to the KE again from the day she leaves. Only the Notify activity's input changes,
// so running cases replay as before.
func (c *dutyCase) notify(n activities.Notice, postKey, replaceKey string) {
	if co := c.coordinating(); co != nil && n.Kind == activities.NoticeEscalation && n.ToCoordinatingUnit {
		n.CoordinatorUserID, n.CoordinatorServiceID = co.SlackUserID, co.ServiceID
	}
	c.effectQueue.notify(n, postKey, replaceKey)
}

// coordinating is the coordinator who coordinates the case now; nil when none does.
func (c *dutyCase) coordinating() *CoordinatorRef {
	if co := c.st.Coordinator; co != nil && co.LeftAt.IsZero() {
		return co
	}
	return nil
}

// mayCoordinate reports whether a may act in the case as its coordinating role: the KE, or
// the coordinator who has taken it over. (Validators of KE actions on a duty case use it.)
func (c *dutyCase) mayCoordinate(a Actor, coordinatingUnitID string) bool {
	if a.Has(RoleAuditor) {
		return false
	}
	if co := c.coordinating(); co != nil && a.SlackUserID == co.SlackUserID {
		return true
	}
	return coordinatingUnitID != "" && a.MemberOf(coordinatingUnitID)
}

// handOverDeadlines tells the coordinator's own service that she coordinates the case now,
// with its next deadline and a button to open it.
func (c *dutyCase) handOverDeadlines(ctx workflow.Context, now time.Time, h activities.HandOver) {
	if workflow.GetVersion(ctx, versionTakeoverDeadlines, workflow.DefaultVersion, 1) < 1 {
		return
	}
	c.notify(activities.Notice{Kind: NoticeCoordinationTakenOver, ServiceID: h.ServiceID, About: h.SlackUserID,
		Answer: h.Title, Step: string(c.st.Step), Deadline: c.st.NextDeadline}, "", "")
}

// coordinatorLeft records that the coordinator left (or was replaced, and the new one has
// not yet accepted): from this day the case is flagged without a coordinator, and its
// escalations go to the KE again until a new coordinator takes over.
func (c *dutyCase) coordinatorLeft(ctx workflow.Context, now time.Time, h activities.HandOver) {
	if workflow.GetVersion(ctx, versionTakeoverDeadlines, workflow.DefaultVersion, 1) < 1 {
		return
	}
	co := c.coordinating()
	if co == nil || co.SlackUserID != h.SlackUserID {
		return
	}
	co.LeftAt = now
	c.audit(fmt.Sprintf("koordinator-slutter:%s:%s:%d", h.CoordinatorWorkflowID, h.SlackUserID, now.Unix()), Actor{SlackUserID: System}, co.ServiceID,
		"koordinator_sluttet",
		fmt.Sprintf("%s i %s koordinerer ikke lenger tjenestene i sak %s; saken er uten koordinator til en ny har godtatt, og fristbrudd går til koordinerende enhet.",
			capitalizeFirst(co.Title), co.ServiceID, c.in.CaseRef),
		map[string]any{"koordinator": co.SlackUserID, "tjeneste": co.ServiceID, "koordinatorsak": h.CoordinatorWorkflowID}, now,
		"hol § 3-4 annet ledd; "+h.Citation)
	c.notify(activities.Notice{Kind: NoticeCoordinatorLeftCase, ServiceID: c.in.InitiatingServiceID, About: co.SlackUserID,
		Answer: co.Title}, "", "")
}

// handOverLeaving tells the case's duty cases and plan that the child coordinator no longer
// coordinates (she left, or the KE ended the coordination), so the gap shows there from the
// first day and escalations go to the KE again until a new coordinator accepts.
func (c *coordCase) handOverLeaving(ctx workflow.Context, now time.Time) {
	co := c.st.Coordinator
	if c.in.Kind != KindChildCoordinator || co == nil || co.Answer != NominationAccepted {
		return
	}
	if workflow.GetVersion(ctx, versionTakeoverDeadlines, workflow.DefaultVersion, 1) < 1 {
		return
	}
	c.queue = append(c.queue, effect{handOver: &activities.HandOver{
		CaseRef: c.in.CaseRef, CoordinatorWorkflowID: c.info.WorkflowExecution.ID, Kind: c.kind.Kind, Title: c.kind.Title,
		Citation: c.kind.Citation, SlackUserID: co.SlackUserID, ServiceID: co.ServiceID, At: now, Left: true,
	}})
}

// fromCoordinatorCase reports whether a plan update comes from samarbeid itself on behalf of
// a coordinator case (a coordinator accepted or left there), rather than from a person.
func fromCoordinatorCase(a Actor, coordinatorCase string) bool {
	return a.SlackUserID == System && coordinatorCase != ""
}

func (p *plan) validateCoordinatorLeft(ctx workflow.Context, l PlanCoordinatorLeft) error {
	if p.seen(ctx) {
		return nil
	}
	if !fromCoordinatorCase(l.Actor, l.FromCoordinatorCase) {
		return refuse("", "refusal.plan_ke_only", "Unit", p.in.CoordinatingUnitID)
	}
	if p.st.Step == StepDone {
		return refuse("", "refusal.plan_closed", "Ref", p.in.CaseRef)
	}
	if l.CoordinatorSlackUserID != p.st.CoordinatorSlackUserID || !p.st.WithoutCoordinatorSince.IsZero() {
		return refuse("koordinator", "oppfolging.plan_not_coordinator", "User", l.CoordinatorSlackUserID, "Ref", p.in.CaseRef)
	}
	return nil
}

// coordinatorLeft flags the plan without a coordinator from this day, and asks the KE to
// change the plan's coordinator (the coordinator case asks it to name a new one).
func (p *plan) coordinatorLeft(ctx workflow.Context, l PlanCoordinatorLeft) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	p.st.WithoutCoordinatorSince = now
	p.audit(key, l.Actor, p.st.CoordinatorServiceID, "koordinator_sluttet",
		fmt.Sprintf("Koordinatoren for individuell plan i sak %s slutter; planen er uten koordinator til en ny er på plass.", p.in.CaseRef),
		map[string]any{"koordinator": l.CoordinatorSlackUserID, "tjeneste": p.st.CoordinatorServiceID, "koordinatorsak": l.FromCoordinatorCase},
		now, PlanLegalBasis)
	p.notify(activities.Notice{Kind: NoticePlanCoordinatorLeft, ToCoordinatingUnit: true, ServiceID: p.st.CoordinatorServiceID,
		About: l.CoordinatorSlackUserID, Step: string(p.st.Step), Deadline: p.st.NextDeadline})
	return p.st, nil
}

// notify queues a coordinator case's message. It shadows effectQueue.notify so that a
// request for a coordinator in specialist care (sphl § 2-5 a) speaks to the health trust's
// coordinating unit that handles it, never the municipality's KE. Only the Notify
// activity's input changes, so running cases replay as before.
func (c *coordCase) notify(n activities.Notice, postKey, replaceKey string) {
	if n.ToCoordinatingUnit && c.in.Kind == KindSpecialist {
		n.CoordinatingUnitID = c.in.CoordinatingUnitID
	}
	c.effectQueue.notify(n, postKey, replaceKey)
}
