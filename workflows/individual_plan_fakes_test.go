package workflows

import (
	"context"
	"sync"

	"github.com/samarbeid/samarbeid/activities"
)

// countingLedger passes appends on to the recorder and counts every append by key, before
// the recorder's idempotence hides a duplicate, so a test can see a decision applied twice.
type countingLedger struct {
	rec *recorder
	mu  sync.Mutex
	n   map[string]int
}

func newCountingLedger(rec *recorder) *countingLedger {
	return &countingLedger{rec: rec, n: map[string]int{}}
}

func (l *countingLedger) Append(ctx context.Context, a activities.AuditRecord) error {
	l.mu.Lock()
	l.n[a.Key]++
	l.mu.Unlock()
	return l.rec.Append(ctx, a)
}

func (l *countingLedger) duplicates() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for k, n := range l.n {
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}

// auditOf returns the ledger records with action, in order.
func (r *recorder) auditOf(action string) []activities.AuditRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []activities.AuditRecord
	for _, a := range r.audit {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}
