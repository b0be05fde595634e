// Package app assembles samarbeid: PostgreSQL, Temporal (embedded or remote), the worker,
// the bot and, without Slack tokens, the local Slack stand-in. `samarbeid dev` and the
// integration tests start it the same way.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/bot"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/devserver"
	"github.com/samarbeid/samarbeid/metrics"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/webconsole"
	"github.com/samarbeid/samarbeid/worker"
)

// App is a running samarbeid.
type App struct {
	Store     *store.Store
	Temporal  client.Client
	Namespace string
	// SlackLocal is the stand-in, or nil when talking to the real Slack.
	SlackLocal *slacklocal.Server
	// URL is the HTTP server's base URL (the stand-in's page when it runs).
	URL string
	// Codec encrypts every payload this app's Temporal client writes, and decrypts them.
	Codec *codec.Codec
	// CodecToken is the codec endpoint's bearer token (made at start in dev when none is set).
	CodecToken string

	log         *slog.Logger
	databaseURL string
	dev         *devserver.Server
	metrics     *metrics.Metrics
	bot         *bot.Bot
	socket      *bot.SocketMode // Socket Mode, when SLACK_APP_TOKEN is set
	worker      sdkworker.Worker
	http        *http.Server
	serveErr    chan error
	payloadKeys string
	// The web console (console.go): its access log, and what to close at Stop.
	ConsoleAccess webconsole.AccessLog
	ConsoleURL    string // "" when the console is off
	closeConsole  func()
}

// localBotToken is what the bot and the stand-in agree on; it opens nothing real.
const localBotToken = "xoxb-lokal-samarbeid"

// Start brings everything up; on error, what was started is stopped again.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	if log == nil {
		log = slog.Default()
	}
	// a is a local, not the named result: a failed start returns nil but still stops what
	// it had started.
	a := &App{log: log, Namespace: cfg.TemporalNamespace, serveErr: make(chan error, 1), databaseURL: cfg.DatabaseURL,
		metrics: metrics.New()}
	defer func() {
		if err != nil {
			a.Stop()
		}
	}()
	if a.Namespace == "" {
		a.Namespace = "default"
	}

	if cfg.TemporalNamespace == "" {
		cfg.TemporalNamespace = "default"
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	municipality := policy.DefaultMunicipality()
	if cfg.PolicyFile != "" {
		if municipality, err = policy.LoadFile(cfg.PolicyFile); err != nil {
			return nil, err
		}
		log.Info("fristpolicy lest", "fil", cfg.PolicyFile, "versjon", municipality.Version)
	}

	if err := EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("databasemigrering: %w", err)
	}
	if a.Store, err = store.Open(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	if cfg.Seed {
		if err := a.Store.Seed(ctx); err != nil {
			return nil, fmt.Errorf("demodata: %w", err)
		}
	}

	if a.Codec, a.payloadKeys, err = cfg.payloadCodec(log); err != nil {
		return nil, err
	}
	if err := a.connectTemporal(ctx, cfg); err != nil {
		return nil, err
	}
	if err := worker.RegisterSearchAttributes(ctx, a.Temporal, a.Namespace); err != nil {
		return nil, err
	}
	if a.dev != nil {
		a.dev.SettleSearchAttributes()
	}

	listener, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("kan ikke lytte på HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	a.URL = "http://" + displayAddr(listener.Addr())
	mux := http.NewServeMux()

	signingSecret, botToken, apiURL := cfg.SlackSigningSecret, cfg.SlackBotToken, cfg.SlackAPIURL
	if botToken == "" && !cfg.NoBot {
		// No Slack: serve the stand-in on the same port, talking to this bot.
		// A given secret is kept, so a second bot (the benchmark's) can take the stand-in's requests.
		if signingSecret == "" {
			signingSecret = randomSecret()
		}
		botToken, apiURL = localBotToken, a.URL+"/api/"
		users, channels, err := a.localWorkspace(ctx)
		if err != nil {
			listener.Close()
			return nil, err
		}
		// The stand-in holds the bot to Slack's posting limit (429 with Retry-After), so a
		// violation shows in tests and in dev as it would in production.
		limit := &slacklocal.SlackRateLimit
		if cfg.NoSlackLimits {
			limit = nil
		}
		a.SlackLocal = slacklocal.New(slacklocal.Options{
			SigningSecret: signingSecret, BotToken: botToken, BotURL: a.URL, PublicURL: a.URL,
			Users: users, Channels: channels, RateLimit: limit,
		})
		mux.Handle("/", a.SlackLocal.Handler())
	} else if botToken == "" {
		listener.Close()
		return nil, errors.New("SLACK_BOT_TOKEN mangler: en worker uten bot i samme prosess må kunne poste til Slack")
	} else if signingSecret == "" && !cfg.NoBot && cfg.SlackAppToken == "" {
		listener.Close()
		return nil, errors.New("SLACK_SIGNING_SECRET mangler: den trengs for å kontrollere at forespørslene kommer fra Slack (eller sett SLACK_APP_TOKEN for Socket Mode, som ikke trenger den)")
	}
	var slackOpts []slack.Option
	if apiURL != "" {
		slackOpts = append(slackOpts, slack.OptionAPIURL(apiURL))
	}
	slackClient := slack.New(botToken, slackOpts...)

	messenger := &bot.Messenger{Slack: slackClient, Directory: a.Store, Metrics: a.metrics, Language: cfg.Language, Digest: a.Store,
		Notices: a.Store}
	if !cfg.NoSlackLimits {
		messenger.PerChannel, messenger.Burst = 1, 3 // Slack: about one message a second per channel
	}
	acts := &activities.Activities{
		Messenger: messenger,
		Ledger:    worker.StoreLedger{Store: a.Store},
		Consents:  worker.StoreConsents{Store: a.Store},
		Cases:     worker.TemporalCases{Client: a.Temporal},
		Digest:    bot.KEDigest{Slack: slackClient, Directory: a.Store, Store: a.Store, Visibility: a.Temporal, Language: cfg.Language},
	}
	if !cfg.NoWorker {
		a.worker = worker.New(a.Temporal, acts, cfg.WorkerSettings())
		hour, minute, _ := cfg.digestTime() // checked in Validate
		if err := worker.EnsureKEDigestSchedule(ctx, a.Temporal, hour, minute); err != nil {
			listener.Close()
			return nil, err
		}
		if err := worker.EnsureLedgerAnchorSchedule(ctx, a.Temporal); err != nil {
			listener.Close()
			return nil, err
		}
		if err := a.worker.Start(); err != nil {
			listener.Close()
			return nil, fmt.Errorf("Temporal-worker: %w", err)
		}
	}
	if !cfg.NoBot {
		a.bot = bot.New(bot.Config{Temporal: a.Temporal, Slack: slackClient, Directory: a.Store, SigningSecret: signingSecret,
			Logger: log, Policy: municipality, Metrics: a.metrics, Language: cfg.Language, Access: a.Store, Ledger: a.Store,
			Nonces: a.Store})
		if signingSecret != "" { // Socket Mode alone has no secret to check HTTP requests with
			a.bot.Register(mux)
		}
	}
	a.CodecToken = cfg.CodecToken
	if a.CodecToken == "" && cfg.TemporalAddress == "" {
		a.CodecToken = randomSecret() // dev: printed for the embedded Web UI's login
	}
	mux.Handle("/codec/", a.Codec.Handler(codec.HandlerOptions{Token: a.CodecToken, Origins: cfg.codecOrigins(),
		UIURL: cfg.WebUIURL, Language: cfg.Language}))
	if err := a.startConsole(ctx, cfg, mux); err != nil {
		listener.Close()
		return nil, err
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.Handler())
	a.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { a.serveErr <- a.http.Serve(listener) }()
	if cfg.SlackAppToken != "" && a.bot != nil {
		// Socket Mode: Slack's requests arrive over a WebSocket samarbeid opens; no public URL.
		a.socket = a.bot.SocketMode(bot.SocketModeConfig{Silence: cfg.SocketSilence,
			Slack: slack.New(botToken, append(slackOpts, slack.OptionAppLevelToken(cfg.SlackAppToken))...)})
		if err := a.socket.Start(ctx, 15*time.Second); err != nil {
			return nil, fmt.Errorf("Socket Mode (SLACK_APP_TOKEN): %w", err)
		}
		go func() {
			if err, ok := <-a.socket.Err(); ok && err != nil {
				select {
				case a.serveErr <- fmt.Errorf("Socket Mode (SLACK_APP_TOKEN): %w", err):
				default:
				}
			}
		}()
	}
	return a, nil
}

func (a *App) connectTemporal(ctx context.Context, cfg Config) error {
	opts := client.Options{Namespace: a.Namespace, Logger: sdklog.NewStructuredLogger(a.log.With("komponent", "temporal")),
		MetricsHandler: a.metrics.TemporalHandler(), DataConverter: a.Codec.DataConverter()}
	defer func() {
		if a.Temporal != nil {
			codec.Register(a.Temporal, opts.DataConverter)
		}
	}()
	if cfg.TemporalAddress != "" {
		opts.HostPort = cfg.TemporalAddress
		if err := cfg.temporalConnection(&opts); err != nil {
			return fmt.Errorf("TLS mot Temporal: %w", err)
		}
		c, err := client.DialContext(ctx, opts)
		if err != nil {
			return fmt.Errorf("får ikke kontakt med Temporal på TEMPORAL_ADDRESS=%s: %w", cfg.TemporalAddress, err)
		}
		a.Temporal = c
		return nil
	}
	if testTemporalStorage != nil {
		testTemporalStorage(&cfg)
	}
	storage, pgURL, err := cfg.EmbeddedStorage()
	if err != nil {
		return err
	}
	dev, err := devserver.Start(devserver.Options{Storage: storage, PostgresURL: pgURL, DataDir: cfg.DataDir,
		Namespace: a.Namespace, FrontendPort: cfg.TemporalPort})
	if err != nil {
		return fmt.Errorf("innebygd Temporal: %w", err)
	}
	a.dev = dev
	dialCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	a.Temporal, err = dev.Dial(dialCtx, opts)
	return err
}

// TemporalAddress is where the Temporal frontend listens, for the CLI or the Web UI.
func (a *App) TemporalAddress() string {
	if a.dev != nil {
		return a.dev.HostPort()
	}
	return ""
}

// TemporalStorage says where the embedded Temporal server keeps its state ("" without one).
func (a *App) TemporalStorage() string {
	if a.dev != nil {
		return a.dev.Where()
	}
	return ""
}

// CodecURL is the codec endpoint's base, as Temporal's Web UI and CLI take it (they add
// /decode and /encode). On this machine it names 127.0.0.1, the embedded Web UI's host, so
// the session cookie from /codec/login goes with the UI's calls.
func (a *App) CodecURL() string {
	return strings.Replace(a.URL, "//localhost:", "//127.0.0.1:", 1) + "/codec"
}

// PayloadKeys is the key ring this app encrypts with, for a second process of the same
// installation that is given no key of its own (tests, the benchmark's worker).
func (a *App) PayloadKeys() string { return a.payloadKeys }

// localWorkspace gives the stand-in the directory's staff as users and services as channels.
func (a *App) localWorkspace(ctx context.Context) ([]slacklocal.User, []slacklocal.Channel, error) {
	staff, err := a.Store.StaffList(ctx)
	if err != nil {
		return nil, nil, err
	}
	services, err := a.Store.Services(ctx)
	if err != nil {
		return nil, nil, err
	}
	users := make([]slacklocal.User, 0, len(staff))
	for _, s := range staff {
		users = append(users, slacklocal.User{ID: s.SlackUserID, Name: s.Name})
	}
	channels := make([]slacklocal.Channel, 0, len(services))
	for _, s := range services {
		channels = append(channels, slacklocal.Channel{ID: s.SlackChannel, Name: localChannelName(s)})
	}
	return users, channels, nil
}

func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.Store.Ping(ctx); err != nil {
		http.Error(w, "PostgreSQL svarer ikke: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if _, err := a.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		http.Error(w, "Temporal svarer ikke: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if a.socket != nil && !a.socket.IsConnected() {
		// The watchdog is reconnecting; until it has, no command or click reaches the bot.
		http.Error(w, "Slack (Socket Mode) er ikke tilkoblet", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("klar\n"))
}

// Wait blocks until ctx ends or the HTTP server fails.
func (a *App) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-a.serveErr:
		return err
	}
}

// Stop shuts down in reverse order: HTTP first, so nothing new arrives; then the bot
// finishes what it acknowledged to Slack; then the worker drains its running tasks; then
// Temporal and PostgreSQL.
func (a *App) Stop() {
	if a.socket != nil {
		a.socket.Stop() // nothing new arrives; what came is acknowledged first
	}
	if a.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = a.http.Shutdown(ctx)
		if a.bot != nil {
			a.bot.Wait(ctx)
		}
		cancel()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	if a.Temporal != nil {
		codec.Forget(a.Temporal)
		a.Temporal.Close()
	}
	if a.dev != nil {
		if err := a.dev.Stop(); err != nil {
			a.log.Warn("stopp av innebygd Temporal", "feil", err)
		}
	}
	if a.closeConsole != nil {
		a.closeConsole()
	}
	if a.Store != nil {
		a.Store.Close()
	}
}

func randomSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080" for links.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}
