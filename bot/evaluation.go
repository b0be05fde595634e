package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// The evaluation of a collaboration (issue 10, item 6): its own workflow, so its buttons and
// modals are routed here by the "eval_" prefix, before anything reads a duty case's status.
const (
	actionEvalRecord = "eval_registrer"
	actionEvalDate   = "eval_dato"
	callbackEval     = "eval_registrer"
	callbackEvalDate = "eval_dato"
)

// evaluationHour is when on the chosen day an evaluation is placed.
const evaluationHour = 9

func (b *Bot) evaluationStatus(ctx context.Context, workflowID string) (workflows.EvaluationStatus, error) {
	return queryStatus[workflows.EvaluationStatus](ctx, b, workflowID, "err.case_not_found")
}

func (b *Bot) evaluationBlockAction(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, md metadata) (string, bool, error) {
	if !strings.HasPrefix(action.ActionID, "eval_") {
		return "", false, nil
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return "", true, err
	}
	tr := b.textsFor(staff)
	st, err := b.evaluationStatus(ctx, md.WorkflowID)
	if err != nil {
		return "", true, err
	}
	if err := mayAct(staff, st.InitiatingServiceID); err != nil {
		return "", true, err
	}
	if st.Step == workflows.StepDone {
		return tr.T("refusal.evaluation_ended", "Ref", st.CaseRef), true, nil
	}
	view := evaluationView(tr, st.CaseRef, md)
	if action.ActionID == actionEvalDate {
		view = evaluationDateView(tr, st.CaseRef, st.Due, md)
	}
	_, err = b.openView(ctx, cb.TriggerID, view)
	return "", true, err
}

func (b *Bot) evaluationViewSubmission(ctx context.Context, cb slack.InteractionCallback, md metadata) (bool, error) {
	if cb.View.CallbackID != callbackEval && cb.View.CallbackID != callbackEvalDate {
		return false, nil
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return true, err
	}
	actor := workflowActor(staff)
	values := stateValues(cb)
	updateID := "modal:" + cb.View.ID
	if cb.View.CallbackID == callbackEvalDate {
		date, ok := evaluationDate(values, "dato")
		if !ok {
			return true, refuse("dato", "refusal.evaluation_date_past")
		}
		_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateSetEvaluationDate, workflows.EvaluationDate{Actor: actor, Date: date})
		return true, err
	}
	next, _ := evaluationDate(values, "dato")
	_, err = b.update(ctx, md.WorkflowID, updateID, workflows.UpdateRecordEvaluation, workflows.EvaluationAnswer{
		Actor: actor, Result: selectedValue(values, "resultat"), PersonView: inputValue(values, "personens_syn"),
		Changes: inputValue(values, "endringer"), NextDate: next,
	})
	return true, err
}

// evaluationDate reads a date picker as that day at evaluationHour in Oslo.
func evaluationDate(values map[string]map[string]slack.BlockAction, block string) (time.Time, bool) {
	d, err := time.ParseInLocation("2006-01-02", values[block][fieldAction].SelectedDate, calendar.Oslo)
	if err != nil {
		return time.Time{}, false
	}
	return d.Add(evaluationHour * time.Hour), true
}

func evaluationView(tr *i18n.Translator, caseRef string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackEval, tr.T("samtykke.eval_title"), tr.T("samtykke.eval_submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("samtykke.eval_intro", "Ref", caseRef)), nil, nil),
		input("resultat", tr.T("samtykke.eval_result_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(
			workflows.EvaluationContinue, tr.T("samtykke.eval_continue"),
			workflows.EvaluationChange, tr.T("samtykke.eval_change"),
			workflows.EvaluationEnd, tr.T("samtykke.eval_end"))...)),
		input("personens_syn", tr.T("samtykke.eval_view_label"), "", false, textInput(true, "")),
		input("endringer", tr.T("samtykke.eval_changes_label"), tr.T("samtykke.eval_changes_hint"), true, textInput(true, "")),
		input("dato", tr.T("samtykke.eval_next_label"), tr.T("samtykke.eval_next_hint"), true, slack.NewDatePickerBlockElement(fieldAction)),
		privacyNoteIn(tr),
	)
}

func evaluationDateView(tr *i18n.Translator, caseRef string, due time.Time, md metadata) slack.ModalViewRequest {
	picker := slack.NewDatePickerBlockElement(fieldAction)
	if !due.IsZero() {
		picker.InitialDate = due.In(calendar.Oslo).Format("2006-01-02")
	}
	return modalIn(tr, callbackEvalDate, tr.T("samtykke.eval_date_title"), tr.T("modal.register"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("samtykke.eval_intro", "Ref", caseRef)), nil, nil),
		input("dato", tr.T("samtykke.eval_date_label"), "", false, picker),
	)
}

// renderEvaluation draws an evaluation's notices: the offer with its date and buttons, the
// reminder, the KE's escalation, and the end. Never the person's view or what changes.
func (m *Messenger) renderEvaluation(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	tr := m.texts()
	switch n.Kind {
	case activities.NoticeEvaluation:
		text := tr.T("samtykke.eval_offer", "Ref", n.CaseRef, "Services", m.someNames(ctx, tr, n.Services), "Date", n.Deadline)
		record := slack.NewButtonBlockElement(actionEvalRecord, buttonValue(n.WorkflowID, ""), plain(tr.T("samtykke.eval_button")))
		record.Style = slack.StylePrimary
		move := slack.NewButtonBlockElement(actionEvalDate, buttonValue(n.WorkflowID, ""), plain(tr.T("samtykke.eval_date_button")))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("evaluering", record, move)}, stripMarks(text)
	case activities.NoticeReminder:
		text := tr.T("notice.reminder", "Ref", n.CaseRef, "What", stepTitleIn(tr, n.Step), "Date", n.Deadline)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text
	case activities.NoticeEscalation:
		key := "notice.escalation"
		if n.Escalations > 1 {
			key = "notice.escalation_again"
		}
		text := tr.T(key, "N", n.Escalations, "Ref", n.CaseRef, "What", stepTitleIn(tr, n.Step), "Service", m.name(ctx, n.ServiceID), "Date", n.Deadline)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, stripMarks(text)
	case activities.NoticeAnswered:
		text := tr.T("notice.answered", "Ref", n.CaseRef, "Step", stepTitleIn(tr, n.Step), "User", n.By)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, stripMarks(text)
	case activities.NoticeClosed:
		text := tr.T("samtykke.eval_done", "Ref", n.CaseRef)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text
	}
	text := tr.T("notice.unknown", "Ref", n.CaseRef, "Kind", n.Kind)
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text
}
