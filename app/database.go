package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnsureDatabase creates the database named in databaseURL if the server has none by that
// name, so `samarbeid dev` works on a fresh machine. Any other failure is explained.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return unreachable(databaseURL, err)
	}
	u, perr := url.Parse(databaseURL)
	if perr != nil {
		return fmt.Errorf("DATABASE_URL kan ikke leses: %w", perr)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return unreachable(databaseURL, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("kunne ikke opprette databasen %q: %w", name, err)
	}
	return nil
}

func unreachable(databaseURL string, err error) error {
	return fmt.Errorf("får ikke kontakt med PostgreSQL (%s): %w\n"+
		"Start den lokale serveren med:\n  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
		"eller pek DATABASE_URL til en annen PostgreSQL", Redact(databaseURL), err)
}

// Redact hides a password in a URL shown to the user.
func Redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}
