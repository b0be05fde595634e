package app

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/devserver"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/worker"
)

// Config is samarbeid's environment (DESIGN.md, "Contracts that stay stable"), read in this
// one place and checked as a whole before anything starts.
type Config struct {
	DatabaseURL       string `env:"DATABASE_URL"`
	TemporalAddress   string `env:"TEMPORAL_ADDRESS"` // empty: run an embedded Temporal server
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE" envDefault:"default"`
	// Temporal Cloud or a TLS-protected cluster: an API key, or a client certificate (mTLS).
	TemporalAPIKey  string `env:"TEMPORAL_API_KEY"`
	TemporalTLSCert string `env:"TEMPORAL_TLS_CERT"`
	TemporalTLSKey  string `env:"TEMPORAL_TLS_KEY"`
	// TemporalTLSCA is the CA that signed the cluster's server certificate, when it is not
	// one the system trusts; TemporalTLSServerName the name to check it against, when it
	// is not TEMPORAL_ADDRESS's host.
	TemporalTLSCA         string `env:"TEMPORAL_TLS_CA"`
	TemporalTLSServerName string `env:"TEMPORAL_TLS_SERVER_NAME"`
	// TemporalDB is the embedded server's storage (no TEMPORAL_ADDRESS): sqlite, the
	// default, or postgres, as a production cluster stores it.
	TemporalDB string `env:"SAMARBEID_TEMPORAL_DB"`
	// TemporalDatabaseURL is the PostgreSQL database the embedded server keeps its state in
	// with SAMARBEID_TEMPORAL_DB=postgres (visibility in the same name + _visibility). Empty:
	// on DATABASE_URL's server, named after its database (samarbeid_temporal and
	// samarbeid_temporal_visibility).
	TemporalDatabaseURL string `env:"SAMARBEID_TEMPORAL_DATABASE_URL"`
	SlackBotToken       string `env:"SLACK_BOT_TOKEN"` // empty: serve the local Slack stand-in
	SlackAppToken       string `env:"SLACK_APP_TOKEN"`
	SlackSigningSecret  string `env:"SLACK_SIGNING_SECRET"`
	SlackAPIURL         string `env:"SLACK_API_URL"`
	HTTPAddr            string `env:"HTTP_ADDR" envDefault:":8080"`
	// Sign in with Slack for the web console (/konsoll/): the Slack app's client ID and
	// secret, and the OpenID Connect issuer (Slack's own unless set). Unset with the stand-in:
	// it plays the provider itself.
	SlackClientID     string `env:"SLACK_CLIENT_ID"`
	SlackClientSecret string `env:"SLACK_CLIENT_SECRET"`
	SlackOIDCIssuer   string `env:"SLACK_OIDC_ISSUER" envDefault:"https://slack.com"`
	// PublicURL is the address people reach samarbeid at (https://…), for the console's
	// redirect URL; empty: the listening address (samarbeid dev, http://localhost:8080).
	PublicURL string `env:"SAMARBEID_PUBLIC_URL"`
	// PolicyFile is the municipality's deadline policy (YAML); empty uses DOMAIN.md's defaults.
	PolicyFile string `env:"SAMARBEID_POLICY"`
	// Language is the workspace's language: nb (bokmål, the default), nn (nynorsk) or en.
	// A user's own choice (/samarbeid språk) wins for what only they see.
	Language string `env:"SAMARBEID_LANGUAGE" envDefault:"nb"`
	// DigestAt is when the KE's daily digest goes out on weekdays, HH:MM Oslo time.
	DigestAt string `env:"SAMARBEID_DAGSOVERSIKT" envDefault:"07:30"`
	// PayloadKeys encrypt every payload in Temporal's histories (AES-256-GCM):
	// "id1:base64key,id2:base64key", the first encrypting, all decrypting (key rotation).
	// Required with TEMPORAL_ADDRESS; `dev` makes one and keeps it in its data directory.
	PayloadKeys string `env:"SAMARBEID_PAYLOAD_KEYS"`
	// CodecToken is the bearer token the codec endpoint (/codec/decode, /codec/encode)
	// decrypts for; empty serves no one (`dev` makes one and prints it).
	CodecToken string `env:"SAMARBEID_CODEC_TOKEN"`
	// CodecOrigins are the Temporal Web UI origins allowed to call the codec endpoint from a
	// browser, comma-separated, e.g. https://temporal.kommune.no.
	CodecOrigins string `env:"SAMARBEID_CODEC_ORIGINS"`
	// ExportSigningKey signs `audit export` (Ed25519, base64; `samarbeid audit signing-key`
	// makes one), so Statsforvalteren can check a file with the public key alone.
	ExportSigningKey string `env:"SAMARBEID_EXPORT_SIGNING_KEY"`
	// ExportPublicKey is the public key (base64) `audit verify --anker` checks an export's
	// signature with; unset, the signing key's own public key is used, if that is set.
	ExportPublicKey string `env:"SAMARBEID_EXPORT_PUBLIC_KEY"`
	// The worker's size (worker.Settings): workflows kept in memory between tasks (the
	// sticky cache, process-wide), and the long polls for workflow and activity tasks. Zero
	// or unset: worker.DefaultSettings, chosen from docs/BENCHMARKS.md.
	WorkerStickyCache     int `env:"SAMARBEID_WORKER_STICKY_CACHE"`
	WorkerWorkflowPollers int `env:"SAMARBEID_WORKER_WORKFLOW_POLLERS"`
	WorkerActivityPollers int `env:"SAMARBEID_WORKER_ACTIVITY_POLLERS"`
	// envErr is what FromEnv could not read (a number that is not one); Validate says it.
	envErr error

	// Set by the command, not the environment.
	DataDir      string // the embedded Temporal server's state; empty keeps it in memory
	TemporalPort int    // the embedded server's frontend port; 0 picks a free one
	Seed         bool   // load the demo municipality into the directory
	// NoWorker and NoBot leave a part out, so worker and bot can run as separate processes.
	NoWorker, NoBot bool
	// NoSlackLimits lifts Slack's per-channel posting limit from the stand-in and the pacing
	// from the messenger. Only the benchmark sets it, to measure samarbeid rather than the
	// limit; everything else runs as against the real Slack.
	NoSlackLimits bool
	// SocketSilence is how long a Socket Mode connection may stay quiet before it is replaced;
	// zero means bot.DefaultSocketSilence (2 minutes).
	SocketSilence time.Duration
	// WebUIURL is the embedded Temporal Web UI that `dev` starts (scheme://host:port): the
	// codec endpoint lets it in (CORS) and its login page links to it.
	WebUIURL string
}

// DefaultDatabaseURL is the local PostgreSQL these machines run, with trust auth.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/samarbeid?sslmode=disable"

// FromEnv reads the environment with the defaults `samarbeid dev` needs.
func FromEnv() Config {
	cfg := Config{DatabaseURL: DefaultDatabaseURL}
	// Only the worker's numbers can fail to parse; Validate reports that with the rest.
	cfg.envErr = env.ParseWithOptions(&cfg, env.Options{Environment: env.ToMap(os.Environ())})
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = DefaultDatabaseURL
	}
	return cfg
}

// Validate checks every setting and names each one that is wrong, so one start tells the
// operator everything to fix.
func (c Config) Validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if _, err := pgx.ParseConfig(c.DatabaseURL); err != nil {
		bad("DATABASE_URL kan ikke leses: %v", err)
	}
	if c.TemporalAddress != "" {
		if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
			bad("TEMPORAL_ADDRESS må være vert:port, f.eks. temporal:7233 (er %q)", c.TemporalAddress)
		}
	}
	if (c.TemporalAPIKey != "" || c.TemporalTLSCert != "" || c.TemporalTLSCA != "") && c.TemporalAddress == "" {
		bad("TEMPORAL_API_KEY, TEMPORAL_TLS_CERT og TEMPORAL_TLS_CA gjelder en ekstern Temporal: sett TEMPORAL_ADDRESS")
	}
	if c.TemporalTLSCA != "" {
		if _, err := c.temporalRootCAs(); err != nil {
			bad("TEMPORAL_TLS_CA kan ikke leses: %v", err)
		}
	}
	if _, _, err := c.EmbeddedStorage(); err != nil {
		bad("%v", err)
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		bad("TEMPORAL_TLS_CERT og TEMPORAL_TLS_KEY må settes sammen")
	} else if c.TemporalTLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey); err != nil {
			bad("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY kan ikke leses: %v", err)
		}
	}
	if strings.TrimSpace(c.TemporalNamespace) == "" {
		bad("TEMPORAL_NAMESPACE er tom")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("HTTP_ADDR må være [vert]:port, f.eks. :8080 (er %q)", c.HTTPAddr)
	}
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		bad("SLACK_BOT_TOKEN må være et bot-token som begynner med xoxb-")
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		bad("SLACK_APP_TOKEN må være et app-token som begynner med xapp-")
	}
	if c.SlackAppToken != "" && c.SlackBotToken == "" && !c.NoBot {
		bad("SLACK_APP_TOKEN (Socket Mode) trenger også SLACK_BOT_TOKEN: boten poster meldinger og åpner modaler med bot-tokenet")
	}
	if c.SlackAPIURL != "" {
		if u, err := url.Parse(c.SlackAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("SLACK_API_URL må være en http(s)-adresse, f.eks. https://slack.com/api/ (er %q)", c.SlackAPIURL)
		}
	}
	if _, _, err := c.digestTime(); err != nil {
		bad("SAMARBEID_DAGSOVERSIKT må være et klokkeslett TT:MM, f.eks. 07:30 (er %q)", c.DigestAt)
	}
	if c.PolicyFile != "" {
		if _, err := policy.LoadFile(c.PolicyFile); err != nil {
			bad("SAMARBEID_POLICY: %v", err)
		}
	}
	if (c.SlackClientID == "") != (c.SlackClientSecret == "") {
		bad("SLACK_CLIENT_ID og SLACK_CLIENT_SECRET må settes sammen (Sign in with Slack for nettkonsollet)")
	}
	if c.SlackOIDCIssuer != "" && !isWebURL(c.SlackOIDCIssuer) {
		bad("SLACK_OIDC_ISSUER må være en http(s)-adresse, f.eks. https://slack.com (er %q)", c.SlackOIDCIssuer)
	}
	if c.PublicURL != "" {
		if !isWebURL(c.PublicURL) {
			bad("SAMARBEID_PUBLIC_URL må være en http(s)-adresse, f.eks. https://samarbeid.kommune.no (er %q)", c.PublicURL)
		} else if u, _ := url.Parse(c.PublicURL); u.Scheme != "https" && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" {
			bad("SAMARBEID_PUBLIC_URL må bruke https utenfor denne maskinen, ellers sender ikke nettleseren konsollets sikre informasjonskapsel (er %q)", c.PublicURL)
		}
	}
	if c.SlackClientID != "" && c.SlackBotToken != "" && c.PublicURL == "" {
		bad("SAMARBEID_PUBLIC_URL mangler: Slack sender folk tilbake til nettkonsollet på den adressen (SLACK_CLIENT_ID er satt)")
	}
	if c.Language != "" && !i18n.Valid(c.Language) {
		bad("SAMARBEID_LANGUAGE må være nb (bokmål), nn (nynorsk) eller en (engelsk) (er %q)", c.Language)
	}
	if c.PayloadKeys != "" {
		if _, err := codec.Parse(c.PayloadKeys); err != nil {
			bad("SAMARBEID_PAYLOAD_KEYS: %v", err)
		}
	} else if c.TemporalAddress != "" {
		bad("SAMARBEID_PAYLOAD_KEYS mangler: historikken i Temporal krypteres, og nøkkelen må være den samme i worker og bot. Lag en med `openssl rand -base64 32` og sett SAMARBEID_PAYLOAD_KEYS=n1:<nøkkelen>")
	}
	if c.ExportSigningKey != "" {
		if _, err := audit.ParseSigningKey(c.ExportSigningKey); err != nil {
			bad("SAMARBEID_EXPORT_SIGNING_KEY: %v", err)
		}
	}
	if c.ExportPublicKey != "" {
		if _, err := audit.ParsePublicKey(c.ExportPublicKey); err != nil {
			bad("SAMARBEID_EXPORT_PUBLIC_KEY: %v", err)
		}
	}
	for _, o := range c.codecOrigins() {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			bad("SAMARBEID_CODEC_ORIGINS må være adresser som https://temporal.kommune.no, skilt med komma (fikk %q)", o)
		}
	}
	if c.envErr != nil {
		bad("miljøvariabler kan ikke leses: %v", c.envErr)
	}
	if err := c.WorkerSettings().Check(); err != nil {
		bad("SAMARBEID_WORKER_STICKY_CACHE, SAMARBEID_WORKER_WORKFLOW_POLLERS, SAMARBEID_WORKER_ACTIVITY_POLLERS: %v", err)
	}
	if len(problems) > 0 {
		return errors.New("samarbeid starter ikke, fordi konfigurasjonen har feil:\n  - " + strings.Join(problems, "\n  - "))
	}
	return nil
}

// WorkerSettings is the worker's size: the environment's, and worker.DefaultSettings for
// what it leaves unset (zero).
func (c Config) WorkerSettings() worker.Settings {
	s := worker.DefaultSettings()
	if c.WorkerStickyCache != 0 {
		s.StickyCacheSize = c.WorkerStickyCache
	}
	if c.WorkerWorkflowPollers != 0 {
		s.WorkflowPollers = c.WorkerWorkflowPollers
	}
	if c.WorkerActivityPollers != 0 {
		s.ActivityPollers = c.WorkerActivityPollers
	}
	return s
}

// codecOrigins are the Web UI origins the codec endpoint lets in: the configured ones and
// dev's embedded UI.
func (c Config) codecOrigins() []string {
	var out []string
	for _, o := range strings.Split(c.CodecOrigins, ",") {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			out = append(out, o)
		}
	}
	if c.WebUIURL != "" {
		out = append(out, strings.TrimSuffix(c.WebUIURL, "/"))
	}
	return out
}

// payloadCodec is the key ring for the histories: the configured one; in dev (an embedded
// Temporal) without one, the key kept in the data directory, made on first start; with the
// embedded server in memory, a key that lives as long as the process, as its histories do.
func (c Config) payloadCodec(log *slog.Logger) (*codec.Codec, string, error) {
	spec := c.PayloadKeys
	switch {
	case spec != "":
	case c.TemporalAddress != "":
		return nil, "", errors.New("SAMARBEID_PAYLOAD_KEYS mangler") // Validate says more
	case c.DataDir != "":
		var path string
		var created bool
		var err error
		if spec, path, created, err = codec.DevKeys(c.DataDir); err != nil {
			return nil, "", fmt.Errorf("nøkkelen for historikken: %w", err)
		}
		if created {
			log.Info("laget nøkkel for kryptering av Temporal-historikken (dev); ta vare på den så lenge dataene finnes", "fil", path)
		}
	default:
		spec = codec.NewKey("minne")
	}
	cd, err := codec.Parse(spec)
	return cd, spec, err
}

// isWebURL reports whether s is an absolute http(s) URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// digestTime is the hour and minute of the KE's daily digest; empty means 07:30.
func (c Config) digestTime() (hour, minute int, err error) {
	if c.DigestAt == "" {
		return 7, 30, nil
	}
	t, err := time.Parse("15:04", c.DigestAt)
	return t.Hour(), t.Minute(), err
}

// temporalConnection adds TLS and credentials for Temporal Cloud or a protected cluster.
// Any TLS setting turns TLS on.
func (c Config) temporalConnection(opts *client.Options) error {
	var tlsCfg *tls.Config
	ensure := func() *tls.Config {
		if tlsCfg == nil {
			tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.TemporalTLSServerName}
		}
		return tlsCfg
	}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return err
		}
		ensure().Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pool, err := c.temporalRootCAs()
		if err != nil {
			return err
		}
		ensure().RootCAs = pool
	}
	if c.TemporalTLSServerName != "" {
		ensure()
	}
	if c.TemporalAPIKey != "" {
		ensure()
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	if tlsCfg != nil {
		opts.ConnectionOptions.TLS = tlsCfg
	}
	return nil
}

// temporalRootCAs reads TEMPORAL_TLS_CA (PEM, one or more certificates).
func (c Config) temporalRootCAs() (*x509.CertPool, error) {
	pem, err := os.ReadFile(c.TemporalTLSCA)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s har ingen PEM-sertifikater", c.TemporalTLSCA)
	}
	return pool, nil
}

// testTemporalStorage, when set (only by this package's tests, from
// SAMARBEID_TEST_TEMPORAL_DB), chooses the embedded server's storage for a config that
// names none, so one test run covers either storage.
var testTemporalStorage func(*Config)

// EmbeddedStorage is where the embedded Temporal server keeps its state: the storage, and
// on PostgreSQL the persistence database's URL (SAMARBEID_TEMPORAL_DATABASE_URL, or named
// after DATABASE_URL's database on its server).
func (c Config) EmbeddedStorage() (devserver.Storage, string, error) {
	storage, err := devserver.ParseStorage(c.TemporalDB)
	if err != nil {
		return "", "", fmt.Errorf("SAMARBEID_TEMPORAL_DB: %v", err)
	}
	if storage != devserver.PostgreSQL {
		if c.TemporalDatabaseURL != "" {
			return "", "", errors.New("SAMARBEID_TEMPORAL_DATABASE_URL gjelder bare SAMARBEID_TEMPORAL_DB=postgres")
		}
		return storage, "", nil
	}
	u := c.TemporalDatabaseURL
	if u == "" {
		if u, err = devserver.NamedAfter(c.DatabaseURL, "_temporal"); err != nil {
			return "", "", fmt.Errorf("SAMARBEID_TEMPORAL_DATABASE_URL mangler, og %v", err)
		}
	}
	if _, err := pgx.ParseConfig(u); err != nil {
		return "", "", fmt.Errorf("SAMARBEID_TEMPORAL_DATABASE_URL kan ikke leses: %v", err)
	}
	return storage, u, nil
}
