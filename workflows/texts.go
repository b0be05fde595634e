package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/i18n"
)

// The workflows' own words (kinds, conditions, plan contents, steps and answers) are named
// here by their catalogue keys (package i18n), so the bot and the refusals say them in the
// reader's language. The data in this package keeps its bokmål text for the ledger, which
// is a legal record and is not translated.

// KindTitleKey is the catalogue key of a coordinator kind's title ("" for an unknown kind).
func KindTitleKey(kind string) i18n.Key {
	switch kind {
	case KindCoordinator:
		return "kind.coordinator"
	case KindChildCoordinator:
		return "kind.child_coordinator"
	case KindSpecialist:
		return "kind.specialist"
	}
	return ""
}

// KindByTitle finds a coordinator kind by its bokmål title, as notices and statuses carry it.
func KindByTitle(title string) (string, bool) {
	for id, k := range CoordinatorKinds {
		if k.Title == title {
			return id, true
		}
	}
	return "", false
}

var conditionKeys = map[string]i18n.Key{
	"langvarige-koordinerte":  "condition.long_term_coordinated",
	"alvorlig-tilstand":       "condition.serious_condition",
	"langvarige-sammensatte":  "condition.long_term_complex",
	"andre-velferdstjenester": "condition.other_welfare",
	"familiens-onske":         "condition.family_wish",
	"komplekse-langvarige":    "condition.specialist_complex",
}

// ConditionKey is the catalogue key of a statutory condition's text ("" when unknown).
func ConditionKey(id string) i18n.Key { return conditionKeys[id] }

var planItemKeys = map[string]i18n.Key{
	"mål-ressurser-behov":  "plan_item.goals",
	"deltakere":            "plan_item.participants",
	"koordineringsansvar":  "plan_item.coordination",
	"bidrag":               "plan_item.contributions",
	"tiltak":               "plan_item.measures",
	"gjennomføring":        "plan_item.implementation",
	"planperiode-revisjon": "plan_item.period",
	"samtykke":             "plan_item.consent",
	"samarbeid-andre":      "plan_item.collaboration",
}

// PlanItemKey is the catalogue key of an item of the plan checklist ("" when unknown).
func PlanItemKey(id string) i18n.Key { return planItemKeys[id] }

// PlanEndKey is the catalogue key of why a plan ended ("" when unknown).
func PlanEndKey(reason string) i18n.Key {
	switch reason {
	case PlanEndWithdrawn:
		return "plan_end.withdrawn"
	case PlanEndServicesEnded:
		return "plan_end.services_ended"
	}
	return ""
}

// StepNameKey is the catalogue key of a collaboration step's short name ("" when unknown).
func StepNameKey(s Step) i18n.Key {
	switch s {
	case StepClarify:
		return "step_name.clarify"
	case StepAssess:
		return "step_name.assess"
	case StepContact:
		return "step_name.contact"
	case StepDone:
		return "step_name.done"
	}
	return ""
}

// AnswerKey is the catalogue key of a contact answer's short name ("" when unknown).
func AnswerKey(answer string) i18n.Key {
	switch answer {
	case AnswerAccepted:
		return "answer_short.accepted"
	case AnswerDeclined:
		return "answer_short.declined"
	case AnswerNotOurs:
		return "answer_short.not_ours"
	}
	return ""
}

// orRaw is key when known, else the raw value itself (said as it is).
func orRaw(key i18n.Key, raw string) any {
	if key == "" {
		return raw
	}
	return key
}

// Refusal is what a validator's refusal carries in its details: the modal field at fault
// ("" for none) and the text as a catalogue key with arguments, for the bot to say in the
// user's language. The error's own message is the same text in bokmål.
type Refusal struct {
	Field   string
	Message i18n.Message
	// Fields names every modal field the message applies to (a fødselsnummer in two fields
	// is one answer for both); empty from refusals that name one field or none.
	Fields []string
}

// refuse builds the error a validator returns: key names the text in the catalogue and args
// are its named arguments as pairs ("Ref", ref, ...); a time.Time is a date and an i18n.Key
// another text, each said in the reader's language. field names the modal input at fault
// ("" for none), so the bot can show the message beside it. The error's own message is the
// bokmål text, for logs and older clients. Validators are not part of the workflow history,
// so their texts may change; nothing recorded (activity inputs, ledger texts) is built here.
func refuse(field, key string, args ...any) error {
	m := i18n.Msg(key, args...)
	return temporal.NewApplicationErrorWithOptions(i18n.For(i18n.Default).Render(m), RefusalType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{field, m}})
}

// refuseFields is refuse for a message that applies to several fields at once; the first is
// the Field older bots read.
func refuseFields(fields []string, key string, args ...any) error {
	m := i18n.Msg(key, args...)
	return temporal.NewApplicationErrorWithOptions(i18n.For(i18n.Default).Render(m), RefusalType,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{fields[0], m, fields}})
}

// conditionArg is a statutory condition as a refusal's argument.
func conditionArg(c Condition) any { return orRaw(ConditionKey(c.ID), c.Text) }

// title is the case's coordinator kind as a refusal's argument.
func (c *coordCase) title() any { return orRaw(KindTitleKey(c.kind.Kind), c.kind.Title) }

// RefusalOf reads a validator's refusal from an error: its bokmål text and what the bot
// needs to say it in another language. ok is false for any other error. A refusal from an
// older worker has no message key; its text is then the only words there are.
func RefusalOf(err error) (text string, r Refusal, ok bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != RefusalType {
		return "", Refusal{}, false
	}
	if appErr.HasDetails() {
		// Details fails when asked for more than the refusal carries: try the richest first.
		if appErr.Details(&r.Field, &r.Message, &r.Fields) != nil {
			r.Fields = nil
			if appErr.Details(&r.Field, &r.Message) != nil {
				r.Message = i18n.Message{}
				_ = appErr.Details(&r.Field)
			}
		}
	}
	return appErr.Message(), r, true
}
