package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one decision: who, when, what, and on which legal basis.
type AuditEntry struct {
	Key        string // idempotency key: the same Key twice returns the first row
	CaseRef    string
	WorkflowID string
	RunID      string
	Actor      string // Slack user ID (the worker adds the name), or "samarbeid" for the system
	ServiceID  string // the service the decision concerns, "" if none
	Action     string // e.g. "sak_opprettet", "samtykke_registrert", "frist_eskalert"
	Summary    string // one sentence in Norwegian, for a human reader
	Detail     map[string]any
	LegalBasis string    // e.g. "hol § 3-4 første ledd"
	OccurredAt time.Time // workflow time of the decision
}

// AuditRow is an entry as the ledger holds it, with its place in the chain.
type AuditRow struct {
	AuditEntry
	Seq        int64
	PrevHash   string
	Hash       string
	RecordedAt time.Time
	detailText string
}

// ledgerLock serializes appends, so each row links to the one before it.
const ledgerLock = 0x5a4d4152 // arbitrary, fixed

// AppendAudit adds an entry to the end of the chain.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) (AuditRow, error) {
	if e.Key == "" || e.CaseRef == "" || e.Action == "" {
		return AuditRow{}, errors.New("revisjonsrad mangler nøkkel, sak eller handling")
	}
	detail, err := canonicalDetail(e.Detail)
	if err != nil {
		return AuditRow{}, err
	}
	// PostgreSQL keeps microseconds; hash what it will give back.
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	var row AuditRow
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, ledgerLock); err != nil {
			return err
		}
		existing, err := scanAuditRow(tx.QueryRow(ctx, `SELECT `+auditColumns+` FROM audit_ledger WHERE key = $1`, e.Key))
		if err == nil {
			row = existing
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		row = AuditRow{AuditEntry: e, detailText: detail}
		// Hand back the detail as a later read will give it (numbers as float64 and so on).
		row.Detail = nil
		if err := json.Unmarshal([]byte(detail), &row.Detail); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) + 1, coalesce((SELECT hash FROM audit_ledger ORDER BY seq DESC LIMIT 1), '') FROM audit_ledger`).
			Scan(&row.Seq, &row.PrevHash)
		if err != nil {
			return err
		}
		row.Hash = row.computeHash()
		return tx.QueryRow(ctx, `
			INSERT INTO audit_ledger (seq, key, case_ref, workflow_id, run_id, actor, service_id, action, summary, detail, legal_basis, occurred_at, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING recorded_at`,
			row.Seq, e.Key, e.CaseRef, e.WorkflowID, e.RunID, e.Actor, e.ServiceID, e.Action, e.Summary, detail,
			e.LegalBasis, e.OccurredAt, row.PrevHash, row.Hash).Scan(&row.RecordedAt)
	})
	return row, err
}

// AuditActor is how the ledger names who decided: "Kari (helsestasjon), U_KARI", name first
// for the reader, or the bare ID when there is no name. Writing and verifying share it.
func AuditActor(slackUserID, name string) string {
	if name == "" {
		return slackUserID
	}
	return name + ", " + slackUserID
}

// LedgerHead is the newest row's place in the chain: its sequence number and hash. Recorded
// outside PostgreSQL (an anchor), it lets a later check see rows removed from the end, or a
// chain rewritten with fresh hashes. An empty ledger has Seq 0.
type LedgerHead struct {
	Seq  int64  `json:"nr"`
	Hash string `json:"hash"`
}

// LedgerHead reads the chain's newest row.
func (s *Store) LedgerHead(ctx context.Context) (LedgerHead, error) {
	var h LedgerHead
	err := s.pool.QueryRow(ctx, `SELECT seq, hash FROM audit_ledger ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return LedgerHead{}, nil
	}
	return h, err
}

// AuditTrail is one case's rows in chain order.
func (s *Store) AuditTrail(ctx context.Context, caseRef string) ([]AuditRow, error) {
	return s.auditRows(ctx, `WHERE case_ref = $1 ORDER BY seq`, caseRef)
}

// CasesActiveBetween lists the cases with a decision in [from, to), by reference.
func (s *Store) CasesActiveBetween(ctx context.Context, from, to time.Time) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT case_ref FROM audit_ledger
		WHERE occurred_at >= $1 AND occurred_at < $2 ORDER BY case_ref`, from, to)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// AuditRows is the whole ledger in chain order.
func (s *Store) AuditRows(ctx context.Context) ([]AuditRow, error) {
	return s.auditRows(ctx, `ORDER BY seq`)
}

// VerifyChain recomputes every hash and link; it names the first row that does not hold.
func (s *Store) VerifyChain(ctx context.Context) (int, error) {
	rows, err := s.AuditRows(ctx)
	if err != nil {
		return 0, err
	}
	prev := ""
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			return i, fmt.Errorf("revisjonsloggen mangler rad %d (neste rad er %d)", i+1, r.Seq)
		}
		if r.PrevHash != prev {
			return i, fmt.Errorf("rad %d peker ikke på raden før (lenken er brutt)", r.Seq)
		}
		if r.computeHash() != r.Hash {
			return i, fmt.Errorf("rad %d er endret etter at den ble skrevet (hash stemmer ikke)", r.Seq)
		}
		prev = r.Hash
	}
	return len(rows), nil
}

const auditColumns = `seq, key, case_ref, workflow_id, run_id, actor, service_id, action, summary, detail, legal_basis, occurred_at, recorded_at, prev_hash, hash`

func (s *Store) auditRows(ctx context.Context, tail string, args ...any) ([]AuditRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_ledger `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		r, err := scanAuditRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanAuditRow(row pgx.Row) (AuditRow, error) {
	var r AuditRow
	err := row.Scan(&r.Seq, &r.Key, &r.CaseRef, &r.WorkflowID, &r.RunID, &r.Actor, &r.ServiceID, &r.Action,
		&r.Summary, &r.detailText, &r.LegalBasis, &r.OccurredAt, &r.RecordedAt, &r.PrevHash, &r.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.OccurredAt = r.OccurredAt.UTC()
	if err := json.Unmarshal([]byte(r.detailText), &r.Detail); err != nil {
		return r, fmt.Errorf("rad %d: detaljene kan ikke leses: %w", r.Seq, err)
	}
	return r, nil
}

// ChainHash recomputes the row's hash from its content and PrevHash. Verification compares
// it with Hash; it is exported for checks (and tests) that rebuild a chain.
func (r AuditRow) ChainHash() string { return r.computeHash() }

// CanonicalDetail is the text a detail map is stored and hashed as.
func CanonicalDetail(detail map[string]any) (string, error) { return canonicalDetail(detail) }

// computeHash is sha256 over the previous hash and the row's content in a fixed order. The
// detail is hashed as the stored canonical text, so verification never depends on how a
// JSON library orders keys or formats numbers.
func (r AuditRow) computeHash() string {
	fields := []string{
		r.PrevHash, fmt.Sprint(r.Seq), r.Key, r.CaseRef, r.WorkflowID, r.RunID, r.Actor, r.ServiceID,
		r.Action, r.Summary, r.detailText, r.LegalBasis, r.OccurredAt.UTC().Format(time.RFC3339Nano),
	}
	canonical, _ := json.Marshal(fields) // a JSON array of strings: unambiguous field borders
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// canonicalDetail encodes detail with sorted keys (encoding/json sorts map keys).
func canonicalDetail(detail map[string]any) (string, error) {
	if detail == nil {
		return "{}", nil
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return "", fmt.Errorf("revisjonsdetaljer kan ikke lagres: %w", err)
	}
	return string(b), nil
}
