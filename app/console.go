package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/webconsole"
)

// localConsoleClient is the console's client ID at the stand-in's Sign in with Slack.
const localConsoleClient = "lokal-konsoll"

// startConsole serves the web console under /konsoll/ when Sign in with Slack is configured
// (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET), and always with the stand-in, which then plays
// Slack's OpenID Connect provider for it.
func (a *App) startConsole(ctx context.Context, cfg Config, mux *http.ServeMux) error {
	clientID, secret, issuer, base := cfg.SlackClientID, cfg.SlackClientSecret, cfg.SlackOIDCIssuer, cfg.PublicURL
	if base == "" {
		base = a.URL
	}
	if a.SlackLocal != nil && clientID == "" {
		clientID, secret, issuer = localConsoleClient, randomSecret(), a.SlackLocal.Issuer()
		a.SlackLocal.RegisterOIDCClient(slacklocal.OIDCClient{ID: clientID, Secret: secret,
			RedirectURIs: []string{base + webconsole.Prefix + "auth/callback"}})
	}
	if clientID == "" {
		a.log.Info("nettkonsollet er av: sett SLACK_CLIENT_ID og SLACK_CLIENT_SECRET for å slå det på")
		return nil
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("konsollets økter: %w", err)
	}
	sessions := pgxstore.NewWithCleanupInterval(pool, 10*time.Minute)
	a.closeConsole = func() { sessions.StopCleanup(); pool.Close() }
	// Every look goes to the access log the bot writes too (store.LogAccess).
	var accessLog webconsole.AccessLog = a.Store
	c, err := webconsole.New(webconsole.Config{Store: a.Store, Temporal: a.Temporal, Sessions: sessions,
		ClientID: clientID, ClientSecret: secret, Issuer: issuer, BaseURL: base, Language: cfg.Language,
		AccessLog: accessLog, ExportSigningKey: cfg.ExportSigningKey, Logger: a.log.With("komponent", "konsoll")})
	if err != nil {
		return err
	}
	a.ConsoleAccess, a.ConsoleURL = accessLog, base+webconsole.Prefix
	mux.Handle(webconsole.Prefix, c.Handler())
	return nil
}
