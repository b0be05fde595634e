package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

func (b *Bot) handleCommand(w http.ResponseWriter, r *http.Request) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, b.workspaceTexts().T("http.bad_command"), http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(withTrigger(r.Context(), time.Now()), b.answerWithin)
	defer cancel()
	tr := b.texts(ctx, cmd.UserID)
	fields := strings.Fields(cmd.Text)
	sub := ""
	if len(fields) > 0 {
		sub = strings.ToLower(fields[0])
	}
	switch sub {
	case "ny":
		if err := b.openNewCase(ctx, tr, cmd); err != nil {
			ephemeral(w, b.userMessageIn(tr, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case "status":
		if len(fields) < 2 {
			ephemeral(w, tr.T("cmd.status_usage"))
			return
		}
		text, err := b.caseStatusText(ctx, tr, cmd.UserID, strings.ToUpper(fields[1]))
		if err != nil {
			text = b.userMessageIn(tr, err)
		}
		ephemeral(w, text)
	case "", "hjelp", "help":
		ephemeral(w, tr.T("cmd.help"))
	case "koordinator":
		if err := b.openCoordinatorRequest(ctx, cmd); err != nil {
			ephemeral(w, b.userMessageIn(tr, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case "oversikt":
		b.overviewCommand(ctx, w, cmd.UserID)
	case "katalog":
		text, err := b.directoryCommand(ctx, cmd.UserID, fields[1:])
		if err != nil {
			text = b.userMessageIn(tr, err)
		}
		ephemeral(w, text)
	case "tilgang", "access":
		text, err := b.accessLogCommand(ctx, tr, cmd.UserID, fields[1:])
		if err != nil {
			text = b.userMessageIn(tr, err)
		}
		ephemeral(w, text)
	case "mine":
		text, err := b.myTasks(ctx, cmd.UserID, pageArg(fields[1:]))
		if err != nil {
			text = b.userMessageIn(tr, err)
		}
		ephemeral(w, text)
	case "språk", "sprak", "language":
		arg := ""
		if len(fields) > 1 {
			arg = strings.ToLower(fields[1])
		}
		ephemeral(w, b.setLanguage(ctx, tr, cmd.UserID, arg))
	default:
		ephemeral(w, tr.T("cmd.unknown", "Command", sub, "Help", tr.T("cmd.help")))
	}
}

// setLanguage answers `/samarbeid språk nb|nn|en`: it records the user's language and
// answers in it; without a valid language it says how, in the language the user has now.
func (b *Bot) setLanguage(ctx context.Context, tr *i18n.Translator, userID, lang string) string {
	if !i18n.Valid(lang) {
		return tr.T("lang.usage", "Current", i18n.Key("lang.name_"+tr.Lang()))
	}
	if _, err := b.actor(ctx, userID); err != nil {
		return b.userMessageIn(tr, err)
	}
	if err := b.dir.SetLanguage(ctx, userID, lang); err != nil {
		return b.userMessageIn(tr, err)
	}
	b.log.Info("språk valgt", "bruker", userID, "språk", lang)
	return i18n.For(lang).T("lang.set")
}

func (b *Bot) openNewCase(ctx context.Context, tr *i18n.Translator, cmd slack.SlashCommand) error {
	staff, err := b.actor(ctx, cmd.UserID)
	if err != nil {
		return err
	}
	if err := mayStart(staff); err != nil {
		return err
	}
	services, err := b.dir.Services(ctx)
	if err != nil {
		return err
	}
	ref, err := b.dir.NextCaseRef(ctx, b.now().In(calendar.Oslo).Year())
	if err != nil {
		return err
	}
	mine := map[string]bool{}
	for _, id := range staff.ServiceIDs {
		mine[id] = true
	}
	var own []serviceOption
	for _, s := range services {
		if mine[s.ID] {
			own = append(own, serviceOption{ID: s.ID, Name: s.Name})
		}
	}
	view := newCaseView(tr, ref, own, metadata{Channel: cmd.ChannelID})
	_, err = b.openView(ctx, cmd.TriggerID, view)
	return err
}

var caseRefPattern = regexp.MustCompile(`^SAK-\d{4}-\d{4,6}$`)

// startCase handles the "ny sak" modal: it starts the case's workflow under its business key.
func (b *Bot) startCase(ctx context.Context, cb slack.InteractionCallback, md metadata) error {
	values := stateValues(cb)
	ref := strings.ToUpper(strings.TrimSpace(inputValue(values, "saksreferanse")))
	subject := selectedValue(values, "målgruppe")
	serviceID := selectedValue(values, "tjeneste")
	if !caseRefPattern.MatchString(ref) {
		return refuse("saksreferanse", "case.ref_format")
	}
	if subject != "barn" && subject != "voksen" {
		return refuse("målgruppe", "case.subject_required")
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return err
	}
	if err := mayStart(staff); err != nil {
		return err
	}
	actor := workflowActor(staff)
	if !actor.MemberOf(serviceID) {
		return refuse("tjeneste", "case.own_service")
	}
	svc, err := b.dir.Service(ctx, serviceID)
	if err != nil {
		return err
	}
	in := workflows.CaseInput{
		CaseRef: ref, Subject: subject, InitiatingServiceID: svc.ID,
		LegalBasis: strings.TrimSpace(svc.Law + " " + svc.Section), OpenedBy: actor, Policy: b.policy(),
	}
	id := workflows.WorkflowID(ref, svc.ID)
	// The modal's view ID names this submission: submitted twice, it starts one case.
	started, err := b.startOnce(ctx, startOptions(id, in), "modal:"+cb.View.ID, workflows.CollaborationDuty, in)
	if errors.Is(err, errRunning) {
		return refuse("saksreferanse", "oppfolging.case_running", "Ref", ref, "Service", svc.Name)
	}
	if err != nil || !started {
		return err
	}
	b.log.Info("sak opprettet", "sak", ref, "tjeneste", svc.ID, "av", cb.User.ID)
	b.followCoordinator(ctx, ref, id)
	if md.Channel != "" {
		_, _ = b.postEphemeral(ctx, md.Channel, cb.User.ID, slack.MsgOptionText(
			b.textsFor(staff).T("case.created", "Ref", ref, "Service", svc.Name, "Channel", svc.SlackChannel), false))
	}
	return nil
}

// caseStatusText finds every duty running for a case reference and shows the ones the user
// may see. No free text is shown here; details open in a modal.
func (b *Bot) caseStatusText(ctx context.Context, tr *i18n.Translator, userID, ref string) (string, error) {
	if !caseRefPattern.MatchString(ref) {
		return "", refuse("", "case.ref_format_short")
	}
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	ids, err := b.caseWorkflowIDs(ctx, ref, staff.ServiceIDs)
	if err != nil {
		return "", err
	}
	ids = b.withRecordedCases(ctx, ref, ids)
	var parts []string
	var looks []store.Access
	for _, id := range ids {
		switch {
		case isCoordinatorCase(id):
			if st, err := b.coordinatorStatus(ctx, id); err == nil {
				scope := b.coordinatorScope(ctx, staff, st)
				looks = append(looks, look(staff, ref, id, store.SurfaceStatus, scope))
				if scope.Shows() {
					parts = append(parts, describeCoordinator(tr, st))
				}
			}
		case isPlanCase(id):
			if st, err := b.planStatus(ctx, id); err == nil {
				scope := b.planScope(ctx, staff, st)
				looks = append(looks, look(staff, ref, id, store.SurfaceStatus, scope))
				if scope.Shows() {
					parts = append(parts, describePlan(tr, st))
				}
			}
		default:
			if st, err := b.caseForReading(ctx, id); err == nil {
				view := b.caseView(ctx, staff, st)
				looks = append(looks, look(staff, ref, id, store.SurfaceStatus, view.Scope))
				switch {
				case view.Scope.Shows():
					parts = append(parts, b.describeStatus(ctx, tr, access.Filter(st, view), view.Scope))
				case view.Scope == access.Closed:
					parts = append(parts, b.noAccess(ctx, ref, view).(refusal).in(tr))
				}
			}
		}
	}
	if len(looks) == 0 { // nothing found is a look too: who asked for which case
		looks = append(looks, look(staff, ref, "", store.SurfaceStatus, access.None))
	}
	if err := b.logLooks(ctx, looks...); err != nil {
		return "", err
	}
	if len(parts) == 0 {
		return tr.T("case.none_found", "Ref", ref), nil
	}
	return strings.Join(parts, "\n\n"), nil
}

// caseWorkflowIDs lists the case's workflows from Temporal's visibility, and adds the IDs
// the user's own services would have, since visibility can lag a moment behind a new case.
func (b *Bot) caseWorkflowIDs(ctx context.Context, ref string, ownServices []string) ([]string, error) {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, s := range ownServices {
		add(workflows.WorkflowID(ref, s))
	}
	// Visibility lists every run, closed ones too: a reference opened again has several runs
	// under one workflow ID, which is listed once (its latest run answers for it).
	var token []byte
	for {
		resp, err := b.listCasePage(ctx, ref, token)
		if err != nil {
			// "No case found" would be untrue: say that the lookup failed instead.
			b.log.Warn("søk i Temporal feilet", "feil", err)
			return nil, err
		}
		for _, e := range resp.Executions {
			add(e.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return ids, nil
		}
	}
}

// listCasePage reads one page of a reference's workflows from visibility. A busy visibility
// store (SQLite's lock in dev, a failover in production) can refuse one read, so it is tried
// three times within about a second before the error counts.
func (b *Bot) listCasePage(ctx context.Context, ref string, token []byte) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	var err error
	for attempt := 1; ; attempt++ {
		var resp *workflowservice.ListWorkflowExecutionsResponse
		resp, err = b.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: caseSearchQuery(ref), NextPageToken: token})
		if err == nil || attempt == 3 {
			return resp, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Duration(attempt) * 250 * time.Millisecond):
		}
	}
}

// describeStatus is a case's state in lines, as far as scope allows (st already filtered):
// a contacted service sees only its own part, and none of the case's head.
func (b *Bot) describeStatus(ctx context.Context, tr *i18n.Translator, st workflows.Status, scope access.Scope) string {
	if scope == access.Shared {
		lines := []string{tr.T("access.shared_header", "Ref", st.CaseRef, "Service", b.serviceName(ctx, st.InitiatingServiceID))}
		if line := deadlineLine(tr, "status.deadline", st.NextDeadline, false); line != "" {
			lines = append(lines, line)
		}
		for _, s := range st.Services {
			lines = append(lines, tr.T("status.service", "Service", b.serviceName(ctx, s.ServiceID), "State", serviceLine(tr, s, b.now())))
		}
		return strings.Join(lines, "\n")
	}
	lines := []string{tr.T("status.line", "Ref", st.CaseRef, "Subject", subjectText(tr, st.Subject),
		"Service", b.serviceName(ctx, st.InitiatingServiceID), "Step", stepTitleIn(tr, string(st.Step)))}
	if line := deadlineLine(tr, "status.deadline", st.NextDeadline, st.Overdue); line != "" {
		lines = append(lines, line)
	}
	if c := st.Coordinator; c != nil {
		lines = append(lines, tr.T("status.coordinated", "User", c.SlackUserID, "Title", titleText(tr, c.Title), "Date", c.At))
	}
	if st.NoOtherServices {
		lines = append(lines, tr.T("status.no_other_services"))
	}
	for _, s := range st.Services {
		lines = append(lines, tr.T("status.service", "Service", b.serviceName(ctx, s.ServiceID), "State", serviceLine(tr, s, b.now())))
	}
	if st.Outcome != "" {
		lines = append(lines, tr.T("status.outcome", "Outcome", outcomeTextIn(tr, st.Outcome)))
	}
	lines = append(lines, tr.T("status.policy", "Version", st.PolicyVersion))
	return strings.Join(lines, "\n")
}

func describeCoordinator(tr *i18n.Translator, st workflows.CoordinatorStatus) string {
	key := "status.coordinator"
	if st.Waiting != "" {
		key = "status.coordinator_waiting"
	}
	lines := []string{tr.T(key, "Ref", st.CaseRef, "Title", kindTitle(tr, st.Kind), "Citation", st.Citation,
		"Step", coordStepTitleIn(tr, string(st.Step)), "Waiting", waitingText(tr, st.Waiting))}
	if c := st.Coordinator; c != nil && c.Answer == workflows.NominationAccepted {
		lines = append(lines, tr.T("status.coordinator_named", "User", c.SlackUserID))
	}
	if line := deadlineLine(tr, "status.deadline", st.NextDeadline, st.Overdue); line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func describePlan(tr *i18n.Translator, st workflows.PlanStatus) string {
	text := tr.T("status.plan", "Ref", st.CaseRef, "Step", planStepText(tr, st.Step), "User", st.CoordinatorSlackUserID)
	if line := deadlineLine(tr, "status.revision", st.NextDeadline, st.Overdue); line != "" {
		text += "\n" + line
	}
	return text
}

// deadlineLine is "Neste frist: <date>" (key), or key+"_overdue" with a warning when the
// deadline has passed; "" when none is open.
func deadlineLine(tr *i18n.Translator, key string, due time.Time, overdue bool) string {
	if due.IsZero() {
		return ""
	}
	if overdue {
		key += "_overdue"
	}
	return tr.T(key, "Date", due)
}

// serviceLine is a service's state in a case, as of now: a consent past its expiry date is
// no basis, and the line says a new one is needed.
func serviceLine(tr *i18n.Translator, s workflows.ServiceStatus, now time.Time) string {
	switch {
	case s.Assessment == nil:
		return tr.T("service_state.not_assessed")
	case !s.Assessment.Needed:
		return tr.T("service_state.not_needed")
	case s.Consent != nil && s.Consent.Withdrawn != nil:
		return tr.T("samtykke.state_withdrawn")
	case s.Contact != nil && s.Contact.Answer != "":
		return tr.T("service_state.answered", "Answer", answerTextIn(tr, s.Contact.Answer))
	case s.Contact != nil:
		return tr.T("service_state.requested")
	case s.Consent.PermitsAt(now):
		return tr.T("service_state.basis")
	case s.Consent.Permits(): // given, but expired
		return tr.T("service_state.expired")
	case s.Consent != nil:
		return tr.T("service_state.refused")
	default:
		return tr.T("service_state.missing")
	}
}

func startOptions(id string, in workflows.CaseInput) clientStartOptions {
	// A closed case does not block a new one for the same reference and service; a running
	// one does (reuseOptions says why).
	return reuseOptions(clientStartOptions{
		ID: id, TaskQueue: workflows.TaskQueue, TypedSearchAttributes: workflows.CaseSearchAttributes(in),
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
