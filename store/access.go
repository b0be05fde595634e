package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Access is one look at a case's details, as the access log holds it.
type Access struct {
	Viewer     string // Slack user ID, or "cli:<os user>"
	CaseRef    string
	WorkflowID string // "" when the look was at the case as a whole
	Surface    string // one of the Surface constants (the web console adds its own)
	Allowed    bool
	Scope      string // how much was shown; "" when refused
	At         time.Time
}

// Surfaces that show a case's details.
const (
	SurfaceCaseModal  = "sak"            // "Vis sak"
	SurfacePlanModal  = "plan"           // "Vis plan"
	SurfaceCoordModal = "koordinatorsak" // a coordinator case's details
	SurfaceStatus     = "status"         // /samarbeid status
	SurfaceHome       = "hjem"           // a case line in the Home tab or /samarbeid mine
	SurfaceTimeline   = "tidslinje"      // samarbeid audit timeline
	SurfaceExport     = "eksport"        // samarbeid audit export
	SurfaceAccessLog  = "tilgangslogg"   // the access log of a case, listed
	// CLIViewerPrefix marks a look from the command line, by the operating system's user.
	CLIViewerPrefix = "cli:"
)

// LogAccess appends looks to the access log in one transaction. A look is logged before its
// details are shown: a look that cannot be logged is not shown.
func (s *Store) LogAccess(ctx context.Context, looks ...Access) error {
	if len(looks) == 0 {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, a := range looks {
			if a.Viewer == "" || a.CaseRef == "" || a.Surface == "" {
				return errors.New("tilgangsloggen mangler hvem, sak eller flate")
			}
			if a.At.IsZero() {
				a.At = time.Now()
			}
			if _, err := tx.Exec(ctx, `INSERT INTO access_log (viewer, case_ref, workflow_id, surface, allowed, scope, looked_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.Viewer, a.CaseRef, a.WorkflowID, a.Surface, a.Allowed, a.Scope, a.At); err != nil {
				return err
			}
		}
		return nil
	})
}

// AccessByCase lists every look at a case, oldest first.
func (s *Store) AccessByCase(ctx context.Context, caseRef string) ([]Access, error) {
	return s.accessRows(ctx, `WHERE case_ref = $1`, caseRef)
}

// AccessByViewer lists every look by one person, oldest first.
func (s *Store) AccessByViewer(ctx context.Context, viewer string) ([]Access, error) {
	return s.accessRows(ctx, `WHERE viewer = $1`, viewer)
}

func (s *Store) accessRows(ctx context.Context, where string, arg string) ([]Access, error) {
	rows, err := s.pool.Query(ctx, `SELECT viewer, case_ref, workflow_id, surface, allowed, scope, looked_at FROM access_log `+
		where+` ORDER BY id`, arg)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Access, error) {
		var a Access
		err := row.Scan(&a.Viewer, &a.CaseRef, &a.WorkflowID, &a.Surface, &a.Allowed, &a.Scope, &a.At)
		return a, err
	})
}
