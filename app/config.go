package app

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/policy"
)

// Config is samarbeid's environment (DESIGN.md, "Contracts that stay stable"), read in this
// one place and checked as a whole before anything starts.
type Config struct {
	DatabaseURL       string `env:"DATABASE_URL"`
	TemporalAddress   string `env:"TEMPORAL_ADDRESS"` // empty: run an embedded Temporal server
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE" envDefault:"default"`
	// Temporal Cloud or a TLS-protected cluster: an API key, or a client certificate (mTLS).
	TemporalAPIKey     string `env:"TEMPORAL_API_KEY"`
	TemporalTLSCert    string `env:"TEMPORAL_TLS_CERT"`
	TemporalTLSKey     string `env:"TEMPORAL_TLS_KEY"`
	SlackBotToken      string `env:"SLACK_BOT_TOKEN"` // empty: serve the local Slack stand-in
	SlackAppToken      string `env:"SLACK_APP_TOKEN"`
	SlackSigningSecret string `env:"SLACK_SIGNING_SECRET"`
	SlackAPIURL        string `env:"SLACK_API_URL"`
	HTTPAddr           string `env:"HTTP_ADDR" envDefault:":8080"`
	// PolicyFile is the municipality's deadline policy (YAML); empty uses DOMAIN.md's defaults.
	PolicyFile string `env:"SAMARBEID_POLICY"`
	// Language is the workspace's language: nb (bokmål, the default), nn (nynorsk) or en.
	// A user's own choice (/samarbeid språk) wins for what only they see.
	Language string `env:"SAMARBEID_LANGUAGE" envDefault:"nb"`
	// DigestAt is when the KE's daily digest goes out on weekdays, HH:MM Oslo time.
	DigestAt string `env:"SAMARBEID_DAGSOVERSIKT" envDefault:"07:30"`

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
}

// DefaultDatabaseURL is the local PostgreSQL these machines run, with trust auth.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/samarbeid?sslmode=disable"

// FromEnv reads the environment with the defaults `samarbeid dev` needs.
func FromEnv() Config {
	cfg := Config{DatabaseURL: DefaultDatabaseURL}
	// Plain string fields cannot fail to parse; the checks are in Validate.
	_ = env.ParseWithOptions(&cfg, env.Options{Environment: env.ToMap(os.Environ())})
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
	if (c.TemporalAPIKey != "" || c.TemporalTLSCert != "") && c.TemporalAddress == "" {
		bad("TEMPORAL_API_KEY og TEMPORAL_TLS_CERT gjelder en ekstern Temporal: sett TEMPORAL_ADDRESS")
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
	if c.Language != "" && !i18n.Valid(c.Language) {
		bad("SAMARBEID_LANGUAGE må være nb (bokmål), nn (nynorsk) eller en (engelsk) (er %q)", c.Language)
	}
	if len(problems) > 0 {
		return errors.New("samarbeid starter ikke, fordi konfigurasjonen har feil:\n  - " + strings.Join(problems, "\n  - "))
	}
	return nil
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
func (c Config) temporalConnection(opts *client.Options) error {
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return err
		}
		opts.ConnectionOptions.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if c.TemporalAPIKey != "" {
		if opts.ConnectionOptions.TLS == nil {
			opts.ConnectionOptions.TLS = &tls.Config{}
		}
		opts.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	return nil
}
