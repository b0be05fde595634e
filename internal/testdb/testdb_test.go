package testdb

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestNewGivesAFreshDatabaseAndDropsIt(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("inner", func(t *testing.T) {
		url := New(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var tables int
		if err := conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "samarbeid_t_") || tables != 0 {
			t.Fatalf("database %q with %d tables", name, tables)
		}
		// A database named after it (the embedded Temporal server's) goes with it.
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+name+`_temporal`); err != nil {
			t.Fatal(err)
		}
	})
	admin := os.Getenv("SAMARBEID_TEST_DATABASE_URL")
	if admin == "" {
		admin = DefaultAdminURL
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, n := range []string{name, name + "_temporal"} {
		var exists bool
		if err := conn.QueryRow(ctx, `SELECT exists (SELECT 1 FROM pg_database WHERE datname = $1)`, n).Scan(&exists); err != nil || exists {
			t.Fatalf("database %q still there after the test (%v)", n, err)
		}
	}
}
