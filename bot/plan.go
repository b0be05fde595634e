package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
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
)

func isPlanCase(workflowID string) bool { return strings.HasPrefix(workflowID, "individuell-plan/") }

// planBlockAction handles the buttons of individual plans; ok is false for others.
func (b *Bot) planBlockAction(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, md metadata) (reply string, ok bool, err error) {
	if !strings.HasPrefix(action.ActionID, "ip_") {
		return "", false, nil
	}
	if _, err := b.actor(ctx, cb.User.ID); err != nil {
		return "", true, err
	}
	var ref string
	if action.ActionID == actionPlanCreate {
		// From an accepted coordinator: start the plan with that coordinator, then fill it in.
		st, err := b.coordinatorStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		if st.Coordinator == nil || st.Coordinator.Answer != workflows.NominationAccepted {
			return "", true, refusal{msg: "Planen opprettes når en koordinator har godtatt oppdraget."}
		}
		ref = st.CaseRef
		in := workflows.PlanInput{CaseRef: st.CaseRef, Subject: st.Subject, CoordinatorSlackUserID: st.Coordinator.SlackUserID,
			CoordinatorServiceID: st.Coordinator.ServiceID, CoordinatingUnitID: st.CoordinatingUnitID, PolicyVersion: b.municipality.Version,
			ReminderDaysBefore: b.municipality.IndividualPlan.RemindDaysBefore, ReescalateWorkingDays: b.municipality.IndividualPlan.Reescalate}
		md.WorkflowID = workflows.PlanWorkflowID(st.CaseRef)
		opts := startOptions(md.WorkflowID, workflows.CaseInput{})
		opts.TypedSearchAttributes = planSearchAttributes(st.CaseRef, st.Coordinator.ServiceID)
		if _, err := b.temporal.ExecuteWorkflow(ctx, opts, workflows.IndividualPlan, in); err != nil && !isAlreadyStarted(err) {
			return "", true, err
		}
	}
	var view slack.ModalViewRequest
	switch action.ActionID {
	case actionPlanCreate:
		var items []string
		for _, it := range workflows.PlanChecklist {
			items = append(items, it.ID, it.Text)
		}
		view = modal(actionPlanCreate, "Individuell plan", "Fastsett planen", md,
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Planen fastsettes når den inneholder alt forskrift om individuell plan krever. Personens medvirkning avgjør innholdet.", ref)), nil, nil),
			input("sjekkliste", "Planen inneholder", "Kryss av det planen dekker", false, slack.NewCheckboxGroupsBlockElement(fieldAction, options(items...)...)),
			input("revisjonsdatoer", "Første revisjon", "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("revisjon2", "Neste revisjon", "", true, slack.NewDatePickerBlockElement(fieldAction)),
		)
	case actionPlanRevise:
		view = modal(actionPlanRevise, "Revider plan", "Registrer", md,
			input("oppsummering", "Hva revisjonen gjaldt", "Mål og tiltak evaluert med personen", false, textInput(true, "")),
			input("neste_revisjon", "Neste revisjon", "", false, slack.NewDatePickerBlockElement(fieldAction)), privacyNote())
	case actionPlanRehab:
		view = modal(actionPlanRehab, "Rehabilitering", "Registrer", md,
			slack.NewSectionBlock(mrkdwn("Rundskriv I-5/2017: behov og potensial for rehabilitering vurderes *før* varige kompenserende tiltak."), nil, nil),
			input("vurdert", "Er behov og potensial vurdert?", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options("ja", "Ja", "nei", "Nei")...)),
			input("vurdert_dato", "Når", "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("vurdert_av", "Av hvem (tjeneste eller fagperson)", "", false, textInput(false, "")),
			input("konklusjon", "Konklusjon", "", false, textInput(true, "")), privacyNote())
	case actionPlanMeasure:
		view = modal(actionPlanMeasure, "Varig tiltak", "Legg til", md,
			slack.NewSectionBlock(mrkdwn("Et varig tiltak som kompenserer for tapt funksjon krever at rehabiliteringsbehov og -potensial er vurdert (Rundskriv I-5/2017)."), nil, nil),
			input("tiltak", "Tiltaket", "", false, textInput(false, "")), privacyNote())
	case actionPlanEnd:
		view = modal(actionPlanEnd, "Avslutt plan", "Avslutt", md,
			input("grunn", "Hvorfor", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(
				workflows.PlanEndWithdrawn, "Personen trekker seg fra planen", workflows.PlanEndServicesEnded, "Tjenestene er avsluttet")...)))
	case actionPlanDetails:
		st, err := b.planStatus(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		view = planDetailsView(st)
	default:
		return "", true, refusal{msg: "Denne knappen kjenner ikke samarbeid igjen."}
	}
	_, err = b.slack.OpenViewContext(ctx, cb.TriggerID, view)
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
			return true, refusal{field: "neste_revisjon", msg: "Velg datoen for neste revisjon."}
		}
		name, arg = workflows.UpdateRevisePlan, workflows.RevisePlan{Actor: actor, Summary: inputValue(values, "oppsummering"), NextRevisionDates: []time.Time{next}}
	case actionPlanRehab:
		at, ok := date("vurdert_dato")
		if !ok {
			return true, refusal{field: "vurdert_dato", msg: "Velg når vurderingen ble gjort."}
		}
		name, arg = workflows.UpdateAssessRehabilitation, workflows.AssessRehabilitation{Actor: actor, Assessed: selectedValue(values, "vurdert") == "ja",
			AssessedAt: at, AssessedBy: inputValue(values, "vurdert_av"), Conclusion: inputValue(values, "konklusjon")}
	case actionPlanMeasure:
		name, arg = workflows.UpdateCompensatingMeasure, workflows.CompensatingMeasure{Actor: actor, Measure: inputValue(values, "tiltak")}
	case actionPlanEnd:
		name, arg = workflows.UpdateEndPlan, workflows.EndPlan{Actor: actor, Reason: selectedValue(values, "grunn")}
	default:
		return true, refusal{msg: "Ukjent skjema."}
	}
	_, err = b.update(ctx, md.WorkflowID, "modal:"+cb.View.ID, name, arg)
	return true, err
}

func (b *Bot) planStatus(ctx context.Context, workflowID string) (workflows.PlanStatus, error) {
	return queryStatus[workflows.PlanStatus](ctx, b, workflowID, "Fant ikke planen.")
}

func planDetailsView(st workflows.PlanStatus) slack.ModalViewRequest {
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s* (%s): individuell plan, %s\nKoordinator: <@%s> (%s)", st.CaseRef, st.Subject, st.Step, st.CoordinatorSlackUserID, st.CoordinatorServiceID)
	for _, d := range st.RevisionDates {
		fmt.Fprintf(&sb, "\nRevisjon: %s", calendar.FormatDate(d.Due))
	}
	for _, r := range st.Revisions {
		fmt.Fprintf(&sb, "\nRevidert %s: %s", calendar.FormatDate(r.RevisedAt), r.Summary)
	}
	if r := st.Rehabilitation; r != nil {
		fmt.Fprintf(&sb, "\nRehabilitering vurdert: %v (%s): %s", r.Assessed, r.AssessedBy, r.Conclusion)
	}
	for _, m := range st.CompensatingMeasures {
		fmt.Fprintf(&sb, "\nVarig tiltak: %s", m.Measure)
	}
	return modal("ip_detaljer_vis", "Plan "+st.CaseRef, "", metadata{}, slack.NewSectionBlock(mrkdwn(sb.String()), nil, nil))
}

// renderPlan draws the notices of individual plans: references and dates, no contents.
func (m *Messenger) renderPlan(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	value := buttonValue(n.WorkflowID, "")
	btn := func(action, text string) slack.BlockElement {
		return slack.NewButtonBlockElement(action, value, plain(text))
	}
	details := btn(actionPlanDetails, "Vis plan")
	working := []slack.BlockElement{btn(actionPlanRevise, "Revider plan"), btn(actionPlanRehab, "Rehabiliteringsvurdering"),
		btn(actionPlanMeasure, "Varig tiltak"), btn(actionPlanEnd, "Avslutt plan"), details}
	var text string
	buttons := []slack.BlockElement{details}
	switch n.Kind {
	case workflows.NoticePlanEstablished:
		text, buttons = fmt.Sprintf(":clipboard: *%s* · Individuell plan er fastsatt. Første revisjon %s.", n.CaseRef, calendar.FormatDate(n.Deadline)), working
	case workflows.NoticePlanRevisionReminder:
		text, buttons = fmt.Sprintf(":alarm_clock: *%s* · Planen skal revideres %s.", n.CaseRef, calendar.FormatDate(n.Deadline)), working
	case workflows.NoticePlanRevisionEscalation:
		text = fmt.Sprintf(":warning: *%s* · Revisjonen av den individuelle planen var %s og er ikke gjort (varsel nr. %d).", n.CaseRef, calendar.FormatDate(n.Deadline), max(n.Escalations, 1))
	case workflows.NoticePlanRevised:
		text = fmt.Sprintf(":white_check_mark: *%s* · Planen er revidert.", n.CaseRef)
		if !n.Deadline.IsZero() {
			text += " Neste revisjon " + calendar.FormatDate(n.Deadline) + "."
		}
		if !n.ToCoordinatingUnit {
			buttons = working
		}
	case workflows.NoticePlanCoordinatorChanged:
		text, buttons = fmt.Sprintf("*%s* · Koordinatoransvaret for den individuelle planen er flyttet hit.", n.CaseRef), working
	case workflows.NoticePlanClosed:
		text = fmt.Sprintf("*%s* · Den individuelle planen er avsluttet (%s).", n.CaseRef, n.Answer)
	case activities.NoticeAnswered:
		text = fmt.Sprintf(":white_check_mark: %s · besvart av <@%s>.", n.CaseRef, n.By)
	default:
		text = fmt.Sprintf("Sak %s: %s", n.CaseRef, n.Kind)
	}
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("ip_handling", buttons...)}, stripMarks(text)
}
