package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/workflows"
)

// actionsOf lists the action IDs of every button in the blocks, accessories included.
func actionsOf(blocks []slack.Block) []string {
	var out []string
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, el := range b.Elements.ElementSet {
				if btn, ok := el.(*slack.ButtonBlockElement); ok {
					out = append(out, btn.ActionID)
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				out = append(out, b.Accessory.ButtonElement.ActionID)
			}
		}
	}
	return out
}

// Once a duty case has closed, its step-3 prompt keeps where each service ended up and
// loses every button that no longer applies: only «Vis sak» is left (issue 14 item 2).
func TestClosedCaseStepPromptKeepsOnlyShowCase(t *testing.T) {
	progress := []activities.ServiceProgress{
		{ServiceID: "bup", Assessed: true, Needed: true, HasBasis: true, Requested: true, Answer: workflows.AnswerAccepted},
		{ServiceID: "ppt", Assessed: true, Needed: true, BasisMissed: true},
		{ServiceID: "nav", Assessed: true},
	}
	n := activities.Notice{Kind: activities.NoticeContact, WorkflowID: workflows.WorkflowID("SAK-2026-0042", "helsestasjon"),
		CaseRef: "SAK-2026-0042", ServiceID: "helsestasjon", Step: string(workflows.StepContact), Progress: progress}
	for _, lang := range i18n.Languages {
		m := &Messenger{Directory: sampleDir{}, Language: lang}
		tr := i18n.For(lang)
		// While the case is open, the prompt offers what is left to do: the check can fail.
		open, _ := m.render(context.Background(), n)
		if got := strings.Join(actionsOf(open), " "); !strings.Contains(got, actionWithdraw) || !strings.Contains(got, actionCloseCase) {
			t.Fatalf("%s: the open prompt lacks its buttons: %s", lang, got)
		}
		closed := n
		closed.Kind = workflows.NoticeStepClosed
		blocks, text := m.render(context.Background(), closed)
		if got := actionsOf(blocks); len(got) != 1 || got[0] != actionDetails {
			t.Errorf("%s: the closed prompt has buttons %v, want only %s", lang, got, actionDetails)
		}
		shown := strings.Join(visibleText(t, blocks), "\n")
		for _, want := range []string{sampleDirectory["bup"], sampleDirectory["ppt"], tr.T("notice.show_case"),
			tr.T("hverdag3.step_closed", "Ref", "SAK-2026-0042")} {
			if !strings.Contains(shown, want) {
				t.Errorf("%s: the closed prompt lacks %q:\n%s", lang, want, shown)
			}
		}
		if strings.Contains(shown, sampleDirectory["nav"]) {
			t.Errorf("%s: the closed prompt names a service that was not needed:\n%s", lang, shown)
		}
		if !strings.Contains(text, "SAK-2026-0042") {
			t.Errorf("%s: the fallback text lacks the reference: %q", lang, text)
		}
	}
}

// A modal that only shows something closes with «Lukk»; one with a submit cancels with
// «Avbryt» (issue 14).
func TestReadOnlyModalsSayClose(t *testing.T) {
	for _, lang := range i18n.Languages {
		tr := i18n.For(lang)
		details := detailsView(tr, closedCase(), access.Whole, func(_ context.Context, id string) string { return sampleDirectory[id] }, time.Now())
		if details.Submit != nil || details.Close == nil || details.Close.Text != tr.T("hverdag3.close") {
			t.Errorf("%s: «Vis sak» closes with %+v (submit %+v), want %q", lang, details.Close, details.Submit, tr.T("hverdag3.close"))
		}
		form := modalIn(tr, "cb", "Tittel", tr.T("modal.register"), metadata{})
		if form.Close == nil || form.Close.Text != tr.T("modal.cancel") || form.Submit == nil {
			t.Errorf("%s: a form cancels with %+v", lang, form.Close)
		}
	}
	if i18n.For("nb").T("hverdag3.close") != "Lukk" || i18n.For("en").T("hverdag3.close") != "Close" {
		t.Errorf("close reads %q / %q", i18n.For("nb").T("hverdag3.close"), i18n.For("en").T("hverdag3.close"))
	}
}

// The Home tab, in every language, says services by name and steps in words: its tasks
// come from the catalogue with the directory's names, and its overview names each unit
// (issue 14). A unit whose ID stood in its line would fail here.
func TestHomeTabSaysNames(t *testing.T) {
	at := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	report := overview.Report{At: at, Horizon: at.AddDate(0, 0, 7), Overdue: 1, DueSoon: 1, Units: []overview.Unit{
		{ServiceID: "nav-sosial", Name: sampleDirectory["nav-sosial"], Sector: "NAV",
			Overdue: []overview.Case{{Ref: "SAK-2026-0042", Step: string(workflows.PlanStepActive), Deadline: at, Overdue: true}}},
		{ServiceID: "bup", Name: sampleDirectory["bup"], Sector: "spesialisthelsetjenesten",
			DueSoon: []overview.Case{{Ref: "SAK-2026-0043", Step: string(workflows.StepContact), Deadline: at}}},
	}}
	for _, lang := range i18n.Languages {
		tr := i18n.For(lang)
		tasks := []task{
			{text: tr.T("mine.step", "Ref", "SAK-2026-0041", "Step", stepTitleIn(tr, string(workflows.StepClarify)), "Date", at)},
			{text: tr.T("mine.assess", "Ref", "SAK-2026-0042", "Service", sampleDirectory["ppt"], "Date", at)},
			{text: tr.T("mine.answer_request", "Ref", "SAK-2026-0043", "Service", sampleDirectory["hf-koordinerende"])},
			{text: tr.T("mine.waiting", "Ref", "SAK-2026-0044", "Title", titleText(tr, "barnekoordinator"), "Waiting", waitingText(tr, "venter på vedtak"))},
		}
		blocks := homeBlocks(tr, tasks, nil, &report, nil, at)
		shown := visibleText(t, blocks)
		for _, s := range shown {
			if bad := unreadable(s, idsNoOneSays); len(bad) > 0 {
				t.Errorf("%s: the Home tab says %v: %q", lang, bad, s)
			}
		}
		if all := strings.Join(shown, "\n"); !strings.Contains(all, sampleDirectory["nav-sosial"]) || !strings.Contains(all, sampleDirectory["bup"]) {
			t.Errorf("%s: the overview does not name its units:\n%s", lang, all)
		}
	}
}
