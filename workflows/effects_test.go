package workflows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/activities"
)

// slowSlack is a Messenger that refuses the step 1 prompt a number of times (Slack answering
// 500), and logs, in one sequence with the ledger, what was written when.
type slowSlack struct {
	*recorder
	mu       sync.Mutex
	refusals int
	log      []string
}

func (s *slowSlack) Notify(ctx context.Context, n activities.Notice) (activities.Posted, error) {
	s.mu.Lock()
	if n.Kind == activities.NoticeClarify && s.refusals > 0 {
		s.refusals--
		s.mu.Unlock()
		return activities.Posted{}, errors.New("slack: 500")
	}
	s.log = append(s.log, "varsel:"+string(n.Kind))
	s.mu.Unlock()
	return s.recorder.Notify(ctx, n)
}

func (s *slowSlack) Append(ctx context.Context, a activities.AuditRecord) error {
	s.mu.Lock()
	s.log = append(s.log, "logg:"+a.Action)
	s.mu.Unlock()
	return s.recorder.Append(ctx, a)
}

// TestLedgerNeverWaitsForSlack: while Slack refuses the step 1 prompt (retried with
// Temporal's backoff for about a minute), the answer to step 1 comes, and its ledger rows are
// written at once, before the prompt gets through; the case still closes with every notice
// posted, the prompt's redraw after the prompt.
func TestLedgerNeverWaitsForSlack(t *testing.T) {
	h := newHarness(t)
	slow := &slowSlack{recorder: h.rec, refusals: 6}
	h.env.RegisterActivity(&activities.Activities{Messenger: slow, Ledger: slow, Consents: h.rec})
	h.at(5*time.Second, "s1", UpdateClarify, ClarifyAnswer{Actor: kari, None: true})
	st := h.run()
	h.accepted("s1")
	if st.Step != StepDone || st.Outcome != "ingen_andre_tjenester" {
		t.Fatalf("status %+v", st)
	}
	at := func(entry string) int {
		i := slices.Index(slow.log, entry)
		if i < 0 {
			t.Fatalf("%s never written: %v", entry, slow.log)
		}
		return i
	}
	if at("logg:steg1_avklart") > at("varsel:avklaring") || at("logg:sak_avsluttet") > at("varsel:avklaring") {
		t.Errorf("the ledger waited for Slack: %v", slow.log)
	}
	if at("varsel:besvart") < at("varsel:avklaring") || at("varsel:avsluttet") < at("varsel:avklaring") {
		t.Errorf("notices out of order: %v", slow.log)
	}
	if slow.refusals != 0 {
		t.Errorf("%d refusals left: the prompt was not retried", slow.refusals)
	}
	t.Logf("rekkefølge: %v", slow.log)
}
