package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// waitingPageSize is the visibility page for "Mine oppgaver"; every page is read.
const waitingPageSize = 500

// statusQueries is how many cases' states "Mine oppgaver" asks for at once: a service with
// many waiting cases is answered in a fraction of the time one after another would take,
// without a burst of hundreds of queries on the Temporal frontend.
const statusQueries = 16

// caseState is one found case's state, as its status query answered.
type caseState struct {
	duty  workflows.Status
	coord workflows.CoordinatorStatus
	err   error
}

// caseStates asks the found cases for their state, statusQueries at a time, in the order
// found. A bounded fan-out by hand: a channel as semaphore is all it needs.
func (b *Bot) caseStates(ctx context.Context, found []*workflowpb.WorkflowExecutionInfo) []caseState {
	out := make([]caseState, len(found))
	sem := make(chan struct{}, statusQueries)
	var wg sync.WaitGroup
	for i, e := range found {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			id := e.GetExecution().GetWorkflowId()
			switch e.GetType().GetName() {
			case "CollaborationDuty":
				out[i].duty, out[i].err = b.status(ctx, id)
			case "CoordinatorAppointment":
				out[i].coord, out[i].err = b.coordinatorStatus(ctx, id)
			}
		}()
	}
	wg.Wait()
	return out
}

// waitingCases finds the running cases that wait on the user or one of their services, with
// one visibility query over every page (workflows.WaitingQuery; the attribute is kept by the
// workflows), however many cases are open. Cases started before the attribute existed have
// none and come along too, so none is missed while they run out; the caller looks into each
// case's state, which decides the task.
func (b *Bot) waitingCases(ctx context.Context, staff store.Staff) ([]*workflowpb.WorkflowExecutionInfo, error) {
	values := []string{workflows.WaitingUser(staff.SlackUserID)}
	for _, id := range staff.ServiceIDs {
		values = append(values, workflows.WaitingService(id))
	}
	query := workflows.WaitingQuery(values)
	var out []*workflowpb.WorkflowExecutionInfo
	seen := map[string]bool{}
	var token []byte
	for {
		page, err := b.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: query, PageSize: waitingPageSize, NextPageToken: token})
		if err != nil {
			return nil, err
		}
		for _, e := range page.GetExecutions() {
			if id := e.GetExecution().GetWorkflowId(); !seen[id] {
				seen[id] = true
				out = append(out, e)
			}
		}
		if token = page.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// minePageSize is how many tasks one page of `/samarbeid mine` lists.
const minePageSize = 40

// homeTaskLimit is how many tasks the Home tab lists with their buttons.
const homeTaskLimit = 35

// task is one waiting step: its line, and the button that answers it in one click.
type task struct {
	text          string
	action, value string // empty when no single button answers it
	label         string
	primary       bool
	// ref and workflowID name the case the line is about, for the access log.
	ref, workflowID string
}

// myTasks lists what waits for the user: steps of cases their services opened, contact
// requests to their services, nominations of them, and for the KE the overdue cases.
func (b *Bot) myTasks(ctx context.Context, userID string, page int) (string, error) {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	tr := b.textsFor(staff)
	tasks, notes, _, err := b.myTaskList(ctx, tr, staff)
	if err != nil {
		return "", err
	}
	return tasksText(tr, tasks, notes, page), nil
}

// tasksText is page (from 1) of the task list in words, with the notes after it.
func tasksText(tr *i18n.Translator, tasks []task, notes []string, page int) string {
	text := tr.T("mine.none")
	if len(tasks) > 0 {
		lines := make([]string, len(tasks))
		for i, t := range tasks {
			lines[i] = t.text
		}
		// A page of tasks, so the answer stays a readable message (and within Slack's 40,000
		// characters) with hundreds waiting.
		shown, at, pages := onePage(lines, page, minePageSize)
		text = tr.T("mine.list", "Count", len(tasks), "Lines", strings.Join(shown, "\n"))
		if footer := pageFooter(tr, "/samarbeid mine", at, pages, len(tasks)); footer != "" {
			text += "\n" + footer
		}
	}
	for _, n := range notes {
		text += "\n\n" + n
	}
	return text
}

// myTaskList is the list behind /samarbeid mine and the Home tab: a task per waiting step,
// and notes (the KE's overview line, a word when the list was cut), said in tr's language.
// For the KE it also returns the overview its note counts, so the Home tab need not list
// the cases again.
func (b *Bot) myTaskList(ctx context.Context, tr *i18n.Translator, staff store.Staff) (tasks []task, notes []string, ke *overview.Report, err error) {
	userID := staff.SlackUserID
	actor := workflowActor(staff)
	viewer := access.FromStaff(staff)
	unit, _ := b.dir.CoordinatingUnit(ctx)
	var ref, id string // the case the loop is at
	add := func(t task, key string, args ...any) {
		t.text = tr.T(key, args...)
		t.ref, t.workflowID = ref, id
		tasks = append(tasks, t)
	}
	button := func(action, workflowID, serviceID, labelKey string) task {
		return task{action: action, value: buttonValue(workflowID, serviceID), label: tr.T(labelKey), primary: true}
	}

	found, err := b.waitingCases(ctx, staff)
	if err != nil {
		return nil, nil, nil, err
	}
	states := b.caseStates(ctx, found)
	for i, e := range found {
		id = e.GetExecution().GetWorkflowId()
		switch e.GetType().GetName() {
		case "CollaborationDuty":
			st, err := states[i].duty, states[i].err
			if err != nil {
				continue
			}
			ref = st.CaseRef
			if !access.CaseLine(viewer, st, b.now()) {
				continue
			}
			initiator := actor.MemberOf(st.InitiatingServiceID) && !actor.Has(workflows.RoleAuditor)
			if initiator && st.Step == workflows.StepClarify {
				add(button(actionClarify, id, "", "mine.button_answer"), "mine.step",
					"Ref", st.CaseRef, "Step", stepTitleIn(tr, string(st.Step)), "Date", st.NextDeadline)
			}
			for _, s := range st.Services {
				name := b.serviceName(ctx, s.ServiceID)
				switch {
				case s.Consent.Blocks(): // refused or withdrawn: nothing more to do for this service
				case initiator && st.Step == workflows.StepAssess && s.Assessment == nil:
					add(button(actionAssess, id, s.ServiceID, "mine.button_assess"), "mine.assess",
						"Ref", st.CaseRef, "Service", name, "Date", st.NextDeadline)
				case initiator && st.Step == workflows.StepContact && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil && !s.Consent.PermitsAt(b.now()):
					add(button(actionConsent, id, s.ServiceID, "mine.button_consent"), "mine.consent", "Ref", st.CaseRef, "Service", name)
				case initiator && st.Step == workflows.StepContact && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil:
					add(button(actionContact, id, s.ServiceID, "mine.button_send"), "mine.send_request", "Ref", st.CaseRef, "Service", name)
				case actor.MemberOf(s.ServiceID) && !actor.Has(workflows.RoleAuditor) && s.Contact != nil && s.Contact.Answer == "":
					add(button(actionAccept, id, s.ServiceID, "mine.button_accept"), "mine.answer_request",
						"Ref", st.CaseRef, "Service", b.serviceName(ctx, st.InitiatingServiceID))
				}
			}
		case "CoordinatorAppointment":
			st, err := states[i].coord, states[i].err
			if err != nil {
				continue
			}
			ref = st.CaseRef
			caseUnit := st.CoordinatingUnitID // the KE, or a health trust's unit (sphl § 2-5 a)
			if caseUnit == "" {
				caseUnit = unit.ID
			}
			if !access.CoordinatorLine(viewer, st, caseUnit) {
				continue
			}
			if c := st.Coordinator; c != nil && c.SlackUserID == userID && c.Answer == "" {
				add(button(actionCoordAccept, id, "", "mine.button_accept"), "mine.nominated", "Ref", st.CaseRef, "Title", titleText(tr, st.Title))
			} else if actor.MemberOf(caseUnit) && st.Waiting != "" && st.Step != workflows.CoordStepActive {
				add(task{}, "mine.waiting", "Ref", st.CaseRef, "Title", titleText(tr, st.Title), "Waiting", waitingText(tr, st.Waiting))
			}
		}
	}
	if actor.MemberOf(unit.ID) {
		if r, err := keOverview(ctx, b.temporal, b.dir, b.now()); err == nil {
			notes = append(notes, tr.N("mine.ke", r.Overdue, "DueSoon", r.DueSoon, "Days", soonWorkingDays))
			ke = &r
		}
	}
	if err := b.logLooks(ctx, taskLooks(staff, tasks)...); err != nil {
		return nil, nil, nil, err
	}
	return tasks, notes, ke, nil
}

// taskLooks are the access log's rows for a task list: one per case line shown. A line
// shows the reference, the step and a deadline, never free text.
func taskLooks(staff store.Staff, tasks []task) []store.Access {
	var looks []store.Access
	seen := map[string]bool{}
	for _, t := range tasks {
		if t.ref == "" || seen[t.workflowID] {
			continue
		}
		seen[t.workflowID] = true
		looks = append(looks, store.Access{Viewer: staff.SlackUserID, CaseRef: t.ref, WorkflowID: t.workflowID,
			Surface: store.SurfaceHome, Allowed: true, Scope: homeLineScope})
	}
	return looks
}

// homeLineScope is what a task line shows of its case: reference, step, deadline.
const homeLineScope = "linje"

// publishHome draws the user's Home tab: "Mine oppgaver", each with the button that
// answers it, and for the KE and auditors the overview by sector and unit, in the user's
// language. notice, when given, tops the tab: the answer to a button clicked there, which
// has no channel to go to.
func (b *Bot) publishHome(ctx context.Context, userID string, notice ...string) error {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return err
	}
	tr := b.textsFor(staff)
	tasks, notes, report, err := b.myTaskList(ctx, tr, staff)
	if err != nil {
		return err
	}
	if report == nil && b.seesOverview(ctx, staff) { // an auditor outside the KE
		if r, err := keOverview(ctx, b.temporal, b.dir, b.now()); err == nil {
			report = &r
		} else {
			b.log.Warn("kunne ikke lage oversikten for Hjem-fanen", "feil", err)
		}
	}
	blocks := homeBlocks(tr, tasks, notes, report, notice, b.now())
	_, err = b.publishView(ctx, slack.PublishViewContextRequest{UserID: userID,
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
	return err
}

// homeBlocks draws the Home tab: the tasks (the first homeTaskLimit, with their buttons, and
// a count of the rest), the notes, the overview when given, and the footer. It stays within
// Slack's 100 blocks a Home tab whatever the number of tasks.
func homeBlocks(tr *i18n.Translator, tasks []task, notes []string, report *overview.Report, notice []string, now time.Time) []slack.Block {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(tr.T("mine.title")))}
	for _, n := range notice {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.T("mine.notice", "Text", n))))
	}
	if len(tasks) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(tr.T("mine.none")), nil, nil))
	}
	for i, t := range tasks {
		if i == homeTaskLimit { // Slack allows 100 blocks in a Home tab; leave room for the overview
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.N("mine.more", len(tasks)-i))))
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
	if report != nil {
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewHeaderBlock(plain(tr.T("mine.overview_header"))))
		blocks = append(blocks, overviewBlocks(tr, *report)...)
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.T("mine.home_footer", "Date", now))))
	return blocks
}
