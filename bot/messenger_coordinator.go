package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
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
// buttons, never the reasons (those open in "Vis sak" for the KE).
func (m *Messenger) renderCoordinator(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	kind := coordinatorKindOf(n.WorkflowID)
	value := buttonValue(n.WorkflowID, "")
	details := slack.NewButtonBlockElement(actionCoordDetails, value, plain("Vis sak"))
	btn := func(action, text string, style slack.Style) *slack.ButtonBlockElement {
		b := slack.NewButtonBlockElement(action, value, plain(text))
		b.Style = style
		return b
	}
	msg := func(text string, buttons ...slack.BlockElement) ([]slack.Block, string) {
		blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
		if !n.Deadline.IsZero() && n.Kind != NoticeKindDeadlineless(n.Kind) {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Frist: "+calendar.FormatDate(n.Deadline))))
		}
		blocks = append(blocks, slack.NewActionBlock("k_handling", append(buttons, details)...))
		return blocks, stripMarks(text)
	}
	title := kind.Title
	switch n.Kind {
	case workflows.NoticeCoordinatorRequest:
		what := "Ny forespørsel om"
		if n.Step == string(workflows.CoordStepAppeal) {
			what = "Klage mottatt: vurder på nytt forespørselen om"
		}
		return msg(fmt.Sprintf("*%s* · %s *%s* (%s, %s). Koordinerende enhet vurderer hvert vilkår.", n.CaseRef, what, title, n.Subject, kind.Citation),
			btn(actionCoordAssess, "Vurder og fatt vedtak", slack.StylePrimary), btn(actionCoordProvisional, "Foreløpig svar sendt", ""))
	case workflows.NoticeCoordinatorProvisionalDue:
		return msg(fmt.Sprintf(":warning: *%s* · Én måned uten vedtak om %s: foreløpig svar må sendes (forvaltningsloven § 11 a).", n.CaseRef, title),
			btn(actionCoordProvisional, "Foreløpig svar sendt", slack.StylePrimary), btn(actionCoordAssess, "Vurder og fatt vedtak", ""))
	case workflows.NoticeCoordinatorProvisional:
		return msg(fmt.Sprintf("*%s* · Foreløpig svar om %s er registrert som sendt.", n.CaseRef, title))
	case workflows.NoticeCoordinatorDecision:
		switch n.Answer {
		case "innvilget":
			return msg(fmt.Sprintf(":white_check_mark: *%s* · %s er innvilget (<@%s>). Oppnevn koordinator.", n.CaseRef, capitalize(title), n.By),
				btn(actionCoordName, "Oppnevn koordinator", slack.StylePrimary))
		case "avslått":
			return msg(fmt.Sprintf("*%s* · %s er avslått (<@%s>). Klagefrist %s (pbrl § 7-2).", n.CaseRef, capitalize(title), n.By, calendar.FormatDate(n.Deadline)),
				btn(actionCoordAppeal, "Registrer klage", ""))
		default:
			return msg(fmt.Sprintf("*%s* · Avslaget på %s er opprettholdt, og klagen er oversendt Statsforvalteren.", n.CaseRef, title))
		}
	case workflows.NoticeCoordinatorNamed:
		return msg(fmt.Sprintf("*%s* · <@%s> er oppnevnt som *%s*. Godta eller avslå oppdraget.", n.CaseRef, n.About, title),
			btn(actionCoordAccept, "Godta oppnevning", slack.StylePrimary), btn(actionCoordDecline, "Avslå", slack.StyleDanger))
	case workflows.NoticeCoordinatorAnswer:
		if n.Answer == workflows.NominationAccepted {
			return msg(fmt.Sprintf(":white_check_mark: *%s* · <@%s> har godtatt oppdraget som %s.", n.CaseRef, n.By, title),
				btn(actionPlanCreate, "Opprett individuell plan", slack.StylePrimary),
				btn(actionCoordLeave, "Koordinator slutter", ""), btn(actionCoordEnd, "Avslutt koordinering", ""))
		}
		return msg(fmt.Sprintf("*%s* · <@%s> har avslått oppdraget som %s.", n.CaseRef, n.By, title))
	case workflows.NoticeCoordinatorVacant:
		why := map[string]string{"avslått": "den oppnevnte avslo", "utløpt": "den oppnevnte svarte ikke innen fristen", "sluttet": "koordinatoren har sluttet"}[n.Answer]
		return msg(fmt.Sprintf(":warning: *%s* · Saken har ingen %s: %s. Oppnevn en ny.", n.CaseRef, title, why),
			btn(actionCoordName, "Oppnevn koordinator", slack.StylePrimary))
	case activities.NoticeReminder:
		return msg(fmt.Sprintf(":alarm_clock: Påminnelse: sak %s, %s (%s). Fristen er %s.", n.CaseRef, coordStepTitle(n.Step), title, calendar.FormatDate(n.Deadline)))
	case activities.NoticeEscalation:
		return msg(fmt.Sprintf(":warning: Frist oversittet (varsel nr. %d): sak %s, %s (%s). Fristen var %s.", max(n.Escalations, 1), n.CaseRef, coordStepTitle(n.Step), title, calendar.FormatDate(n.Deadline)))
	case activities.NoticeAnswered:
		return msg(fmt.Sprintf(":white_check_mark: %s · %s: besvart av <@%s> (%s).", n.CaseRef, coordStepTitle(n.Step), n.By, n.Answer))
	case activities.NoticeClosed:
		return msg(fmt.Sprintf("*%s* · Saken om %s er avsluttet (%s).", n.CaseRef, title, n.Answer))
	}
	return msg(fmt.Sprintf("Sak %s: %s", n.CaseRef, n.Kind))
}

// NoticeKindDeadlineless names the kinds whose deadline is said in the text already.
func NoticeKindDeadlineless(k activities.NoticeKind) activities.NoticeKind {
	switch k {
	case activities.NoticeReminder, activities.NoticeEscalation, workflows.NoticeCoordinatorDecision:
		return k
	}
	return ""
}
