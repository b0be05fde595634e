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

// words translates a machine word the workflows carry ("godtatt", "barn", ...) into a
// catalogue key; a word it does not know is said as it came.
type words map[string]string

func (w words) in(tr *i18n.Translator, word string) string {
	if key, ok := w[word]; ok {
		return tr.T(key)
	}
	return word
}

var (
	// stepWords name a collaboration step (and "svar", a contacted service's answer).
	stepWords = words{
		string(workflows.StepClarify): "step.clarify", string(workflows.StepAssess): "step.assess",
		string(workflows.StepContact): "step.contact", "svar": "step.answer", string(workflows.StepDone): "step.done",
		string(workflows.StepSuggestion): "step.suggestion", string(workflows.StepEvaluation): "step.evaluation",
	}
	// answerWords say a contact answer as it reads after "forespørsel" ("godtatt").
	answerWords = words{
		workflows.AnswerAccepted: "answer.accepted", workflows.AnswerDeclined: "answer.declined",
		workflows.AnswerNotOurs: "answer.not_ours", "avsluttet": "answer.closed", "evaluert": "answer.evaluated",
	}
	outcomeWords = words{
		"ingen_andre_tjenester": "outcome.no_other_services", "samarbeid_ikke_nødvendig": "outcome.not_needed",
		"kontakt_avklart": "outcome.contact_done", workflows.OutcomeConsentRefused: "outcome.consent_refused",
		workflows.OutcomeNobodyResponsible: "outcome.nobody", workflows.OutcomeClosedByDecision: "outcome.closed_by_decision",
	}
	// closeReasonWords say why a case was closed by decision.
	closeReasonWords = words{
		workflows.CloseDeclined: "close_reason.declined", workflows.CloseMoved: "close_reason.moved",
		workflows.CloseServicesEnded: "close_reason.services_ended", workflows.CloseMerged: "close_reason.merged",
	}
	// subjectWords say whom a case concerns.
	subjectWords = words{"barn": "subject.child", "voksen": "subject.adult", workflows.SubjectExpected: "subject.expected"}
	// basisWords say a consent's basis or form.
	basisWords = words{
		workflows.BasisConsent: "basis.consent", workflows.BasisStatutory: "basis.statutory",
		workflows.BasisRefused: "basis.refused", "skriftlig": "basis.written", "muntlig": "basis.oral",
		workflows.BasisWithdrawn: "basis.withdrawn", workflows.GiverPerson: "basis.giver_person",
		workflows.GiverParent: "basis.giver_parent", workflows.GiverGuardian: "basis.giver_guardian",
	}
)

func stepTitleIn(tr *i18n.Translator, step string) string      { return stepWords.in(tr, step) }
func answerTextIn(tr *i18n.Translator, answer string) string   { return answerWords.in(tr, answer) }
func outcomeTextIn(tr *i18n.Translator, outcome string) string { return outcomeWords.in(tr, outcome) }
func subjectText(tr *i18n.Translator, subject string) string   { return subjectWords.in(tr, subject) }
func basisText(tr *i18n.Translator, v string) string           { return basisWords.in(tr, v) }
func closeReasonText(tr *i18n.Translator, v string) string     { return closeReasonWords.in(tr, v) }

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

// waitingWords translate what a coordinator case waits for, as its status says it in bokmål.
var waitingWords = words{
	"venter på vedtak":                                               "waiting.decision",
	"venter på eventuell klage":                                      "waiting.appeal",
	"venter på ny vurdering etter klage":                             "waiting.reassessment",
	"venter på svar fra koordinator":                                 "waiting.coordinator_answer",
	"koordinator oppnevnt":                                           "waiting.named",
	"venter på oppnevning":                                           "waiting.appointment",
	"venter på ny oppnevning":                                        "waiting.new_appointment",
	"klagefristen er ute; en for sen klage kan fortsatt registreres": "waiting.late_appeal",
}

// nominationWords say a nominated coordinator's answer ("godtatt", "utløpt", ...).
var nominationWords = words{
	workflows.NominationAccepted: "nomination.accepted", workflows.NominationDeclined: "nomination.declined",
	workflows.NominationLapsed: "nomination.lapsed", workflows.NominationReplaced: "nomination.replaced",
}

// coordStepWords name a coordinator case's steps, and the deadlines that belong to them.
var coordStepWords = words{
	"vurdering": "coord_step.assess", "vedtak": "coord_step.assess",
	"foreløpig-svar": "coord_step.provisional",
	"klage":          "coord_step.appeal", "klagevurdering": "coord_step.appeal",
	"klagefrist": "coord_step.appeal_window", "klagefrist-ute": "coord_step.appeal_late",
	"oppnevning": "coord_step.appoint", "ny-oppnevning": "coord_step.appoint",
	"svar-oppnevning":   "coord_step.answer",
	"koordinator-aktiv": "coord_step.active",
	"avsluttet":         "coord_step.done",
}

// planStepWords name an individual plan's steps.
var planStepWords = words{
	string(workflows.PlanStepDraft): "plan_step.draft", string(workflows.PlanStepActive): "plan_step.active",
	string(workflows.StepDone): "step.done",
}

func waitingText(tr *i18n.Translator, waiting string) string   { return waitingWords.in(tr, waiting) }
func nominationText(tr *i18n.Translator, answer string) string { return nominationWords.in(tr, answer) }
func planStepText(tr *i18n.Translator, step workflows.Step) string {
	return planStepWords.in(tr, string(step))
}

// coordStepTitleIn names a coordinator case's step; a deadline key ("oppnevning:2") names
// the step it belongs to.
func coordStepTitleIn(tr *i18n.Translator, step string) string {
	base, _, _ := strings.Cut(step, ":")
	if _, ok := coordStepWords[base]; ok {
		return coordStepWords.in(tr, base)
	}
	return step
}

// planEndText says why a plan ended.
func planEndText(tr *i18n.Translator, reason string) string {
	if key := workflows.PlanEndKey(reason); key != "" {
		return tr.T(string(key))
	}
	return reason
}
