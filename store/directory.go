package store

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// Service is one provider in the directory.
type Service struct {
	ID, Name, Sector, Law, Section, SlackChannel string
	Coordinating                                 bool // a coordinating unit: the KE (hol § 7-3), or another organisation's
	// Owner is the organisation that runs the service: "" for the municipality whose
	// samarbeid this is, else e.g. "Helse Eksempel HF". An organisation's coordinating unit
	// serves its services (CoordinatingUnitFor).
	Owner string
}

// Staff is a person who answers for one or more services.
type Staff struct {
	SlackUserID, Name string
	ServiceIDs        []string // sorted
	// Roles beyond membership: "revisor" (reads all, acts on nothing) and "admin" (keeps
	// the directory). See workflows.RoleAuditor and workflows.RoleAdmin.
	Roles []string
	// Language is "nb", "nn", "en", or "" for the workspace's default.
	Language string
}

const serviceColumns = `id, name, sector, law, section, slack_channel, coordinating, owner`

func scanService(row pgx.Row) (Service, error) {
	var s Service
	err := row.Scan(&s.ID, &s.Name, &s.Sector, &s.Law, &s.Section, &s.SlackChannel, &s.Coordinating, &s.Owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// Services lists the directory by sector and name.
func (s *Store) Services(ctx context.Context) ([]Service, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+serviceColumns+` FROM services ORDER BY sector, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		svc, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, svc)
	}
	return out, rows.Err()
}

// Service finds one service by ID.
func (s *Store) Service(ctx context.Context, id string) (Service, error) {
	return scanService(s.pool.QueryRow(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = $1`, id))
}

// CoordinatingUnit finds the municipality's koordinerende enhet (hol § 7-3).
func (s *Store) CoordinatingUnit(ctx context.Context) (Service, error) {
	return scanService(s.pool.QueryRow(ctx, `SELECT `+serviceColumns+` FROM services WHERE coordinating AND owner = ''`))
}

// CoordinatingUnitFor finds the coordinating unit that serves a service: its own
// organisation's (Service.Owner), or the municipality's KE when that organisation has none.
func (s *Store) CoordinatingUnitFor(ctx context.Context, serviceID string) (Service, error) {
	return scanService(s.pool.QueryRow(ctx, `
		SELECT `+serviceColumns+` FROM services
		WHERE coordinating AND owner IN ((SELECT owner FROM services WHERE id = $1), '')
		ORDER BY owner = '' LIMIT 1`, serviceID))
}

// SpecialistCoordinatingUnit finds the coordinating unit of the organisation that runs the
// specialist health services (sector SectorSpecialist), which appoints coordinators in
// specialist care (sphl § 2-5 a); ErrNotFound when the directory has none. With several
// such organisations, the first by name.
func (s *Store) SpecialistCoordinatingUnit(ctx context.Context) (Service, error) {
	return scanService(s.pool.QueryRow(ctx, `
		SELECT `+serviceColumns+` FROM services
		WHERE coordinating AND owner <> '' AND owner IN (SELECT owner FROM services WHERE sector = $1)
		ORDER BY owner, id LIMIT 1`, SectorSpecialist))
}

// SectorSpecialist is the directory's sector of specialist health care.
const SectorSpecialist = "spesialisthelsetjenesten"

// UpsertService adds or changes a service.
func (s *Store) UpsertService(ctx context.Context, svc Service) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO services (`+serviceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET name = $2, sector = $3, law = $4, section = $5, slack_channel = $6, coordinating = $7, owner = $8`,
		svc.ID, svc.Name, svc.Sector, svc.Law, svc.Section, svc.SlackChannel, svc.Coordinating, svc.Owner)
	return err
}

// StaffBySlackUser finds a staff member and their services.
func (s *Store) StaffBySlackUser(ctx context.Context, slackUserID string) (Staff, error) {
	list, err := s.staff(ctx, `WHERE st.slack_user_id = $1`, slackUserID)
	if err != nil {
		return Staff{}, err
	}
	if len(list) == 0 {
		return Staff{}, ErrNotFound
	}
	return list[0], nil
}

// StaffList lists every staff member by name.
func (s *Store) StaffList(ctx context.Context) ([]Staff, error) {
	return s.staff(ctx, ``)
}

func (s *Store) staff(ctx context.Context, where string, args ...any) ([]Staff, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT st.slack_user_id, st.name, coalesce(array_agg(ss.service_id ORDER BY ss.service_id) FILTER (WHERE ss.service_id IS NOT NULL), '{}'),
			st.roles, st.language
		FROM staff st LEFT JOIN staff_services ss USING (slack_user_id) `+where+`
		GROUP BY st.slack_user_id, st.name, st.roles, st.language ORDER BY st.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.SlackUserID, &st.Name, &st.ServiceIDs, &st.Roles, &st.Language); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// UpsertStaff adds or changes a staff member and replaces their list of services.
func (s *Store) UpsertStaff(ctx context.Context, st Staff) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return upsertStaff(ctx, tx, st) })
}

func upsertStaff(ctx context.Context, tx pgx.Tx, st Staff) error {
	roles := st.Roles
	if roles == nil {
		roles = []string{}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO staff (slack_user_id, name, roles, language) VALUES ($1, $2, $3, $4)
		ON CONFLICT (slack_user_id) DO UPDATE SET name = $2, roles = $3, language = $4`, st.SlackUserID, st.Name, roles, st.Language); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM staff_services WHERE slack_user_id = $1`, st.SlackUserID); err != nil {
		return err
	}
	ids := append([]string(nil), st.ServiceIDs...)
	sort.Strings(ids)
	for _, id := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO staff_services (slack_user_id, service_id) VALUES ($1, $2)`, st.SlackUserID, id); err != nil {
			return fmt.Errorf("tjenesten %q for %s: %w", id, st.SlackUserID, err)
		}
	}
	return nil
}

// SetLanguage records the language a person chose ("nb", "nn", "en", or "" for the
// workspace's default).
func (s *Store) SetLanguage(ctx context.Context, slackUserID, language string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE staff SET language = $2 WHERE slack_user_id = $1`, slackUserID, language)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}

// NextCaseRef hands out the next pseudonymous case reference of the year, e.g. SAK-2026-0042.
// The counter row is updated in one statement, so concurrent callers never share a number.
func (s *Store) NextCaseRef(ctx context.Context, year int) (string, error) {
	var n int
	err := s.pool.QueryRow(ctx, `
		INSERT INTO case_ref_counters (year, last) VALUES ($1, 1)
		ON CONFLICT (year) DO UPDATE SET last = case_ref_counters.last + 1
		RETURNING last`, year).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SAK-%d-%04d", year, n), nil
}
