package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/workflows"
)

const helpText = "*samarbeid* hjelper tjenestene med samarbeidsplikten (hol § 3-4 m.fl.): avklare andre tjenester, vurdere behov for samarbeid og opprette kontakt med samtykke.\n" +
	"• `/samarbeid ny`: opprett en ny sak (bare saksreferanse, aldri navn eller fødselsnummer)\n" +
	"• `/samarbeid status SAK-2026-0042`: se hvor saken står og hvilke frister som løper\n" +
	"• `/samarbeid koordinator [SAK-2026-0042]`: be koordinerende enhet om koordinator, barnekoordinator eller koordinator i spesialisthelsetjenesten\n" +
	"• `/samarbeid mine`: stegene som venter på deg og tjenestene dine\n" +
	"• `/samarbeid oversikt`: for koordinerende enhet og revisorer: forfalte og snart forfalte steg etter sektor og enhet\n" +
	"• `/samarbeid hjelp`: denne teksten\n" +
	"Svar på stegene gjør du med knappene i tjenestens kanal."

func (b *Bot) handleCommand(w http.ResponseWriter, r *http.Request) {
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "ugyldig kommando", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), b.answerWithin)
	defer cancel()
	fields := strings.Fields(cmd.Text)
	sub := ""
	if len(fields) > 0 {
		sub = strings.ToLower(fields[0])
	}
	switch sub {
	case "ny":
		if err := b.openNewCase(ctx, cmd); err != nil {
			ephemeral(w, b.userMessage(err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case "status":
		if len(fields) < 2 {
			ephemeral(w, "Skriv saksreferansen: `/samarbeid status SAK-2026-0042`.")
			return
		}
		text, err := b.caseStatusText(ctx, cmd.UserID, strings.ToUpper(fields[1]))
		if err != nil {
			text = b.userMessage(err)
		}
		ephemeral(w, text)
	case "", "hjelp", "help":
		ephemeral(w, helpText)
	case "koordinator":
		if err := b.openCoordinatorRequest(ctx, cmd); err != nil {
			ephemeral(w, b.userMessage(err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case "oversikt":
		b.overviewCommand(ctx, w, cmd.UserID)
	case "mine":
		text, err := b.myTasks(ctx, cmd.UserID)
		if err != nil {
			text = b.userMessage(err)
		}
		ephemeral(w, text)
	default:
		ephemeral(w, fmt.Sprintf("Kjenner ikke kommandoen «%s».\n\n%s", sub, helpText))
	}
}

func (b *Bot) openNewCase(ctx context.Context, cmd slack.SlashCommand) error {
	staff, err := b.actor(ctx, cmd.UserID)
	if err != nil {
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
	view := newCaseView(ref, own, metadata{Channel: cmd.ChannelID})
	_, err = b.slack.OpenViewContext(ctx, cmd.TriggerID, view)
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
		return refusal{field: "saksreferanse", msg: "Saksreferansen må ha formen SAK-ÅÅÅÅ-NNNN, for eksempel SAK-2026-0042. Bruk aldri navn eller fødselsnummer."}
	}
	if subject != "barn" && subject != "voksen" {
		return refusal{field: "målgruppe", msg: "Velg om saken gjelder et barn eller en voksen."}
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return err
	}
	actor := workflowActor(staff)
	if !actor.MemberOf(serviceID) {
		return refusal{field: "tjeneste", msg: "Velg en tjeneste du selv arbeider i."}
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
	_, err = b.temporal.ExecuteWorkflow(ctx, startOptions(id, in), workflows.CollaborationDuty, in)
	if isAlreadyStarted(err) {
		return refusal{field: "saksreferanse", msg: fmt.Sprintf("Sak %s er allerede opprettet for %s. Bruk `/samarbeid status %s`.", ref, svc.Name, ref)}
	}
	if err != nil {
		return err
	}
	b.log.Info("sak opprettet", "sak", ref, "tjeneste", svc.ID, "av", cb.User.ID)
	if md.Channel != "" {
		_, _ = b.slack.PostEphemeralContext(ctx, md.Channel, cb.User.ID, slack.MsgOptionText(
			fmt.Sprintf("Sak %s er opprettet. Steg 1 venter i kanalen til %s (<#%s>).", ref, svc.Name, svc.SlackChannel), false))
	}
	return nil
}

// caseStatusText finds every duty running for a case reference and shows the ones the user
// may see. No free text is shown here; details open in a modal.
func (b *Bot) caseStatusText(ctx context.Context, userID, ref string) (string, error) {
	if !caseRefPattern.MatchString(ref) {
		return "", refusal{msg: "Saksreferansen må ha formen SAK-ÅÅÅÅ-NNNN."}
	}
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	ke, _ := b.dir.CoordinatingUnit(ctx)
	ids, err := b.caseWorkflowIDs(ctx, ref, staff.ServiceIDs)
	if err != nil {
		return "", err
	}
	var parts []string
	// The KE and auditors read every coordinator case and plan.
	seesAll := workflowActor(staff).MemberOf(ke.ID) || workflowActor(staff).Has(workflows.RoleAuditor)
	for _, id := range ids {
		switch {
		case isCoordinatorCase(id):
			if st, err := b.coordinatorStatus(ctx, id); err == nil && (seesAll || st.RequestedBy == staff.SlackUserID || (st.Coordinator != nil && st.Coordinator.SlackUserID == staff.SlackUserID)) {
				parts = append(parts, describeCoordinator(st))
			}
		case isPlanCase(id):
			if st, err := b.planStatus(ctx, id); err == nil && (seesAll || st.CoordinatorSlackUserID == staff.SlackUserID) {
				parts = append(parts, describePlan(st))
			}
		default:
			if st, err := b.status(ctx, id); err == nil && mayView(staff, st, ke.ID) {
				parts = append(parts, b.describeStatus(ctx, st))
			}
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("Fant ingen sak %s som du har tilgang til.", ref), nil
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
	resp, err := b.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: caseSearchQuery(ref)})
	if err != nil {
		b.log.Warn("søk i Temporal feilet", "feil", err)
		return ids, nil
	}
	for _, e := range resp.Executions {
		add(e.GetExecution().GetWorkflowId())
	}
	return ids, nil
}

func (b *Bot) describeStatus(ctx context.Context, st workflows.Status) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s* (%s) · %s · %s\n", st.CaseRef, st.Subject, b.serviceName(ctx, st.InitiatingServiceID), stepTitle(string(st.Step)))
	if line := deadlineLine("Neste frist", st.NextDeadline, st.Overdue, "fristen er oversittet"); line != "" {
		sb.WriteString(line + "\n")
	}
	if c := st.Coordinator; c != nil {
		fmt.Fprintf(&sb, "Koordineres av <@%s> (%s) fra %s.\n", c.SlackUserID, c.Title, calendar.FormatDate(c.At))
	}
	if st.NoOtherServices {
		sb.WriteString("Ingen andre tjenester gir tjenester til personen.\n")
	}
	for _, s := range st.Services {
		fmt.Fprintf(&sb, "• %s: %s\n", b.serviceName(ctx, s.ServiceID), serviceLine(s))
	}
	if st.Outcome != "" {
		fmt.Fprintf(&sb, "Utfall: %s\n", outcomeText(st.Outcome))
	}
	fmt.Fprintf(&sb, "Fristpolicy: %s", st.PolicyVersion)
	return sb.String()
}

func describeCoordinator(st workflows.CoordinatorStatus) string {
	text := fmt.Sprintf("*%s* · %s (%s): %s", st.CaseRef, capitalize(st.Title), st.Citation, coordStepTitle(string(st.Step)))
	if st.Waiting != "" {
		text += ", " + st.Waiting
	}
	if c := st.Coordinator; c != nil && c.Answer == workflows.NominationAccepted {
		text += fmt.Sprintf("\nKoordinator: <@%s>", c.SlackUserID)
	}
	if line := deadlineLine("Neste frist", st.NextDeadline, st.Overdue, "fristen er oversittet"); line != "" {
		text += "\n" + line
	}
	return text
}

func describePlan(st workflows.PlanStatus) string {
	text := fmt.Sprintf("*%s* · Individuell plan (%s), koordinator <@%s>", st.CaseRef, st.Step, st.CoordinatorSlackUserID)
	if line := deadlineLine("Neste revisjon", st.NextDeadline, st.Overdue, "revisjonen er forsinket"); line != "" {
		text += "\n" + line
	}
	return text
}

// deadlineLine is "Neste frist: <date>", with a warning when overdue; "" when none is open.
func deadlineLine(label string, due time.Time, overdue bool, late string) string {
	if due.IsZero() {
		return ""
	}
	line := label + ": " + calendar.FormatDate(due)
	if overdue {
		line += " · :warning: *" + late + "*"
	}
	return line
}

func serviceLine(s workflows.ServiceStatus) string {
	switch {
	case s.Assessment == nil:
		return "ikke vurdert"
	case !s.Assessment.Needed:
		return "samarbeid ikke nødvendig"
	case s.Contact != nil && s.Contact.Answer != "":
		return "forespørsel " + answerText(s.Contact.Answer)
	case s.Contact != nil:
		return "forespørsel sendt, venter på svar"
	case s.Consent.Permits():
		return "grunnlag registrert, forespørsel ikke sendt"
	case s.Consent != nil:
		return "samtykke nektet"
	default:
		return "samarbeid nødvendig, samtykke mangler"
	}
}

func startOptions(id string, in workflows.CaseInput) clientStartOptions {
	return clientStartOptions{
		ID: id, TaskQueue: workflows.TaskQueue,
		// A closed case keeps its ID: the same case is never opened twice for one service.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// Tell us the case exists instead of quietly handing back the running one.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    searchAttributesAtStart(in),
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
