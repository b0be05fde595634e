// Package testdb gives each test a fresh PostgreSQL database of its own.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultAdminURL is the machine's local PostgreSQL with trust auth.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// New creates an empty database (samarbeid_t_<random>), drops it when the test ends, and
// returns its URL. Databases named after it (samarbeid_t_<random>_…, such as the embedded
// Temporal server's on PostgreSQL) are dropped with it. The admin connection comes from SAMARBEID_TEST_DATABASE_URL, default
// DefaultAdminURL. An unreachable server fails the test rather than skipping it, so a
// missing database never passes for green.
func New(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("SAMARBEID_TEST_DATABASE_URL")
	if admin == "" {
		admin = DefaultAdminURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("får ikke kontakt med PostgreSQL for testene: %v\n"+
			"Start den med: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"eller pek SAMARBEID_TEST_DATABASE_URL på en annen server.\n"+
			"(English: cannot reach PostgreSQL for the tests. Start it with the pg_ctlcluster command above,\n"+
			"or point SAMARBEID_TEST_DATABASE_URL at another server.)", err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "samarbeid_t_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("oppretter testdatabase: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("rydder testdatabase %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		names := []string{name}
		rows, err := c.Query(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, name+"_")
		if err == nil {
			derived, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Logf("rydder testdatabaser etter %s: %v", name, err)
			}
			names = append(names, derived...)
		}
		for _, n := range names {
			if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
				t.Logf("rydder testdatabase %s: %v", n, err)
			}
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
