package store

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// asAppRole opens the database as the application's role would use it.
func asAppRole(t *testing.T, url string) *Store {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET ROLE samarbeid_app")
		return err
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &Store{pool: pool}
}

func TestAppRoleCanAppendButNeverChangeTheLedger(t *testing.T) {
	_, url := open(t)
	ctx := context.Background()
	app := asAppRole(t, url)
	if err := app.Seed(ctx); err != nil {
		t.Fatalf("the app role must manage the directory: %v", err)
	}
	if _, err := app.NextCaseRef(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	if _, err := app.AppendAudit(ctx, entry("a")); err != nil {
		t.Fatalf("the app role must append: %v", err)
	}
	if _, err := app.AuditTrail(ctx, "SAK-2026-0001"); err != nil {
		t.Fatal(err)
	}
	denied := func(stmt string) {
		t.Helper()
		_, err := app.pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" { // insufficient_privilege
			t.Errorf("%s: want permission denied, got %v", stmt, err)
		}
	}
	denied(`UPDATE audit_ledger SET summary = 'x'`)
	denied(`DELETE FROM audit_ledger`)
	denied(`TRUNCATE audit_ledger`)
	denied(`UPDATE consents SET basis = 'samtykke'`)
	denied(`ALTER TABLE audit_ledger DISABLE TRIGGER ALL`)
	denied(`SET session_replication_role = replica`)
	if n, err := app.VerifyChain(ctx); err != nil || n != 1 {
		t.Fatalf("chain after the attempts: %d %v", n, err)
	}
}
