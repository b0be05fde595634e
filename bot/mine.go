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

// myTasks lists what waits for the user: steps of cases their services opened, contact
// requests to their services, nominations of them, and for the KE the overdue cases.
func (b *Bot) myTasks(ctx context.Context, userID string) (string, error) {
	lines, notes, err := b.myTaskLines(ctx, userID)
	if err != nil {
		return "", err
	}
	text := "Du har ingen ventende steg."
	if len(lines) > 0 {
		text = fmt.Sprintf("*Mine oppgaver* (%d):\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, n := range notes {
		text += "\n\n" + n
	}
	return text, nil
}

// myTaskLines is the list behind /samarbeid mine and the Home tab: a line per waiting step,
// and notes (the KE's overdue count, a word when the list was cut).
func (b *Bot) myTaskLines(ctx context.Context, userID string) (lines, notes []string, err error) {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	actor := workflowActor(staff)
	ke, _ := b.dir.CoordinatingUnit(ctx)
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }

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
			if actor.MemberOf(st.InitiatingServiceID) && st.Step != workflows.StepDone && st.Step != workflows.StepContact {
				add("• *%s*: %s, frist %s", st.CaseRef, stepTitle(string(st.Step)), calendar.FormatDate(st.NextDeadline))
			}
			for _, s := range st.Services {
				switch {
				case st.Step == workflows.StepContact && actor.MemberOf(st.InitiatingServiceID) && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil:
					add("• *%s*: send kontaktforespørsel til %s", st.CaseRef, b.serviceName(ctx, s.ServiceID))
				case actor.MemberOf(s.ServiceID) && s.Contact != nil && s.Contact.Answer == "":
					add("• *%s*: svar på forespørsel om samarbeid fra %s", st.CaseRef, b.serviceName(ctx, st.InitiatingServiceID))
				}
			}
		case "CoordinatorAppointment":
			st, err := b.coordinatorStatus(ctx, id)
			if err != nil {
				continue
			}
			if c := st.Coordinator; c != nil && c.SlackUserID == userID && c.Answer == "" {
				add("• *%s*: du er oppnevnt som %s; godta eller avslå", st.CaseRef, st.Title)
			} else if actor.MemberOf(ke.ID) && st.Waiting != "" && st.Step != workflows.CoordStepActive {
				add("• *%s*: %s, %s", st.CaseRef, st.Title, st.Waiting)
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
	return lines, notes, nil
}

// publishHome draws the user's Home tab: "Mine oppgaver", and the KE's overview line.
func (b *Bot) publishHome(ctx context.Context, userID string) error {
	lines, notes, err := b.myTaskLines(ctx, userID)
	if err != nil {
		return err
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain("Mine oppgaver"))}
	if len(lines) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("Du har ingen ventende steg."), nil, nil))
	}
	for _, l := range lines {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(l), nil, nil))
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
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Oppdatert "+calendar.FormatDate(b.now())+". Svar på stegene i tjenestens kanal; `/samarbeid hjelp` forklarer kommandoene.")))
	_, err = b.slack.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID,
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
	return err
}
