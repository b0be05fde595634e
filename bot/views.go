package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// fieldAction is the action ID of every modal input; the block ID names the field.
const fieldAction = "verdi"

type serviceOption struct{ ID, Name, Sector string }

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// modal is modalIn in bokmål, for callers not yet converted.
func modal(callbackID, title, submit string, md metadata, blocks ...slack.Block) slack.ModalViewRequest {
	return modalIn(i18n.For(i18n.Default), callbackID, title, submit, md, blocks...)
}

// modalIn builds a modal whose close button speaks tr's language; title and submit are
// texts already said.
func modalIn(tr *i18n.Translator, callbackID, title, submit string, md metadata, blocks ...slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackID, Title: plain(title),
		PrivateMetadata: mustJSON(md), Blocks: slack.Blocks{BlockSet: blocks},
	}
	// A modal without a submit only shows something: its one button closes it, it cancels
	// nothing, so it says «Lukk» rather than «Avbryt».
	if submit != "" {
		v.Submit = plain(submit)
		v.Close = plain(tr.T("modal.cancel"))
	} else {
		v.Close = plain(tr.T("hverdag3.close"))
	}
	return v
}

func input(blockID, label, hint string, optional bool, el slack.BlockElement) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint)
	}
	in := slack.NewInputBlock(blockID, plain(label), h, el)
	in.Optional = optional
	return in
}

func textInput(multiline bool, initial string) *slack.PlainTextInputBlockElement {
	el := slack.NewPlainTextInputBlockElement(nil, fieldAction)
	el.Multiline = multiline
	el.InitialValue = initial
	el.MaxLength = 3000
	return el
}

func options(pairs ...string) []*slack.OptionBlockObject {
	var out []*slack.OptionBlockObject
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, slack.NewOptionBlockObject(pairs[i], plain(pairs[i+1]), nil))
	}
	return out
}

// privacyNote is privacyNoteIn in bokmål, for callers not yet converted.
func privacyNote() slack.Block { return privacyNoteIn(i18n.For(i18n.Default)) }

func privacyNoteIn(tr *i18n.Translator) slack.Block {
	return slack.NewContextBlock("", mrkdwn(tr.T("modal.privacy")))
}

func newCaseView(tr *i18n.Translator, ref string, own []serviceOption, md metadata) slack.ModalViewRequest {
	var svcOpts []string
	for _, s := range own {
		svcOpts = append(svcOpts, s.ID, s.Name)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(tr.T("modal.select_service")), fieldAction, options(svcOpts...)...)
	if len(own) == 1 {
		sel.InitialOption = options(own[0].ID, own[0].Name)[0]
	}
	return modalIn(tr, callbackNew, tr.T("new_case.title"), tr.T("new_case.submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("new_case.intro")), nil, nil),
		input("saksreferanse", tr.T("new_case.ref_label"), tr.T("new_case.ref_hint"), false, textInput(false, ref)),
		input("målgruppe", tr.T("new_case.subject_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
			options("barn", tr.T("new_case.child"), "voksen", tr.T("new_case.adult"))...)),
		input("tjeneste", tr.T("new_case.service_label"), "", false, sel),
		privacyNoteIn(tr),
	)
}

func clarifyView(tr *i18n.Translator, caseRef string, services []serviceOption, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackClar, tr.T("clarify.title"), tr.T("clarify.submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("clarify.intro", "Ref", caseRef)), nil, nil),
		input("tjenester", tr.T("clarify.services_label"), tr.T("clarify.services_hint"), true,
			serviceSelect(tr, "clarify.services_placeholder", services, true)),
		input("ingen", tr.T("clarify.or_label"), "", true, slack.NewCheckboxGroupsBlockElement(fieldAction, options("ingen", tr.T("clarify.none"))...)),
	)
}

func assessView(tr *i18n.Translator, caseRef, serviceName string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackAssess, tr.T("assess.title"), tr.T("assess.submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("assess.intro", "Ref", caseRef, "Service", serviceName)), nil, nil),
		input("behov", tr.T("assess.need_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction,
			options("ja", tr.T("assess.needed"), "nei", tr.T("assess.not_now"))...)),
		input("tema", tr.T("assess.about_label"), tr.T("assess.about_hint"), true, textInput(true, "")),
		input("begrunnelse", tr.T("modal.reason"), tr.T("assess.reason_hint"), false, textInput(true, "")),
		privacyNoteIn(tr),
	)
}

func consentView(tr *i18n.Translator, caseRef, serviceName string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackCons, tr.T("consent.title"), tr.T("modal.register"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("consent.intro", "Ref", caseRef, "Service", serviceName)), nil, nil),
		input("grunnlag", tr.T("consent.basis_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(
			workflows.BasisConsent, tr.T("consent.given"),
			workflows.BasisStatutory, tr.T("consent.statutory"),
			workflows.BasisRefused, tr.T("consent.refused"))...)),
		// Who answered and how: required for a consent and a refusal, not for a statutory basis.
		input("gitt_av", tr.T("samtykke.giver_label"), "", true, giverButtons(tr)),
		input("form", tr.T("consent.form_label"), tr.T("consent.form_hint"), true,
			slack.NewRadioButtonsBlockElement(fieldAction, options("skriftlig", tr.T("consent.written"), "muntlig", tr.T("consent.oral"))...)),
		input("opplysninger", tr.T("samtykke.information_label"), tr.T("samtykke.information_hint"), true, textInput(true, "")),
		input("begrunnelse", tr.T("samtykke.refusal_reason_label"), tr.T("samtykke.refusal_reason_hint"), true, textInput(true, "")),
		input("hjemmel", tr.T("consent.statute_label"), tr.T("consent.statute_hint"), true, textInput(false, "")),
		privacyNoteIn(tr),
	)
}

// giverButtons offers who gave (or refused, or withdrew) a consent.
func giverButtons(tr *i18n.Translator) *slack.RadioButtonsBlockElement {
	return slack.NewRadioButtonsBlockElement(fieldAction, options(
		workflows.GiverPerson, tr.T("samtykke.giver_person"),
		workflows.GiverParent, tr.T("samtykke.giver_parent"),
		workflows.GiverGuardian, tr.T("samtykke.giver_guardian"))...)
}

// withdrawView records that the person took a consent back, orally or in writing.
func withdrawView(tr *i18n.Translator, caseRef, serviceName string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackWithdraw, tr.T("samtykke.withdraw_title"), tr.T("samtykke.withdraw_submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("samtykke.withdraw_intro", "Ref", caseRef, "Service", serviceName)), nil, nil),
		input("gitt_av", tr.T("samtykke.giver_label"), "", false, giverButtons(tr)),
		input("form", tr.T("samtykke.withdraw_form_label"), "", false,
			slack.NewRadioButtonsBlockElement(fieldAction, options(workflows.FormWritten, tr.T("consent.written"), workflows.FormOral, tr.T("consent.oral"))...)),
		input("begrunnelse", tr.T("samtykke.withdraw_reason_label"), tr.T("samtykke.withdraw_reason_hint"), true, textInput(true, "")),
		privacyNoteIn(tr),
	)
}

// closeView closes a case by decision, with a reason from the list and free text.
func closeView(tr *i18n.Translator, caseRef string, md metadata) slack.ModalViewRequest {
	var pairs []string
	for _, r := range workflows.CloseReasons {
		pairs = append(pairs, r, closeReasonText(tr, r))
	}
	return modalIn(tr, callbackCloseCase, tr.T("samtykke.close_title"), tr.T("samtykke.close_submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("samtykke.close_intro", "Ref", caseRef)), nil, nil),
		input("grunn", tr.T("samtykke.close_reason_label"), "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(pairs...)...)),
		input("tekst", tr.T("samtykke.close_text_label"), tr.T("samtykke.close_text_hint"), false, textInput(true, "")),
		privacyNoteIn(tr),
	)
}

// notOursView answers "not ours" with a reason and, optionally, the service the answerer
// believes is right, from the directory.
func notOursView(tr *i18n.Translator, caseRef string, services []serviceOption, md metadata) slack.ModalViewRequest {
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(tr.T("samtykke.not_ours_intro", "Ref", caseRef)), nil, nil),
		input("begrunnelse", tr.T("modal.reason"), "", false, textInput(true, "")),
	}
	if len(services) > 0 {
		blocks = append(blocks, input("forslag", tr.T("samtykke.suggest_label"), tr.T("samtykke.suggest_hint"), true,
			serviceSelect(tr, "modal.select_service", services, false)))
	}
	blocks = append(blocks, privacyNoteIn(tr))
	return modalIn(tr, callbackNotOurs, tr.T("samtykke.not_ours_title"), tr.T("samtykke.not_ours_submit"), md, blocks...)
}

// withoutService drops one service from a list of choices.
func withoutService(services []serviceOption, id string) []serviceOption {
	var out []serviceOption
	for _, s := range services {
		if s.ID != id {
			out = append(out, s)
		}
	}
	return out
}

func acceptView(tr *i18n.Translator, caseRef string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackAcc, tr.T("accept.title"), tr.T("accept.submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("accept.intro", "Ref", caseRef)), nil, nil),
		input("kontaktperson", tr.T("accept.person_label"), tr.T("accept.person_hint"), false, textInput(false, "")),
	)
}

func declineView(tr *i18n.Translator, caseRef string, md metadata) slack.ModalViewRequest {
	return modalIn(tr, callbackDecl, tr.T("decline.title"), tr.T("decline.submit"), md,
		slack.NewSectionBlock(mrkdwn(tr.T("decline.intro", "Ref", caseRef)), nil, nil),
		input("begrunnelse", tr.T("modal.reason"), "", false, textInput(true, "")),
		privacyNoteIn(tr),
	)
}

// detailsView shows a case with its free text, as far as scope allows (st already filtered
// by access.Filter). Free text is never posted in a channel; this modal is only the viewer's.
func detailsView(tr *i18n.Translator, st workflows.Status, scope access.Scope, name func(context.Context, string) string, now time.Time) slack.ModalViewRequest {
	ctx := context.Background()
	var head []string
	if scope == access.Shared {
		head = []string{tr.T("access.shared_header", "Ref", st.CaseRef, "Service", name(ctx, st.InitiatingServiceID))}
	} else {
		head = []string{tr.T("details.header", "Ref", st.CaseRef, "Subject", subjectText(tr, st.Subject),
			"Service", name(ctx, st.InitiatingServiceID), "Basis", st.LegalBasis, "Step", stepTitleIn(tr, string(st.Step)))}
	}
	if !st.NextDeadline.IsZero() {
		head = append(head, tr.T("details.next_deadline", "Date", st.NextDeadline))
	}
	if scope == access.Coordinate {
		head = append(head, tr.T("access.coordinate_note"))
	}
	head = append(head, closedLines(tr, st, scope)...)
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(strings.Join(head, "\n")), nil, nil)}
	for _, s := range st.Services {
		lines := []string{tr.T("details.service", "Service", name(ctx, s.ServiceID), "State", serviceLine(tr, s, now))}
		if scope == access.Coordinate { // the state, no free text
			blocks = append(blocks, slack.NewDividerBlock())
			blocks = append(blocks, textSections(lines[0])...)
			continue
		}
		if a := s.Assessment; a != nil {
			about, reason := a.About, a.Reason
			if s.SuggestedBy != "" && (about == "" || strings.HasPrefix(about, "foreslått av ")) {
				// The workflow wrote these with the suggesting service's ID; say it by name.
				about = tr.T("hverdag2.suggested", "Service", name(ctx, s.SuggestedBy))
				reason = about
			}
			if scope == access.Whole {
				lines = append(lines, tr.T("details.assessed", "User", a.By, "Date", a.At, "Reason", reason))
			}
			if about != "" {
				lines = append(lines, tr.T("details.about", "About", about))
			}
		}
		if c := s.Consent; c != nil && scope == access.Whole {
			lines = append(lines, tr.T("details.basis", "Basis", basisText(tr, c.Basis), "Form", basisText(tr, c.Form),
				"Statute", c.StatutoryBasis, "User", c.By, "Date", c.At))
		}
		if c := s.Contact; c != nil && !c.RequestedAt.IsZero() {
			lines = append(lines, tr.T("hverdag2.requested", "Date", c.RequestedAt))
		}
		if c := s.Contact; c != nil && c.Answer != "" {
			answer := tr.T("details.answer", "User", c.AnsweredBy, "Date", c.AnsweredAt, "Answer", answerTextIn(tr, c.Answer))
			if c.ContactPerson != "" {
				answer += tr.T("details.contact_person", "Person", c.ContactPerson)
			}
			if c.Reason != "" {
				answer += tr.T("details.reason", "Reason", c.Reason)
			}
			lines = append(lines, answer)
		}
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, textSections(strings.Join(lines, "\n"))...)
	}
	return modalIn(tr, "detaljer", tr.T("details.title", "Ref", st.CaseRef), "", metadata{}, withinView(tr, st.CaseRef, blocks)...)
}

// closedLines say how a closed case ended, as far as scope allows: the outcome, and for a
// case closed by decision who closed it, when and why (the free text for the whole case
// only). A contacted service reads only that the case is closed.
func closedLines(tr *i18n.Translator, st workflows.Status, scope access.Scope) []string {
	if st.Step != workflows.StepDone {
		return nil
	}
	if scope == access.Shared {
		return []string{tr.T("hverdag2.closed")}
	}
	c := st.Closed
	if c == nil {
		return []string{tr.T("hverdag2.closed_outcome", "Outcome", outcomeTextIn(tr, st.Outcome))}
	}
	lines := []string{tr.T("hverdag2.closed_by", "User", c.By, "Date", c.At, "Reason", closeReasonText(tr, c.Reason))}
	if c.Text != "" && scope == access.Whole {
		lines = append(lines, tr.T("hverdag2.closed_text", "Text", c.Text))
	}
	return lines
}

func (b *Bot) serviceName(ctx context.Context, id string) string {
	if s, err := b.dir.Service(ctx, id); err == nil {
		return s.Name
	}
	return id
}

func (b *Bot) otherServices(ctx context.Context, exclude string) ([]serviceOption, error) {
	all, err := b.dir.Services(ctx)
	if err != nil {
		return nil, err
	}
	var out []serviceOption
	for _, s := range all {
		if s.ID != exclude && !s.Coordinating {
			out = append(out, serviceOption{ID: s.ID, Name: s.Name, Sector: s.Sector})
		}
	}
	return out, nil
}
