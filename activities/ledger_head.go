package activities

import (
	"context"
	"errors"
	"time"
)

// LedgerHead is the audit ledger's newest row as the anchor workflow records it: its place
// in the chain, its hash, and when it was read. Kept in Temporal's history, outside
// PostgreSQL, it lets `audit verify` see rows cut from the end or a chain rewritten with
// fresh hashes.
type LedgerHead struct {
	Seq    int64
	Hash   string
	ReadAt time.Time
}

// HeadReader reads the ledger's newest row (Seq 0 for an empty ledger).
type HeadReader interface {
	Head(ctx context.Context) (LedgerHead, error)
}

// Anchoring holds the anchor workflow's one activity. It is apart from Activities so the
// case workflows' fakes need not know of it.
type Anchoring struct {
	Ledger HeadReader
}

// ReadLedgerHead reads the ledger's newest row.
func (a *Anchoring) ReadLedgerHead(ctx context.Context) (LedgerHead, error) {
	if a == nil || a.Ledger == nil {
		return LedgerHead{}, errors.New("workeren har ingen revisjonslogg å lese hodet fra")
	}
	return a.Ledger.Head(ctx)
}
