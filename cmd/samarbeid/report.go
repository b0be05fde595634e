package main

import (
	"context"
	"flag"
	"os"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/report"
	"github.com/samarbeid/samarbeid/store"
)

// runReport prints the KE's indicators for a period.
func runReport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	period := periodFlags(fs)
	format := fs.String("format", "tabell", "tabell, csv eller json")
	_ = fs.Parse(args)
	from, to, err := period()
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, app.FromEnv().DatabaseURL)
	if err != nil {
		return err
	}
	defer s.Close()
	ind, err := report.Compute(ctx, s, from, to)
	if err != nil {
		return err
	}
	return report.Write(os.Stdout, ind, *format)
}
