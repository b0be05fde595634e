package webconsole

import (
	"context"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// The workflows store steps, outcomes, answers and bases as machine words ("plan-aktiv",
// "kontakt_avklart", "godtatt"); the console says them from the catalogue, in the viewer's
// language. A word none of these tables knows is said as it came, so a new one shows up in
// the console test rather than as an empty cell.

// stepKeys name the steps of a collaboration duty, and the steps of the two other kinds
// whose words no duty step uses.
var stepKeys = map[string]string{
	string(workflows.StepClarify): "step_name.clarify", string(workflows.StepAssess): "step_name.assess",
	string(workflows.StepContact): "step_name.contact", string(workflows.StepDone): "step_name.done",
	"svar": "step.answer", string(workflows.StepSuggestion): "step.suggestion", string(workflows.StepEvaluation): "step.evaluation",
	string(workflows.CoordStepProvisional): "coord_step.provisional", string(workflows.CoordStepAppealOpen): "coord_step.appeal_window",
	string(workflows.CoordStepAppealLate): "coord_step.appeal_late", string(workflows.CoordStepAppeal): "coord_step.appeal",
	string(workflows.CoordStepAppoint): "coord_step.appoint", string(workflows.CoordStepActive): "coord_step.active",
	"vedtak": "coord_step.assess", "klagevurdering": "coord_step.appeal", "ny-oppnevning": "coord_step.appoint",
	"svar-oppnevning":               "coord_step.answer",
	string(workflows.PlanStepDraft): "plan_step.draft", string(workflows.PlanStepActive): "plan_step.active",
}

// coordStepKeys are a coordinator case's own words where a duty step has the same one.
var coordStepKeys = map[string]string{
	string(workflows.CoordStepAssess): "coord_step.assess", string(workflows.CoordStepDone): "coord_step.done",
}

var outcomeKeys = map[string]string{
	workflows.OutcomeNoOtherServices: "outcome.no_other_services", workflows.OutcomeNotNeeded: "outcome.not_needed",
	workflows.OutcomeContactDone: "outcome.contact_done", workflows.OutcomeConsentRefused: "outcome.consent_refused",
	workflows.OutcomeNobodyResponsible: "outcome.nobody", workflows.OutcomeClosedByDecision: "outcome.closed_by_decision",
	workflows.OutcomeCoordinationEnded: "coord_outcome.ended", workflows.OutcomeRefusalFinal: "coord_outcome.refusal_final",
	workflows.OutcomeAppealForwarded: "coord_outcome.forwarded", workflows.OutcomeWithdrawnUndecided: "coord_outcome.withdrawn",
	workflows.OutcomeLateAppealRejected: "coord_outcome.late_appeal_rejected",
}

var answerKeys = map[string]string{
	workflows.AnswerAccepted: "answer_short.accepted", workflows.AnswerDeclined: "answer_short.declined",
	workflows.AnswerNotOurs: "answer_short.not_ours",
}

var basisKeys = map[string]string{
	workflows.BasisConsent: "basis.consent", workflows.BasisStatutory: "basis.statutory",
	workflows.BasisRefused: "basis.refused", workflows.BasisWithdrawn: "basis.withdrawn",
	"skriftlig": "basis.written", "muntlig": "basis.oral",
}

// surfaceKeys say where the access log saw a look at a case.
var surfaceKeys = map[string]string{
	store.SurfaceCaseModal: "hverdag3.surface.case_modal", store.SurfacePlanModal: "hverdag3.surface.plan_modal",
	store.SurfaceCoordModal: "hverdag3.surface.coord_modal", store.SurfaceStatus: "hverdag3.surface.status",
	store.SurfaceHome: "hverdag3.surface.home", store.SurfaceTimeline: "hverdag3.surface.timeline",
	store.SurfaceExport: "hverdag3.surface.export", store.SurfaceAccessLog: "hverdag3.surface.access_log",
	SurfaceCase: "hverdag3.surface.console_case", SurfaceExport: "hverdag3.surface.console_export",
	SurfaceAccessLog: "hverdag3.surface.console_access_log",
}

// scopeKeys say how much of the case a look showed; "linje" is the bot's Home tab line.
var scopeKeys = map[string]string{
	string(access.Closed): "hverdag3.scope.closed", string(access.Shared): "hverdag3.scope.shared",
	string(access.Coordinate): "hverdag3.scope.coordinate", string(access.Whole): "hverdag3.scope.whole",
	"linje": "hverdag3.scope.line",
}

func (p page) say(keys map[string]string, word string) string {
	if key, ok := keys[word]; ok {
		return p.T(key)
	}
	return word
}

// StepName says a step; kindKey (the case's kind, "" when unknown) tells a coordinator
// case's «vurdering» from a duty's.
func (p page) StepName(kindKey, step string) string {
	if key, ok := coordStepKeys[step]; ok && kindKey == "konsoll.kind.coordinator" {
		return p.T(key)
	}
	return p.say(stepKeys, step)
}

func (p page) OutcomeName(outcome string) string { return p.say(outcomeKeys, outcome) }
func (p page) AnswerName(answer string) string   { return p.say(answerKeys, answer) }
func (p page) BasisName(basis string) string     { return p.say(basisKeys, basis) }
func (p page) SurfaceName(surface string) string { return p.say(surfaceKeys, surface) }
func (p page) ScopeName(scope string) string     { return p.say(scopeKeys, scope) }

// staffNames says who looked at a case by the directory's name, not the Slack user ID the
// access log keeps; one the directory no longer knows (or a command-line user) is said as
// logged.
func (c *Console) staffNames(ctx context.Context) func(string) string {
	names := map[string]string{}
	if staff, err := c.cfg.Store.StaffList(ctx); err == nil {
		for _, s := range staff {
			names[s.SlackUserID] = s.Name
		}
	} else {
		c.log.Warn("ansattlisten for tilgangsloggen", "feil", err)
	}
	return func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return id
	}
}
