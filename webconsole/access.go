package webconsole

import (
	"context"

	"github.com/samarbeid/samarbeid/store"
)

// Surfaces of the console in the access log (store.Access.Surface).
const (
	SurfaceCase      = "konsoll-sak"
	SurfaceExport    = "konsoll-eksport"
	SurfaceAccessLog = "konsoll-tilgangslogg"
)

// AccessLog records looks and lists a case's looks; *store.Store is one. A look that
// cannot be recorded is not shown.
type AccessLog interface {
	LogAccess(ctx context.Context, looks ...store.Access) error
	AccessByCase(ctx context.Context, caseRef string) ([]store.Access, error)
}
