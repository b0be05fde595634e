package main

import (
	"errors"

	"github.com/samarbeid/samarbeid/app"
)

// usePostgresTemporal runs the embedded Temporal server on PostgreSQL. The devserver option
// for it comes with the pgtemporal branch (issue 12, item 1); until it is merged the bench
// says so instead of silently measuring SQLite.
func usePostgresTemporal(cfg *app.Config) error {
	_ = cfg
	return errors.New("-temporal-db postgres: den innebygde Temporal-serveren kan ikke bruke PostgreSQL ennå (kommer med pgtemporal)")
}
