package bot

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

var mentions = regexp.MustCompile(`<[@#][^>]*>`)

// visibleText gathers the texts a person reads in Slack blocks (every "text" value), not the
// button values and IDs the bot reads back.
func visibleText(t *testing.T, v any) []string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(any)
	walk = func(n any) {
		switch n := n.(type) {
		case map[string]any:
			for k, v := range n {
				if s, ok := v.(string); ok && k == "text" {
					out = append(out, s)
				}
				walk(v)
			}
		case []any:
			for _, v := range n {
				walk(v)
			}
		}
	}
	walk(tree)
	return out
}

// Every channel notice, of every kind and in every language, says services by name: the
// notices carry IDs (in ServiceID, About, Suggested, Services, Progress), people read names
// (issue 14 item 1).
func TestNoticesSayNames(t *testing.T) {
	kinds := everyNoticeKind
	workflowIDs := []string{workflows.WorkflowID("SAK-2026-0042", "helsestasjon"), workflows.CoordinatorWorkflowID("SAK-2026-0042", workflows.KindChildCoordinator),
		workflows.PlanWorkflowID("SAK-2026-0042"), workflows.EvaluationWorkflowID("SAK-2026-0042", "helsestasjon")}
	// What each notice carries in Answer, as the workflows write it.
	duty := workflows.WorkflowID("SAK-2026-0042", "helsestasjon")
	answersFor := func(wf string, kind activities.NoticeKind) []string {
		switch {
		case kind == workflows.NoticeCoordinationTakenOver || kind == workflows.NoticeCoordinatorLeftCase:
			return []string{"barnekoordinator"} // the coordinator's title
		case wf != duty:
			return []string{""}
		case kind == activities.NoticeClosed:
			return []string{workflows.OutcomeNoOtherServices, workflows.OutcomeNotNeeded, workflows.OutcomeContactDone,
				workflows.OutcomeConsentRefused, workflows.OutcomeNobodyResponsible, workflows.OutcomeClosedByDecision}
		case kind == activities.NoticeAnswered:
			return []string{"bup, ppt", "ingen", "vurdert", workflows.AnswerAccepted, workflows.AnswerDeclined, workflows.AnswerNotOurs, "avsluttet"}
		case kind == activities.NoticeContactAnswer:
			return []string{workflows.AnswerAccepted, workflows.AnswerDeclined, workflows.AnswerNotOurs}
		}
		return []string{""}
	}
	steps := []string{"", string(workflows.StepClarify), string(workflows.StepContact), "svar", string(workflows.StepSuggestion)}
	// The check sees an ID: a directory that knows no names leaves them in the notice.
	blind := &Messenger{Directory: nobody{}}
	blocks, _ := blind.render(context.Background(), activities.Notice{Kind: activities.NoticeContactRequest, WorkflowID: duty,
		CaseRef: "SAK-2026-0042", ServiceID: "bup", About: "ppt", Step: "svar"})
	seen := false
	for _, s := range visibleText(t, blocks) {
		seen = seen || len(unreadable(s, idsNoOneSays)) > 0
	}
	if !seen {
		t.Fatalf("the check does not see an ID: %v", visibleText(t, blocks))
	}
	for _, lang := range i18n.Languages {
		m := &Messenger{Directory: sampleDir{}, Language: lang}
		for _, wf := range workflowIDs {
			for _, kind := range kinds {
				for _, answer := range answersFor(wf, kind) {
					stepsHere := steps
					if kind == activities.NoticeAnswered && wf == duty { // a request's buttons replaced by who answered
						stepsHere = append(stepsHere, "forespørsel:bup")
					}
					for _, step := range stepsHere {
						if step == "forespørsel:bup" && (answer == "bup, ppt" || answer == "ingen" || answer == "vurdert") {
							continue // step 1's and 2's answers never close a request
						}
						n := activities.Notice{Kind: kind, WorkflowID: wf, CaseRef: "SAK-2026-0042", Subject: "barn", ServiceID: "bup",
							About: "nav-sosial", Suggested: "ppt", Services: []string{"bup", "ppt"}, Step: step, Answer: answer, By: "U_KARI",
							ReasonCode: workflows.CloseServicesEnded, Deadline: time.Date(2026, 12, 4, 22, 59, 0, 0, time.UTC), Escalations: 2,
							Progress: []activities.ServiceProgress{{ServiceID: "bup", Assessed: true, Needed: true}, {ServiceID: "ppt", Needed: true, HasBasis: true, Requested: true, Answer: workflows.AnswerNotOurs}}}
						blocks, text := m.render(context.Background(), n)
						for _, s := range append(visibleText(t, blocks), text) {
							s = mentions.ReplaceAllString(s, "") // Slack shows the person or channel by name
							if bad := unreadable(s, idsNoOneSays); len(bad) > 0 {
								t.Errorf("%s %s %s (%q, %q) says %v: %q", lang, wf, kind, answer, step, bad, s)
							}
						}
					}
				}
			}
		}
	}
}

// everyNoticeKind is every kind of channel notice the workflows send, for the tests that
// render them all.
var everyNoticeKind = []activities.NoticeKind{
	activities.NoticeClarify, activities.NoticeAssess, activities.NoticeContact, activities.NoticeContactRequest,
	activities.NoticeContactAnswer, activities.NoticeReminder, activities.NoticeEscalation, activities.NoticeClosed,
	activities.NoticeAnswered, activities.NoticeConsentWithdrawn, activities.NoticeNobodyResponsible, activities.NoticeEvaluation,
	workflows.NoticeCoordinatorRequest, workflows.NoticeCoordinatorProvisionalDue, workflows.NoticeCoordinatorProvisional,
	workflows.NoticeCoordinatorDecision, workflows.NoticeCoordinatorNamed, workflows.NoticeCoordinatorAnswer,
	workflows.NoticeCoordinatorVacant, workflows.NoticePlanEstablished, workflows.NoticePlanRevisionReminder,
	workflows.NoticePlanRevisionEscalation, workflows.NoticePlanRevised, workflows.NoticePlanCoordinatorChanged,
	workflows.NoticePlanClosed, workflows.NoticePlanCoordinatorLeft, workflows.NoticeCoordinatorLeftCase,
	workflows.NoticeCoordinationTakenOver, workflows.NoticeStepClosed,
}
