package main

import (
	"fmt"
	"os"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/devserver"
)

// usePostgresTemporal runs the embedded Temporal server on PostgreSQL: persistence and SQL
// visibility in two databases of their own on the bench database's server, named after it
// (<name>_temporal, <name>_temporal_visibility), set up with the server's own schema. The
// returned func drops them, as the bench drops its own database.
func usePostgresTemporal(cfg *app.Config) (cleanup func(), err error) {
	persistence, err := devserver.NamedAfter(cfg.DatabaseURL, "_temporal")
	if err != nil {
		return nil, err
	}
	visibility, err := devserver.NamedAfter(persistence, devserver.VisibilitySuffix)
	if err != nil {
		return nil, err
	}
	cfg.TemporalDB, cfg.TemporalDatabaseURL = "postgres", persistence
	return func() {
		for _, u := range []string{persistence, visibility} {
			if err := dropDatabase(u); err != nil {
				fmt.Fprintln(os.Stderr, "bench: kunne ikke slette Temporal-databasen:", err)
			}
		}
	}, nil
}
