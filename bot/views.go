package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// fieldAction is the action ID of every modal input; the block ID names the field.
const fieldAction = "verdi"

type serviceOption struct{ ID, Name string }

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func modal(callbackID, title, submit string, md metadata, blocks ...slack.Block) slack.ModalViewRequest {
	v := slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackID, Title: plain(title), Close: plain("Avbryt"),
		PrivateMetadata: mustJSON(md), Blocks: slack.Blocks{BlockSet: blocks},
	}
	if submit != "" {
		v.Submit = plain(submit)
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

func privacyNote() slack.Block {
	return slack.NewContextBlock("", mrkdwn(":lock: Skriv aldri navn, fødselsnummer eller helseopplysninger her utover det samarbeidet krever. Personens identitet står i journalsystemet."))
}

func newCaseView(ref string, own []serviceOption, md metadata) slack.ModalViewRequest {
	var svcOpts []string
	for _, s := range own {
		svcOpts = append(svcOpts, s.ID, s.Name)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Velg tjeneste"), fieldAction, options(svcOpts...)...)
	if len(own) == 1 {
		sel.InitialOption = options(own[0].ID, own[0].Name)[0]
	}
	return modal(callbackNew, "Ny sak", "Opprett", md,
		slack.NewSectionBlock(mrkdwn("Samarbeidsplikten: avklar andre tjenester, vurder behov for samarbeid og opprett kontakt. Hvert steg har en frist."), nil, nil),
		input("saksreferanse", "Saksreferanse", "Pseudonym referanse, for eksempel SAK-2026-0042. Koble den til personen i journalsystemet.", false, textInput(false, ref)),
		input("målgruppe", "Gjelder saken", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options("barn", "Et barn (under 18)", "voksen", "En voksen")...)),
		input("tjeneste", "Tjenesten som har saken", "", false, sel),
		privacyNote(),
	)
}

func clarifyView(caseRef string, services []serviceOption, md metadata) slack.ModalViewRequest {
	var pairs []string
	for _, s := range services {
		pairs = append(pairs, s.ID, s.Name)
	}
	return modal(callbackClar, "Steg 1: Andre tjenester", "Send svar", md,
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Gir andre tjenesteytere tjenester til personen? Velg alle du kjenner til.", caseRef)), nil, nil),
		input("tjenester", "Andre tjenester", "Fra tjenestekatalogen", true,
			slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Velg tjenester"), fieldAction, options(pairs...)...)),
		input("ingen", "Eller", "", true, slack.NewCheckboxGroupsBlockElement(fieldAction, options("ingen", "Ingen andre tjenester gir tjenester til personen")...)),
	)
}

func assessView(caseRef, serviceName string, md metadata) slack.ModalViewRequest {
	return modal(callbackAssess, "Steg 2: Vurdering", "Lagre vurdering", md,
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Er det nødvendig å samarbeide med *%s* for å gi personen et helhetlig og samordnet tjenestetilbud? Vurderingen tar utgangspunkt i personens behov.", caseRef, serviceName)), nil, nil),
		input("behov", "Behov for samarbeid", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options("ja", "Ja, samarbeid er nødvendig", "nei", "Nei, ikke nå")...)),
		input("tema", "Hva skal dere samarbeide om?", "Hva, hvor mye, hvor lenge og hvordan i praksis. Påkrevd ved ja.", true, textInput(true, "")),
		input("begrunnelse", "Begrunnelse", "Hvorfor samarbeid er eller ikke er nødvendig", false, textInput(true, "")),
		privacyNote(),
	)
}

func consentView(caseRef, serviceName string, md metadata) slack.ModalViewRequest {
	return modal(callbackCons, "Samtykke", "Registrer", md,
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Grunnlag for å dele opplysninger med *%s*. Samtykket gjelder tjenesten, ikke en navngitt ansatt. Også et nei skal registreres.", caseRef, serviceName)), nil, nil),
		input("grunnlag", "Grunnlag", "", false, slack.NewRadioButtonsBlockElement(fieldAction, options(
			workflows.BasisConsent, "Personen (eller foreldrene) har samtykket",
			workflows.BasisStatutory, "Lovhjemmel gir adgang uten samtykke",
			workflows.BasisRefused, "Personen har nektet samtykke")...)),
		input("form", "Samtykkets form", "Muntlig samtykke gjelder når det er dokumentert", true,
			slack.NewRadioButtonsBlockElement(fieldAction, options("skriftlig", "Skriftlig", "muntlig", "Muntlig")...)),
		input("hjemmel", "Lovhjemmel", "Ved lovhjemmel: paragrafen som gir adgang, f.eks. barnevernsloven § 13-2", true, textInput(false, "")),
	)
}

func acceptView(caseRef string, md metadata) slack.ModalViewRequest {
	return modal(callbackAcc, "Godta kontakt", "Godta", md,
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Dere godtar å samarbeide. Hvem blir kontaktperson hos dere?", caseRef)), nil, nil),
		input("kontaktperson", "Kontaktperson", "Navn og telefon eller e-post til den ansatte", false, textInput(false, "")),
	)
}

func declineView(caseRef string, md metadata) slack.ModalViewRequest {
	return modal(callbackDecl, "Avslå kontakt", "Avslå", md,
		slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: Dere avslår forespørselen om samarbeid. Begrunnelsen sendes ikke til kanalen, men lagres i saken.", caseRef)), nil, nil),
		input("begrunnelse", "Begrunnelse", "", false, textInput(true, "")),
		privacyNote(),
	)
}

// detailsView shows a case with its free text, for a user allowed to see it. Free text is
// never posted in a channel; this modal is only the viewer's.
func detailsView(st workflows.Status, name func(context.Context, string) string) slack.ModalViewRequest {
	ctx := context.Background()
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s* (%s)\nTjeneste: %s\nHjemmel: %s\nStår på: %s\n", st.CaseRef, st.Subject,
		name(ctx, st.InitiatingServiceID), st.LegalBasis, stepTitle(string(st.Step)))
	if !st.NextDeadline.IsZero() {
		fmt.Fprintf(&sb, "Neste frist: %s\n", calendar.FormatDate(st.NextDeadline))
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(sb.String()), nil, nil)}
	for _, s := range st.Services {
		var d strings.Builder
		fmt.Fprintf(&d, "*%s*: %s", name(ctx, s.ServiceID), serviceLine(i18n.For(i18n.Default), s))
		if a := s.Assessment; a != nil {
			fmt.Fprintf(&d, "\nVurdert av <@%s>: %s", a.By, a.Reason)
			if a.About != "" {
				fmt.Fprintf(&d, "\nSamarbeid om: %s", a.About)
			}
		}
		if c := s.Consent; c != nil {
			fmt.Fprintf(&d, "\nGrunnlag: %s %s%s (<@%s>)", c.Basis, c.Form, c.StatutoryBasis, c.By)
		}
		if c := s.Contact; c != nil && c.Answer != "" {
			fmt.Fprintf(&d, "\nSvar fra <@%s>: %s", c.AnsweredBy, answerText(c.Answer))
			if c.ContactPerson != "" {
				fmt.Fprintf(&d, "; kontaktperson %s", c.ContactPerson)
			}
			if c.Reason != "" {
				fmt.Fprintf(&d, "; begrunnelse: %s", c.Reason)
			}
		}
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(d.String()), nil, nil))
	}
	return modal("detaljer", "Sak "+st.CaseRef, "", metadata{}, blocks...)
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
			out = append(out, serviceOption{ID: s.ID, Name: s.Name})
		}
	}
	return out, nil
}

func stepTitle(step string) string {
	switch step {
	case string(workflows.StepClarify):
		return "Steg 1 av 3: avklare andre tjenester"
	case string(workflows.StepAssess):
		return "Steg 2 av 3: vurdere behov for samarbeid"
	case string(workflows.StepContact):
		return "Steg 3 av 3: opprette kontakt"
	case "svar":
		return "svar på forespørsel om samarbeid"
	case string(workflows.StepDone):
		return "avsluttet"
	}
	return step
}

func answerText(answer string) string {
	switch answer {
	case workflows.AnswerAccepted:
		return "godtatt"
	case workflows.AnswerDeclined:
		return "avslått"
	case workflows.AnswerNotOurs:
		return "besvart med «ikke vårt ansvar»"
	}
	return answer
}

func outcomeText(outcome string) string {
	switch outcome {
	case "ingen_andre_tjenester":
		return "ingen andre tjenester gir tjenester; samarbeid er ikke aktuelt nå"
	case "samarbeid_ikke_nødvendig":
		return "samarbeid er vurdert som ikke nødvendig"
	case "kontakt_avklart":
		return "alle kontaktforespørsler er besvart"
	}
	return outcome
}
