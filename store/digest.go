package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// DigestItem is one reminder or escalation waiting for the KE's daily digest. It carries
// references only, like every channel message.
type DigestItem struct {
	Key, WorkflowID, CaseRef, Kind, ServiceID, Step string
	Deadline                                        time.Time // zero when none
	Escalations                                     int
	CreatedAt                                       time.Time
}

// EnqueueDigest keeps an item for the next digest; the same Key twice keeps one row.
func (s *Store) EnqueueDigest(ctx context.Context, it DigestItem) error {
	var deadline *time.Time
	if !it.Deadline.IsZero() {
		deadline = &it.Deadline
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO ke_digest_items (key, workflow_id, case_ref, kind, service_id, step, deadline, escalations)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
		it.Key, it.WorkflowID, it.CaseRef, it.Kind, it.ServiceID, it.Step, deadline, it.Escalations)
	return err
}

// SendDigest hands the unsent items, oldest first, to post, and marks them sent only if post
// succeeds, in one transaction: a failed post leaves every item for the next try, and two
// digests running at once cannot both take the same items.
func (s *Store) SendDigest(ctx context.Context, post func([]DigestItem) error) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT key, workflow_id, case_ref, kind, service_id, step, deadline, escalations, created_at
			FROM ke_digest_items WHERE sent_at IS NULL ORDER BY created_at, key FOR UPDATE SKIP LOCKED`)
		if err != nil {
			return err
		}
		var items []DigestItem
		for rows.Next() {
			var it DigestItem
			var deadline *time.Time
			if err := rows.Scan(&it.Key, &it.WorkflowID, &it.CaseRef, &it.Kind, &it.ServiceID, &it.Step, &deadline, &it.Escalations, &it.CreatedAt); err != nil {
				rows.Close()
				return err
			}
			if deadline != nil {
				it.Deadline = *deadline
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := post(items); err != nil {
			return err
		}
		keys := make([]string, len(items))
		for i, it := range items {
			keys[i] = it.Key
		}
		_, err = tx.Exec(ctx, `UPDATE ke_digest_items SET sent_at = now() WHERE key = ANY($1)`, keys)
		n = len(items)
		return err
	})
	return n, err
}
