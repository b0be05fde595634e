package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/workflows"
)

// Action and callback IDs of coordinator cases.
const (
	actionCoordAssess      = "k_vurder"
	actionCoordProvisional = "k_forelopig"
	actionCoordName        = "k_oppnevn"
	actionCoordAccept      = "k_godta"
	actionCoordDecline     = "k_avsla"
	actionCoordAppeal      = "k_klage"
	actionCoordLeave       = "k_slutter"
	actionCoordEnd         = "k_avslutt"
	actionCoordDetails     = "k_detaljer"
	actionCoordRequest     = "k_be_om" // from a collaboration case: ask the KE for a coordinator
	callbackCoordNew       = "ny_koordinator"
)

// isCoordinatorCase tells a CoordinatorAppointment workflow by its ID ("koordinator/SAK/kind").
func isCoordinatorCase(workflowID string) bool { return strings.HasPrefix(workflowID, "koordinator/") }

// coordinatorKindOf reads the kind from the workflow ID.
func coordinatorKindOf(workflowID string) workflows.CoordinatorKind {
	parts := strings.Split(workflowID, "/")
	return workflows.CoordinatorKinds[parts[len(parts)-1]]
}

func coordStepTitle(step string) string {
	base, _, _ := strings.Cut(step, ":")
	switch base {
	case "vurdering", "vedtak":
		return "vurdering av forespørselen"
	case "foreløpig-svar":
		return "foreløpig svar (forvaltningsloven § 11 a)"
	case "klage", "klagevurdering":
		return "vurdering av klagen"
	case "klagefrist":
		return "klagefrist"
	case "oppnevning", "ny-oppnevning":
		return "oppnevning av koordinator"
	case "svar-oppnevning":
		return "svar på oppnevning"
	case "koordinator-aktiv":
		return "koordinator i arbeid"
	case "avsluttet":
		return "avsluttet"
	}
	return step
}

// openCoordinatorRequest answers /samarbeid koordinator with the request modal.
func (b *Bot) openCoordinatorRequest(ctx context.Context, cmd slack.SlashCommand) error {
	ref := ""
	if fields := strings.Fields(cmd.Text); len(fields) > 1 && caseRefPattern.MatchString(strings.ToUpper(fields[1])) {
		ref = strings.ToUpper(fields[1]) // /samarbeid koordinator SAK-2026-0042: a case already open
	}
	return b.openCoordinatorRequestFor(ctx, cmd.UserID, cmd.TriggerID, cmd.ChannelID, ref, "")
}

// openCoordinatorRequestFor opens the request modal for a case (a new reference when ref is
// empty), with the origin preset when it is known.
func (b *Bot) openCoordinatorRequestFor(ctx context.Context, userID, triggerID, channel, ref, origin string) error {
	if _, err := b.actor(ctx, userID); err != nil {
		return err
	}
	if ref == "" {
		var err error
		if ref, err = b.dir.NextCaseRef(ctx, b.now().In(calendar.Oslo).Year()); err != nil {
			return err
		}
	}
	var kinds []string
	for _, k := range []string{workflows.KindChildCoordinator, workflows.KindCoordinator, workflows.KindSpecialist} {
		kd := workflows.CoordinatorKinds[k]
		kinds = append(kinds, k, fmt.Sprintf("%s (%s)", capitalize(kd.Title), kd.Citation))
	}
	originInput := slack.NewRadioButtonsBlockElement(fieldAction, options(
		workflows.OriginRequest, "Personen eller familien ber om det",
		workflows.OriginReport, "Melding fra helsepersonell om behov",
		workflows.OriginCollaboration, "En samarbeidssak")...)
	for _, o := range originInput.Options {
		if o.Value == origin {
			originInput.InitialOption = o
		}
	}
	view := modal(callbackCoordNew, "Be om koordinator", "Send til KE", metadata{Channel: channel},
		slack.NewSectionBlock(mrkdwn("Forespørselen går til koordinerende enhet, som vurderer hvert lovvilkår. Vedtak skal komme uten ugrunnet opphold; etter én måned kreves foreløpig svar."), nil, nil),
		input("saksreferanse", "Saksreferanse", "Samme referanse som samarbeidssaken, om det finnes en", false, textInput(false, ref)),
		input("målgruppe", "Gjelder", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options("barn", "Et barn (under 18)", "voksen", "En voksen")...)),
		input("type", "Hva slags koordinator", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(kinds...)...)),
		input("opphav", "Forespørselen kommer fra", "", false, originInput),
		privacyNote(),
	)
	_, err := b.slack.OpenViewContext(ctx, triggerID, view)
	return err
}

// startCoordinatorRequest starts the CoordinatorAppointment workflow from the request modal.
func (b *Bot) startCoordinatorRequest(ctx context.Context, cb slack.InteractionCallback, md metadata) error {
	values := stateValues(cb)
	ref := strings.ToUpper(inputValue(values, "saksreferanse"))
	if !caseRefPattern.MatchString(ref) {
		return refusal{field: "saksreferanse", msg: "Saksreferansen må ha formen SAK-ÅÅÅÅ-NNNN, for eksempel SAK-2026-0042."}
	}
	kind := selectedValue(values, "type")
	if _, ok := workflows.CoordinatorKinds[kind]; !ok {
		return refusal{field: "type", msg: "Velg hva slags koordinator det gjelder."}
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return err
	}
	ke, err := b.dir.CoordinatingUnit(ctx)
	if err != nil {
		return fmt.Errorf("finner ikke koordinerende enhet i katalogen: %w", err)
	}
	origin := selectedValue(values, "opphav")
	in := workflows.CoordinatorInput{
		CaseRef: ref, Subject: selectedValue(values, "målgruppe"), Kind: kind, Origin: origin,
		RequestedBy: workflowActor(staff), CoordinatingUnitID: ke.ID, PolicyVersion: b.municipality.Version,
		Deadlines: b.coordinatorDeadlines(),
	}
	if origin == workflows.OriginCollaboration && len(staff.ServiceIDs) > 0 {
		in.OriginWorkflowID = workflows.WorkflowID(ref, staff.ServiceIDs[0])
	}
	opts := startOptions(workflows.CoordinatorWorkflowID(ref, kind), workflows.CaseInput{CaseRef: ref, InitiatingServiceID: ke.ID})
	opts.TypedSearchAttributes = coordinatorSearchAttributes(ref, ke.ID)
	_, err = b.temporal.ExecuteWorkflow(ctx, opts, workflows.CoordinatorAppointment, in)
	if isAlreadyStarted(err) {
		return refusal{field: "saksreferanse", msg: fmt.Sprintf("Det finnes allerede en forespørsel om %s i sak %s.", workflows.CoordinatorKinds[kind].Title, ref)}
	}
	if err != nil {
		return err
	}
	if md.Channel != "" {
		_, _ = b.slack.PostEphemeralContext(ctx, md.Channel, cb.User.ID, slack.MsgOptionText(
			fmt.Sprintf("Forespørselen om %s i sak %s er sendt til koordinerende enhet.", workflows.CoordinatorKinds[kind].Title, ref), false))
	}
	return nil
}

// coordinatorBlockAction handles the buttons of coordinator cases; ok is false for others.
func (b *Bot) coordinatorBlockAction(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, md metadata) (reply string, ok bool, err error) {
	if !strings.HasPrefix(action.ActionID, "k_") {
		return "", false, nil
	}
	if action.ActionID == actionCoordRequest { // on a collaboration case's message
		st, err := b.status(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		return "", true, b.openCoordinatorRequestFor(ctx, cb.User.ID, cb.TriggerID, md.Channel, st.CaseRef, workflows.OriginCollaboration)
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return "", true, err
	}
	st, err := b.coordinatorStatus(ctx, md.WorkflowID)
	if err != nil {
		return "", true, err
	}
	kind := workflows.CoordinatorKinds[st.Kind]
	updateID := strings.Join([]string{"klikk", action.ActionID, action.Value, cb.User.ID, cb.Container.MessageTs}, ":")
	var view slack.ModalViewRequest
	switch action.ActionID {
	case actionCoordAccept:
		if _, err := b.update(ctx, md.WorkflowID, updateID, workflows.UpdateCoordinatorAnswer,
			workflows.NominationAnswer{Actor: workflowActor(staff), Accept: true}); err != nil {
			return "", true, err
		}
		return fmt.Sprintf("Du er registrert som %s i sak %s. Koordinerende enhet har fått beskjed.", kind.Title, st.CaseRef), true, nil
	case actionCoordAssess:
		view = coordAssessView(st, kind, md)
	case actionCoordProvisional:
		view = modal("k_forelopig", "Foreløpig svar sendt", "Registrer", md,
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Foreløpig svar etter forvaltningsloven § 11 a er sendt. Registrer hvorfor vedtaket ikke kan gis ennå, og når det kan ventes.", st.CaseRef)), nil, nil),
			input("forventet", "Vedtak kan ventes", "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("begrunnelse", "Hvorfor vedtak ikke kan gis ennå", "", false, textInput(true, "")),
		)
	case actionCoordName:
		services, err := b.otherServices(ctx, "")
		if err != nil {
			return "", true, err
		}
		var pairs []string
		for _, s := range services {
			pairs = append(pairs, s.ID, s.Name)
		}
		blocks := []slack.Block{
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Hvem blir %s? Vedkommende svarer selv i tjenestens kanal.", st.CaseRef, kind.Title)), nil, nil),
			input("koordinator", "Koordinator", "", false, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Velg person"), fieldAction)),
			input("tjeneste", "Tjenesten vedkommende arbeider i", "", false, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Velg tjeneste"), fieldAction, options(pairs...)...)),
		}
		if kind.HealthPersonnel {
			blocks = append(blocks, input("helsepersonell", "Helsepersonell", "Koordinator i spesialisthelsetjenesten skal være helsepersonell (sphl § 2-5 a)", true,
				slack.NewCheckboxGroupsBlockElement(fieldAction, options("ja", "Vedkommende er helsepersonell")...)))
		}
		view = modal("k_oppnevn", "Oppnevn koordinator", "Oppnevn", md, blocks...)
	case actionCoordDecline, actionCoordAppeal, actionCoordLeave, actionCoordEnd:
		titles := map[string][2]string{
			actionCoordDecline: {"Avslå oppnevning", "Hvorfor du ikke kan ta oppdraget"},
			actionCoordAppeal:  {"Klage på avslag", "Hva klagen gjelder"},
			actionCoordLeave:   {"Koordinator slutter", "Hvorfor koordinatoren slutter"},
			actionCoordEnd:     {"Avslutt koordinering", "Hvorfor (personen trekker seg, tjenestene er avsluttet)"},
		}[action.ActionID]
		view = modal(action.ActionID, titles[0], "Registrer", md,
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: %s", st.CaseRef, kind.Title)), nil, nil),
			input("begrunnelse", titles[1], "", false, textInput(true, "")), privacyNote())
	case actionCoordDetails:
		ke, _ := b.dir.CoordinatingUnit(ctx)
		a := workflowActor(staff)
		if !a.MemberOf(ke.ID) && !a.Has(workflows.RoleAuditor) && st.RequestedBy != staff.SlackUserID && (st.Coordinator == nil || st.Coordinator.SlackUserID != staff.SlackUserID) {
			return "", true, refusal{msg: "Du har ikke tilgang til detaljene i denne saken."}
		}
		view = coordDetailsView(st)
	default:
		return "", true, refusal{msg: "Denne knappen kjenner ikke samarbeid igjen."}
	}
	_, err = b.slack.OpenViewContext(ctx, cb.TriggerID, view)
	return "", true, err
}

func coordAssessView(st workflows.CoordinatorStatus, kind workflows.CoordinatorKind, md metadata) slack.ModalViewRequest {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: %s (%s). Vurder hvert vilkår konkret; vedtaket registrerer hvert svar og begrunnelsen.",
		st.CaseRef, capitalize(kind.Title), kind.Citation)), nil, nil)}
	for i, c := range kind.Conditions {
		blocks = append(blocks, input("vilkår:"+c.ID, fmt.Sprintf("Vilkår %d: %s", i+1, c.Text), "", false,
			slack.NewRadioButtonsBlockElement(fieldAction, options("ja", "Oppfylt", "nei", "Ikke oppfylt")...)))
	}
	blocks = append(blocks,
		input("vedtak", "Vedtak", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options("innvilget", "Innvilget", "avslått", "Avslått")...)),
		input("begrunnelse", "Begrunnelse", "Gjengis i vedtaket; ved avslag følger klageretten", false, textInput(true, "")),
		privacyNote())
	return modal("k_vurdering", "Vurder koordinatorbehov", "Fatt vedtak", md, blocks...)
}

// coordinatorViewSubmission applies a coordinator modal; ok is false for other modals.
func (b *Bot) coordinatorViewSubmission(ctx context.Context, cb slack.InteractionCallback, md metadata) (ok bool, err error) {
	if !strings.HasPrefix(cb.View.CallbackID, "k_") && cb.View.CallbackID != callbackCoordNew {
		return false, nil
	}
	if cb.View.CallbackID == callbackCoordNew {
		return true, b.startCoordinatorRequest(ctx, cb, md)
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return true, err
	}
	actor := workflowActor(staff)
	values := stateValues(cb)
	reason := inputValue(values, "begrunnelse")
	updateID := "modal:" + cb.View.ID
	var name string
	var arg any
	switch cb.View.CallbackID {
	case "k_vurdering":
		a := workflows.CoordinatorAssessment{Actor: actor, Granted: selectedValue(values, "vedtak") == "innvilget", Reasons: reason}
		for _, c := range coordinatorKindOf(md.WorkflowID).Conditions {
			a.Conditions = append(a.Conditions, workflows.ConditionAnswer{ID: c.ID, Met: selectedValue(values, "vilkår:"+c.ID) == "ja"})
		}
		name, arg = workflows.UpdateCoordinatorAssess, a
	case "k_forelopig":
		expected, perr := time.ParseInLocation("2006-01-02", values["forventet"][fieldAction].SelectedDate, calendar.Oslo)
		if perr != nil {
			return true, refusal{field: "forventet", msg: "Velg datoen vedtaket kan ventes."}
		}
		name, arg = workflows.UpdateCoordinatorProvisional, workflows.ProvisionalAnswer{Actor: actor, ExpectedBy: expected, Reason: reason}
	case "k_oppnevn":
		user := values["koordinator"][fieldAction].SelectedUser
		named := user
		if st, err := b.dir.StaffBySlackUser(ctx, user); err == nil {
			named = st.Name
		}
		name, arg = workflows.UpdateCoordinatorName, workflows.CoordinatorNomination{Actor: actor, CoordinatorSlackUserID: user,
			CoordinatorName: named, ServiceID: selectedValue(values, "tjeneste"), HealthPersonnel: len(selectedValues(values, "helsepersonell")) > 0}
	case actionCoordDecline:
		name, arg = workflows.UpdateCoordinatorAnswer, workflows.NominationAnswer{Actor: actor, Accept: false, Reason: reason}
	case actionCoordAppeal:
		name, arg = workflows.UpdateCoordinatorAppeal, workflows.CoordinatorAppeal{Actor: actor, Reason: reason}
	case actionCoordLeave:
		name, arg = workflows.UpdateCoordinatorLeaves, workflows.CoordinatorLeaving{Actor: actor, Reason: reason}
	case actionCoordEnd:
		name, arg = workflows.UpdateCoordinatorEnd, workflows.CoordinationEnd{Actor: actor, Reason: reason}
	default:
		return true, refusal{msg: "Ukjent skjema."}
	}
	_, err = b.update(ctx, md.WorkflowID, updateID, name, arg)
	return true, err
}

func (b *Bot) coordinatorStatus(ctx context.Context, workflowID string) (workflows.CoordinatorStatus, error) {
	return queryStatus[workflows.CoordinatorStatus](ctx, b, workflowID, "Fant ikke koordinatorsaken.")
}

func coordDetailsView(st workflows.CoordinatorStatus) slack.ModalViewRequest {
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s* (%s): %s, %s\nStår på: %s", st.CaseRef, st.Subject, st.Title, st.Citation, coordStepTitle(string(st.Step)))
	if st.Waiting != "" {
		fmt.Fprintf(&sb, " (%s)", st.Waiting)
	}
	if !st.NextDeadline.IsZero() {
		fmt.Fprintf(&sb, "\nNeste frist: %s", calendar.FormatDate(st.NextDeadline))
	}
	fmt.Fprintf(&sb, "\nForeløpig svar senest: %s", calendar.FormatDate(st.ProvisionalDue))
	if !st.ProvisionalSentAt.IsZero() {
		fmt.Fprintf(&sb, " (sendt %s)", calendar.FormatDate(st.ProvisionalSentAt))
	}
	for _, c := range st.Checklist {
		mark := "·"
		if c.Answered && c.Met {
			mark = ":white_check_mark:"
		} else if c.Answered {
			mark = ":x:"
		}
		fmt.Fprintf(&sb, "\n%s %s", mark, c.Text)
	}
	for _, d := range st.Decisions {
		verdict := "avslått"
		if d.Granted {
			verdict = "innvilget"
		}
		fmt.Fprintf(&sb, "\nVedtak %s (<@%s>): %s", verdict, d.By, d.Reasons)
	}
	if !st.AppealDeadline.IsZero() {
		fmt.Fprintf(&sb, "\nKlagefrist: %s. %s", calendar.FormatDate(st.AppealDeadline), st.AppealRight)
	}
	if c := st.Coordinator; c != nil {
		fmt.Fprintf(&sb, "\nKoordinator: <@%s> (%s) %s", c.SlackUserID, c.ServiceID, c.Answer)
	}
	return modal("k_detaljer_vis", "Sak "+st.CaseRef, "", metadata{}, slack.NewSectionBlock(mrkdwn(sb.String()), nil, nil))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
