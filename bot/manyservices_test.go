package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// manyDir names any service "Tjeneste NNN …", long enough that a button naming one runs past
// Slack's 75 characters.
type manyDir struct{ nobody }

func (manyDir) Service(_ context.Context, id string) (store.Service, error) {
	return store.Service{ID: id, Name: manyName(id)}, nil
}

func manyName(id string) string {
	return "Tjeneste " + strings.TrimPrefix(id, "t-") + " for barn, unge og familier med sammensatte behov"
}

var (
	manyNameSeen = regexp.MustCompile(`Tjeneste (\d{3}) for barn`)
	manyMore     = map[string]*regexp.Regexp{
		"nb": regexp.MustCompile(`og (\d+) tjenester? til, (\d+) av dem venter`),
		"nn": regexp.MustCompile(`og (\d+) tenester? til, (\d+) av dei ventar`),
		"en": regexp.MustCompile(`and (\d+) more services?, (\d+) of them waiting`),
	}
)

// progressOf makes n services for a step prompt: in step 2 every third one assessed, in step 3
// a mix of every state a service goes through, the waiting ones spread among the rest, so
// the prompt has to bring the waiting ones forward.
func progressOf(n int, kind activities.NoticeKind) (ids []string, progress []activities.ServiceProgress, waiting int) {
	for i := range n {
		id := fmt.Sprintf("t-%03d", i)
		ids = append(ids, id)
		p := activities.ServiceProgress{ServiceID: id, Needed: true}
		switch i % 4 {
		case 1:
			p.Assessed, p.HasBasis, p.Requested = true, true, true // asked, consent may be withdrawn: 2 blocks
		case 2:
			p.Assessed, p.Requested, p.Answer = true, true, workflows.AnswerAccepted
		case 3:
			p.HasBasis = true
		}
		progress = append(progress, p)
		if waitsForAction(kind, p) {
			waiting++
		}
	}
	return ids, progress, waiting
}

// TestNoticesWithManyServicesAreValidMessages renders every notice kind with 1, 23, 24, 46,
// 47 and 300 services, in every language, and asks the stand-in's checker (Slack's limits:
// 50 blocks, 3,000 characters a section, 75 a button, unique IDs) whether Slack would take
// it. A step prompt that cannot show every service shows the waiting ones first and counts
// the rest, so every service is in the message or counted there.
func TestNoticesWithManyServicesAreValidMessages(t *testing.T) {
	kinds := everyNoticeKind
	ref := "SAK-2026-0042"
	workflowIDs := []string{workflows.WorkflowID(ref, "helsestasjon"), workflows.CoordinatorWorkflowID(ref, workflows.KindChildCoordinator),
		workflows.PlanWorkflowID(ref), workflows.EvaluationWorkflowID(ref, "helsestasjon")}
	for _, lang := range i18n.Languages {
		m := &Messenger{Directory: manyDir{}, Language: lang}
		for _, count := range []int{1, 23, 24, 46, 47, 300} {
			for _, wf := range workflowIDs {
				for _, kind := range kinds {
					ids, progress, waiting := progressOf(count, kind)
					n := activities.Notice{Kind: kind, WorkflowID: wf, CaseRef: ref, Subject: "barn", ServiceID: ids[0],
						About: ids[len(ids)-1], Suggested: ids[len(ids)/2], Services: ids, Step: string(workflows.StepContact),
						By: "U_KARI", Deadline: time.Date(2026, 12, 4, 22, 59, 0, 0, time.UTC), Progress: progress}
					blocks, text := m.render(context.Background(), n)
					name := fmt.Sprintf("%s %s %s with %d services", lang, wf, kind, count)
					if err := guardOutbound(text, blocks); err != nil {
						t.Errorf("%s: %v", name, err)
					}
					raw, err := json.Marshal(blocks)
					if err != nil {
						t.Fatal(err)
					}
					if errs := slacklocal.CheckMessage(text, raw); len(errs) > 0 {
						t.Errorf("%s: Slack refuses it (%d blocks): %v", name, len(blocks), errs)
					}
					if wf == workflowIDs[0] && (kind == activities.NoticeAssess || kind == activities.NoticeContact) {
						checkEveryServiceThere(t, name, lang, strings.Join(visibleText(t, blocks), "\n"), progress, kind, waiting)
					}
				}
			}
		}
	}
}

// checkEveryServiceThere: each service is named in the step prompt or counted in its last
// section, the waiting ones come before any that wait for nothing, and the count of waiting
// services left out is right.
func checkEveryServiceThere(t *testing.T, name, lang, text string, progress []activities.ServiceProgress, kind activities.NoticeKind, waiting int) {
	t.Helper()
	var shown []int
	seen := map[int]bool{}
	for _, m := range manyNameSeen.FindAllStringSubmatch(text, -1) {
		i, _ := strconv.Atoi(m[1])
		if !seen[i] {
			seen[i] = true
			shown = append(shown, i)
		}
	}
	left, leftWaiting := 0, 0
	if m := manyMore[lang].FindStringSubmatch(text); m != nil {
		left, _ = strconv.Atoi(m[1])
		leftWaiting, _ = strconv.Atoi(m[2])
	}
	if len(shown)+left != len(progress) {
		t.Errorf("%s: %d services named and %d counted, of %d", name, len(shown), left, len(progress))
	}
	shownWaiting, doneSeen := 0, false
	for _, i := range shown {
		if waitsForAction(kind, progress[i]) {
			shownWaiting++
			if doneSeen && left > 0 {
				t.Errorf("%s: waiting service %03d comes after one that waits for nothing", name, i)
			}
		} else {
			doneSeen = true
		}
	}
	if shownWaiting+leftWaiting != waiting {
		t.Errorf("%s: %d waiting services shown and %d counted, of %d", name, shownWaiting, leftWaiting, waiting)
	}
	if len(progress) <= 23 && left > 0 {
		t.Errorf("%s: %d services fit in one message, but %d are left out", name, len(progress), left)
	}
}
