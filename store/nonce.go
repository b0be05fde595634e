package store

import (
	"context"
	"time"
)

// FirstUse records a Slack request's nonce (its timestamp and signature) until expires and
// reports whether this is the first time it was seen. Nonces past their expiry (now) are
// deleted first, so the table holds only the last few minutes' requests, and an expired nonce
// counts as new (Slack's window refuses such a request before it gets here).
func (s *Store) FirstUse(ctx context.Context, nonce string, expires, now time.Time) (bool, error) {
	if _, err := s.pool.Exec(ctx, `DELETE FROM slack_nonces WHERE expires_at < $1`, now); err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO slack_nonces (nonce, expires_at) VALUES ($1, $2)
		ON CONFLICT (nonce) DO NOTHING`, nonce, expires)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}
