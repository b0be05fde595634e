// Package store is samarbeid's PostgreSQL: the service directory, staff, consents and the
// hash-chained audit ledger, with migrations embedded in the binary.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // goose runs over database/sql
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// ErrNotFound is returned by lookups that find nothing.
var ErrNotFound = errors.New("ikke funnet")

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a pool of connections to samarbeid's database.
type Store struct {
	pool *pgxpool.Pool
}

// Migrate brings the schema up to date; running it again changes nothing. A PostgreSQL
// advisory lock lets several processes (bot, worker) migrate at start without racing.
func Migrate(ctx context.Context, databaseURL string) error {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return fmt.Errorf("ugyldig database-URL: %w", err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		return unreachable(err)
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// Poll the lock every second (up to 5 minutes) instead of goose's default 5 s.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, dir, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrering av databasen feilet: %w", err)
	}
	return nil
}

func unreachable(err error) error {
	return fmt.Errorf("får ikke kontakt med PostgreSQL (sjekk DATABASE_URL og at databasen kjører): %w", err)
}

// Open connects and checks the connection.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	pool, err := pgxpool.New(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("ugyldig database-URL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(err)
	}
	return &Store{pool: pool}, nil
}

// Close releases the pool.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }
