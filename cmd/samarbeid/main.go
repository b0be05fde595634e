// Command samarbeid runs the collaboration-duty workflows, the Slack bot and their tools.
//
//	samarbeid dev       everything on one machine: embedded Temporal, worker, bot, and the
//	                    local Slack stand-in when no Slack tokens are set
//	samarbeid migrate   bring the database schema up to date (--demo also loads demo data)
//	samarbeid audit     a case's timeline, and verification of the ledger against Temporal
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/webui"
)

const usage = `samarbeid: samarbeidsplikt og koordinering mellom velferdstjenester, i Slack.

Bruk:
  samarbeid dev       start alt lokalt (innebygd Temporal, worker, bot og lokal Slack uten tokens;
                      --temporal-db postgres lagrer Temporal i PostgreSQL som i produksjon)
  samarbeid serve     worker og bot mot en Temporal-klynge (TEMPORAL_ADDRESS må være satt)
  samarbeid worker    bare workeren;  samarbeid bot: bare Slack-boten
  samarbeid temporal  bare den innebygde Temporal-serveren, som egen prosess (--port, --data, --temporal-db)
  samarbeid migrate   oppdater databaseskjemaet (--demo legger også inn demokommunen)
  samarbeid audit     tidslinje per sak og kontroll av revisjonsloggen (se "samarbeid audit")
  samarbeid report    indikatorer for en periode: --from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD [--format tabell|csv|json]

Miljøvariabler: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY
(Temporal Cloud), TEMPORAL_TLS_CERT og TEMPORAL_TLS_KEY (mTLS), TEMPORAL_TLS_CA og
TEMPORAL_TLS_SERVER_NAME (privat CA), SAMARBEID_TEMPORAL_DB og SAMARBEID_TEMPORAL_DATABASE_URL
(den innebygde serverens lagring), SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_APP_TOKEN (Socket Mode), SLACK_API_URL, HTTP_ADDR,
SAMARBEID_POLICY, SAMARBEID_LANGUAGE, SAMARBEID_DAGSOVERSIKT, SAMARBEID_PAYLOAD_KEYS
(nøkler som krypterer Temporal-historikken; påkrevd med TEMPORAL_ADDRESS), SAMARBEID_CODEC_TOKEN
og SAMARBEID_CODEC_ORIGINS (kodek-endepunktet /codec for Temporal UI); for nettkonsollet
(/konsoll/, Logg inn med Slack): SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_OIDC_ISSUER
(standard https://slack.com) og SAMARBEID_PUBLIC_URL; for revisjonen:
SAMARBEID_EXPORT_SIGNING_KEY (Ed25519-nøkkelen som signerer eksportene) og
SAMARBEID_EXPORT_PUBLIC_KEY (den offentlige nøkkelen "audit verify --anker" kontrollerer
eksportene med); for workerens størrelse: SAMARBEID_WORKER_STICKY_CACHE (saker i minnet
mellom oppgavene), SAMARBEID_WORKER_WORKFLOW_POLLERS og SAMARBEID_WORKER_ACTIVITY_POLLERS.
Se README.md.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Production processes log JSON for the log collector; dev logs text for a person.
	var handler slog.Handler = slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	if os.Args[1] == "dev" && os.Getenv("LOG_FORMAT") != "json" {
		handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	}
	log := slog.New(handler)

	var err error
	switch os.Args[1] {
	case "dev":
		err = runDev(ctx, log, os.Args[2:])
	case "temporal":
		err = runTemporal(ctx, log, os.Args[2:])
	case "serve", "worker", "bot":
		err = runServe(ctx, log, os.Args[1])
	case "migrate":
		err = runMigrate(ctx, os.Args[2:])
	case "audit":
		err = runAudit(ctx, os.Args[2:])
	case "report":
		err = runReport(ctx, os.Args[2:])
	case "helse":
		err = runHealth(ctx, os.Args[2:])
	case "hjelp", "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "ukjent kommando %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "samarbeid:", err)
		os.Exit(1)
	}
}

func runDev(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ExitOnError)
	dataDir := fs.String("data", "data", "mappe der den innebygde Temporal-serveren lagrer sakene")
	temporalPort := fs.Int("temporal-port", 7233, "port for den innebygde Temporal-serveren (0: ledig port)")
	uiPort := fs.Int("ui-port", 8233, "port for Temporals nettgrensesnitt (0: ikke start det)")
	cfg := app.FromEnv()
	// SQLite is the default (SAMARBEID_TEMPORAL_DB): a first run then keeps Temporal in one
	// file under --data, next to the key that encrypts its histories, so deleting that
	// folder starts afresh and nothing else is made in the PostgreSQL. postgres runs it as
	// production does, in databases of its own (README, "Temporal på PostgreSQL").
	temporalDB := fs.String("temporal-db", cfg.TemporalDB, "lagring for den innebygde Temporal-serveren: sqlite eller postgres (SAMARBEID_TEMPORAL_DB)")
	_ = fs.Parse(args)

	cfg.TemporalDB = *temporalDB
	cfg.DataDir, cfg.TemporalPort, cfg.Seed = *dataDir, *temporalPort, true
	if *uiPort != 0 && cfg.TemporalAddress == "" {
		cfg.WebUIURL = fmt.Sprintf("http://127.0.0.1:%d", *uiPort) // the codec endpoint lets it in
	}
	log.Info("starter samarbeid dev", "database", app.Redact(cfg.DatabaseURL), "temporal", orEmbedded(cfg))
	a, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Stop()
	fmt.Printf("\nsamarbeid kjører.\n")
	if a.SlackLocal != nil {
		fmt.Printf("  Lokal Slack:  %s/  (velg bruker, skriv /samarbeid ny i en kanal)\n", a.URL)
	}
	fmt.Printf("  Slack-endepunkter: %s/slack/commands, /slack/interactions, /slack/events\n", a.URL)
	if a.ConsoleURL != "" {
		fmt.Printf("  Nettkonsoll:  %s  (KE, revisor og administrator; Logg inn med Slack)\n", a.ConsoleURL)
	}
	if addr := a.TemporalAddress(); addr != "" {
		fmt.Printf("  Temporal:     %s (navnerom %s, %s)\n", addr, a.Namespace, a.TemporalStorage())
		if cfg.PayloadKeys == "" {
			fmt.Printf("  Nøkkel:       %s (krypterer historikken; uten den kan sakene i %s/ ikke leses)\n", filepath.Join(cfg.DataDir, codec.KeyFile), cfg.DataDir)
		}
		if *uiPort != 0 {
			ui, err := webui.Start(addr, a.Namespace, *uiPort, a.CodecURL(), cfg.Language)
			if err != nil {
				log.Warn("starter ikke Temporals nettgrensesnitt", "feil", err)
			} else {
				defer ui.Stop()
				fmt.Printf("  Temporal UI:  %s/namespaces/%s/workflows?query=SamarbeidForfalt%%3Dtrue  (forfalte saker)\n", ui.URL, a.Namespace)
				fmt.Printf("  Kodek:        historikken er kryptert; logg inn på %s/login med token %s for å lese den i Temporal UI\n", a.CodecURL(), a.CodecToken)
			}
		}
	}
	fmt.Printf("Stopp med Ctrl+C.\n\n")
	return a.Wait(ctx)
}

// runServe runs the worker, the bot or both against a Temporal cluster, for production.
func runServe(ctx context.Context, log *slog.Logger, role string) error {
	cfg := app.FromEnv()
	if cfg.TemporalAddress == "" {
		return fmt.Errorf("TEMPORAL_ADDRESS er ikke satt: %s kobler seg til en Temporal-klynge (bruk \"samarbeid dev\" for en innebygd server)", role)
	}
	cfg.NoWorker, cfg.NoBot = role == "bot", role == "worker"
	log.Info("starter samarbeid", "rolle", role, "temporal", cfg.TemporalAddress, "database", app.Redact(cfg.DatabaseURL))
	a, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Stop()
	log.Info("samarbeid kjører", "rolle", role, "http", a.URL)
	return a.Wait(ctx)
}

func runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ExitOnError)
	demo := fs.Bool("demo", false, "legg inn demokommunens tjenester og ansatte")
	_ = fs.Parse(args)
	url := app.FromEnv().DatabaseURL
	if err := app.EnsureDatabase(ctx, url); err != nil {
		return err
	}
	if err := store.Migrate(ctx, url); err != nil {
		return err
	}
	fmt.Println("Databaseskjemaet er oppdatert.")
	if !*demo {
		return nil
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Seed(ctx); err != nil {
		return err
	}
	fmt.Println("Demokommunen er lagt inn.")
	return nil
}

// runHealth is a container health check that needs no curl in the image: it exits 0 when
// the URL (default /readyz on this machine) answers 200.
func runHealth(ctx context.Context, args []string) error {
	url := "http://127.0.0.1:8080/readyz"
	if len(args) > 0 {
		url = args[0]
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s svarte %d", url, resp.StatusCode)
	}
	return nil
}

func orEmbedded(cfg app.Config) string {
	if cfg.TemporalAddress == "" {
		if cfg.TemporalDB == "" {
			return "innebygd"
		}
		return "innebygd (" + cfg.TemporalDB + ")"
	}
	return cfg.TemporalAddress
}
