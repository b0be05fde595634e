package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// DirectoryChange is one administrator's change to the directory, as recorded.
type DirectoryChange struct {
	ChangedBy, Change, Subject string
	Detail                     map[string]any
	ChangedAt                  time.Time
}

// The changes an administrator can make.
const (
	ChangeStaff   = "ansatt" // a person and the services they work in
	ChangeRoles   = "roller" // a person's roles beyond membership
	ChangeChannel = "kanal"  // a service's Slack channel
)

// AdminSetStaff adds or changes a person and their services, and records who did it.
func (s *Store) AdminSetStaff(ctx context.Context, by string, st Staff) error {
	return s.adminChange(ctx, by, ChangeStaff, st.SlackUserID, map[string]any{"navn": st.Name, "tjenester": st.ServiceIDs},
		func(tx pgx.Tx) error { return upsertStaff(ctx, tx, st) })
}

// AdminSetRoles replaces a person's roles (nil or empty: none), and records who did it.
func (s *Store) AdminSetRoles(ctx context.Context, by, slackUserID string, roles []string) error {
	if roles == nil {
		roles = []string{}
	}
	return s.adminChange(ctx, by, ChangeRoles, slackUserID, map[string]any{"roller": roles}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE staff SET roles = $2 WHERE slack_user_id = $1`, slackUserID, roles)
		if err == nil && tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return err
	})
}

// AdminSetChannel moves a service to another Slack channel, and records who did it.
func (s *Store) AdminSetChannel(ctx context.Context, by, serviceID, channel string) error {
	return s.adminChange(ctx, by, ChangeChannel, serviceID, map[string]any{"kanal": channel}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE services SET slack_channel = $2 WHERE id = $1`, serviceID, channel)
		if err == nil && tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return err
	})
}

// DirectoryChanges lists the recorded changes, oldest first.
func (s *Store) DirectoryChanges(ctx context.Context) ([]DirectoryChange, error) {
	rows, err := s.pool.Query(ctx, `SELECT changed_by, change, subject, detail, changed_at FROM directory_changes ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (DirectoryChange, error) {
		var c DirectoryChange
		err := row.Scan(&c.ChangedBy, &c.Change, &c.Subject, &c.Detail, &c.ChangedAt)
		return c, err
	})
}

// adminChange applies one change and its record in one transaction: no change goes
// unrecorded, and no record stands for a change that failed.
func (s *Store) adminChange(ctx context.Context, by, change, subject string, detail map[string]any, apply func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := apply(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO directory_changes (changed_by, change, subject, detail) VALUES ($1, $2, $3, $4)`,
			by, change, subject, detail)
		return err
	})
}
