package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/privacy"
)

// IndividualPlan carries one person's individual plan (pbrl § 2-5, hol § 7-1, forskrift om
// individuell plan) for as long as it lives, often years: establishing it with the contents
// the regulation requires, reminding the coordinator before each revision date and escalating
// to the KE when one passes, following a change of coordinator, holding permanent
// compensating measures back until rehabilitation has been assessed (Rundskriv I-5/2017), and
// ending when the person withdraws or the services end. It continues as new when its history
// grows, carrying its whole state.
func IndividualPlan(ctx workflow.Context, in PlanInput) (PlanStatus, error) {
	if err := in.validate(); err != nil {
		return PlanStatus{}, temporal.NewNonRetryableApplicationError(err.Error(), "UgyldigPlanInput", nil)
	}
	p := &plan{in: in, effectQueue: newEffectQueue(workflow.GetInfo(ctx), in.CaseRef, in.Subject, PlanLegalBasis), applied: map[string]bool{}}
	// Revision dates counted as days, reminders on working days, escalations from now after
	// an outage (docs/FRISTER.md); a run started before keeps the old counting.
	p.lawDays = workflow.GetVersion(ctx, versionLawDays, workflow.DefaultVersion, 1) >= 1
	now := workflow.Now(ctx)
	if in.Carry != nil {
		p.st = in.Carry.Status
		p.appliedOrder = append([]string(nil), in.Carry.AppliedUpdates...)
		for _, id := range p.appliedOrder {
			p.applied[id] = true
		}
		p.st.Runs++
	} else {
		p.open(now)
	}
	if err := p.register(ctx); err != nil {
		return p.st, err
	}

	err := runCase(ctx, p, func(ctx workflow.Context) (bool, error) {
		if !p.shouldContinueAsNew(ctx) {
			return false, nil
		}
		// Let every update that was let in finish; what they queued is flushed before the
		// hand-over, so nothing decided in this run is lost or left for the next.
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return false, err
		}
		if p.queued() > 0 || p.closed() {
			return true, nil
		}
		return false, workflow.NewContinueAsNewError(ctx, IndividualPlan, p.carry())
	})
	return p.st, err
}

func (in PlanInput) validate() error {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"saksreferanse", in.CaseRef}, {"målgruppe", in.Subject}, {"koordinator", in.CoordinatorSlackUserID},
		{"koordinators tjeneste", in.CoordinatorServiceID}, {"koordinerende enhet", in.CoordinatingUnitID},
		{"policyversjon", in.PolicyVersion},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("individuell plan mangler %s", strings.Join(missing, ", "))
	}
	if in.ReminderDaysBefore < 0 || in.ReescalateWorkingDays < 0 || in.ContinueAsNewAfterEvents < 0 {
		return fmt.Errorf("individuell plan: antall dager og hendelser kan ikke være negative")
	}
	return nil
}

// plan is the workflow's state; as in CollaborationDuty, handlers change it and queue
// effects, and only the main loop runs activities.
type plan struct {
	effectQueue
	in           PlanInput
	st           PlanStatus
	applied      map[string]bool
	appliedOrder []string
	lastSA       searchAttributes
	saSet        bool
	lawDays      bool // versionLawDays
}

func (p *plan) remindDays() int {
	if p.in.ReminderDaysBefore > 0 {
		return p.in.ReminderDaysBefore
	}
	return planDefaultRemindDays
}

func (p *plan) reescalateDays() int {
	if p.in.ReescalateWorkingDays > 0 {
		return p.in.ReescalateWorkingDays
	}
	return planDefaultReescalate
}

func (p *plan) historyLimit() int {
	if p.in.ContinueAsNewAfterEvents > 0 {
		return p.in.ContinueAsNewAfterEvents
	}
	return planDefaultHistorySize
}

func (p *plan) shouldContinueAsNew(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= p.historyLimit()
}

// carry is the next run's input: the same settings and the whole state.
func (p *plan) carry() PlanInput {
	next := p.in
	next.Carry = &PlanState{Status: p.st, AppliedUpdates: append([]string(nil), p.appliedOrder...)}
	return next
}

func (p *plan) register(ctx workflow.Context) error {
	return registerHandlers(ctx, func() (PlanStatus, error) { return p.st, nil }, []updateHandler{
		{UpdateEstablishPlan, p.establish, p.validateEstablish},
		{UpdateRevisePlan, p.revise, p.validateRevise},
		{UpdateChangeCoordinator, p.changeCoordinator, p.validateChangeCoordinator},
		{UpdateAssessRehabilitation, p.assessRehabilitation, p.validateAssessRehabilitation},
		{UpdateCompensatingMeasure, p.addMeasure, p.validateMeasure},
		{UpdateEndPlan, p.end, p.validateEnd},
		{UpdatePlanCoordinatorLeft, p.coordinatorLeft, p.validateCoordinatorLeft},
	})
}

func (p *plan) closed() bool { return p.st.Step == StepDone }

func (p *plan) open(now time.Time) {
	p.st = PlanStatus{
		CaseRef: p.in.CaseRef, Subject: p.in.Subject, PolicyVersion: p.in.PolicyVersion,
		CoordinatingUnitID: p.in.CoordinatingUnitID, CoordinatorSlackUserID: p.in.CoordinatorSlackUserID,
		CoordinatorServiceID: p.in.CoordinatorServiceID, Step: PlanStepDraft, Runs: 1,
	}
	p.audit("plan-opprettet", Actor{SlackUserID: System}, p.in.CoordinatorServiceID, "plan_opprettet",
		fmt.Sprintf("Individuell plan for sak %s (%s) opprettet med koordinator fra %s.", p.in.CaseRef, p.in.Subject, p.in.CoordinatorServiceID),
		map[string]any{"fristpolicy": p.in.PolicyVersion}, now, PlanLegalBasis)
}

// --- updates ---

// seen reports whether this update was applied already, in this run or an earlier one; such
// an update is accepted and answered with the status, never applied twice.
func (p *plan) seen(ctx workflow.Context) bool {
	return p.applied[workflow.GetCurrentUpdateInfo(ctx).ID]
}

// begin marks the update applied and returns its ledger key.
func (p *plan) begin(ctx workflow.Context) string {
	id := workflow.GetCurrentUpdateInfo(ctx).ID
	p.applied[id] = true
	p.appliedOrder = append(p.appliedOrder, id)
	return id
}

func (p *plan) validateEstablish(ctx workflow.Context, a EstablishPlan) error {
	if p.seen(ctx) {
		return nil
	}
	if err := p.coordinatorOrKE(a.Actor); err != nil {
		return err
	}
	if p.st.Step != PlanStepDraft {
		return refuse("", "refusal.plan_established", "Ref", p.in.CaseRef)
	}
	given := map[string]PlanItem{}
	for _, it := range a.Checklist {
		if !knownPlanItem(it.ID) {
			return refuse("sjekkliste", "refusal.plan_unknown_item", "ID", it.ID)
		}
		given[it.ID] = it
	}
	var missing []i18n.Message
	for _, item := range PlanChecklist {
		if !given[item.ID].Done {
			missing = append(missing, i18n.Msg("refusal.plan_missing_item", "Item", orRaw(PlanItemKey(item.ID), item.Text), "ID", item.ID))
		}
	}
	if len(missing) > 0 {
		return refuse("sjekkliste", "refusal.plan_incomplete", "Missing", missing)
	}
	for _, it := range a.Checklist {
		if err := checkPlanText("sjekkliste", it.Note); err != nil {
			return err
		}
	}
	return checkRevisionDates("revisjonsdatoer", a.RevisionDates, workflow.Now(ctx))
}

func (p *plan) establish(ctx workflow.Context, a EstablishPlan) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	given := map[string]PlanItem{}
	for _, it := range a.Checklist {
		given[it.ID] = it
	}
	p.st.Checklist = nil
	for _, item := range PlanChecklist {
		p.st.Checklist = append(p.st.Checklist, PlanItem{ID: item.ID, Text: item.Text, Done: true, Note: given[item.ID].Note})
	}
	p.st.Step, p.st.EstablishedBy, p.st.EstablishedAt = PlanStepActive, a.Actor.SlackUserID, now
	p.schedule(a.RevisionDates, now)
	p.audit(key, a.Actor, p.st.CoordinatorServiceID, "plan_fastsatt",
		fmt.Sprintf("Individuell plan i sak %s fastsatt med alle punkter i forskriften; første revisjon %s.", p.in.CaseRef, calendar.FormatDate(a.RevisionDates[0])),
		map[string]any{"sjekkliste": planItemIDs(), "revisjonsdatoer": a.RevisionDates}, now, PlanLegalBasis)
	p.notify(activities.Notice{Kind: NoticePlanEstablished, ServiceID: p.st.CoordinatorServiceID, Step: string(PlanStepActive),
		Deadline: p.st.NextDeadline, By: a.Actor.SlackUserID})
	return p.st, nil
}

func (p *plan) validateRevise(ctx workflow.Context, a RevisePlan) error {
	if p.seen(ctx) {
		return nil
	}
	if err := p.coordinatorOrKE(a.Actor); err != nil {
		return err
	}
	if err := p.activeOnly(); err != nil {
		return err
	}
	if strings.TrimSpace(a.Summary) == "" {
		return refuse("oppsummering", "refusal.plan_summary")
	}
	if err := checkPlanText("oppsummering", a.Summary); err != nil {
		return err
	}
	return checkRevisionDates("neste_revisjon", a.NextRevisionDates, workflow.Now(ctx))
}

func (p *plan) revise(ctx workflow.Context, a RevisePlan) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	due := p.st.RevisionDates[0] // an active plan always has one
	onTime := !now.After(due.Due)
	p.st.Revisions = append(p.st.Revisions, PlanRevision{Due: due.Due, RevisedAt: now, By: a.Actor.SlackUserID,
		Summary: a.Summary, OnTime: onTime, Escalations: due.Escalations, UpdateID: key})
	p.schedule(a.NextRevisionDates, now)
	when := "innen fristen"
	if !onTime {
		when = fmt.Sprintf("etter fristen (%d eskaleringer)", due.Escalations)
		if due.Escalations == 1 {
			when = "etter fristen (1 eskalering)"
		}
	}
	p.audit(key, a.Actor, p.st.CoordinatorServiceID, "plan_revidert",
		fmt.Sprintf("Individuell plan i sak %s revidert %s; revisjonsdato var %s, neste er %s.", p.in.CaseRef, when,
			calendar.FormatDate(due.Due), calendar.FormatDate(a.NextRevisionDates[0])),
		map[string]any{"innen_frist": onTime, "revisjonsdato": due.Due, "eskaleringer": due.Escalations,
			"oppsummering": a.Summary, "neste_revisjon": a.NextRevisionDates}, now, PlanLegalBasis)
	answer := "innen_frist"
	if !onTime {
		answer = "etter_frist"
	}
	p.notify(activities.Notice{Kind: NoticePlanRevised, ServiceID: p.st.CoordinatorServiceID, Step: "revisjon",
		Deadline: p.st.NextDeadline, Answer: answer, By: a.Actor.SlackUserID})
	if due.Escalations > 0 {
		p.notify(activities.Notice{Kind: NoticePlanRevised, ToCoordinatingUnit: true, ServiceID: p.st.CoordinatorServiceID,
			Step: "revisjon", Deadline: due.Due, Escalations: due.Escalations, Answer: answer, By: a.Actor.SlackUserID})
	}
	return p.st, nil
}

func (p *plan) validateChangeCoordinator(ctx workflow.Context, a ChangeCoordinator) error {
	if p.seen(ctx) {
		return nil
	}
	if !fromCoordinatorCase(a.Actor, a.FromCoordinatorCase) {
		if err := p.keOnly(a.Actor); err != nil {
			return err
		}
	}
	if p.st.Step == StepDone {
		return refuse("", "refusal.plan_closed", "Ref", p.in.CaseRef)
	}
	if strings.TrimSpace(a.CoordinatorSlackUserID) == "" {
		return refuse("koordinator", "refusal.plan_pick_coordinator")
	}
	if strings.TrimSpace(a.CoordinatorServiceID) == "" {
		return refuse("tjeneste", "refusal.plan_pick_service")
	}
	if a.CoordinatorSlackUserID == p.st.CoordinatorSlackUserID && a.CoordinatorServiceID == p.st.CoordinatorServiceID {
		return refuse("koordinator", "refusal.plan_same_coordinator", "User", a.CoordinatorSlackUserID, "Service", a.CoordinatorServiceID)
	}
	return nil
}

func (p *plan) changeCoordinator(ctx workflow.Context, a ChangeCoordinator) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	from, fromService := p.st.CoordinatorSlackUserID, p.st.CoordinatorServiceID
	p.st.CoordinatorSlackUserID, p.st.CoordinatorServiceID = a.CoordinatorSlackUserID, a.CoordinatorServiceID
	p.st.WithoutCoordinatorSince = time.Time{}
	p.audit(key, a.Actor, a.CoordinatorServiceID, "koordinator_byttet",
		fmt.Sprintf("Koordinator for individuell plan i sak %s byttet fra %s til %s; påminnelser går heretter til %s.", p.in.CaseRef, fromService, a.CoordinatorServiceID, a.CoordinatorServiceID),
		map[string]any{"fra": from, "fra_tjeneste": fromService, "til": a.CoordinatorSlackUserID, "til_tjeneste": a.CoordinatorServiceID},
		now, PlanLegalBasis)
	p.notify(activities.Notice{Kind: NoticePlanCoordinatorChanged, ServiceID: a.CoordinatorServiceID, About: fromService,
		Step: string(p.st.Step), Deadline: p.st.NextDeadline, By: a.Actor.SlackUserID})
	return p.st, nil
}

func (p *plan) validateAssessRehabilitation(ctx workflow.Context, a AssessRehabilitation) error {
	if p.seen(ctx) {
		return nil
	}
	if err := p.coordinatorOrKE(a.Actor); err != nil {
		return err
	}
	if p.st.Step == StepDone {
		return refuse("", "refusal.plan_closed", "Ref", p.in.CaseRef)
	}
	if a.Assessed {
		// A date, not a moment: an assessment dated today is accepted at any hour.
		if a.AssessedAt.IsZero() || a.AssessedAt.After(calendar.EndOfDay(workflow.Now(ctx))) {
			return refuse("vurdert_dato", "refusal.rehab_date")
		}
		if strings.TrimSpace(a.AssessedBy) == "" {
			return refuse("vurdert_av", "refusal.rehab_by")
		}
		if strings.TrimSpace(a.Conclusion) == "" {
			return refuse("konklusjon", "refusal.rehab_conclusion")
		}
	}
	if err := checkPlanText("vurdert_av", a.AssessedBy); err != nil {
		return err
	}
	return checkPlanText("konklusjon", a.Conclusion)
}

func (p *plan) assessRehabilitation(ctx workflow.Context, a AssessRehabilitation) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	p.st.Rehabilitation = &RehabilitationAssessment{Assessed: a.Assessed, AssessedAt: a.AssessedAt, AssessedBy: a.AssessedBy,
		Conclusion: a.Conclusion, RecordedBy: a.Actor.SlackUserID, RecordedAt: now}
	summary := fmt.Sprintf("Behov og potensial for rehabilitering i sak %s er vurdert %s.", p.in.CaseRef, calendar.FormatDate(a.AssessedAt))
	if !a.Assessed {
		summary = fmt.Sprintf("Behov og potensial for rehabilitering i sak %s er ikke vurdert; varige kompenserende tiltak holdes tilbake.", p.in.CaseRef)
	}
	p.audit(key, a.Actor, p.st.CoordinatorServiceID, "rehabilitering_vurdert", summary,
		map[string]any{"vurdert": a.Assessed, "vurdert_dato": a.AssessedAt, "vurdert_av": a.AssessedBy, "konklusjon": a.Conclusion},
		now, RehabilitationLegalBasis)
	return p.st, nil
}

func (p *plan) validateMeasure(ctx workflow.Context, a CompensatingMeasure) error {
	if p.seen(ctx) {
		return nil
	}
	if err := p.coordinatorOrKE(a.Actor); err != nil {
		return err
	}
	if p.st.Step == StepDone {
		return refuse("", "refusal.plan_closed", "Ref", p.in.CaseRef)
	}
	if strings.TrimSpace(a.Measure) == "" {
		return refuse("tiltak", "refusal.measure_missing")
	}
	if r := p.st.Rehabilitation; r == nil || !r.Assessed {
		return refuse("tiltak", "refusal.measure_before_rehab")
	}
	return checkPlanText("tiltak", a.Measure)
}

func (p *plan) addMeasure(ctx workflow.Context, a CompensatingMeasure) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	p.st.CompensatingMeasures = append(p.st.CompensatingMeasures, MeasureRecord{Measure: a.Measure, AddedBy: a.Actor.SlackUserID, AddedAt: now, UpdateID: key})
	r := p.st.Rehabilitation
	p.audit(key, a.Actor, p.st.CoordinatorServiceID, "varig_tiltak_lagt_til",
		fmt.Sprintf("Varig kompenserende tiltak lagt til i individuell plan i sak %s, etter vurdering av rehabilitering %s.", p.in.CaseRef, calendar.FormatDate(r.AssessedAt)),
		map[string]any{"tiltak": a.Measure, "rehabilitering_vurdert": r.AssessedAt, "vurdert_av": r.AssessedBy},
		now, RehabilitationLegalBasis+"; "+PlanLegalBasis)
	return p.st, nil
}

func (p *plan) validateEnd(ctx workflow.Context, a EndPlan) error {
	if p.seen(ctx) {
		return nil
	}
	if err := p.coordinatorOrKE(a.Actor); err != nil {
		return err
	}
	if p.st.Step == StepDone {
		return refuse("", "refusal.plan_already_closed", "Ref", p.in.CaseRef, "Outcome", orRaw(PlanEndKey(p.st.Outcome), p.st.Outcome))
	}
	if a.Reason != PlanEndWithdrawn && a.Reason != PlanEndServicesEnded {
		return refuse("grunn", "refusal.plan_end_reason", "Withdrawn", PlanEndKey(PlanEndWithdrawn), "Ended", PlanEndKey(PlanEndServicesEnded))
	}
	return nil
}

func (p *plan) end(ctx workflow.Context, a EndPlan) (PlanStatus, error) {
	if p.seen(ctx) {
		return p.st, nil
	}
	key := p.begin(ctx)
	now := workflow.Now(ctx)
	p.st.Step, p.st.Outcome, p.st.EndedBy, p.st.EndedAt = StepDone, a.Reason, a.Actor.SlackUserID, now
	p.st.RevisionDates = nil
	p.refreshSummary()
	summary := fmt.Sprintf("Individuell plan i sak %s avsluttet: personen har trukket seg fra planen.", p.in.CaseRef)
	if a.Reason == PlanEndServicesEnded {
		summary = fmt.Sprintf("Individuell plan i sak %s avsluttet: tjenestene er avsluttet.", p.in.CaseRef)
	}
	p.audit(key, a.Actor, p.st.CoordinatorServiceID, "plan_avsluttet", summary, map[string]any{"utfall": a.Reason}, now, PlanLegalBasis)
	p.notify(activities.Notice{Kind: NoticePlanClosed, ServiceID: p.st.CoordinatorServiceID, Step: string(StepDone), Answer: a.Reason, By: a.Actor.SlackUserID})
	p.notify(activities.Notice{Kind: NoticePlanClosed, ToCoordinatingUnit: true, ServiceID: p.st.CoordinatorServiceID, Step: string(StepDone), Answer: a.Reason, By: a.Actor.SlackUserID})
	return p.st, nil
}

// --- revision dates ---

// schedule replaces the open revision dates.
func (p *plan) schedule(dates []time.Time, now time.Time) {
	gen := len(p.st.Revisions)
	p.st.RevisionDates = nil
	for _, d := range dates {
		remind := d.In(calendar.Oslo).AddDate(0, 0, -p.remindDays())
		if p.lawDays { // the revision date is a day; its reminder never on a day off
			d = calendar.EndOfDay(d)
			remind = calendar.OnOrBeforeWorkingDay(remind)
		}
		p.st.RevisionDates = append(p.st.RevisionDates, RevisionDeadline{Due: d, Generation: gen,
			Remind: remind, NextEscalation: d})
	}
	p.refreshSummary()
}

func (p *plan) refreshSummary() {
	p.st.NextDeadline, p.st.Overdue = time.Time{}, false
	for _, d := range p.st.RevisionDates {
		if p.st.NextDeadline.IsZero() || d.Due.Before(p.st.NextDeadline) {
			p.st.NextDeadline = d.Due
		}
		if d.Escalations > 0 {
			p.st.Overdue = true
		}
	}
}

func (p *plan) nextAlarm() time.Time {
	var next time.Time
	for _, d := range p.st.RevisionDates {
		a := d.NextEscalation
		if !d.Reminded {
			a = d.Remind
		}
		if next.IsZero() || a.Before(next) {
			next = a
		}
	}
	return next
}

// fireAlarms reminds the coordinator's service ReminderDaysBefore each revision date, and
// escalates to the KE at the date and every ReescalateWorkingDays until the plan is revised.
func (p *plan) fireAlarms(now time.Time) {
	for i := range p.st.RevisionDates {
		d := &p.st.RevisionDates[i]
		ref := fmt.Sprintf("%d:%s", d.Generation, d.Due.UTC().Format(time.RFC3339))
		if !d.Reminded && !now.Before(d.Remind) {
			d.Reminded = true
			if now.Before(d.Due) {
				p.audit("revisjon-påminnelse:"+ref, Actor{SlackUserID: System}, p.st.CoordinatorServiceID, "påminnelse_sendt",
					fmt.Sprintf("Påminnelse til %s: individuell plan i sak %s skal revideres innen %s.", p.st.CoordinatorServiceID, p.in.CaseRef, calendar.FormatDate(d.Due)),
					map[string]any{"frist": d.Due}, now, PlanLegalBasis)
				p.notify(activities.Notice{Kind: NoticePlanRevisionReminder, ServiceID: p.st.CoordinatorServiceID, Step: "revisjon", Deadline: d.Due})
			}
		}
		if d.Reminded && !now.Before(d.NextEscalation) {
			d.Escalations++
			d.NextEscalation = calendar.AddWorkingDays(d.NextEscalation, p.reescalateDays())
			if p.lawDays && !d.NextEscalation.After(now) { // after an outage: once, then on from now
				d.NextEscalation = calendar.WorkingDayDeadline(now, p.reescalateDays())
			}
			p.audit(fmt.Sprintf("revisjon-eskalering:%s:%d", ref, d.Escalations), Actor{SlackUserID: System}, p.st.CoordinatorServiceID, "frist_oversittet",
				fmt.Sprintf("Revisjonsdato %s for individuell plan i sak %s er passert uten revisjon; eskalert til koordinerende enhet (%d. gang).", calendar.FormatDate(d.Due), p.in.CaseRef, d.Escalations),
				map[string]any{"frist": d.Due, "eskaleringer": d.Escalations}, now, "lokal fristpolicy "+p.in.PolicyVersion+"; hol § 7-3; "+PlanLegalBasis)
			p.notify(activities.Notice{Kind: NoticePlanRevisionEscalation, ToCoordinatingUnit: true, ServiceID: p.st.CoordinatorServiceID,
				Step: "revisjon", Deadline: d.Due, Escalations: d.Escalations})
		}
	}
	p.refreshSummary()
}

// --- effects ---

func (p *plan) notify(n activities.Notice) { p.effectQueue.notify(n, "", "") }

func (p *plan) publishSearchAttributes(ctx workflow.Context) error {
	now := searchAttributes{step: p.st.Step, deadline: p.st.NextDeadline, overdue: p.st.Overdue}
	if p.saSet && now == p.lastSA {
		return nil
	}
	updates := []temporal.SearchAttributeUpdate{
		AttrCase.ValueSet(p.in.CaseRef), AttrStep.ValueSet(string(now.step)), AttrOverdue.ValueSet(now.overdue),
	}
	if now.deadline.IsZero() {
		updates = append(updates, AttrDeadline.ValueUnset())
	} else {
		updates = append(updates, AttrDeadline.ValueSet(now.deadline))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		return err
	}
	p.lastSA, p.saSet = now, true
	return nil
}

// --- helpers ---

func (p *plan) keOnly(a Actor) error {
	if err := refuseReadOnly(a); err != nil {
		return err
	}
	if !a.MemberOf(p.in.CoordinatingUnitID) {
		return refuse("", "refusal.plan_ke_only", "Unit", p.in.CoordinatingUnitID)
	}
	return nil
}

func (p *plan) coordinatorOrKE(a Actor) error {
	if err := refuseReadOnly(a); err != nil {
		return err
	}
	if a.SlackUserID == p.st.CoordinatorSlackUserID || a.MemberOf(p.in.CoordinatingUnitID) {
		return nil
	}
	return refuse("", "refusal.plan_who", "User", p.st.CoordinatorSlackUserID, "Unit", p.in.CoordinatingUnitID, "Ref", p.in.CaseRef)
}

func (p *plan) activeOnly() error {
	switch p.st.Step {
	case PlanStepDraft:
		return refuse("", "refusal.plan_not_established", "Ref", p.in.CaseRef)
	case StepDone:
		return refuse("", "refusal.plan_closed", "Ref", p.in.CaseRef)
	}
	return nil
}

// checkRevisionDates requires at least one date, every date after now, in ascending order.
func checkRevisionDates(field string, dates []time.Time, now time.Time) error {
	if len(dates) == 0 {
		return refuse(field, "refusal.revision_none")
	}
	for i, d := range dates {
		if !d.After(now) {
			return refuse(field, "refusal.revision_past", "Date", d)
		}
		if i > 0 && !d.After(dates[i-1]) {
			return refuse(field, "refusal.revision_order", "Date", d, "Previous", dates[i-1])
		}
	}
	return nil
}

// checkPlanText refuses free text that holds a fødselsnummer, like checkFreeText, for the
// plan's own field names (checkFreeText knows only the collaboration duty's).
func checkPlanText(field, text string) error {
	if privacy.ContainsFodselsnummer(text) {
		return refuse(field, "refusal.fodselsnummer")
	}
	return nil
}

func knownPlanItem(id string) bool {
	for _, it := range PlanChecklist {
		if it.ID == id {
			return true
		}
	}
	return false
}

func planItemIDs() []string {
	ids := make([]string, len(PlanChecklist))
	for i, it := range PlanChecklist {
		ids[i] = it.ID
	}
	return ids
}
