package devserver

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.yaml.in/yaml/v3"

	schemapg "go.temporal.io/server/schema/postgresql/v12"

	"github.com/samarbeid/samarbeid/internal/testdb"
)

func TestParseStorage(t *testing.T) {
	for in, want := range map[string]Storage{"": SQLite, "sqlite": SQLite, "postgres": PostgreSQL, " PostgreSQL ": PostgreSQL} {
		if got, err := ParseStorage(in); err != nil || got != want {
			t.Errorf("ParseStorage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseStorage("mysql"); err == nil {
		t.Error("mysql accepted")
	}
}

func TestPostgresURLIsChecked(t *testing.T) {
	for _, bad := range []string{"mysql://x@h/db", "postgres://postgres@127.0.0.1:5432/", "postgres://h:5432/a/b", "::"} {
		if _, err := postgresSQLConfig(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	cfg, err := postgresSQLConfig("postgres://temporal:hemmelig@db.kommune.no/samarbeid_temporal?sslmode=require")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConnectAddr != "db.kommune.no:5432" || cfg.User != "temporal" || cfg.Password != "hemmelig" ||
		cfg.DatabaseName != "samarbeid_temporal" || cfg.ConnectAttributes["sslmode"] != "require" || cfg.PluginName != "postgres12_pgx" {
		t.Errorf("config %+v", cfg)
	}
	if _, err := postgresSQLConfig("postgres://u:hemmelig@h/"); err == nil || strings.Contains(err.Error(), "hemmelig") {
		t.Errorf("error shows the password: %v", err)
	}
}

// On PostgreSQL the server makes its two databases, brings both schemas to the versions
// the server module ships, runs a workflow found through SQL visibility with a custom
// search attribute registered through the operator service, and on a second start on the
// same databases (the schema step run again) still has the workflow.
func TestPostgresStorage(t *testing.T) {
	pgURL, err := NamedAfter(testdb.New(t), "_temporal") // dropped with the test's own database
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Storage: PostgreSQL, PostgresURL: pgURL}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	opts.FrontendPort = port
	release([]int{port}) // Start reserves it again

	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	for db, want := range map[string]string{"": schemapg.Version, VisibilitySuffix: schemapg.VisibilityVersion} {
		if got := schemaVersion(ctx, t, pgURL, db); got != want {
			t.Errorf("schema version of %s%s = %q, want %q", pgURL, db, got, want)
		}
	}

	c, err := srv.Dial(ctx, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	attr := temporal.NewSearchAttributeKeyKeyword("ProveNokkel")
	if _, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: srv.Namespace(), SearchAttributes: map[string]enumspb.IndexedValueType{attr.GetName(): enumspb.INDEXED_VALUE_TYPE_KEYWORD},
	}); err != nil {
		t.Fatal(err)
	}
	w := worker.New(c, "prove", worker.Options{})
	w.RegisterWorkflowWithOptions(func(ctx workflow.Context) (string, error) {
		return "ferdig", workflow.UpsertTypedSearchAttributes(ctx, attr.ValueSet("a"))
	}, workflow.RegisterOptions{Name: "Prove"})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "prove-1", TaskQueue: "prove"}, "Prove")
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil || out != "ferdig" {
		t.Fatalf("workflow: %q %v", out, err)
	}
	w.Stop()
	c.Close()
	waitForListed(ctx, t, srv, "ProveNokkel = 'a'")
	if err := srv.Stop(); err != nil {
		t.Logf("stop: %v", err)
	}

	again, err := Start(opts)
	if err != nil {
		t.Fatalf("second start on the same databases: %v", err)
	}
	defer again.Stop()
	waitForListed(ctx, t, again, "ProveNokkel = 'a' AND ExecutionStatus = 'Completed'")
}

// waitForListed waits until visibility lists workflow prove-1 for query; visibility is
// written a moment after the workflow closes.
func waitForListed(ctx context.Context, t *testing.T, srv *Server, query string) {
	t.Helper()
	c, err := srv.Dial(ctx, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query})
		if err == nil && len(resp.GetExecutions()) == 1 && resp.GetExecutions()[0].GetExecution().GetWorkflowId() == "prove-1" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("prove-1 not listed for %q: %v %v", query, resp, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func schemaVersion(ctx context.Context, t *testing.T, pgURL, suffix string) string {
	t.Helper()
	u, err := NamedAfter(pgURL, suffix)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, `SELECT curr_version FROM schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// docker-compose.yml's Temporal lays out its PostgreSQL as this server does: the
// visibility database named after the persistence one, and as many history shards (a
// count a cluster can never change). deploy/compose_test.go checks the rest of the file.
func TestComposeStoresTemporalLikeTheEmbeddedServer(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	env := compose.Services["temporal"].Environment
	if env["DB"] != "postgres12" || env["VISIBILITY_DBNAME"] != env["DBNAME"]+VisibilitySuffix ||
		env["NUM_HISTORY_SHARDS"] != strconv.Itoa(PostgresHistoryShards) {
		t.Errorf("compose's Temporal: DB %q, DBNAME %q, VISIBILITY_DBNAME %q, NUM_HISTORY_SHARDS %q; want postgres12, <name>, <name>%s, %d",
			env["DB"], env["DBNAME"], env["VISIBILITY_DBNAME"], env["NUM_HISTORY_SHARDS"], VisibilitySuffix, PostgresHistoryShards)
	}
}
