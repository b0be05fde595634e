package webconsole

import (
	"context"
	"sync"
	"time"
)

// Look is one look at a case's details, as the access log keeps it.
type Look struct {
	Viewer     string // the Slack user ID
	CaseRef    string
	WorkflowID string // "" for the case as a whole
	Surface    string // SurfaceCase, SurfaceExport, SurfaceAccessLog
	Allowed    bool
	Scope      string // how much was shown: "ke" or "revisor"; "" when refused
	At         time.Time
}

// Surfaces of the console in the access log.
const (
	SurfaceCase      = "konsoll-sak"
	SurfaceExport    = "konsoll-eksport"
	SurfaceAccessLog = "konsoll-tilgangslogg"
)

// AccessLog records looks and lists a case's looks for auditors. A look that cannot be
// recorded is not shown.
type AccessLog interface {
	Record(ctx context.Context, looks ...Look) error
	Looks(ctx context.Context, caseRef string) ([]Look, error)
}

// MemoryAccessLog keeps looks in memory: for tests, and for a samarbeid whose database has
// no access log table yet.
type MemoryAccessLog struct {
	mu    sync.Mutex
	looks []Look
}

func (m *MemoryAccessLog) Record(_ context.Context, looks ...Look) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.looks = append(m.looks, looks...)
	return nil
}

func (m *MemoryAccessLog) Looks(_ context.Context, caseRef string) ([]Look, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Look
	for _, l := range m.looks {
		if l.CaseRef == caseRef {
			out = append(out, l)
		}
	}
	return out, nil
}
