package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/workflows"
)

// mineLimit bounds how many running cases `/samarbeid mine` looks into, so the answer
// comes within Slack's 3 seconds; the App Home overview (issue 4) will read a projection.
const mineLimit = 100

// homeTaskLimit is how many tasks the Home tab lists with their buttons.
const homeTaskLimit = 35

// task is one waiting step: its line, and the button that answers it in one click.
type task struct {
	text          string
	action, value string // empty when no single button answers it
	label         string
	primary       bool
}

// myTasks lists what waits for the user: steps of cases their services opened, contact
// requests to their services, nominations of them, and for the KE the overdue cases.
func (b *Bot) myTasks(ctx context.Context, userID string) (string, error) {
	tasks, notes, err := b.myTaskList(ctx, userID)
	if err != nil {
		return "", err
	}
	text := "Du har ingen ventende steg."
	if len(tasks) > 0 {
		lines := make([]string, len(tasks))
		for i, t := range tasks {
			lines[i] = t.text
		}
		text = fmt.Sprintf("*Mine oppgaver* (%d):\n%s", len(tasks), strings.Join(lines, "\n"))
	}
	for _, n := range notes {
		text += "\n\n" + n
	}
	return text, nil
}

// myTaskList is the list behind /samarbeid mine and the Home tab: a task per waiting step,
// and notes (the KE's overview line, a word when the list was cut).
func (b *Bot) myTaskList(ctx context.Context, userID string) (tasks []task, notes []string, err error) {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	actor := workflowActor(staff)
	ke, _ := b.dir.CoordinatingUnit(ctx)
	add := func(t task, format string, args ...any) {
		t.text = fmt.Sprintf(format, args...)
		tasks = append(tasks, t)
	}
	button := func(action, workflowID, serviceID, label string) task {
		return task{action: action, value: buttonValue(workflowID, serviceID), label: label, primary: true}
	}

	running, err := b.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: "ExecutionStatus = 'Running'", PageSize: mineLimit})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range running.GetExecutions() {
		id := e.GetExecution().GetWorkflowId()
		switch e.GetType().GetName() {
		case "CollaborationDuty":
			st, err := b.status(ctx, id)
			if err != nil {
				continue
			}
			initiator := actor.MemberOf(st.InitiatingServiceID) && !actor.Has(workflows.RoleAuditor)
			if initiator && st.Step == workflows.StepClarify {
				add(button(actionClarify, id, "", "Svar"), "• *%s*: %s, frist %s", st.CaseRef, stepTitle(string(st.Step)), calendar.FormatDate(st.NextDeadline))
			}
			for _, s := range st.Services {
				name := b.serviceName(ctx, s.ServiceID)
				switch {
				case initiator && st.Step == workflows.StepAssess && s.Assessment == nil:
					add(button(actionAssess, id, s.ServiceID, "Vurder"), "• *%s*: vurder behov for samarbeid med %s, frist %s", st.CaseRef, name, calendar.FormatDate(st.NextDeadline))
				case initiator && st.Step == workflows.StepContact && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil && !s.Consent.Permits():
					add(button(actionConsent, id, s.ServiceID, "Registrer grunnlag"), "• *%s*: registrer samtykke eller lovhjemmel for %s", st.CaseRef, name)
				case initiator && st.Step == workflows.StepContact && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil:
					add(button(actionContact, id, s.ServiceID, "Send"), "• *%s*: send kontaktforespørsel til %s", st.CaseRef, name)
				case actor.MemberOf(s.ServiceID) && !actor.Has(workflows.RoleAuditor) && s.Contact != nil && s.Contact.Answer == "":
					add(button(actionAccept, id, s.ServiceID, "Godta"), "• *%s*: svar på forespørsel om samarbeid fra %s", st.CaseRef, b.serviceName(ctx, st.InitiatingServiceID))
				}
			}
		case "CoordinatorAppointment":
			st, err := b.coordinatorStatus(ctx, id)
			if err != nil {
				continue
			}
			if c := st.Coordinator; c != nil && c.SlackUserID == userID && c.Answer == "" {
				add(button(actionCoordAccept, id, "", "Godta"), "• *%s*: du er oppnevnt som %s; godta eller avslå i kanalen", st.CaseRef, st.Title)
			} else if actor.MemberOf(ke.ID) && st.Waiting != "" && st.Step != workflows.CoordStepActive {
				add(task{}, "• *%s*: %s, %s", st.CaseRef, st.Title, st.Waiting)
			}
		}
	}
	if actor.MemberOf(ke.ID) {
		if r, err := keOverview(ctx, b.temporal, b.dir, b.now()); err == nil {
			notes = append(notes, fmt.Sprintf("Koordinerende enhet: %d steg har oversittet frist, %d har frist innen %d arbeidsdager. `/samarbeid oversikt` viser dem etter sektor og enhet.",
				r.Overdue, r.DueSoon, soonWorkingDays))
		}
	}
	if len(running.GetNextPageToken()) > 0 {
		notes = append(notes, fmt.Sprintf("_Viser oppgaver fra de %d nyeste sakene._", mineLimit))
	}
	return tasks, notes, nil
}

// publishHome draws the user's Home tab: "Mine oppgaver", each with the button that
// answers it, and for the KE and auditors the overview by sector and unit. notice, when
// given, tops the tab: the answer to a button clicked there, which has no channel to go to.
func (b *Bot) publishHome(ctx context.Context, userID string, notice ...string) error {
	tasks, notes, err := b.myTaskList(ctx, userID)
	if err != nil {
		return err
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Mine oppgaver"))}
	for _, n := range notice {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(":information_source: "+n)))
	}
	if len(tasks) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("Du har ingen ventende steg."), nil, nil))
	}
	for i, t := range tasks {
		if i == homeTaskLimit { // Slack allows 100 blocks in a Home tab; leave room for the overview
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("_%d oppgaver til; `/samarbeid mine` viser alle._", len(tasks)-i))))
			break
		}
		var accessory *slack.Accessory
		if t.action != "" {
			btn := slack.NewButtonBlockElement(t.action, t.value, plain(t.label))
			if t.primary {
				btn.Style = slack.StylePrimary
			}
			accessory = slack.NewAccessory(btn)
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(t.text), nil, accessory))
	}
	for _, n := range notes {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(n), nil, nil))
	}
	if b.seesOverview(ctx, userID) {
		if r, err := keOverview(ctx, b.temporal, b.dir, b.now()); err == nil {
			blocks = append(blocks, slack.NewDividerBlock(), slack.NewHeaderBlock(plain("Oversikt for koordinerende enhet")))
			blocks = append(blocks, overviewBlocks(r)...)
		} else {
			b.log.Warn("kunne ikke lage oversikten for Hjem-fanen", "feil", err)
		}
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Oppdatert "+calendar.FormatDate(b.now())+". Knappen ved hver oppgave svarer på den; `/samarbeid hjelp` forklarer kommandoene.")))
	_, err = b.slack.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID,
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
	return err
}
