package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Action IDs of individual plans. Every modal's callback ID is its button's action ID, and
// its block IDs are the field names the workflow's validators refuse by, so an error shows
// beside its field.
const (
	actionPlanCreate  = "ip_opprett"
	actionPlanRevise  = "ip_revider"
	actionPlanRehab   = "ip_rehab"
	actionPlanMeasure = "ip_tiltak"
	actionPlanEnd     = "ip_avslutt"
	actionPlanDetails = "ip_detaljer"
	actionPlanChange  = "ip_bytt" // the KE changes the plan's coordinator
)

func isPlanCase(workflowID string) bool { return strings.HasPrefix(workflowID, "individuell-plan/") }

// planBlockAction handles the buttons of individual plans; ok is false for others.
func (b *Bot) planBlockAction(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, md metadata) (reply string, ok bool, err error) {
	if !strings.HasPrefix(action.ActionID, "ip_") {
		return "", false, nil
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return "", true, err
	}
	tr := b.textsFor(staff)
	var ref string
	if action.ActionID != actionPlanDetails {
		if err := mayAct(staff, ""); err != nil { // an auditor, before anything starts
			return "", true, err
		}
	}
	if action.ActionID == actionPlanCreate {
		// From an accepted coordinator: start the plan with that coordinator, then fill it in.
		st, err := b.coordinatorStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		if st.Coordinator == nil || st.Coordinator.Answer != workflows.NominationAccepted {
			return "", true, refuse("", "plan.needs_coordinator")
		}
		if err := mayActOnPlan(staff, st.Coordinator.SlackUserID, st.CoordinatingUnitID); err != nil {
			return "", true, err
		}
		ref = st.CaseRef
		in := workflows.PlanInput{CaseRef: st.CaseRef, Subject: st.Subject, CoordinatorSlackUserID: st.Coordinator.SlackUserID,
			CoordinatorServiceID: st.Coordinator.ServiceID, CoordinatingUnitID: st.CoordinatingUnitID, PolicyVersion: b.municipality.Version,
			ReminderDaysBefore: b.municipality.IndividualPlan.RemindDaysBefore, ReescalateWorkingDays: b.municipality.IndividualPlan.Reescalate}
		md.WorkflowID = workflows.PlanWorkflowID(st.CaseRef)
		opts := startOptions(md.WorkflowID, workflows.CaseInput{})
		opts.TypedSearchAttributes = planSearchAttributes(st.CaseRef, st.Coordinator.ServiceID)
		// A withdrawn or ended plan does not block a new one (the click starts it). While a
		// plan runs, another click opens its form only if it is still a draft nobody has
		// filled in (a double click, or the form closed unsent); otherwise it is refused.
		click := strings.Join([]string{"klikk", action.ActionID, action.Value, cb.User.ID, cb.Container.MessageTs}, ":")
		started, err := b.startOnce(ctx, opts, click, workflows.IndividualPlan, in)
		if err != nil && !errors.Is(err, errRunning) {
			return "", true, err
		}
		if !started {
			// A plan that cannot be asked yet (its first task still running) was just
			// started: a draft. Its validators refuse a second establishment anyway.
			if running, err := b.planStatus(ctx, md.WorkflowID); err == nil && running.Step != workflows.PlanStepDraft {
				return "", true, refuse("", "oppfolging.plan_running", "Ref", st.CaseRef)
			}
		}
	}
	switch action.ActionID {
	case actionPlanRevise, actionPlanRehab, actionPlanMeasure, actionPlanEnd:
		st, err := b.planStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		if err := mayActOnPlan(staff, st.CoordinatorSlackUserID, st.CoordinatingUnitID); err != nil {
			return "", true, err
		}
	}
	var view slack.ModalViewRequest
	switch action.ActionID {
	case actionPlanCreate:
		var items []string
		for _, it := range workflows.PlanChecklist {
			items = append(items, it.ID, planItemText(tr, it.ID, it.Text))
		}
		view = modalIn(tr, actionPlanCreate, tr.T("plan.create_title"), tr.T("plan.create_submit"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("plan.create_intro", "Ref", ref)), nil, nil),
			input("sjekkliste", tr.T("plan.checklist_label"), tr.T("plan.checklist_hint"), false, slack.NewCheckboxGroupsBlockElement(fieldAction, options(items...)...)),
			input("revisjonsdatoer", tr.T("plan.first_revision"), "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("revisjon2", tr.T("plan.next_revision"), "", true, slack.NewDatePickerBlockElement(fieldAction)),
		)
	case actionPlanRevise:
		view = modalIn(tr, actionPlanRevise, tr.T("plan.revise_title"), tr.T("modal.register"), md,
			input("oppsummering", tr.T("plan.summary_label"), tr.T("plan.summary_hint"), false, textInput(true, "")),
			input("neste_revisjon", tr.T("plan.next_revision"), "", false, slack.NewDatePickerBlockElement(fieldAction)), privacyNoteIn(tr))
	case actionPlanRehab:
		view = modalIn(tr, actionPlanRehab, tr.T("plan.rehab_title"), tr.T("modal.register"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("plan.rehab_intro")), nil, nil),
			input("vurdert", tr.T("plan.rehab_assessed_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
				options("ja", tr.T("modal.yes"), "nei", tr.T("modal.no"))...)),
			input("vurdert_dato", tr.T("plan.rehab_date_label"), "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("vurdert_av", tr.T("plan.rehab_by_label"), "", false, textInput(false, "")),
			input("konklusjon", tr.T("plan.rehab_conclusion_label"), "", false, textInput(true, "")), privacyNoteIn(tr))
	case actionPlanMeasure:
		view = modalIn(tr, actionPlanMeasure, tr.T("plan.measure_title"), tr.T("plan.measure_submit"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("plan.measure_intro")), nil, nil),
			input("tiltak", tr.T("plan.measure_label"), "", false, textInput(false, "")), privacyNoteIn(tr))
	case actionPlanEnd:
		view = modalIn(tr, actionPlanEnd, tr.T("plan.end_title"), tr.T("plan.end_submit"), md,
			input("grunn", tr.T("plan.end_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(
				workflows.PlanEndWithdrawn, tr.T("plan.end_withdrawn"), workflows.PlanEndServicesEnded, tr.T("plan.end_services_ended"))...)))
	case actionPlanDetails:
		st, err := b.planStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		scope := b.planScope(ctx, staff, st)
		if err := b.logLooks(ctx, look(staff, st.CaseRef, md.WorkflowID, store.SurfacePlanModal, scope)); err != nil {
			return "", true, err
		}
		if !scope.Shows() {
			return "", true, refuse("", "access.plan_refused")
		}
		view = planDetailsView(tr, b.planStatusNamed(ctx, st))
	case actionPlanChange:
		st, err := b.planStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		if view, err = b.planChangeView(ctx, tr, st, md); err != nil {
			return "", true, err
		}
	default:
		return "", true, refuse("", "err.unknown_button")
	}
	_, err = b.openView(ctx, cb.TriggerID, view)
	return "", true, err
}

// planViewSubmission applies a plan modal; ok is false for other modals.
func (b *Bot) planViewSubmission(ctx context.Context, cb slack.InteractionCallback, md metadata) (ok bool, err error) {
	if !strings.HasPrefix(cb.View.CallbackID, "ip_") {
		return false, nil
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return true, err
	}
	actor := workflowActor(staff)
	values := stateValues(cb)
	date := func(block string) (time.Time, bool) {
		t, err := time.ParseInLocation("2006-01-02", values[block][fieldAction].SelectedDate, calendar.Oslo)
		return t.Add(9 * time.Hour), err == nil // a revision falls due in the morning
	}
	var name string
	var arg any
	switch cb.View.CallbackID {
	case actionPlanCreate:
		checked := map[string]bool{}
		for _, id := range selectedValues(values, "sjekkliste") {
			checked[id] = true
		}
		e := workflows.EstablishPlan{Actor: actor}
		for _, it := range workflows.PlanChecklist {
			e.Checklist = append(e.Checklist, workflows.PlanItem{ID: it.ID, Done: checked[it.ID]})
		}
		for _, block := range []string{"revisjonsdatoer", "revisjon2"} {
			if t, ok := date(block); ok {
				e.RevisionDates = append(e.RevisionDates, t)
			}
		}
		name, arg = workflows.UpdateEstablishPlan, e
	case actionPlanRevise:
		next, ok := date("neste_revisjon")
		if !ok {
			return true, refuse("neste_revisjon", "plan.next_revision_required")
		}
		name, arg = workflows.UpdateRevisePlan, workflows.RevisePlan{Actor: actor, Summary: inputValue(values, "oppsummering"), NextRevisionDates: []time.Time{next}}
	case actionPlanRehab:
		at, ok := date("vurdert_dato")
		if !ok {
			return true, refuse("vurdert_dato", "plan.rehab_date_required")
		}
		name, arg = workflows.UpdateAssessRehabilitation, workflows.AssessRehabilitation{Actor: actor, Assessed: selectedValue(values, "vurdert") == "ja",
			AssessedAt: at, AssessedBy: inputValue(values, "vurdert_av"), Conclusion: inputValue(values, "konklusjon")}
	case actionPlanMeasure:
		name, arg = workflows.UpdateCompensatingMeasure, workflows.CompensatingMeasure{Actor: actor, Measure: inputValue(values, "tiltak")}
	case actionPlanEnd:
		name, arg = workflows.UpdateEndPlan, workflows.EndPlan{Actor: actor, Reason: selectedValue(values, "grunn")}
	case actionPlanChange:
		user, service := values["koordinator"][fieldAction].SelectedUser, selectedValue(values, "tjeneste")
		if user != "" { // the service from the directory unless picked (issue 14)
			var err error
			if service, _, err = b.nomineeService(ctx, user, service); err != nil {
				return true, err
			}
		}
		name, arg = workflows.UpdateChangeCoordinator, workflows.ChangeCoordinator{Actor: actor,
			CoordinatorSlackUserID: user, CoordinatorServiceID: service}
	default:
		return true, refuse("", "err.unknown_form")
	}
	_, err = b.update(ctx, md.WorkflowID, "modal:"+cb.View.ID, name, arg)
	return true, err
}

// mayActOnPlan refuses at the click whoever the plan's validators refuse by role: only its
// coordinator and the KE keep a plan.
func mayActOnPlan(staff store.Staff, coordinator, unit string) error {
	if staff.SlackUserID != coordinator && !workflowActor(staff).MemberOf(unit) {
		return refuse("", "access.plan_keepers")
	}
	return nil
}

func (b *Bot) planStatus(ctx context.Context, workflowID string) (workflows.PlanStatus, error) {
	return queryStatus[workflows.PlanStatus](ctx, b, workflowID, "err.plan_not_found")
}

func planDetailsView(tr *i18n.Translator, st workflows.PlanStatus) slack.ModalViewRequest {
	lines := []string{tr.T("plan_details.header", "Ref", st.CaseRef, "Subject", subjectText(tr, st.Subject), "Step", planStepText(tr, st.Step),
		"User", st.CoordinatorSlackUserID, "Service", st.CoordinatorServiceID)}
	for _, d := range st.RevisionDates {
		lines = append(lines, tr.T("plan_details.revision", "Date", d.Due))
	}
	for _, r := range st.Revisions {
		lines = append(lines, tr.T("plan_details.revised", "Date", r.RevisedAt, "Summary", r.Summary))
	}
	if r := st.Rehabilitation; r != nil {
		key := "plan_details.rehab_no"
		if r.Assessed {
			key = "plan_details.rehab_yes"
		}
		lines = append(lines, tr.T(key, "By", r.AssessedBy, "Conclusion", r.Conclusion))
	}
	for _, m := range st.CompensatingMeasures {
		lines = append(lines, tr.T("plan_details.measure", "Measure", m.Measure))
	}
	return modalIn(tr, "ip_detaljer_vis", tr.T("plan_details.title", "Ref", st.CaseRef), "", metadata{}, withinView(tr, st.CaseRef, textSections(strings.Join(lines, "\n")))...)
}

// renderPlan draws the notices of individual plans: references and dates, no contents. A
// channel message is read by many, so it speaks the workspace's language.
func (m *Messenger) renderPlan(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	tr := m.texts()
	value := buttonValue(n.WorkflowID, "")
	btn := func(action, key string) slack.BlockElement {
		return slack.NewButtonBlockElement(action, value, plain(tr.T(key)))
	}
	details := btn(actionPlanDetails, "plan_notice.show")
	working := []slack.BlockElement{btn(actionPlanRevise, "plan_notice.revise"), btn(actionPlanRehab, "plan_notice.rehab"),
		btn(actionPlanMeasure, "plan_notice.measure"), btn(actionPlanEnd, "plan_notice.end"), details}
	var text string
	buttons := []slack.BlockElement{details}
	switch n.Kind {
	case workflows.NoticePlanEstablished:
		text, buttons = tr.T("plan_notice.established", "Ref", n.CaseRef, "Date", n.Deadline), working
	case workflows.NoticePlanRevisionReminder:
		text, buttons = tr.T("plan_notice.reminder", "Ref", n.CaseRef, "Date", n.Deadline), working
	case workflows.NoticePlanRevisionEscalation:
		text = tr.T("plan_notice.escalation", "Ref", n.CaseRef, "Date", n.Deadline, "N", max(n.Escalations, 1))
		buttons = []slack.BlockElement{details, btn(actionPlanChange, "oppfolging.plan_change_button")}
	case workflows.NoticePlanRevised:
		if n.Deadline.IsZero() {
			text = tr.T("plan_notice.revised", "Ref", n.CaseRef)
		} else {
			text = tr.T("plan_notice.revised_next", "Ref", n.CaseRef, "Date", n.Deadline)
		}
		if !n.ToCoordinatingUnit {
			buttons = working
		}
	case workflows.NoticePlanCoordinatorLeft:
		text = tr.T("oppfolging.plan_left", "Ref", n.CaseRef, "User", n.About)
		buttons = []slack.BlockElement{btn(actionPlanChange, "oppfolging.plan_change_button"), details}
	case workflows.NoticePlanCoordinatorChanged:
		text, buttons = tr.T("plan_notice.coordinator_changed", "Ref", n.CaseRef), working
	case workflows.NoticePlanClosed:
		text = tr.T("plan_notice.closed", "Ref", n.CaseRef, "Reason", planEndText(tr, n.Answer))
	case activities.NoticeAnswered:
		text = tr.T("plan_notice.answered", "Ref", n.CaseRef, "User", n.By)
	default:
		text = tr.T("notice.unknown", "Ref", n.CaseRef, "Kind", n.Kind)
	}
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("ip_handling", buttons...)}, stripMarks(text)
}

// planChangeView is the KE's form to change the plan's coordinator: the person and her
// service. The plan's validator refuses anyone but the KE, and the same coordinator again.
func (b *Bot) planChangeView(ctx context.Context, tr *i18n.Translator, st workflows.PlanStatus, md metadata) (slack.ModalViewRequest, error) {
	services, err := b.otherServices(ctx, "")
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	intro := tr.T("oppfolging.plan_change_intro", "Ref", st.CaseRef, "User", st.CoordinatorSlackUserID)
	if !st.WithoutCoordinatorSince.IsZero() {
		intro += "\n" + tr.T("oppfolging.plan_without", "Date", st.WithoutCoordinatorSince)
	}
	return modalIn(tr, actionPlanChange, tr.T("oppfolging.plan_change_title"), tr.T("oppfolging.plan_change_submit"), md,
		slack.NewSectionBlock(mrkdwn(intro), nil, nil),
		input("koordinator", tr.T("coord.coordinator_label"), "", false, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(tr.T("coord.pick_person")), fieldAction)),
		input("tjeneste", tr.T("coord.service_label"), tr.T("hverdag2.coord_service_hint"), true, serviceSelect(tr, "modal.select_service", services, false)),
	), nil
}
