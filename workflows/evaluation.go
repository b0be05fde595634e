package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/policy"
)

// The collaboration is evaluated as it goes, with the person (and, for a child, the
// parents): Helsedirektoratet's guideline asks for it, and no statute sets an interval, so
// the default interval is the municipality's local policy (policy.Deadlines.EvaluationMonths).
// A duty case that ends with an accepted contact starts one CollaborationEvaluation, which
// outlives it: it offers the date, reminds before it, and records each evaluation (continue,
// change, end) with the person's view until the collaboration ends.

// CiteEvaluation is the source of the evaluation rule.
const CiteEvaluation = "hol § 3-4 første ledd; Helsedirektoratet, «Samarbeid om tjenester til barn, unge og deres familier» (2022): samarbeidet evalueres underveis, sammen med personen"

// Evaluation results.
const (
	EvaluationContinue = "fortsett"
	EvaluationChange   = "endre"
	EvaluationEnd      = "avslutt"
)

// EvaluationResults are the results an evaluation may record, in the modal's order.
var EvaluationResults = []string{EvaluationContinue, EvaluationChange, EvaluationEnd}

// StepEvaluation is an evaluation workflow's running step (and its deadline's step).
const StepEvaluation Step = "evaluering"

// Update names of the evaluation workflow.
const (
	UpdateSetEvaluationDate = "sett-evalueringsdato"
	UpdateRecordEvaluation  = "registrer-evaluering"
)

// EvaluationWorkflowID is the business key of a duty case's evaluation.
func EvaluationWorkflowID(caseRef, serviceID string) string {
	return "evaluering/" + caseRef + "/" + serviceID
}

// IsEvaluation reports whether a workflow ID is an evaluation's.
func IsEvaluation(workflowID string) bool { return strings.HasPrefix(workflowID, "evaluering/") }

// EvaluationInput starts a CollaborationEvaluation.
type EvaluationInput struct {
	CaseRef             string
	Subject             string
	InitiatingServiceID string
	LegalBasis          string
	DutyWorkflowID      string
	Services            []string // the services that accepted the collaboration
	Due                 time.Time
	Policy              policy.Deadlines
}

// EvaluationDate moves the next evaluation (the offered date is only a proposal).
type EvaluationDate struct {
	Actor Actor
	Date  time.Time
}

// EvaluationAnswer records one evaluation with the person.
type EvaluationAnswer struct {
	Actor      Actor
	Result     string // one of EvaluationResults
	PersonView string // the person's (or the parents') own view, required
	Changes    string // what changes, required with EvaluationChange
	// NextDate is the next evaluation; zero: the policy's interval from now.
	NextDate time.Time `json:",omitempty"`
}

// EvaluationRecord is one evaluation on record.
type EvaluationRecord struct {
	Result     string
	PersonView string
	Changes    string `json:",omitempty"`
	By         string
	At         time.Time
}

// EvaluationStatus is what an evaluation's status query returns.
type EvaluationStatus struct {
	CaseRef             string
	Subject             string
	InitiatingServiceID string
	DutyWorkflowID      string
	Services            []string
	Step                Step
	Due                 time.Time
	Deadlines           Deadlines
	Evaluations         []EvaluationRecord
}

// ProposedEvaluation is the default evaluation date: the policy's interval from from, on a
// working day (a later one when it falls on a weekend or public holiday).
func ProposedEvaluation(from time.Time, p policy.Deadlines) time.Time {
	d := calendar.AddMonths(from, max(p.EvaluationMonths, 1))
	for !calendar.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// workingDaysBefore is n working days before t (t itself when n is 0).
func workingDaysBefore(t time.Time, n int) time.Time {
	local := t.In(calendar.Oslo)
	for n > 0 {
		local = local.AddDate(0, 0, -1)
		if calendar.IsWorkingDay(local) {
			n--
		}
	}
	return local
}

// CollaborationEvaluation carries the evaluation of one duty case's collaboration.
func CollaborationEvaluation(ctx workflow.Context, in EvaluationInput) (EvaluationStatus, error) {
	c := &evalCase{in: in, effectQueue: newEffectQueue(workflow.GetInfo(ctx), in.CaseRef, in.Subject, CiteEvaluation)}
	c.st = EvaluationStatus{CaseRef: in.CaseRef, Subject: in.Subject, InitiatingServiceID: in.InitiatingServiceID,
		DutyWorkflowID: in.DutyWorkflowID, Services: in.Services, Step: StepEvaluation}
	c.schedule(workflow.Now(ctx), in.Due)
	c.notify(c.prompt(), "evaluering", "")
	if err := registerHandlers(ctx, func() (EvaluationStatus, error) { return c.st, nil }, []updateHandler{
		{UpdateSetEvaluationDate, c.setDate, c.validateSetDate},
		{UpdateRecordEvaluation, c.record, c.validateRecord},
	}); err != nil {
		return EvaluationStatus{}, err
	}
	err := runCase(ctx, c, nil)
	return c.st, err
}

type evalCase struct {
	effectQueue
	in EvaluationInput
	st EvaluationStatus
}

// schedule sets the next evaluation date, its reminder and its escalation.
func (c *evalCase) schedule(now, due time.Time) {
	c.st.Due = due
	remind := workingDaysBefore(due, max(c.in.Policy.EvaluationRemindWorkingDays, 1))
	if remind.Before(now) {
		remind = now
	}
	// The evaluation is a day: the KE hears of it only once that day has passed unrecorded.
	c.st.Deadlines = Deadlines{{Key: "evaluering", Step: string(StepEvaluation), Responsible: c.in.InitiatingServiceID,
		Start: now, Remind: remind, Due: due, NextEscalation: calendar.AddWorkingDays(due, 1)}}
}

func (c *evalCase) prompt() activities.Notice {
	return activities.Notice{Kind: activities.NoticeEvaluation, ServiceID: c.in.InitiatingServiceID, Step: string(StepEvaluation),
		Services: c.in.Services, Deadline: c.st.Due}
}

func (c *evalCase) closed() bool { return c.st.Step == StepDone }

func (c *evalCase) nextAlarm() time.Time { return c.st.Deadlines.nextAlarm() }

func (c *evalCase) publishSearchAttributes(workflow.Context) error { return nil }

// fireAlarms reminds the initiating service before the evaluation date and tells the KE
// when it has passed, again every ReescalateWorkingDays until it is recorded.
func (c *evalCase) fireAlarms(now time.Time) {
	d := &c.st.Deadlines[0]
	if d.Done {
		return
	}
	if !d.Reminded && !now.Before(d.Remind) {
		d.Reminded = true
		if now.Before(d.Due) {
			c.audit(fmt.Sprintf("påminnelse:%s", d.Due.Format(time.RFC3339)), Actor{SlackUserID: System}, d.Responsible, "påminnelse_sendt",
				fmt.Sprintf("Påminnelse til %s: evaluering av samarbeidet %s.", d.Responsible, calendar.FormatDate(d.Due)),
				map[string]any{"frist": d.Due}, now)
			c.notify(activities.Notice{Kind: activities.NoticeReminder, ServiceID: d.Responsible, Step: d.Step, Deadline: d.Due}, "", "")
		}
	}
	if d.Reminded && !now.Before(d.NextEscalation) {
		d.Escalations++
		d.NextEscalation = c.in.Policy.NextEscalation(d.NextEscalation, now) // from now after an outage
		c.audit(fmt.Sprintf("eskalering:%s:%d", d.Due.Format(time.RFC3339), d.Escalations), Actor{SlackUserID: System}, d.Responsible, "frist_oversittet",
			fmt.Sprintf("Evalueringen av samarbeidet hos %s skulle vært %s; eskalert til koordinerende enhet (%d. gang).", d.Responsible, calendar.FormatDate(d.Due), d.Escalations),
			map[string]any{"frist": d.Due, "eskaleringer": d.Escalations}, now, "lokal fristpolicy "+c.in.Policy.Version+"; "+CiteKE)
		c.notify(activities.Notice{Kind: activities.NoticeEscalation, ToCoordinatingUnit: true, ServiceID: d.Responsible,
			Step: d.Step, Deadline: d.Due, Escalations: d.Escalations}, "", "")
	}
}

func (c *evalCase) initiator(a Actor) error {
	if err := refuseReadOnly(a); err != nil {
		return err
	}
	if !a.MemberOf(c.in.InitiatingServiceID) {
		return refuse("", "refusal.initiator_only", "Service", c.in.InitiatingServiceID)
	}
	if c.closed() {
		return refuse("", "refusal.evaluation_ended", "Ref", c.in.CaseRef)
	}
	return nil
}

func (c *evalCase) validateSetDate(ctx workflow.Context, a EvaluationDate) error {
	if err := c.initiator(a.Actor); err != nil {
		return err
	}
	if !a.Date.After(workflow.Now(ctx)) {
		return refuse("dato", "refusal.evaluation_date_past")
	}
	return nil
}

// setDate and record return no result: the bot reads an evaluation's state by query.
func (c *evalCase) setDate(ctx workflow.Context, a EvaluationDate) error {
	now := workflow.Now(ctx)
	c.schedule(now, a.Date)
	c.audit(updateKey(ctx), a.Actor, c.in.InitiatingServiceID, "evaluering_dato",
		fmt.Sprintf("Evaluering av samarbeidet i sak %s avtalt til %s.", c.in.CaseRef, calendar.FormatDate(a.Date)),
		map[string]any{"dato": a.Date}, now)
	c.notify(c.prompt(), "", "evaluering")
	return nil
}

func (c *evalCase) validateRecord(ctx workflow.Context, a EvaluationAnswer) error {
	if err := c.initiator(a.Actor); err != nil {
		return err
	}
	if !slices.Contains(EvaluationResults, a.Result) {
		return refuse("resultat", "refusal.evaluation_result")
	}
	if strings.TrimSpace(a.PersonView) == "" {
		return refuse("personens_syn", "refusal.evaluation_view")
	}
	if a.Result == EvaluationChange && strings.TrimSpace(a.Changes) == "" {
		return refuse("endringer", "refusal.evaluation_changes")
	}
	if !a.NextDate.IsZero() && !a.NextDate.After(workflow.Now(ctx)) {
		return refuse("dato", "refusal.evaluation_date_past")
	}
	return checkFields("personens_syn", a.PersonView, "endringer", a.Changes)
}

// record keeps one evaluation: continue or change sets the next date, end ends the follow-up.
func (c *evalCase) record(ctx workflow.Context, a EvaluationAnswer) error {
	now := workflow.Now(ctx)
	c.st.Evaluations = append(c.st.Evaluations, EvaluationRecord{Result: a.Result, PersonView: a.PersonView, Changes: a.Changes, By: a.Actor.SlackUserID, At: now})
	detail := map[string]any{"resultat": a.Result, "personens_syn": a.PersonView, "endringer": a.Changes, "innen_dato": !now.After(c.st.Due)}
	summary := map[string]string{
		EvaluationContinue: "Samarbeidet i sak %s er evaluert med personen: det fortsetter.",
		EvaluationChange:   "Samarbeidet i sak %s er evaluert med personen: det endres.",
		EvaluationEnd:      "Samarbeidet i sak %s er evaluert med personen: det avsluttes.",
	}[a.Result]
	c.markAnswered(a.Actor)
	if a.Result == EvaluationEnd {
		c.audit(updateKey(ctx), a.Actor, c.in.InitiatingServiceID, "evaluering_registrert", fmt.Sprintf(summary, c.in.CaseRef), detail, now)
		c.st.Step = StepDone
		c.st.Deadlines[0].Done = true
		c.notify(activities.Notice{Kind: activities.NoticeClosed, ServiceID: c.in.InitiatingServiceID, Answer: "evaluert_avsluttet"}, "", "")
		return nil
	}
	next := a.NextDate
	if next.IsZero() {
		next = ProposedEvaluation(now, c.in.Policy)
	}
	detail["neste_evaluering"] = next
	c.audit(updateKey(ctx), a.Actor, c.in.InitiatingServiceID, "evaluering_registrert",
		fmt.Sprintf(summary, c.in.CaseRef)+" Neste evaluering "+calendar.FormatDate(next)+".", detail, now)
	c.schedule(now, next)
	c.notify(c.prompt(), "evaluering", "")
	return nil
}

// markAnswered replaces the evaluation prompt's buttons with who answered.
func (c *evalCase) markAnswered(by Actor) {
	c.notify(activities.Notice{Kind: activities.NoticeAnswered, Step: string(StepEvaluation), By: by.SlackUserID, Answer: "evaluert"}, "", "evaluering")
}

func updateKey(ctx workflow.Context) string {
	return "oppdatering:" + workflow.GetCurrentUpdateInfo(ctx).ID
}
