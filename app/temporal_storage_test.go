package app

import (
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/devserver"
	"github.com/samarbeid/samarbeid/internal/testdb"
)

// SAMARBEID_TEST_TEMPORAL_DB=postgres runs every embedded Temporal server this package's
// tests start on PostgreSQL (scripts/test does it for the end-to-end, fault and
// multi-process tests). The databases are named after the test's own (testdb drops them
// with it) and are reached directly, never through a test's fault proxy: a test that cuts
// samarbeid from its database does not cut Temporal from its own.
func init() {
	storage := os.Getenv("SAMARBEID_TEST_TEMPORAL_DB")
	if storage == "" {
		return
	}
	testTemporalStorage = func(cfg *Config) {
		if cfg.TemporalDB != "" || cfg.TemporalAddress != "" {
			return
		}
		cfg.TemporalDB = storage
		if cfg.TemporalDatabaseURL == "" {
			cfg.TemporalDatabaseURL = testTemporalDatabaseURL(cfg.DatabaseURL)
		}
	}
}

// testTemporalDatabaseURL is the test server's admin URL (SAMARBEID_TEST_DATABASE_URL)
// naming the database <the test's database>_temporal.
func testTemporalDatabaseURL(dbURL string) string {
	admin := os.Getenv("SAMARBEID_TEST_DATABASE_URL")
	if admin == "" {
		admin = testdb.DefaultAdminURL
	}
	au, err1 := url.Parse(admin)
	du, err2 := url.Parse(dbURL)
	if err1 != nil || err2 != nil {
		return "" // EmbeddedStorage then names the problem
	}
	au.Path = "/" + strings.TrimPrefix(du.Path, "/") + "_temporal"
	return au.String()
}

func TestEmbeddedStorageFromTheEnvironment(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://samarbeid:pw@db.kommune.no:5432/samarbeid?sslmode=require")
	t.Setenv("SAMARBEID_TEMPORAL_DB", "postgres")
	storage, u, err := FromEnv().EmbeddedStorage()
	if err != nil || storage != devserver.PostgreSQL || u != "postgres://samarbeid:pw@db.kommune.no:5432/samarbeid_temporal?sslmode=require" {
		t.Errorf("postgres from DATABASE_URL: %q %q %v", storage, u, err)
	}
	t.Setenv("SAMARBEID_TEMPORAL_DATABASE_URL", "postgres://temporal@pg2/t")
	if _, u, err := FromEnv().EmbeddedStorage(); err != nil || u != "postgres://temporal@pg2/t" {
		t.Errorf("own URL: %q %v", u, err)
	}
	t.Setenv("SAMARBEID_TEMPORAL_DB", "")
	if err := FromEnv().Validate(); err == nil || !strings.Contains(err.Error(), "SAMARBEID_TEMPORAL_DATABASE_URL gjelder bare") {
		t.Errorf("a PostgreSQL URL for SQLite storage: %v", err)
	}
	t.Setenv("SAMARBEID_TEMPORAL_DATABASE_URL", "")
	t.Setenv("SAMARBEID_TEMPORAL_DB", "cassandra")
	if err := FromEnv().Validate(); err == nil || !strings.Contains(err.Error(), "SAMARBEID_TEMPORAL_DB") {
		t.Errorf("unknown storage: %v", err)
	}
	t.Setenv("SAMARBEID_TEMPORAL_DB", "sqlite")
	if storage, u, err := FromEnv().EmbeddedStorage(); err != nil || storage != devserver.SQLite || u != "" {
		t.Errorf("sqlite: %q %q %v", storage, u, err)
	}
}

// The storage the environment asks for is the one the app's embedded server runs on, so a
// pass with SAMARBEID_TEST_TEMPORAL_DB=postgres cannot quietly run on SQLite.
func TestEmbeddedServerRunsOnTheChosenStorage(t *testing.T) {
	a := startApp(t)
	want := "SQLite"
	if s, _ := devserver.ParseStorage(os.Getenv("SAMARBEID_TEST_TEMPORAL_DB")); s == devserver.PostgreSQL {
		want = "PostgreSQL"
	}
	if got := a.TemporalStorage(); !strings.HasPrefix(got, want) {
		t.Fatalf("embedded Temporal on %q, want %s", got, want)
	}
	t.Log(a.TemporalStorage())
}
