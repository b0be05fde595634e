package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samarbeid/samarbeid/internal/testdb"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	url := testdb.New(t)
	if err := Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, url
}

func TestMigrateAndSeedAreIdempotent(t *testing.T) {
	s, url := open(t)
	ctx := context.Background()
	if err := Migrate(ctx, url); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := s.Seed(ctx); err != nil {
			t.Fatal(err)
		}
	}
	services, err := s.Services(ctx)
	if err != nil || len(services) != len(demoServices) {
		t.Fatalf("%d services, %v", len(services), err)
	}
	staff, err := s.StaffList(ctx)
	if err != nil || len(staff) != len(demoStaff) {
		t.Fatalf("%d staff, %v", len(staff), err)
	}
	sectors := map[string]bool{}
	for _, svc := range services {
		sectors[svc.Sector] = true
	}
	if len(sectors) < 12 {
		t.Errorf("demo covers %d sectors, want every sector of DOMAIN.md", len(sectors))
	}
}

func TestDirectoryLookups(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if err := s.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	bv, err := s.Service(ctx, "barnevern")
	if err != nil || bv.Law != "barnevernsloven" || bv.Section != "§ 15-8" || bv.SlackChannel != "C_BARNEVERN" {
		t.Fatalf("%+v %v", bv, err)
	}
	if _, err := s.Service(ctx, "finnes-ikke"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	ke, err := s.CoordinatingUnit(ctx)
	if err != nil || ke.ID != "ke" {
		t.Fatalf("%+v %v", ke, err)
	}
	nils, err := s.StaffBySlackUser(ctx, "U_NILS")
	if err != nil || strings.Join(nils.ServiceIDs, ",") != "fastlege,hjemmetjeneste" {
		t.Fatalf("%+v %v", nils, err)
	}
	if _, err := s.StaffBySlackUser(ctx, "U_UKJENT"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	if err := s.UpsertStaff(ctx, Staff{SlackUserID: "U_NILS", Name: "Nils", ServiceIDs: []string{"fastlege"}}); err != nil {
		t.Fatal(err)
	}
	nils, _ = s.StaffBySlackUser(ctx, "U_NILS")
	if strings.Join(nils.ServiceIDs, ",") != "fastlege" {
		t.Fatalf("services not replaced: %+v", nils)
	}
}

func TestNextCaseRefIsUniqueUnderConcurrency(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	first, err := s.NextCaseRef(ctx, 2026)
	if err != nil || first != "SAK-2026-0001" {
		t.Fatalf("%q %v", first, err)
	}
	var mu sync.Mutex
	seen := map[string]bool{first: true}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref, err := s.NextCaseRef(ctx, 2026)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if seen[ref] {
				t.Errorf("duplicate %s", ref)
			}
			seen[ref] = true
		}()
	}
	wg.Wait()
	if len(seen) != 21 {
		t.Fatalf("%d distinct refs", len(seen))
	}
	if ref, _ := s.NextCaseRef(ctx, 2027); ref != "SAK-2027-0001" {
		t.Fatalf("new year starts at %s", ref)
	}
}

func TestConsents(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	c := Consent{Key: "k1", CaseRef: "SAK-2026-0001", RecipientServiceID: "skole", Basis: "samtykke", Form: "skriftlig", RecordedBy: "U_KARI", RecordedAt: time.Now()}
	for i := 0; i < 2; i++ {
		if err := s.RecordConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordConsent(ctx, Consent{Key: "k2", CaseRef: "SAK-2026-0001", Basis: "kanskje", RecordedAt: time.Now()}); err == nil {
		t.Fatal("bad basis accepted")
	}
	bad := []Consent{
		{Key: "k3", CaseRef: "SAK-2026-0001", RecipientServiceID: "skole", Basis: "samtykke", RecordedAt: time.Now()},
		{Key: "k4", CaseRef: "SAK-2026-0001", RecipientServiceID: "skole", Basis: "samtykke", Form: "telepatisk", RecordedAt: time.Now()},
		{Key: "k5", CaseRef: "SAK-2026-0001", RecipientServiceID: "skole", Basis: "lovhjemmel", RecordedAt: time.Now()},
		{Key: "", CaseRef: "SAK-2026-0001", RecipientServiceID: "skole", Basis: "nektet", RecordedAt: time.Now()},
	}
	for _, c := range bad {
		if err := s.RecordConsent(ctx, c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
	got, err := s.Consents(ctx, "SAK-2026-0001")
	if err != nil || len(got) != 1 || got[0].Form != "skriftlig" {
		t.Fatalf("%+v %v", got, err)
	}
	// Later records come after earlier ones, whatever order they were written in.
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	later := Consent{Key: "k7", CaseRef: "SAK-2026-0002", RecipientServiceID: "nav", Basis: "lovhjemmel",
		StatutoryBasis: "NAV-loven § 15 a", RecordedBy: "U_PER", RecordedAt: t0.Add(time.Hour)}
	earlier := Consent{Key: "k6", CaseRef: "SAK-2026-0002", RecipientServiceID: "skole", Basis: "nektet",
		RecordedBy: "U_KARI", RecordedAt: t0}
	for _, c := range []Consent{later, earlier} {
		if err := s.RecordConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err = s.Consents(ctx, "SAK-2026-0002")
	if err != nil || !reflect.DeepEqual(got, []Consent{earlier, later}) {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	url := testdb.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Migrate(ctx, url); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestUnreachableDatabaseSaysSo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Port 1 on localhost refuses at once.
	url := "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"
	if _, err := Open(ctx, url); err == nil || !strings.Contains(err.Error(), "får ikke kontakt med PostgreSQL") {
		t.Errorf("Open: %v", err)
	}
	if err := Migrate(ctx, url); err == nil || !strings.Contains(err.Error(), "får ikke kontakt med PostgreSQL") {
		t.Errorf("Migrate: %v", err)
	}
}

func entry(key string) AuditEntry {
	return AuditEntry{Key: key, CaseRef: "SAK-2026-0001", WorkflowID: "wf", RunID: "run", Actor: "U_KARI",
		ServiceID: "helsestasjon", Action: "steg1_avklart", Summary: "Steg 1 besvart.",
		Detail:     map[string]any{"tjenester": []string{"skole"}, "frist": time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), "antall": 1.5},
		LegalBasis: "hol § 3-4", OccurredAt: time.Now()}
}

func TestAuditChain(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	a, err := s.AppendAudit(ctx, entry("a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AppendAudit(ctx, entry("b"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Seq != 1 || a.PrevHash != "" || b.PrevHash != a.Hash || b.Seq != 2 {
		t.Fatalf("chain links: a=%+v b=%+v", a, b)
	}
	again, err := s.AppendAudit(ctx, entry("a"))
	if err != nil || again.Seq != 1 || again.Hash != a.Hash {
		t.Fatalf("same key appended twice: %+v %v", again, err)
	}
	if n, err := s.VerifyChain(ctx); err != nil || n != 2 {
		t.Fatalf("verify: %d %v", n, err)
	}
	other := entry("c")
	other.CaseRef = "SAK-2026-0002"
	other.Detail = nil
	c, err := s.AppendAudit(ctx, other)
	if err != nil || c.PrevHash != b.Hash {
		t.Fatalf("other case joins the same chain: %+v %v", c, err)
	}
	trail, err := s.AuditTrail(ctx, "SAK-2026-0001")
	if err != nil || len(trail) != 2 || trail[0].Detail["antall"] != 1.5 {
		t.Fatalf("trail %+v %v", trail, err)
	}
	// What AppendAudit hands back is what a later read gives.
	if !reflect.DeepEqual(trail[0].AuditEntry, a.AuditEntry) || trail[0].Hash != a.Hash || !trail[0].RecordedAt.Equal(a.RecordedAt) {
		t.Fatalf("read back differs:\n%+v\n%+v", trail[0], a)
	}
	all, err := s.AuditRows(ctx)
	if err != nil || len(all) != 3 || all[2].Key != "c" {
		t.Fatalf("ledger %+v %v", all, err)
	}
	// The jsonb copy of the detail is there for queries.
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM audit_ledger WHERE detail_jsonb @> '{"tjenester": ["skole"]}'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("jsonb query: %d %v", n, err)
	}
	if n, err := s.VerifyChain(ctx); err != nil || n != 3 {
		t.Fatalf("verify: %d %v", n, err)
	}
}

func TestVerifyEmptyLedger(t *testing.T) {
	s, _ := open(t)
	if n, err := s.VerifyChain(context.Background()); err != nil || n != 0 {
		t.Fatalf("verify: %d %v", n, err)
	}
}

func TestLedgerIsAppendOnly(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if _, err := s.AppendAudit(ctx, entry("a")); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`UPDATE audit_ledger SET summary = 'x'`, `DELETE FROM audit_ledger`, `TRUNCATE audit_ledger`} {
		if _, err := s.pool.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "kan ikke endres") {
			t.Errorf("%s: want refusal, got %v", stmt, err)
		}
	}
}

// tamper changes rows behind the trigger's back, as someone with the database's superuser
// could, and the chain must show it.
func tamper(t *testing.T, s *Store, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		for _, stmt := range stmts {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainCatchesTampering(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		if _, err := s.AppendAudit(ctx, entry(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	tamper(t, s, `UPDATE audit_ledger SET summary = 'Noe annet.' WHERE seq = 2`)
	if _, err := s.VerifyChain(ctx); err == nil || !strings.Contains(err.Error(), "rad 2 er endret") {
		t.Fatalf("changed row not caught: %v", err)
	}
	// Restore, then forge row 3 with a fresh, self-consistent hash: row 4's link breaks.
	tamper(t, s, `UPDATE audit_ledger SET summary = 'Steg 1 besvart.' WHERE seq = 2`)
	if _, err := s.VerifyChain(ctx); err != nil {
		t.Fatalf("restored chain: %v", err)
	}
	rows, _ := s.AuditRows(ctx)
	forged := rows[2]
	forged.Summary = "Forfalsket."
	forged.Hash = forged.computeHash()
	tamper(t, s, fmt.Sprintf(`UPDATE audit_ledger SET summary = 'Forfalsket.', hash = '%s' WHERE seq = 3`, forged.Hash))
	if _, err := s.VerifyChain(ctx); err == nil || !strings.Contains(err.Error(), "rad 4 peker ikke") {
		t.Fatalf("broken link not caught: %v", err)
	}
	tamper(t, s, `DELETE FROM audit_ledger WHERE seq = 4`, `DELETE FROM audit_ledger WHERE seq = 2`)
	if _, err := s.VerifyChain(ctx); err == nil || !strings.Contains(err.Error(), "mangler rad 2") {
		t.Fatalf("deleted row not caught: %v", err)
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.AppendAudit(ctx, entry(fmt.Sprintf("c%d", i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, err := s.VerifyChain(ctx); err != nil || n != 10 {
		t.Fatalf("verify: %d %v", n, err)
	}
}
