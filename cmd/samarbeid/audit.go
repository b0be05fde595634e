package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/store"
)

const auditUsage = `samarbeid audit: for revisor og internkontroll.

  samarbeid audit timeline --case SAK-2026-0042 [--format tekst|json|csv|html]
      sakens beslutninger i rekkefølge: hvem, tjeneste, hva, når, hjemmel, frist
  samarbeid audit export --from 2026-01-01 --to 2027-01-01 [--format json|csv]
      alle saker med en beslutning i perioden (til-datoen ikke med), hver med hele tidslinjen
  samarbeid audit tilgang --case SAK-2026-0042 | --user U123 [--format tekst|json|csv]
      tilgangsloggen: hvem som har sett saken (eller hva personen har sett), når, hvor, og
      om det ble vist; for innsyn. Bare revisor og koordinerende enhet.
  samarbeid audit verify [--json]
      kontrollerer hash-kjeden og avstemmer hver rad mot workflowens Temporal-historikk;
      avslutter med kode 1 ved avvik. Bruker TEMPORAL_ADDRESS, ellers 127.0.0.1:7233
      (der "samarbeid dev" lytter), og SAMARBEID_PAYLOAD_KEYS for å dekryptere historikken,
      ellers nøkkelen "samarbeid dev" har i datamappen (--data, standard data).

  --som U123 (timeline, export, tilgang): hvem som leser, slik katalogen kjenner dem; må være
      revisor eller i koordinerende enhet. Uten --som føres oppslaget på operativsystemets
      bruker (cli:<bruker>). Hvert oppslag føres i tilgangsloggen før noe vises.
`

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, auditUsage)
		return errors.New("mangler underkommando")
	}
	cfg := app.FromEnv()
	s, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer s.Close()
	switch args[0] {
	case "timeline", "tidslinje":
		fs := flag.NewFlagSet("audit timeline", flag.ExitOnError)
		caseRef := fs.String("case", "", "saksreferanse, f.eks. SAK-2026-0042")
		format := fs.String("format", "tekst", "tekst, json, csv eller html")
		as := asFlag(fs)
		_ = fs.Parse(args[1:])
		if *caseRef == "" {
			return errors.New("oppgi saken med --case SAK-ÅÅÅÅ-NNNN")
		}
		viewer, err := auditViewer(ctx, s, *as, store.SurfaceTimeline, strings.ToUpper(*caseRef))
		if err != nil {
			return err
		}
		if err := audit.LogLooks(ctx, s, viewer, store.SurfaceTimeline, true, strings.ToUpper(*caseRef)); err != nil {
			return err
		}
		entries, err := audit.Timeline(ctx, s, strings.ToUpper(*caseRef))
		if err != nil {
			return err
		}
		return audit.Write(os.Stdout, strings.ToUpper(*caseRef), entries, *format)
	case "export", "eksport":
		fs := flag.NewFlagSet("audit export", flag.ExitOnError)
		period := periodFlags(fs)
		format := fs.String("format", "json", "json eller csv")
		as := asFlag(fs)
		_ = fs.Parse(args[1:])
		from, to, err := period()
		if err != nil {
			return err
		}
		viewer, err := auditViewer(ctx, s, *as, store.SurfaceExport)
		if err != nil {
			return err
		}
		cases, err := audit.Export(ctx, s, from, to)
		if err != nil {
			return err
		}
		refs := make([]string, len(cases))
		for i, c := range cases {
			refs[i] = c.Case
		}
		if err := audit.LogLooks(ctx, s, viewer, store.SurfaceExport, true, refs...); err != nil {
			return err
		}
		return audit.WriteExport(os.Stdout, from, to, cases, *format)
	case "tilgang", "access":
		fs := flag.NewFlagSet("audit tilgang", flag.ExitOnError)
		caseRef := fs.String("case", "", "saksreferanse: hvem som har sett saken")
		user := fs.String("user", "", "Slack-bruker-ID: hva personen har sett")
		format := fs.String("format", "tekst", "tekst, json eller csv")
		as := asFlag(fs)
		_ = fs.Parse(args[1:])
		ref, person := strings.ToUpper(*caseRef), strings.ToUpper(*user)
		if (ref == "") == (person == "") {
			return errors.New("oppgi enten --case SAK-ÅÅÅÅ-NNNN eller --user U…")
		}
		if ref != "" {
			viewer, err := auditViewer(ctx, s, *as, store.SurfaceAccessLog, ref)
			if err != nil {
				return err
			}
			if err := audit.LogLooks(ctx, s, viewer, store.SurfaceAccessLog, true, ref); err != nil {
				return err
			}
			looks, err := s.AccessByCase(ctx, ref)
			if err != nil {
				return err
			}
			return audit.WriteAccess(os.Stdout, "sak "+ref, looks, *format)
		}
		if _, err := auditViewer(ctx, s, *as, store.SurfaceAccessLog); err != nil {
			return err
		}
		looks, err := s.AccessByViewer(ctx, person)
		if err != nil {
			return err
		}
		return audit.WriteAccess(os.Stdout, person, looks, *format)
	case "verify", "kontroller":
		fs := flag.NewFlagSet("audit verify", flag.ExitOnError)
		asJSON := fs.Bool("json", false, "skriv rapporten som JSON")
		dataDir := fs.String("data", "data", "datamappen til \"samarbeid dev\", der nøkkelen ligger når SAMARBEID_PAYLOAD_KEYS ikke er satt")
		_ = fs.Parse(args[1:])
		addr := cfg.TemporalAddress
		if addr == "" {
			addr = "127.0.0.1:7233"
		}
		keys := cfg.PayloadKeys
		if keys == "" {
			buf, err := os.ReadFile(filepath.Join(*dataDir, codec.KeyFile))
			if err != nil {
				return fmt.Errorf("SAMARBEID_PAYLOAD_KEYS er ikke satt, og %s kan ikke leses: historikken kan ikke dekrypteres (%w)", filepath.Join(*dataDir, codec.KeyFile), err)
			}
			keys = string(buf)
		}
		cd, err := codec.Parse(keys)
		if err != nil {
			return fmt.Errorf("SAMARBEID_PAYLOAD_KEYS: %w", err)
		}
		dc := cd.DataConverter()
		c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: cfg.TemporalNamespace, DataConverter: dc})
		if err != nil {
			return fmt.Errorf("får ikke kontakt med Temporal på %s (kjører samarbeid dev?): %w", addr, err)
		}
		codec.Register(c, dc)
		defer c.Close()
		rep, err := audit.Verify(ctx, s, c)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rep)
		} else {
			printReport(rep)
		}
		if !rep.OK() {
			return fmt.Errorf("revisjonsloggen har %d avvik", len(rep.Findings))
		}
		return nil
	}
	fmt.Fprint(os.Stderr, auditUsage)
	return fmt.Errorf("ukjent underkommando %q", args[0])
}

func printReport(rep audit.Report) {
	fmt.Printf("Revisjonslogg: %d rader fra %d workflows, %d avstemt mot Temporal-historikken.\n", rep.Rows, rep.Workflows, rep.Reconciled)
	if len(rep.Unavailable) > 0 {
		fmt.Printf("%d workflows har ikke lenger historikk i Temporal (oppbevaringstid); radene deres hviler på hash-kjeden.\n", len(rep.Unavailable))
	}
	if rep.OK() {
		fmt.Println("Ingen avvik: kjeden er hel, og hver beslutning stemmer med historikken.")
		return
	}
	fmt.Printf("%d avvik:\n", len(rep.Findings))
	for _, f := range rep.Findings {
		where := ""
		if f.Seq > 0 {
			where = fmt.Sprintf("rad %d, ", f.Seq)
		}
		if f.WorkflowID != "" {
			where += f.WorkflowID + ": "
		}
		fmt.Printf("  - %s%s\n", where, f.Problem)
	}
}

func asFlag(fs *flag.FlagSet) *string {
	return fs.String("som", "", "din Slack-bruker-ID, slik katalogen kjenner deg (revisor eller koordinerende enhet)")
}

// auditViewer is who reads, for the access log: the person --som names, who must be an
// auditor or in the KE (a refusal is logged for the cases named), or else the operating
// system's user, who holds the database's credentials anyway.
func auditViewer(ctx context.Context, s *store.Store, as, surface string, caseRefs ...string) (string, error) {
	if as == "" {
		name := os.Getenv("USER")
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
		return store.CLIViewerPrefix + name, nil
	}
	as = strings.ToUpper(as)
	staff, err := s.StaffBySlackUser(ctx, as)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%s er ikke i tjenestekatalogen", as)
	}
	if err != nil {
		return "", err
	}
	ke, err := s.CoordinatingUnit(ctx)
	if err != nil {
		return "", err
	}
	if access.AccessLog(access.FromStaff(staff), ke.ID) {
		return as, nil
	}
	if len(caseRefs) > 0 {
		if err := audit.LogLooks(ctx, s, as, surface, false, caseRefs...); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("%s er verken revisor eller i koordinerende enhet, og får ikke lese revisjonsloggen eller tilgangsloggen", as)
}
