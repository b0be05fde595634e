// Package devserver runs a complete Temporal server inside the samarbeid process, backed by
// SQLite or by PostgreSQL. On SQLite `samarbeid dev` keeps its file under a data folder so
// that cases survive a restart, and tests run it in memory. On PostgreSQL it keeps
// persistence and visibility in two databases of their own, set up with the server's own
// schema tooling, which is how a production cluster stores them (docker-compose.yml).
//
// Why our own: go.temporal.io/server/temporaltest only runs in memory and keeps its SQLite
// helper in an internal package, and the Temporal CLI cannot be fetched on these machines.
package devserver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Options describe one embedded server.
type Options struct {
	// Storage is SQLite (the default) or PostgreSQL.
	Storage Storage
	// DataDir holds the SQLite file. Empty means in memory: everything is lost on Stop.
	// On PostgreSQL it only marks the state as lasting (see serverConfig).
	DataDir string
	// PostgresURL names the PostgreSQL persistence database with PostgreSQL storage,
	// e.g. postgres://postgres@127.0.0.1:5432/samarbeid_temporal?sslmode=disable; the
	// visibility database is the same name + VisibilitySuffix. Both are made if missing,
	// and their schemas set up or upgraded at every start.
	PostgresURL string
	// Namespace is registered on start if it does not exist.
	Namespace string
	// FrontendPort is the gRPC port clients dial on 127.0.0.1; 0 picks a free one.
	FrontendPort int
	// Logger receives the server's own logs; nil discards them unless SAMARBEID_TEMPORAL_LOG
	// names a level (debug, info, warn, error). The server is chatty, above all when it stops.
	Logger log.Logger
}

// Server is a running embedded Temporal server.
type Server struct {
	inner    temporal.Server
	hostPort string
	where    string // where the state is kept, for the operator
	ns       string
	ports    []int

	forceRefreshOff func() // ends the forced search-attribute cache refresh
	mu              sync.Mutex
	settle          *time.Timer
}

const host = "127.0.0.1"

// Start creates the schema if needed, registers the namespace and starts all four Temporal
// services (frontend, history, matching, worker) in this process.
func Start(opts Options) (*Server, error) {
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.Logger == nil {
		opts.Logger = log.NewNoopLogger()
		if level := os.Getenv("SAMARBEID_TEMPORAL_LOG"); level != "" {
			opts.Logger = log.NewZapLogger(log.BuildZapLogger(log.Config{Level: level}))
		}
	}
	var persistence config.Persistence
	var storeCfg *config.SQL // where the namespace is written
	var err error
	var where string
	lasting := opts.DataDir != ""
	switch opts.Storage {
	case "", SQLite:
		persistence, storeCfg, err = sqlitePersistence(opts.DataDir)
		if err == nil {
			where = "SQLite i minnet"
			if opts.DataDir != "" {
				where = "SQLite i " + storeCfg.DatabaseName
			}
		}
	case PostgreSQL:
		persistence, storeCfg, err = postgresPersistence(opts.PostgresURL, opts.Logger)
		if err == nil {
			where = fmt.Sprintf("PostgreSQL på %s, databasene %s og %s", storeCfg.ConnectAddr, storeCfg.DatabaseName, storeCfg.DatabaseName+VisibilitySuffix)
		}
		// The databases outlive the server; a restart on the same frontend port must
		// find the cluster's members where it left them.
		lasting = lasting || opts.FrontendPort != 0
	default:
		err = fmt.Errorf("ukjent lagring for Temporal %q", opts.Storage)
	}
	if err != nil {
		return nil, err
	}

	port := opts.FrontendPort
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	cfg, err := serverConfig(persistence, port, lasting)
	if err != nil {
		return nil, err
	}
	// Every port the server binds is held for it (ports derived from a fixed frontend port
	// are taken here; the picked ones are held already), and given back on Stop.
	ports := []int{port, cfg.Global.PProf.Port}
	for _, svc := range cfg.Services {
		ports = append(ports, svc.RPC.GRPCPort, svc.RPC.MembershipPort)
	}
	for _, p := range ports {
		reserve(p)
	}

	nsCfg, err := sqlite.NewNamespaceConfig(cfg.ClusterMetadata.CurrentClusterName, opts.Namespace, false, nil)
	if err != nil {
		return nil, err
	}
	// Closed cases stay visible in Temporal for 30 days; the audit ledger in PostgreSQL is
	// the lasting record and never depends on this retention.
	nsCfg.Detail.Config.Retention = durationpb.New(30 * 24 * time.Hour)
	// The server's helper writes the namespace row through the SQL plugin the config names,
	// so it serves PostgreSQL as well as SQLite; it leaves an existing namespace alone.
	if err := sqlite.CreateNamespaces(storeCfg, nsCfg); err != nil {
		return nil, fmt.Errorf("temporal namespace: %w", err)
	}

	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return nil, err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, opts.Logger)
	if err != nil {
		return nil, err
	}
	// New search attributes must be usable at once, not after the server's one-minute cache
	// refresh, so the cache is re-read on every read until they have settled. Temporal warns
	// against leaving that on: it costs a metadata read per row, and a KE overview of a few
	// thousand cases then takes seconds (docs/BENCHMARKS.md, "Skala"). SettleSearchAttributes
	// ends it.
	dc := dynamicconfig.NewMemoryClient()
	forceRefreshOff := dc.OverrideValue(dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(), true)
	inner, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(opts.Logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dc),
	)
	if err != nil {
		return nil, fmt.Errorf("temporal server: %w", err)
	}
	if err := inner.Start(); err != nil {
		return nil, fmt.Errorf("temporal server start: %w", err)
	}
	return &Server{inner: inner, hostPort: net.JoinHostPort(host, strconv.Itoa(port)), ns: opts.Namespace, ports: ports, where: where,
		forceRefreshOff: forceRefreshOff}, nil
}

// searchAttributesSettle is how long after registration every service's search-attribute
// cache has expired once (the server refreshes it each minute) and so holds the new ones.
const searchAttributesSettle = 70 * time.Second

// SettleSearchAttributes is called once the search attributes are registered: a while
// later, when every cache has the new ones, the server stops re-reading them on each read.
func (s *Server) SettleSearchAttributes() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settle == nil {
		s.settle = time.AfterFunc(searchAttributesSettle, s.forceRefreshOff)
	}
}

// Where says where the server keeps its state (storage, file or databases).
func (s *Server) Where() string { return s.where }

// HostPort is the frontend address for client.Dial.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the registered namespace.
func (s *Server) Namespace() string { return s.ns }

// Dial connects a client, retrying while the frontend comes up.
func (s *Server) Dial(ctx context.Context, opts client.Options) (client.Client, error) {
	opts.HostPort = s.hostPort
	if opts.Namespace == "" {
		opts.Namespace = s.ns
	}
	var lastErr error
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("kobler til innebygd Temporal: %w", lastErr)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Stop shuts the server down and gives its ports back.
func (s *Server) Stop() error {
	s.mu.Lock()
	if s.settle != nil {
		s.settle.Stop()
	}
	s.mu.Unlock()
	err := s.inner.Stop()
	release(s.ports)
	return err
}

// serviceOffsets place each service's gRPC port after the frontend's, as in Temporal's own
// default configuration (7233, 7234, 7235, 7239), with membership ports 300 below.
var serviceOffsets = []struct {
	name   string
	offset int
}{{"frontend", 0}, {"history", 1}, {"matching", 2}, {"worker", 6}}

const membershipOffset = -300

// sqlitePersistence is one SQLite database for persistence and visibility: a file in
// dataDir, or in memory when dataDir is empty.
func sqlitePersistence(dataDir string) (config.Persistence, *config.SQL, error) {
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName, ConnectAttributes: map[string]string{}}
	if dataDir == "" {
		sqlCfg.DatabaseName = "samarbeid-" + strconv.Itoa(rand.IntN(1_000_000_000))
		sqlCfg.ConnectAttributes["mode"] = "memory"
		sqlCfg.ConnectAttributes["cache"] = "shared" // the plugin sets up the schema itself
	} else {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return config.Persistence{}, nil, fmt.Errorf("datamappe for Temporal: %w", err)
		}
		sqlCfg.DatabaseName = filepath.Join(dataDir, "temporal.sqlite")
		sqlCfg.ConnectAttributes["mode"] = "rwc"
		sqlCfg.ConnectAttributes["_journal_mode"] = "WAL"
		sqlCfg.ConnectAttributes["_synchronous"] = "NORMAL"
		if _, err := os.Stat(sqlCfg.DatabaseName); os.IsNotExist(err) {
			if err := sqlite.SetupSchema(sqlCfg); err != nil {
				return config.Persistence{}, nil, fmt.Errorf("temporal schema: %w", err)
			}
		}
	}
	return config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
	}, sqlCfg, nil
}

// serverConfig lays out the services. With lasting state the ports follow from the
// frontend port: the database remembers the cluster's members, and a restarted server
// only joins its own ring again if it comes back on the same addresses. For a server
// whose state dies with it every port is simply free.
func serverConfig(persistence config.Persistence, frontendPort int, fixedPorts bool) (*config.Config, error) {
	services := map[string]config.Service{}
	for _, svc := range serviceOffsets {
		grpcPort, membership := frontendPort+svc.offset, frontendPort+svc.offset+membershipOffset
		if !fixedPorts {
			var err error
			if svc.offset != 0 {
				if grpcPort, err = freePort(); err != nil {
					return nil, err
				}
			}
			if membership, err = freePort(); err != nil {
				return nil, err
			}
		}
		services[svc.name] = config.Service{RPC: config.RPC{GRPCPort: grpcPort, MembershipPort: membership, BindOnIP: host}}
	}
	pprof, err := freePort()
	if err != nil {
		return nil, err
	}
	frontend := net.JoinHostPort(host, strconv.Itoa(frontendPort))
	return &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host},
			PProf:      config.PProf{Port: pprof},
		},
		Persistence: persistence,
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		// The server's internal workers dial the frontend like any client.
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}

func freePort() (int, error) { return FreePort() }
