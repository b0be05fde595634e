package bot

import (
	"context"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

func planSearchAttributes(ref, serviceID string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		workflows.AttrCase.ValueSet(ref), workflows.AttrService.ValueSet(serviceID),
		workflows.AttrStep.ValueSet(string(workflows.PlanStepDraft)), workflows.AttrOverdue.ValueSet(false),
	)
}

func coordinatorSearchAttributes(ref, keID string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		workflows.AttrCase.ValueSet(ref), workflows.AttrService.ValueSet(keID),
		workflows.AttrStep.ValueSet(string(workflows.CoordStepAssess)), workflows.AttrOverdue.ValueSet(false),
	)
}

// renderCoordinator draws the notices of coordinator cases: references, the step and
// buttons, never the reasons (those open in "Vis sak" for the KE). A channel message is read
// by many, so it speaks the workspace's language.
func (m *Messenger) renderCoordinator(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	tr := m.texts()
	kind := coordinatorKindOf(n.WorkflowID)
	value := buttonValue(n.WorkflowID, "")
	details := slack.NewButtonBlockElement(actionCoordDetails, value, plain(tr.T("coord_notice.show_case")))
	btn := func(action, key string, style slack.Style) *slack.ButtonBlockElement {
		b := slack.NewButtonBlockElement(action, value, plain(tr.T(key)))
		b.Style = style
		return b
	}
	msg := func(text string, buttons ...slack.BlockElement) ([]slack.Block, string) {
		blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
		if !n.Deadline.IsZero() && n.Kind != NoticeKindDeadlineless(n.Kind) {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.T("coord_notice.deadline", "Date", n.Deadline))))
		}
		blocks = append(blocks, slack.NewActionBlock("k_handling", append(buttons, details)...))
		return blocks, stripMarks(text)
	}
	title := kindTitle(tr, kind.Kind)
	say := func(key string, args ...any) string {
		return tr.T(key, append([]any{"Ref", n.CaseRef, "Title", title}, args...)...)
	}
	switch n.Kind {
	case workflows.NoticeCoordinatorRequest:
		key := "coord_notice.request"
		if n.Step == string(workflows.CoordStepAppeal) {
			key = "coord_notice.request_appeal"
		}
		return msg(say(key, "Subject", subjectText(tr, n.Subject), "Citation", kind.Citation),
			btn(actionCoordAssess, "coord_notice.assess", slack.StylePrimary), btn(actionCoordProvisional, "coord_notice.provisional", ""),
			btn(actionCoordWish, "coord_notice.wish", ""))
	case workflows.NoticeCoordinatorProvisionalDue:
		return msg(say("coord_notice.provisional_due"),
			btn(actionCoordProvisional, "coord_notice.provisional", slack.StylePrimary), btn(actionCoordAssess, "coord_notice.assess", ""))
	case workflows.NoticeCoordinatorProvisional:
		return msg(say("coord_notice.provisional_sent"))
	case workflows.NoticeCoordinatorDecision:
		switch n.Answer {
		case "innvilget":
			return msg(say("coord_notice.granted", "User", n.By), btn(actionCoordName, "coord_notice.name", slack.StylePrimary))
		case "avslått":
			return msg(say("coord_notice.refused", "User", n.By, "Date", n.Deadline), btn(actionCoordAppeal, "coord_notice.appeal", ""),
				btn(actionCoordNotified, "coord_notice.notified", ""))
		case workflows.OutcomeLateAppealRejected:
			return msg(say("coord_notice.late_appeal_rejected", "User", n.By))
		default:
			return msg(say("coord_notice.upheld"))
		}
	case workflows.NoticeCoordinatorNamed:
		return msg(say("coord_notice.named", "User", n.About),
			btn(actionCoordAccept, "coord_notice.accept", slack.StylePrimary), btn(actionCoordDecline, "coord_notice.decline", slack.StyleDanger))
	case workflows.NoticeCoordinatorAnswer:
		if n.Answer == workflows.NominationAccepted {
			return msg(say("coord_notice.accepted", "User", n.By),
				btn(actionPlanCreate, "coord_notice.plan", slack.StylePrimary),
				btn(actionCoordLeave, "coord_notice.leave", ""), btn(actionCoordEnd, "coord_notice.end", ""))
		}
		return msg(say("coord_notice.declined", "User", n.By))
	case workflows.NoticeCoordinatorVacant:
		why := map[string]string{"avslått": "coord_notice.vacant_declined", "utløpt": "coord_notice.vacant_lapsed", "sluttet": "coord_notice.vacant_left"}[n.Answer]
		reason := n.Answer
		if why != "" {
			reason = tr.T(why)
		}
		return msg(say("coord_notice.vacant", "Why", reason), btn(actionCoordName, "coord_notice.name", slack.StylePrimary))
	case activities.NoticeReminder:
		return msg(say("coord_notice.reminder", "Step", coordStepTitleIn(tr, n.Step), "Date", n.Deadline))
	case activities.NoticeEscalation:
		return msg(say("coord_notice.escalation", "N", max(n.Escalations, 1), "Step", coordStepTitleIn(tr, n.Step), "Date", n.Deadline))
	case activities.NoticeAnswered:
		return msg(say("coord_notice.answered", "Step", coordStepTitleIn(tr, n.Step), "User", n.By, "Answer", coordAnswerText(tr, n.Answer)))
	case activities.NoticeClosed:
		return msg(say("coord_notice.closed", "Outcome", coordOutcomeText(tr, n.Answer)))
	}
	return msg(tr.T("notice.unknown", "Ref", n.CaseRef, "Kind", n.Kind))
}

// coordAnswerWords say a coordinator decision; a nominee's answer is said by nominationWords.
var coordAnswerWords = words{
	"innvilget": "coord_answer.granted", "avslått": "coord_answer.refused", "avslag_opprettholdt": "coord_answer.upheld",
}

// coordOutcomeWords say how a coordinator case ended.
var coordOutcomeWords = words{
	workflows.OutcomeCoordinationEnded: "coord_outcome.ended", workflows.OutcomeRefusalFinal: "coord_outcome.refusal_final",
	workflows.OutcomeAppealForwarded: "coord_outcome.forwarded", workflows.OutcomeWithdrawnUndecided: "coord_outcome.withdrawn",
	workflows.OutcomeLateAppealRejected: "coord_outcome.late_appeal_rejected",
}

// coordAnswerText says the answer a coordinator case's step was given: a decision or a
// nominee's answer; anything else as it came.
func coordAnswerText(tr *i18n.Translator, answer string) string {
	if _, ok := coordAnswerWords[answer]; ok {
		return coordAnswerWords.in(tr, answer)
	}
	return nominationText(tr, answer)
}

func coordOutcomeText(tr *i18n.Translator, outcome string) string {
	return coordOutcomeWords.in(tr, outcome)
}

// NoticeKindDeadlineless names the kinds whose deadline is said in the text already.
func NoticeKindDeadlineless(k activities.NoticeKind) activities.NoticeKind {
	switch k {
	case activities.NoticeReminder, activities.NoticeEscalation, workflows.NoticeCoordinatorDecision:
		return k
	}
	return ""
}
