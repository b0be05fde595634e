package devserver

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

// Storage is where the embedded server keeps its state.
type Storage string

const (
	// SQLite keeps everything in one file in the data folder (or in memory): nothing to set up.
	SQLite Storage = "sqlite"
	// PostgreSQL keeps persistence and visibility in two PostgreSQL databases, as a
	// production cluster started by temporalio/auto-setup with DB=postgres12 does.
	PostgreSQL Storage = "postgres"
)

// ParseStorage reads a storage name as the command line and the environment give it;
// empty means SQLite.
func ParseStorage(s string) (Storage, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "sqlite":
		return SQLite, nil
	case "postgres", "postgresql":
		return PostgreSQL, nil
	}
	return "", fmt.Errorf("ukjent lagring for Temporal %q: bruk sqlite eller postgres", s)
}

// VisibilitySuffix names the visibility database after the persistence database
// (samarbeid_temporal, samarbeid_temporal_visibility), as auto-setup's DBNAME and
// VISIBILITY_DBNAME do (temporal, temporal_visibility).
const VisibilitySuffix = "_visibility"

// PostgresHistoryShards is the history shard count on PostgreSQL: auto-setup's default, so
// the embedded server and docker-compose.yml lay out the same cluster. The count is written
// into the database on first start and can never change for it.
const PostgresHistoryShards = 4

// Connection pools per Temporal service (frontend, history, matching and worker each have
// their own): small, because the machine's PostgreSQL (max_connections 100) also serves
// samarbeid and every parallel test package.
const (
	postgresMaxConns           = 10
	postgresVisibilityMaxConns = 5
)

// The schema directories in the server module's embedded schema files
// (go.temporal.io/server/schema), which the server's own schema tool applies.
const (
	postgresSchema           = "postgresql/v12/temporal"
	postgresVisibilitySchema = "postgresql/v12/visibility"
)

// postgresPersistence sets up (or upgrades) both databases named by rawURL, its path the
// persistence database and the same name + VisibilitySuffix the visibility one, and
// returns the server's persistence configuration for them and the persistence store's
// connection. It is safe to run at every start: the schema tool applies only the versions
// a database does not have yet.
func postgresPersistence(rawURL string, logger log.Logger) (config.Persistence, *config.SQL, error) {
	main, err := postgresSQLConfig(rawURL)
	if err != nil {
		return config.Persistence{}, nil, err
	}
	main.MaxConns, main.MaxIdleConns = postgresMaxConns, postgresMaxConns
	visibility := *main
	visibility.ConnectAttributes = cloneMap(main.ConnectAttributes)
	visibility.DatabaseName = main.DatabaseName + VisibilitySuffix
	visibility.MaxConns, visibility.MaxIdleConns = postgresVisibilityMaxConns, postgresVisibilityMaxConns

	if err := ensureSchema(*main, postgresSchema, logger); err != nil {
		return config.Persistence{}, nil, fmt.Errorf("Temporal-databasen %s: %w", main.DatabaseName, err)
	}
	if err := ensureSchema(visibility, postgresVisibilitySchema, logger); err != nil {
		return config.Persistence{}, nil, fmt.Errorf("Temporals synlighetsdatabase %s: %w", visibility.DatabaseName, err)
	}
	const store, visibilityStore = "postgres-default", "postgres-visibility"
	return config.Persistence{
		DefaultStore:     store,
		VisibilityStore:  visibilityStore,
		NumHistoryShards: PostgresHistoryShards,
		DataStores: map[string]config.DataStore{
			store:           {SQL: main},
			visibilityStore: {SQL: &visibility},
		},
	}, main, nil
}

// postgresSQLConfig turns a postgres:// URL into the server's SQL settings for the pgx
// plugin. Its query parameters (sslmode and the like) are passed on as they are.
func postgresSQLConfig(rawURL string) (*config.SQL, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, fmt.Errorf("adressen til PostgreSQL for Temporal må være postgres://bruker@vert:port/database (er %q)", redact(rawURL))
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || strings.ContainsAny(name, `/"' `) {
		return nil, fmt.Errorf("adressen til PostgreSQL for Temporal må navngi databasen, f.eks. postgres://postgres@127.0.0.1:5432/samarbeid_temporal (er %q)", redact(rawURL))
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "5432")
	}
	password, _ := u.User.Password()
	attrs := map[string]string{}
	for k, v := range u.Query() {
		if len(v) > 0 {
			attrs[k] = v[0]
		}
	}
	return &config.SQL{
		PluginName:        postgresql.PluginNamePGX,
		DatabaseName:      name,
		ConnectAddr:       addr,
		ConnectProtocol:   "tcp",
		User:              u.User.Username(),
		Password:          password,
		ConnectAttributes: attrs,
		MaxConnLifetime:   time.Hour,
	}, nil
}

// ensureSchema does what auto-setup does with temporal-sql-tool (create, setup-schema -v
// 0.0, update-schema), through the same Go packages that tool is built from.
func ensureSchema(cfg config.SQL, schemaName string, logger log.Logger) error {
	if err := ensureDatabase(cfg, logger); err != nil {
		return err
	}
	conn, err := sqltool.NewConnection(&cfg, logger)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := schema.NewSetupSchemaTask(conn, &schema.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
		return fmt.Errorf("setup-schema: %w", err)
	}
	if err := schema.NewUpdateSchemaTask(conn, &schema.UpdateConfig{SchemaName: schemaName}, logger).Run(); err != nil {
		return fmt.Errorf("update-schema: %w", err)
	}
	return nil
}

// ensureDatabase creates the database unless it can already be reached, so a user without
// CREATEDB can run on databases an administrator made.
func ensureDatabase(cfg config.SQL, logger log.Logger) error {
	if conn, err := sqltool.NewConnection(&cfg, logger); err == nil {
		err = conn.Exec("SELECT 1")
		conn.Close()
		if err == nil {
			return nil
		}
	}
	// The tool connects to the maintenance database to create the new one, as
	// temporal-sql-tool create --defaultdb postgres does.
	if err := sqltool.DoCreateDatabase(&cfg, "postgres", logger); err != nil {
		return fmt.Errorf("oppretter databasen (brukeren trenger CREATEDB, eller lag databasen på forhånd): %w", err)
	}
	return nil
}

// NamedAfter is rawURL with its database renamed to the database's name + suffix: the
// embedded server's databases are named after samarbeid's own (samarbeid →
// samarbeid_temporal, samarbeid_temporal_visibility), on the same server.
func NamedAfter(rawURL, suffix string) (string, error) {
	u, err := url.Parse(rawURL)
	name := ""
	if err == nil {
		name = strings.TrimPrefix(u.Path, "/")
	}
	if name == "" {
		return "", fmt.Errorf("finner ikke databasenavnet i %q", redact(rawURL))
	}
	u.Path = "/" + name + suffix
	u.RawPath = ""
	return u.String(), nil
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// redact hides a password in a URL for error messages.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
