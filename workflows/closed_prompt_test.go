package workflows

import (
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
)

// When the duty case closes at step 3, its step-3 prompt is redrawn as closed, in place,
// with where each service ended up (issue 14 item 2).
func TestClosingRedrawsTheStep3Prompt(t *testing.T) {
	h := newHarness(t)
	h.happyPath()
	h.at(9*time.Hour, "svar-bv", UpdateAnswerContact, ContactAnswer{Actor: aisha, ServiceID: "barnevern", Answer: AnswerAccepted, ContactPerson: "Aisha"})
	if st := h.run(); st.Step != StepDone {
		t.Fatalf("status %+v", st)
	}
	closed := h.rec.noticesOf(NoticeStepClosed)
	if len(closed) != 1 || closed[0].Replace == nil || closed[0].Step != string(StepContact) || len(closed[0].Progress) != 2 {
		t.Fatalf("closed step prompts %+v", closed)
	}
	for _, p := range closed[0].Progress {
		if p.Answer != AnswerAccepted {
			t.Errorf("the closed prompt shows %s without its answer: %+v", p.ServiceID, p)
		}
	}
}

// A case that closes before step 3 has no step-3 prompt to redraw.
func TestClosingBeforeStep3RedrawsNothing(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	h.run()
	h.accepted("s1")
	if n := h.rec.noticesOf(NoticeStepClosed); len(n) != 0 {
		t.Errorf("closed step prompts %+v", n)
	}
	if n := h.rec.noticesOf(activities.NoticeClosed); len(n) != 1 {
		t.Errorf("closed notices %+v", n)
	}
}
