package bot

import (
	"context"
	"strings"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Every text the bot shows comes from the catalogues in package i18n. Who reads it decides
// the language:
//   - an ephemeral answer, a modal, a DM or the Home tab: the user's own choice, else the
//     workspace's: tr := b.texts(ctx, userID)
//   - a message posted in a channel, read by many: the workspace's: b.workspaceTexts(), or
//     Messenger.texts() in the worker
// and then tr.T("key", "Name", value, ...). Audit ledger texts stay in bokmål, outside.

// texts is the translator for a Slack user: their own language if they chose one, else the
// workspace's. An unknown user gets the workspace's.
func (b *Bot) texts(ctx context.Context, slackUserID string) *i18n.Translator {
	st, err := b.dir.StaffBySlackUser(ctx, slackUserID)
	if err != nil {
		return b.workspaceTexts()
	}
	return b.textsFor(st)
}

// textsFor is the translator for a staff member already looked up.
func (b *Bot) textsFor(st store.Staff) *i18n.Translator {
	return i18n.For(i18n.Resolve(st.Language, b.language))
}

// workspaceTexts is the translator for what many read: channel messages.
func (b *Bot) workspaceTexts() *i18n.Translator { return i18n.For(b.language) }

// texts is the translator for the worker's channel messages: the workspace's language.
func (m *Messenger) texts() *i18n.Translator { return i18n.For(m.Language) }

// refusal is an error meant for the user, said in their language, optionally tied to a
// modal field. Its Error() is the bokmål text, for logs. Build it with refuse.
type refusal struct {
	text  i18n.Message
	field string
}

func (r refusal) Error() string { return i18n.For(i18n.Default).Render(r.text) }

// in says the refusal in tr's language.
func (r refusal) in(tr *i18n.Translator) string { return tr.Render(r.text) }

// refuse builds a refusal from a catalogue key and its named arguments.
func refuse(field, key string, args ...any) refusal {
	return refusal{text: i18n.Msg(key, args...), field: field}
}

// stepTitleIn names a collaboration step (or "svar", a contacted service's answer).
func stepTitleIn(tr *i18n.Translator, step string) string {
	switch step {
	case string(workflows.StepClarify):
		return tr.T("step.clarify")
	case string(workflows.StepAssess):
		return tr.T("step.assess")
	case string(workflows.StepContact):
		return tr.T("step.contact")
	case "svar":
		return tr.T("step.answer")
	case string(workflows.StepDone):
		return tr.T("step.done")
	}
	return step
}

// answerTextIn is a contact answer as it reads after "forespørsel" ("godtatt").
func answerTextIn(tr *i18n.Translator, answer string) string {
	switch answer {
	case workflows.AnswerAccepted:
		return tr.T("answer.accepted")
	case workflows.AnswerDeclined:
		return tr.T("answer.declined")
	case workflows.AnswerNotOurs:
		return tr.T("answer.not_ours")
	}
	return answer
}

func outcomeTextIn(tr *i18n.Translator, outcome string) string {
	switch outcome {
	case "ingen_andre_tjenester":
		return tr.T("outcome.no_other_services")
	case "samarbeid_ikke_nødvendig":
		return tr.T("outcome.not_needed")
	case "kontakt_avklart":
		return tr.T("outcome.contact_done")
	}
	return outcome
}

// subjectText says whom a case concerns ("barn" or "voksen").
func subjectText(tr *i18n.Translator, subject string) string {
	switch subject {
	case "barn":
		return tr.T("subject.child")
	case "voksen":
		return tr.T("subject.adult")
	}
	return subject
}

// basisText says a consent's basis or form ("samtykke", "skriftlig", ...).
func basisText(tr *i18n.Translator, v string) string {
	switch v {
	case workflows.BasisConsent:
		return tr.T("basis.consent")
	case workflows.BasisStatutory:
		return tr.T("basis.statutory")
	case workflows.BasisRefused:
		return tr.T("basis.refused")
	case "skriftlig":
		return tr.T("basis.written")
	case "muntlig":
		return tr.T("basis.oral")
	}
	return v
}

// kindTitle is a coordinator kind's title ("barnekoordinator").
func kindTitle(tr *i18n.Translator, kind string) string {
	if key := workflows.KindTitleKey(kind); key != "" {
		return tr.T(string(key))
	}
	return workflows.CoordinatorKinds[kind].Title
}

// titleText translates a coordinator title as the workflows carry it (bokmål).
func titleText(tr *i18n.Translator, title string) string {
	if kind, ok := workflows.KindByTitle(title); ok {
		return kindTitle(tr, kind)
	}
	return title
}

// conditionText is a statutory condition's text, by its ID; fallback when unknown.
func conditionText(tr *i18n.Translator, id, fallback string) string {
	if key := workflows.ConditionKey(id); key != "" {
		return tr.T(string(key))
	}
	return fallback
}

// planItemText is an item of the plan checklist, by its ID; fallback when unknown.
func planItemText(tr *i18n.Translator, id, fallback string) string {
	if key := workflows.PlanItemKey(id); key != "" {
		return tr.T(string(key))
	}
	return fallback
}

// waitingKeys translate what a coordinator case waits for, as its status says it in bokmål.
var waitingKeys = map[string]string{
	"venter på vedtak":                   "waiting.decision",
	"venter på eventuell klage":          "waiting.appeal",
	"venter på ny vurdering etter klage": "waiting.reassessment",
	"venter på svar fra koordinator":     "waiting.coordinator_answer",
	"koordinator oppnevnt":               "waiting.named",
	"venter på oppnevning":               "waiting.appointment",
	"venter på ny oppnevning":            "waiting.new_appointment",
}

func waitingText(tr *i18n.Translator, waiting string) string {
	if key, ok := waitingKeys[waiting]; ok {
		return tr.T(key)
	}
	return waiting
}

// nominationText says a nominated coordinator's answer ("godtatt", "utløpt", ...).
func nominationText(tr *i18n.Translator, answer string) string {
	switch answer {
	case workflows.NominationAccepted:
		return tr.T("nomination.accepted")
	case workflows.NominationDeclined:
		return tr.T("nomination.declined")
	case workflows.NominationLapsed:
		return tr.T("nomination.lapsed")
	case workflows.NominationReplaced:
		return tr.T("nomination.replaced")
	}
	return answer
}

// coordStepTitle names a coordinator case's step; a deadline key ("oppnevning:2") names
// the step it belongs to.
func coordStepTitleIn(tr *i18n.Translator, step string) string {
	base, _, _ := strings.Cut(step, ":")
	switch base {
	case "vurdering", "vedtak":
		return tr.T("coord_step.assess")
	case "foreløpig-svar":
		return tr.T("coord_step.provisional")
	case "klage", "klagevurdering":
		return tr.T("coord_step.appeal")
	case "klagefrist":
		return tr.T("coord_step.appeal_window")
	case "oppnevning", "ny-oppnevning":
		return tr.T("coord_step.appoint")
	case "svar-oppnevning":
		return tr.T("coord_step.answer")
	case "koordinator-aktiv":
		return tr.T("coord_step.active")
	case "avsluttet":
		return tr.T("coord_step.done")
	}
	return step
}

// planStepText names an individual plan's step.
func planStepText(tr *i18n.Translator, step workflows.Step) string {
	switch step {
	case workflows.PlanStepDraft:
		return tr.T("plan_step.draft")
	case workflows.PlanStepActive:
		return tr.T("plan_step.active")
	case workflows.StepDone:
		return tr.T("step.done")
	}
	return string(step)
}

// planEndText says why a plan ended.
func planEndText(tr *i18n.Translator, reason string) string {
	if key := workflows.PlanEndKey(reason); key != "" {
		return tr.T(string(key))
	}
	return reason
}

// refusalText says a workflow validator's refusal in tr's language; ok is false for any
// other error. A refusal without a message key (from an older worker) is said as it came.
func refusalText(tr *i18n.Translator, err error) (text, field string, ok bool) {
	text, r, ok := workflows.RefusalOf(err)
	if !ok {
		return "", "", false
	}
	if !r.Message.IsZero() {
		text = tr.Render(r.Message)
	}
	return text, r.Field, true
}
