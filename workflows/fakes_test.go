package workflows

import (
	"context"
	"fmt"
	"sync"

	"github.com/samarbeid/samarbeid/activities"
)

// recorder is an in-memory Messenger, Ledger and ConsentRegister for workflow tests.
type recorder struct {
	mu       sync.Mutex
	notices  []activities.Notice
	audit    []activities.AuditRecord
	auditKey map[string]bool
	consents []activities.ConsentRecord
}

func newRecorder() *recorder { return &recorder{auditKey: map[string]bool{}} }

func (r *recorder) Notify(_ context.Context, n activities.Notice) (activities.Posted, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notices = append(r.notices, n)
	if n.Replace != nil {
		return *n.Replace, nil
	}
	return activities.Posted{Channel: "C_" + n.ServiceID, TS: fmt.Sprintf("%d.000100", len(r.notices))}, nil
}

func (r *recorder) Append(_ context.Context, a activities.AuditRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.auditKey[a.Key] {
		return nil
	}
	r.auditKey[a.Key] = true
	r.audit = append(r.audit, a)
	return nil
}

func (r *recorder) Record(_ context.Context, c activities.ConsentRecord) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.consents = append(r.consents, c)
	return nil
}

func (r *recorder) noticesOf(kind activities.NoticeKind) []activities.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []activities.Notice
	for _, n := range r.notices {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func (r *recorder) actions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.audit))
	for i, a := range r.audit {
		out[i] = a.Action
	}
	return out
}
