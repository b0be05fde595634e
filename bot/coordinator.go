package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
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
	actionCoordWish        = "k_onske" // the person's wish for who coordinates, hol § 3-4 second paragraph
	actionCoordNotified    = "k_kjent" // the day a refusal reached the person, pbrl § 7-5
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

// openCoordinatorRequest answers /samarbeid koordinator with the request modal.
func (b *Bot) openCoordinatorRequest(ctx context.Context, cmd slack.SlashCommand) error {
	ref := ""
	if fields := strings.Fields(cmd.Text); len(fields) > 1 && caseRefPattern.MatchString(strings.ToUpper(fields[1])) {
		ref = strings.ToUpper(fields[1]) // /samarbeid koordinator SAK-2026-0042: a case already open
	}
	return b.openCoordinatorRequestFor(ctx, cmd.UserID, cmd.TriggerID, cmd.ChannelID, ref, nil)
}

// openCoordinatorRequestFor opens the request modal for a case (a new reference when ref is
// empty). From a collaboration case (from not nil) it does not ask what the case already
// says (issue 14): whom it concerns and where the request comes from.
func (b *Bot) openCoordinatorRequestFor(ctx context.Context, userID, triggerID, channel, ref string, from *caseOrigin) error {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return err
	}
	if err := mayStart(staff); err != nil {
		return err
	}
	tr := b.textsFor(staff)
	if ref == "" {
		var err error
		if ref, err = b.dir.NextCaseRef(ctx, b.now().In(calendar.Oslo).Year()); err != nil {
			return err
		}
	}
	var kinds []string
	for _, k := range []string{workflows.KindChildCoordinator, workflows.KindCoordinator, workflows.KindSpecialist} {
		if k == workflows.KindChildCoordinator && from != nil && from.Subject == workflows.SubjectAdult {
			continue // the case says it concerns an adult, and a child coordinator is for a child
		}
		kinds = append(kinds, k, tr.T("coord_new.kind_option", "Title", kindTitle(tr, k), "Citation", workflows.CoordinatorKinds[k].Citation))
	}
	originInput := slack.NewRadioButtonsBlockElement(fieldAction, options(
		workflows.OriginRequest, tr.T("coord_new.from_request"),
		workflows.OriginReport, tr.T("coord_new.from_report"),
		workflows.OriginCollaboration, tr.T("coord_new.from_collaboration"))...)
	md := metadata{Channel: channel}
	intro := tr.T("coord_new.intro")
	asked := []slack.Block{
		input("målgruppe", tr.T("coord_new.subject_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
			options(workflows.SubjectChild, tr.T("new_case.child"), workflows.SubjectExpected, tr.T("coord_new.subject_expected"),
				workflows.SubjectAdult, tr.T("new_case.adult"))...)),
	}
	if from != nil {
		md.WorkflowID = from.WorkflowID
		if from.Subject != "" {
			md.Subject = from.Subject
			intro += "\n" + tr.T("hverdag2.coord_from_case", "Ref", ref, "Subject", subjectText(tr, from.Subject))
			asked = nil
		}
	}
	// When the request came in: the provisional answer's month counts from it (fvl § 11 a).
	received := slack.NewDatePickerBlockElement(fieldAction)
	received.InitialDate = b.now().In(calendar.Oslo).Format("2006-01-02")
	services, err := b.otherServices(ctx, "")
	if err != nil {
		return err
	}
	var servicePairs []string
	for _, s := range services {
		servicePairs = append(servicePairs, s.ID, s.Name)
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(intro), nil, nil),
		input("saksreferanse", tr.T("new_case.ref_label"), tr.T("coord_new.ref_hint"), false, textInput(false, ref)),
	}
	blocks = append(blocks, asked...)
	blocks = append(blocks, input("type", tr.T("coord_new.kind_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(kinds...)...)))
	if from == nil {
		blocks = append(blocks, input("opphav", tr.T("coord_new.origin_label"), "", false, originInput))
	}
	blocks = append(blocks,
		input("mottatt", tr.T("coord_new.received_label"), tr.T("coord_new.received_hint"), true, received),
		// hol § 3-4 second paragraph: the person may say which service should coordinate.
		input("ønske_hvem", tr.T("coord_wish.by_label"), tr.T("coord_wish.hint"), true, slack.NewRadioButtonsBlockElement(fieldAction,
			options(workflows.WishByPerson, tr.T("coord_wish.by_person"), workflows.WishByChild, tr.T("coord_wish.by_child"),
				workflows.WishByParents, tr.T("coord_wish.by_parents"))...)),
		input("ønske_tjeneste", tr.T("coord_wish.service_label"), "", true,
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(tr.T("modal.select_service")), fieldAction, options(servicePairs...)...)),
		input("ønske_merknad", tr.T("coord_wish.note_label"), "", true, textInput(false, "")),
		privacyNoteIn(tr),
	)
	view := modalIn(tr, callbackCoordNew, tr.T("coord_new.title"), tr.T("coord_new.submit"), md, blocks...)
	_, err = b.openView(ctx, triggerID, view)
	return err
}

// caseOrigin is the collaboration case a coordinator request is asked from: its workflow
// and whom it concerns.
type caseOrigin struct{ WorkflowID, Subject string }

// startCoordinatorRequest starts the CoordinatorAppointment workflow from the request modal.
func (b *Bot) startCoordinatorRequest(ctx context.Context, cb slack.InteractionCallback, md metadata) error {
	values := stateValues(cb)
	ref := strings.ToUpper(inputValue(values, "saksreferanse"))
	if !caseRefPattern.MatchString(ref) {
		return refuse("saksreferanse", "coord_new.ref_format")
	}
	kind := selectedValue(values, "type")
	if _, ok := workflows.CoordinatorKinds[kind]; !ok {
		return refuse("type", "coord_new.kind_required")
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return err
	}
	if err := mayStart(staff); err != nil {
		return err
	}
	ke, err := b.coordinatingUnitFor(ctx, staff, kind)
	if err != nil {
		return err
	}
	origin := selectedValue(values, "opphav")
	subject := selectedValue(values, "målgruppe")
	if md.WorkflowID != "" { // asked from a collaboration case, which says these (issue 14)
		origin = workflows.OriginCollaboration
	}
	if md.Subject != "" {
		subject = md.Subject
	}
	if subject == workflows.SubjectExpected && kind != workflows.KindChildCoordinator {
		return refuse("målgruppe", "coord_new.expected_child_only")
	}
	if subject == workflows.SubjectAdult && kind == workflows.KindChildCoordinator {
		// The workflow would refuse to start, after the user was told the request was sent.
		return refuse("type", "hverdag2.child_for_adult")
	}
	in := workflows.CoordinatorInput{
		CaseRef: ref, Subject: subject, Kind: kind, Origin: origin,
		RequestedBy: workflowActor(staff), CoordinatingUnitID: ke.ID, PolicyVersion: b.municipality.Version,
		Deadlines: b.coordinatorDeadlines(),
	}
	if d, ok, err := pickedDate(values, "mottatt"); err != nil || (ok && d.After(b.now())) {
		return refuse("mottatt", "coord_new.received_future")
	} else if ok {
		in.ReceivedAt = d
	}
	by, wished, note := selectedValue(values, "ønske_hvem"), selectedValue(values, "ønske_tjeneste"), inputValue(values, "ønske_merknad")
	if wished != "" || note != "" {
		if by == "" {
			return refuse("ønske_hvem", "refusal.coord_wish_by")
		}
		in.Wish = &workflows.CoordinationWish{By: by, ServiceID: wished, Note: note}
	}
	if md.WorkflowID != "" {
		in.OriginWorkflowID = md.WorkflowID
	} else if origin == workflows.OriginCollaboration && len(staff.ServiceIDs) > 0 {
		in.OriginWorkflowID = workflows.WorkflowID(ref, staff.ServiceIDs[0])
	}
	opts := startOptions(workflows.CoordinatorWorkflowID(ref, kind), workflows.CaseInput{CaseRef: ref, InitiatingServiceID: ke.ID})
	opts.TypedSearchAttributes = coordinatorSearchAttributes(ref, ke.ID)
	// A request refused, ended or withdrawn does not block a new one; one still open does.
	started, err := b.startOnce(ctx, opts, "modal:"+cb.View.ID, workflows.CoordinatorAppointment, in)
	if errors.Is(err, errRunning) {
		return refuse("saksreferanse", "oppfolging.coord_running", "Title", workflows.KindTitleKey(kind), "Ref", ref)
	}
	if err != nil || !started {
		return err
	}
	if md.Channel != "" {
		_, _ = b.postEphemeral(ctx, md.Channel, cb.User.ID, slack.MsgOptionText(
			b.textsFor(staff).T("coord_new.sent", "Title", workflows.KindTitleKey(kind), "Ref", ref), false))
	}
	return nil
}

// coordinatorBlockAction handles the buttons of coordinator cases; ok is false for others.
func (b *Bot) coordinatorBlockAction(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction, md metadata) (reply string, ok bool, err error) {
	if !strings.HasPrefix(action.ActionID, "k_") {
		return "", false, nil
	}
	if action.ActionID == actionCoordRequest { // on a collaboration case's message
		st, err := b.caseForReading(ctx, md.WorkflowID)
		if err != nil {
			return "", true, err
		}
		return "", true, b.openCoordinatorRequestFor(ctx, cb.User.ID, cb.TriggerID, md.Channel, st.CaseRef,
			&caseOrigin{WorkflowID: md.WorkflowID, Subject: st.Subject})
	}
	staff, err := b.actor(ctx, cb.User.ID)
	if err != nil {
		return "", true, err
	}
	tr := b.textsFor(staff)
	st, err := b.coordinatorStatus(ctx, md.WorkflowID)
	if err != nil {
		return "", true, err
	}
	if err := mayActOnCoordinatorCase(staff, st, action.ActionID); err != nil {
		return "", true, err
	}
	kind := workflows.CoordinatorKinds[st.Kind]
	title := kindTitle(tr, st.Kind)
	updateID := strings.Join([]string{"klikk", action.ActionID, action.Value, cb.User.ID, cb.Container.MessageTs}, ":")
	var view slack.ModalViewRequest
	switch action.ActionID {
	case actionCoordAccept:
		if _, err := b.update(ctx, md.WorkflowID, updateID, workflows.UpdateCoordinatorAnswer,
			workflows.NominationAnswer{Actor: workflowActor(staff), Accept: true}); err != nil {
			return "", true, err
		}
		return tr.T("coord.accepted", "Title", title, "Ref", st.CaseRef), true, nil
	case actionCoordAssess:
		view = coordAssessView(tr, st, kind, md)
	case actionCoordProvisional:
		view = modalIn(tr, "k_forelopig", tr.T("coord.provisional_title"), tr.T("modal.register"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("coord.provisional_intro", "Ref", st.CaseRef)), nil, nil),
			input("forventet", tr.T("coord.expected_label"), "", false, slack.NewDatePickerBlockElement(fieldAction)),
			input("begrunnelse", tr.T("coord.provisional_reason_label"), "", false, textInput(true, "")),
		)
	case actionCoordName:
		services, err := b.otherServices(ctx, "")
		if err != nil {
			return "", true, err
		}
		var pairs []string
		wished := ""
		for _, s := range services {
			pairs = append(pairs, s.ID, s.Name)
			if st.Wish != nil && s.ID == st.Wish.ServiceID {
				wished = s.Name
			}
		}
		blocks := []slack.Block{
			slack.NewSectionBlock(mrkdwn(tr.T("coord.name_intro", "Ref", st.CaseRef, "Title", title)), nil, nil),
		}
		if w := st.Wish; w != nil {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(wishText(tr, *w, wished))))
		}
		blocks = append(blocks,
			input("koordinator", tr.T("coord.coordinator_label"), "", false, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(tr.T("coord.pick_person")), fieldAction)),
			// The directory knows where the person works; asked only of someone in several (issue 14).
			input("tjeneste", tr.T("coord.service_label"), tr.T("hverdag2.coord_service_hint"), true, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(tr.T("modal.select_service")), fieldAction, options(pairs...)...)),
			input("ansvar_begrunnelse", tr.T("coord_wish.reason_label"), tr.T("coord_wish.reason_hint"), true, textInput(true, "")),
		)
		if kind.HealthPersonnel {
			blocks = append(blocks, input("helsepersonell", tr.T("coord.health_label"), tr.T("coord.health_hint"), true,
				slack.NewCheckboxGroupsBlockElement(fieldAction, options("ja", tr.T("coord.health_option"))...)))
		}
		view = modalIn(tr, "k_oppnevn", tr.T("coord.name_title"), tr.T("coord.name_submit"), md, blocks...)
	case actionCoordAppeal:
		view = coordAppealView(tr, st, md, b.now())
	case actionCoordNotified:
		view = modalIn(tr, actionCoordNotified, tr.T("coord.notified_title"), tr.T("modal.register"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("coord.notified_intro", "Ref", st.CaseRef, "Date", st.AppealDeadline)), nil, nil),
			input("kjent", tr.T("coord.notified_label"), "", false, slack.NewDatePickerBlockElement(fieldAction)))
	case actionCoordWish:
		services, err := b.otherServices(ctx, "")
		if err != nil {
			return "", true, err
		}
		view = coordWishView(tr, st, services, md)
	case actionCoordDecline, actionCoordLeave, actionCoordEnd:
		keys := map[string][2]string{
			actionCoordDecline: {"coord.decline_title", "coord.decline_label"},
			actionCoordLeave:   {"coord.leave_title", "coord.leave_label"},
			actionCoordEnd:     {"coord.end_title", "coord.end_label"},
		}[action.ActionID]
		view = modalIn(tr, action.ActionID, tr.T(keys[0]), tr.T("modal.register"), md,
			slack.NewSectionBlock(mrkdwn(tr.T("coord.reason_intro", "Ref", st.CaseRef, "Title", title)), nil, nil),
			input("begrunnelse", tr.T(keys[1]), "", false, textInput(true, "")), privacyNoteIn(tr))
	case actionCoordDetails:
		scope := b.coordinatorScope(ctx, staff, st)
		if err := b.logLooks(ctx, look(staff, st.CaseRef, md.WorkflowID, store.SurfaceCoordModal, scope)); err != nil {
			return "", true, err
		}
		if !scope.Shows() {
			return "", true, refuse("", "access.coord_refused")
		}
		view = coordDetailsView(tr, b.coordStatusNamed(ctx, st))
	default:
		return "", true, refuse("", "err.unknown_button")
	}
	_, err = b.openView(ctx, cb.TriggerID, view)
	return "", true, err
}

// mayActOnCoordinatorCase refuses at the click whoever the workflow would refuse by role:
// an auditor, anyone but the KE for the KE's steps, anyone but the nominee for a decline,
// anyone but the coordinator or the KE for leaving.
func mayActOnCoordinatorCase(staff store.Staff, st workflows.CoordinatorStatus, actionID string) error {
	if actionID == actionCoordDetails || actionID == actionCoordAccept { // a read; a click the validator answers at once
		return nil
	}
	if err := mayAct(staff, ""); err != nil {
		return err
	}
	a := workflowActor(staff)
	switch actionID {
	case actionCoordAssess, actionCoordProvisional, actionCoordName, actionCoordAppeal, actionCoordEnd, actionCoordNotified:
		if !a.MemberOf(st.CoordinatingUnitID) {
			return refuse("", "access.ke_only")
		}
	case actionCoordWish: // the KE, or who registered the request on the person's behalf
		if !a.MemberOf(st.CoordinatingUnitID) && st.RequestedBy != staff.SlackUserID {
			return refuse("", "access.ke_only")
		}
	case actionCoordDecline:
		if st.Coordinator != nil && st.Coordinator.SlackUserID != staff.SlackUserID {
			return refuse("", "access.nominee_only")
		}
	case actionCoordLeave:
		if st.Coordinator != nil && st.Coordinator.SlackUserID != staff.SlackUserID && !a.MemberOf(st.CoordinatingUnitID) {
			return refuse("", "access.coordinator_or_ke")
		}
	}
	return nil
}

func coordAssessView(tr *i18n.Translator, st workflows.CoordinatorStatus, kind workflows.CoordinatorKind, md metadata) slack.ModalViewRequest {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(tr.T("coord.assess_intro", "Ref", st.CaseRef,
		"Title", kindTitle(tr, kind.Kind), "Citation", kind.Citation)), nil, nil)}
	for i, c := range kind.Conditions {
		blocks = append(blocks, input("vilkår:"+c.ID, tr.T("coord.condition_label", "N", i+1, "Text", conditionText(tr, c.ID, c.Text)), "", false,
			slack.NewRadioButtonsBlockElement(fieldAction, options("ja", tr.T("coord.met"), "nei", tr.T("coord.not_met"))...)))
	}
	blocks = append(blocks,
		input("vedtak", tr.T("coord.decision_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
			options("innvilget", tr.T("coord.granted"), "avslått", tr.T("coord.refused"))...)),
		input("begrunnelse", tr.T("modal.reason"), tr.T("coord.assess_reason_hint"), false, textInput(true, "")),
		// A refusal with every condition met must say why; the day of notice starts the appeal window.
		input("avslag_alle_vilkår", tr.T("coord.refused_all_met_label"), tr.T("coord.refused_all_met_hint"), true, textInput(true, "")),
		input("kjent", tr.T("coord.notified_label"), tr.T("coord.notified_hint"), true, slack.NewDatePickerBlockElement(fieldAction)),
		privacyNoteIn(tr))
	return modalIn(tr, "k_vurdering", tr.T("coord.assess_title"), tr.T("coord.assess_submit"), md, blocks...)
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
		a := workflows.CoordinatorAssessment{Actor: actor, Granted: selectedValue(values, "vedtak") == "innvilget", Reasons: reason,
			RefusedAllMet: inputValue(values, "avslag_alle_vilkår")}
		if d, ok, _ := pickedDate(values, "kjent"); ok {
			a.NotifiedAt = d
		}
		for _, c := range coordinatorKindOf(md.WorkflowID).Conditions {
			a.Conditions = append(a.Conditions, workflows.ConditionAnswer{ID: c.ID, Met: selectedValue(values, "vilkår:"+c.ID) == "ja"})
		}
		name, arg = workflows.UpdateCoordinatorAssess, a
	case "k_forelopig":
		expected, perr := time.ParseInLocation("2006-01-02", values["forventet"][fieldAction].SelectedDate, calendar.Oslo)
		if perr != nil {
			return true, refuse("forventet", "coord.expected_required")
		}
		name, arg = workflows.UpdateCoordinatorProvisional, workflows.ProvisionalAnswer{Actor: actor, ExpectedBy: expected, Reason: reason}
	case "k_oppnevn":
		user := values["koordinator"][fieldAction].SelectedUser
		service, named, err := b.nomineeService(ctx, user, selectedValue(values, "tjeneste"))
		if err != nil {
			return true, err
		}
		name, arg = workflows.UpdateCoordinatorName, workflows.CoordinatorNomination{Actor: actor, CoordinatorSlackUserID: user,
			CoordinatorName: named, ServiceID: service, HealthPersonnel: len(selectedValues(values, "helsepersonell")) > 0,
			ResponsibilityReason: inputValue(values, "ansvar_begrunnelse")}
	case actionCoordDecline:
		name, arg = workflows.UpdateCoordinatorAnswer, workflows.NominationAnswer{Actor: actor, Accept: false, Reason: reason}
	case actionCoordNotified:
		d, ok, _ := pickedDate(values, "kjent")
		if !ok {
			return true, refuse("kjent", "coord.notified_required")
		}
		name, arg = workflows.UpdateCoordinatorNotified, workflows.DecisionNotified{Actor: actor, NotifiedAt: d}
	case actionCoordWish:
		name, arg = workflows.UpdateCoordinatorWish, workflows.WishUpdate{Actor: actor, Wish: workflows.CoordinationWish{
			By: selectedValue(values, "ønske_hvem"), ServiceID: selectedValue(values, "ønske_tjeneste"), Note: inputValue(values, "ønske_merknad")}}
	case actionCoordAppeal:
		a := workflows.CoordinatorAppeal{Actor: actor, Reason: reason, Late: selectedValue(values, "for_sent"), LateReason: inputValue(values, "for_sent_begrunnelse")}
		if d, ok, _ := pickedDate(values, "mottatt"); ok {
			a.ReceivedAt = d
		}
		name, arg = workflows.UpdateCoordinatorAppeal, a
	case actionCoordLeave:
		name, arg = workflows.UpdateCoordinatorLeaves, workflows.CoordinatorLeaving{Actor: actor, Reason: reason}
	case actionCoordEnd:
		name, arg = workflows.UpdateCoordinatorEnd, workflows.CoordinationEnd{Actor: actor, Reason: reason}
	default:
		return true, refuse("", "err.unknown_form")
	}
	_, err = b.update(ctx, md.WorkflowID, updateID, name, arg)
	return true, err
}

// nomineeService is the service a named coordinator coordinates from, and her name: the one
// picked in the modal, else the one service the directory has her in. Someone in several
// services is asked which (the refusal names them); someone the directory lacks, or who
// works in none, is asked to pick one.
func (b *Bot) nomineeService(ctx context.Context, user, picked string) (service, name string, err error) {
	name = user
	staff, derr := b.dir.StaffBySlackUser(ctx, user)
	if derr == nil {
		name = staff.Name
	}
	if picked != "" {
		return picked, name, nil
	}
	if derr != nil && !errors.Is(derr, store.ErrNotFound) {
		return "", "", derr
	}
	switch len(staff.ServiceIDs) {
	case 1:
		return staff.ServiceIDs[0], name, nil
	case 0:
		return "", "", refuse("tjeneste", "hverdag2.coord_service_unknown", "User", user)
	}
	var names []string
	for _, id := range staff.ServiceIDs {
		names = append(names, b.serviceName(ctx, id))
	}
	return "", "", refuse("tjeneste", "hverdag2.coord_service_pick", "User", user, "Services", strings.Join(names, ", "))
}

func (b *Bot) coordinatorStatus(ctx context.Context, workflowID string) (workflows.CoordinatorStatus, error) {
	return queryStatus[workflows.CoordinatorStatus](ctx, b, workflowID, "err.coord_not_found")
}

func coordDetailsView(tr *i18n.Translator, st workflows.CoordinatorStatus) slack.ModalViewRequest {
	head := tr.T("coord_details.header", "Ref", st.CaseRef, "Subject", subjectText(tr, st.Subject), "Title", kindTitle(tr, st.Kind),
		"Citation", st.Citation, "Step", coordStepTitleIn(tr, string(st.Step)))
	if st.Waiting != "" {
		head += tr.T("coord_details.waiting", "Waiting", waitingText(tr, st.Waiting))
	}
	lines := []string{head}
	if !st.NextDeadline.IsZero() {
		lines = append(lines, tr.T("coord_details.next_deadline", "Date", st.NextDeadline))
	}
	if !st.ReceivedAt.IsZero() {
		lines = append(lines, tr.T("coord_details.received", "Date", st.ReceivedAt))
	}
	provisional := tr.T("coord_details.provisional_due", "Date", st.ProvisionalDue)
	if !st.ProvisionalSentAt.IsZero() {
		provisional += tr.T("coord_details.provisional_sent", "Date", st.ProvisionalSentAt)
	}
	lines = append(lines, provisional)
	for _, c := range st.Checklist {
		mark := "·"
		if c.Answered && c.Met {
			mark = ":white_check_mark:"
		} else if c.Answered {
			mark = ":x:"
		}
		lines = append(lines, mark+" "+conditionText(tr, c.ID, c.Text))
	}
	for _, d := range st.Decisions {
		key := "coord_details.refused"
		if d.Granted {
			key = "coord_details.granted"
		}
		lines = append(lines, tr.T(key, "User", d.By, "Reasons", d.Reasons))
	}
	if !st.AppealDeadline.IsZero() {
		right := st.AppealRight
		if right == workflows.AppealRightText || right == workflows.AppealRightTextBefore {
			right = tr.T("coord.appeal_right")
		}
		lines = append(lines, tr.T("coord_details.appeal", "Date", st.AppealDeadline, "Right", right))
		if !st.NotifiedAt.IsZero() {
			lines = append(lines, tr.T("coord_details.notified", "Date", st.NotifiedAt))
		}
		if !st.LateAppealUntil.IsZero() && st.Step == workflows.CoordStepAppealLate {
			lines = append(lines, tr.T("coord_details.late_open", "Date", st.LateAppealUntil))
		}
	}
	if a := st.Appeal; a != nil && a.Late != "" {
		key := "coord_details.late_considered"
		if a.Late == workflows.LateAppealReject {
			key = "coord_details.late_rejected"
		}
		lines = append(lines, tr.T(key, "Date", a.ReceivedAt, "Reason", a.LateReason))
	}
	for _, d := range st.Decisions {
		if d.RefusedAllMet != "" {
			lines = append(lines, tr.T("coord_details.refused_all_met", "Reason", d.RefusedAllMet))
		}
	}
	if w := st.Wish; w != nil {
		lines = append(lines, wishText(tr, *w, w.ServiceID))
	}
	if st.Responsibility != "" {
		lines = append(lines, tr.T("coord_details.responsibility", "Service", st.Responsibility))
		if c := st.Coordinator; c != nil && c.ResponsibilityReason != "" {
			lines = append(lines, tr.T("coord_details.responsibility_reason", "Reason", c.ResponsibilityReason))
		}
	}
	if c := st.Coordinator; c != nil {
		lines = append(lines, tr.T("coord_details.coordinator", "User", c.SlackUserID, "Service", c.ServiceID, "Answer", nominationText(tr, c.Answer)))
	}
	return modalIn(tr, "k_detaljer_vis", tr.T("coord_details.title", "Ref", st.CaseRef), "", metadata{}, withinView(tr, st.CaseRef, textSections(strings.Join(lines, "\n")))...)
}

// coordAppealView records an appeal: when it came in, and, after the window (pbrl § 7-5),
// the KE's decision whether to consider it anyway (fvl § 31).
func coordAppealView(tr *i18n.Translator, st workflows.CoordinatorStatus, md metadata, now time.Time) slack.ModalViewRequest {
	received := slack.NewDatePickerBlockElement(fieldAction)
	received.InitialDate = now.In(calendar.Oslo).Format("2006-01-02")
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(tr.T("coord.reason_intro", "Ref", st.CaseRef, "Title", kindTitle(tr, st.Kind))), nil, nil),
		input("begrunnelse", tr.T("coord.appeal_label"), "", false, textInput(true, "")),
		input("mottatt", tr.T("coord.appeal_received_label"), tr.T("coord.appeal_received_hint", "Date", st.AppealDeadline), true, received),
	}
	if !st.AppealDeadline.IsZero() && now.After(st.AppealDeadline) {
		blocks = append(blocks,
			slack.NewSectionBlock(mrkdwn(tr.T("coord.appeal_late_intro", "Date", st.AppealDeadline)), nil, nil),
			input("for_sent", tr.T("coord.appeal_late_label"), "", true, slack.NewRadioButtonsBlockElement(fieldAction,
				options(workflows.LateAppealConsider, tr.T("coord.appeal_late_consider"), workflows.LateAppealReject, tr.T("coord.appeal_late_reject"))...)),
			input("for_sent_begrunnelse", tr.T("coord.appeal_late_reason_label"), "", true, textInput(true, "")))
	}
	blocks = append(blocks, privacyNoteIn(tr))
	return modalIn(tr, actionCoordAppeal, tr.T("coord.appeal_title"), tr.T("modal.register"), md, blocks...)
}

// coordWishView records or changes the person's wish for which service coordinates.
func coordWishView(tr *i18n.Translator, st workflows.CoordinatorStatus, services []serviceOption, md metadata) slack.ModalViewRequest {
	return modalIn(tr, actionCoordWish, tr.T("coord_wish.title"), tr.T("modal.register"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("coord_wish.hint")), nil, nil),
		input("ønske_hvem", tr.T("coord_wish.by_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
			options(workflows.WishByPerson, tr.T("coord_wish.by_person"), workflows.WishByChild, tr.T("coord_wish.by_child"),
				workflows.WishByParents, tr.T("coord_wish.by_parents"))...)),
		input("ønske_tjeneste", tr.T("coord_wish.service_label"), "", true, serviceSelect(tr, "modal.select_service", services, false)),
		input("ønske_merknad", tr.T("coord_wish.note_label"), "", true, textInput(false, "")),
		privacyNoteIn(tr))
}

// pickedDate reads a date picker (Oslo midnight); ok is false when none was picked.
func pickedDate(values map[string]map[string]slack.BlockAction, block string) (t time.Time, ok bool, err error) {
	v := values[block][fieldAction].SelectedDate
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err = time.ParseInLocation("2006-01-02", v, calendar.Oslo)
	return t, err == nil, err
}

// wishText says who wished which service to coordinate (hol § 3-4 second paragraph).
func wishText(tr *i18n.Translator, w workflows.CoordinationWish, service string) string {
	if service == "" {
		service = w.ServiceID
	}
	by := map[string]string{workflows.WishByPerson: "coord_wish.by_person", workflows.WishByChild: "coord_wish.by_child",
		workflows.WishByParents: "coord_wish.by_parents"}[w.By]
	who := w.By
	if by != "" {
		who = tr.T(by)
	}
	return tr.T("coord_details.wish", "Who", who, "Service", service, "Note", w.Note)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// coordinatingUnitFor is the unit that receives a coordinator request. A coordinator in
// specialist care (sphl § 2-5 a) is the health trust's to appoint, not the municipality's:
// the request goes to the coordinating unit that serves the requester's own specialist
// service, else to the one of the organisation that runs the specialist services. Every
// other kind goes to the municipality's KE (hol § 7-3). The directory says which unit
// serves which organisation (store.Service.Owner).
func (b *Bot) coordinatingUnitFor(ctx context.Context, staff store.Staff, kind string) (store.Service, error) {
	if kind == workflows.KindSpecialist {
		for _, id := range staff.ServiceIDs {
			if unit, err := b.dir.CoordinatingUnitFor(ctx, id); err == nil && unit.Owner != "" {
				return unit, nil
			}
		}
		unit, err := b.dir.SpecialistCoordinatingUnit(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return unit, refuse("type", "oppfolging.no_specialist_unit")
		}
		return unit, err
	}
	ke, err := b.dir.CoordinatingUnit(ctx)
	if err != nil {
		return ke, fmt.Errorf("finner ikke koordinerende enhet i katalogen: %w", err)
	}
	return ke, nil
}
