package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/devserver"
	"github.com/samarbeid/samarbeid/worker"
)

// temporalReady is printed once the server takes clients; the multi-process test
// (app/multiprocess_test.go) waits for it in the process's output.
const temporalReady = "Temporal kjører på"

// runTemporal runs only the embedded Temporal server, as a process of its own, until SIGTERM
// or Ctrl+C: `samarbeid worker` and `samarbeid bot` processes then reach it with the same
// TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE. It listens on 127.0.0.1 on fixed ports (the
// frontend's and those derived from it), and keeps its state in --data, so that a restart
// on the same ports finds its cases and its own cluster ring again.
//
// It registers samarbeid's search attributes itself before it says it is ready: worker and
// bot processes started together would otherwise race to add them, and the server can stop
// re-reading them on every visibility read once they have settled (devserver).
func runTemporal(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("temporal", flag.ExitOnError)
	dataDir := fs.String("data", "data", "mappe der Temporal lagrer sakene (tom: i minnet, tapes ved stopp)")
	port := fs.Int("port", 0, "frontend-porten på 127.0.0.1 (standard: porten i TEMPORAL_ADDRESS, ellers 7233); de andre tjenestene får faste porter ut fra den")
	cfg := app.FromEnv()
	temporalDB := fs.String("temporal-db", cfg.TemporalDB, "lagring: sqlite (i --data) eller postgres (SAMARBEID_TEMPORAL_DB; databasene i SAMARBEID_TEMPORAL_DATABASE_URL, ellers oppkalt etter DATABASE_URL)")
	_ = fs.Parse(args)
	cfg.TemporalDB = *temporalDB
	storage, pgURL, err := cfg.EmbeddedStorage()
	if err != nil {
		return err
	}
	if *port == 0 {
		*port = 7233
		if cfg.TemporalAddress != "" {
			_, p, err := net.SplitHostPort(cfg.TemporalAddress)
			if err == nil {
				*port, err = strconv.Atoi(p)
			}
			if err != nil {
				return fmt.Errorf("TEMPORAL_ADDRESS må være vert:port, f.eks. 127.0.0.1:7233 (er %q)", cfg.TemporalAddress)
			}
		}
	}
	started := time.Now()
	srv, err := devserver.Start(devserver.Options{Storage: storage, PostgresURL: pgURL, DataDir: *dataDir,
		Namespace: cfg.TemporalNamespace, FrontendPort: *port})
	if err != nil {
		return fmt.Errorf("Temporal: %w", err)
	}
	defer func() {
		stopping := time.Now()
		if err := srv.Stop(); err != nil {
			log.Warn("stopp av Temporal", "feil", err)
		}
		log.Info("Temporal stoppet", "varighet", time.Since(stopping).String())
	}()

	dialCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := srv.Dial(dialCtx, client.Options{Logger: sdklog.NewStructuredLogger(log.With("komponent", "temporal-klient"))})
	if err != nil {
		return err
	}
	err = worker.RegisterSearchAttributes(dialCtx, c, srv.Namespace())
	c.Close()
	if err != nil {
		return err
	}
	srv.SettleSearchAttributes()

	fmt.Printf("%s %s (navnerom %s, %s), startet på %s. Stopp med Ctrl+C eller SIGTERM.\n",
		temporalReady, srv.HostPort(), srv.Namespace(), srv.Where(), time.Since(started).Round(time.Millisecond))
	<-ctx.Done()
	log.Info("stopper Temporal")
	return nil
}
