package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// The states of a notice in slack_notices.
const (
	NoticePending = "pending" // chat.postMessage is (or was) on its way; Slack may have it
	NoticeUnsent  = "unsent"  // Slack refused the post: it is certainly not in the channel
	NoticePosted  = "posted"  // Slack took it; TS names the message
	NoticeParked  = "parked"  // Slack refuses it for good until the cause is fixed
)

// SentNotice is one notice's delivery record: where it went and Slack's ts, or why it could
// not be delivered.
type SentNotice struct {
	Key, WorkflowID, CaseRef, Kind, ServiceID string
	Channel, TS, State, Problem               string
	// Notice is the parked notice as the messenger reads it again (references only).
	Notice               json.RawMessage
	Attempts             int
	CreatedAt, UpdatedAt time.Time
}

const sentNoticeColumns = `key, workflow_id, case_ref, kind, service_id, channel, ts, state, problem, notice, attempts, created_at, updated_at`

func scanSentNotice(row pgx.Row) (SentNotice, error) {
	var n SentNotice
	err := row.Scan(&n.Key, &n.WorkflowID, &n.CaseRef, &n.Kind, &n.ServiceID, &n.Channel, &n.TS, &n.State, &n.Problem,
		&n.Notice, &n.Attempts, &n.CreatedAt, &n.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return n, ErrNotFound
	}
	return n, err
}

// SentNotice is the record of the notice with key; ErrNotFound when it was never tried.
func (s *Store) SentNotice(ctx context.Context, key string) (SentNotice, error) {
	return scanSentNotice(s.pool.QueryRow(ctx, `SELECT `+sentNoticeColumns+` FROM slack_notices WHERE key = $1`, key))
}

// NoticeSending marks the notice pending in channel just before it is posted. A record
// that has a ts already is left as it is: the notice was posted, and the caller must update
// that message instead. created_at stays that of the first try, so a history look-up
// searches from then on.
func (s *Store) NoticeSending(ctx context.Context, n SentNotice) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO slack_notices (key, workflow_id, case_ref, kind, service_id, channel, state)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending')
		ON CONFLICT (key) DO UPDATE SET channel = EXCLUDED.channel, service_id = EXCLUDED.service_id,
			state = 'pending', updated_at = now()
		WHERE slack_notices.ts = ''`,
		n.Key, n.WorkflowID, n.CaseRef, n.Kind, n.ServiceID, n.Channel)
	return err
}

// NoticeSent records where Slack put the notice: it is delivered, and no longer parked.
func (s *Store) NoticeSent(ctx context.Context, key, channel, ts string) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE slack_notices SET channel = $2, ts = $3, state = 'posted', problem = '', notice = NULL, updated_at = now()
		WHERE key = $1`, key, channel, ts)
	return err
}

// NoticeRefused records that Slack answered the post with an error: the message is not in
// the channel, so the next try posts without looking for it.
func (s *Store) NoticeRefused(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `UPDATE slack_notices SET state = 'unsent', updated_at = now()
		WHERE key = $1 AND state = 'pending' AND ts = ''`, key)
	return err
}

// ParkNotice keeps a notice Slack refuses for good, with Slack's error and the notice to
// send again; a ts it had (an earlier version that was posted), and the service and channel
// it had where this one names none (a redraw), are kept. It returns the record as kept and
// whether the notice was parked just now (false: it was parked already, and whoever must fix
// it has been told).
func (s *Store) ParkNotice(ctx context.Context, n SentNotice) (SentNotice, bool, error) {
	var was string
	err := s.pool.QueryRow(ctx, `
		WITH old AS (SELECT state FROM slack_notices WHERE key = $1)
		INSERT INTO slack_notices (key, workflow_id, case_ref, kind, service_id, channel, ts, state, problem, notice)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'parked', $8, $9)
		ON CONFLICT (key) DO UPDATE SET state = 'parked', problem = EXCLUDED.problem, notice = EXCLUDED.notice,
			service_id = CASE WHEN EXCLUDED.service_id = '' THEN slack_notices.service_id ELSE EXCLUDED.service_id END,
			channel = CASE WHEN slack_notices.ts <> '' OR EXCLUDED.channel = '' THEN slack_notices.channel ELSE EXCLUDED.channel END,
			updated_at = now()
		RETURNING coalesce((SELECT state FROM old), ''), service_id, channel, ts`,
		n.Key, n.WorkflowID, n.CaseRef, n.Kind, n.ServiceID, n.Channel, n.TS, n.Problem, n.Notice).Scan(&was, &n.ServiceID, &n.Channel, &n.TS)
	n.State = NoticeParked
	return n, was != NoticeParked, err
}

// ParkedNotices lists the notices waiting to be sent again, oldest first: those of one
// service, or all when serviceID is empty; only those tried fewer than maxAttempts times.
// A parked notice a redelivery was sending is 'pending' with its notice kept: it is listed
// too, so one whose sender died is not left behind (the caller skips those still fresh).
func (s *Store) ParkedNotices(ctx context.Context, serviceID string, maxAttempts int) ([]SentNotice, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sentNoticeColumns+` FROM slack_notices
		WHERE (state = 'parked' OR (state = 'pending' AND notice IS NOT NULL)) AND ($1 = '' OR service_id = $1) AND attempts < $2 ORDER BY created_at, key`, serviceID, maxAttempts)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SentNotice
	for rows.Next() {
		n, err := scanSentNotice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// NoticeRetried counts one more try of a parked notice that failed again, with Slack's
// latest error, and parks it again (the try may have left it pending or unsent).
func (s *Store) NoticeRetried(ctx context.Context, key, problem string) error {
	_, err := s.pool.Exec(ctx, `UPDATE slack_notices SET attempts = attempts + 1, problem = $2, state = 'parked', updated_at = now()
		WHERE key = $1 AND notice IS NOT NULL AND state <> 'posted'`, key, problem)
	return err
}

// NoticeMoved forgets the message a parked notice had in a channel its service has left: it
// is posted anew in the new one.
func (s *Store) NoticeMoved(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `UPDATE slack_notices SET ts = '', channel = '', state = 'unsent', updated_at = now()
		WHERE key = $1`, key)
	return err
}

// ClaimNotice records a one-off message (an alert) by key and reports whether it is new:
// false means it was sent already. ReleaseNotice forgets one whose sending failed.
func (s *Store) ClaimNotice(ctx context.Context, key, kind string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO slack_notices (key, kind, state) VALUES ($1, $2, 'posted')
		ON CONFLICT (key) DO NOTHING`, key, kind)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseNotice forgets a claimed one-off message, so it may be sent again.
func (s *Store) ReleaseNotice(ctx context.Context, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM slack_notices WHERE key = $1 AND ts = '' AND state = 'posted'`, key)
	return err
}
