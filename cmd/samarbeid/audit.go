package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/store"
)

const auditUsage = `samarbeid audit: for revisor og internkontroll.

  samarbeid audit timeline --case SAK-2026-0042 [--format tekst|json|csv|html]
      sakens beslutninger i rekkefølge: hvem, tjeneste, hva, når, hjemmel, frist
  samarbeid audit export --from 2026-01-01 --to 2027-01-01 [--format json|csv]
      alle saker med en beslutning i perioden (til-datoen ikke med), hver med hele tidslinjen.
      JSON-eksporten har revisjonsloggens hode (nr og hash, et anker), og er signert med
      Ed25519 når SAMARBEID_EXPORT_SIGNING_KEY er satt.
  samarbeid audit verify-export --public-key BASE64|FIL eksport.json
      kontrollerer signaturen på en eksport uten tilgang til samarbeid (for Statsforvalteren);
      avslutter med kode 1 hvis filen er endret eller signert med en annen nøkkel.
  samarbeid audit signing-key
      lager et nøkkelpar: den private til SAMARBEID_EXPORT_SIGNING_KEY, den offentlige til
      Statsforvalteren.
  samarbeid audit tilgang --case SAK-2026-0042 | --user U123 [--format tekst|json|csv]
      tilgangsloggen: hvem som har sett saken (eller hva personen har sett), når, hvor, og
      om det ble vist; for innsyn. Bare revisor og koordinerende enhet.
  samarbeid audit verify [--json] [--anker eksport.json ...] [--public-key BASE64|FIL]
      kontrollerer hash-kjeden, kjeden mot hvert anker (timesankrene i Temporal og hodet i
      eksportene som gis med --anker), og avstemmer hver rad mot alle kjøringene til
      workflowen i Temporal-historikken; avslutter med kode 1 ved avvik. Bruker TEMPORAL_ADDRESS, ellers 127.0.0.1:7233
      (der "samarbeid dev" lytter), og SAMARBEID_PAYLOAD_KEYS for å dekryptere historikken,
      ellers nøkkelen "samarbeid dev" har i datamappen (--data, standard data).
      Signaturen på hver --anker-eksport kontrolleres med den offentlige nøkkelen fra
      --public-key, ellers SAMARBEID_EXPORT_PUBLIC_KEY, ellers den offentlige delen av
      SAMARBEID_EXPORT_SIGNING_KEY; en fil som ikke er signert med den, avvises (kode 1).
      Uten nøkkel brukes hodet som det står, og utskriften sier at signaturen ikke er kontrollert.

  --som U123 (timeline, export, tilgang): hvem som leser, slik katalogen kjenner dem; må være
      revisor eller i koordinerende enhet. Uten --som føres oppslaget på operativsystemets
      bruker (cli:<bruker>). Hvert oppslag føres i tilgangsloggen før noe vises.
`

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, auditUsage)
		return errors.New("mangler underkommando")
	}
	switch args[0] {
	case "verify-export", "kontroller-eksport":
		return verifyExport(args[1:])
	case "signing-key", "signeringsnokkel":
		priv, pub, err := audit.NewSigningKey()
		if err != nil {
			return err
		}
		fmt.Printf("SAMARBEID_EXPORT_SIGNING_KEY=%s\n# offentlig nøkkel, til Statsforvalteren:\n%s\n", priv, pub)
		return nil
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
		var key ed25519.PrivateKey
		if cfg.ExportSigningKey != "" {
			if key, err = audit.ParseSigningKey(cfg.ExportSigningKey); err != nil {
				return fmt.Errorf("SAMARBEID_EXPORT_SIGNING_KEY: %w", err)
			}
			if *format == "csv" {
				fmt.Fprintln(os.Stderr, "CSV-eksporten er ikke signert; bruk --format json til en signert eksport.")
			}
		}
		doc, err := audit.ExportWithHead(ctx, s, from, to, time.Now())
		if err != nil {
			return err
		}
		refs := make([]string, len(doc.Cases))
		for i, c := range doc.Cases {
			refs[i] = c.Case
		}
		if err := audit.LogLooks(ctx, s, viewer, store.SurfaceExport, true, refs...); err != nil {
			return err
		}
		return audit.WriteExportFile(os.Stdout, doc, *format, key)
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
		var anchorFiles fileList
		fs.Var(&anchorFiles, "anker", "en eksport (JSON) hvis hode kjeden kontrolleres mot; kan gis flere ganger")
		pubFlag := fs.String("public-key", "", "samarbeids offentlige nøkkel (base64 eller fil) som signaturen på hver --anker-eksport kontrolleres med")
		_ = fs.Parse(args[1:])
		// Notes about the anchors go where the report goes, but never into the JSON itself.
		notes := os.Stdout
		if *asJSON {
			notes = os.Stderr
		}
		anchors, err := exportAnchors(anchorFiles, *pubFlag, cfg, notes)
		if err != nil {
			return err
		}
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
		rep, err := audit.Verify(ctx, s, c, anchors...)
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
	fmt.Printf("Revisjonslogg: %d rader fra %d workflows (%d kjøringer lest), %d avstemt mot Temporal-historikken.\n", rep.Rows, rep.Workflows, rep.Runs, rep.Reconciled)
	if a := rep.NewestAnchor; a != nil {
		fmt.Printf("Kjeden er kontrollert mot %d ankre; det nyeste (%s, %s) gjelder rad %d.\n", rep.Anchors, a.Source, a.At.In(calendar.Oslo).Format("02.01.2006 15:04"), a.Seq)
	} else {
		fmt.Println("Ingen ankre funnet: rader fjernet fra slutten etter Temporals oppbevaringstid ville ikke synes.")
	}
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

// exportAnchors reads the ledger's head from each export given with --anker. With a public
// key (--public-key, else SAMARBEID_EXPORT_PUBLIC_KEY, else the public half of
// SAMARBEID_EXPORT_SIGNING_KEY) each file's signature is checked and a file that does not
// verify, or is not signed, is refused; without one the output says it was not checked.
func exportAnchors(files []string, pubFlag string, cfg app.Config, notes io.Writer) ([]audit.Anchor, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var pub ed25519.PublicKey
	var err error
	switch {
	case pubFlag != "":
		pub, err = readPublicKey(pubFlag)
	case cfg.ExportPublicKey != "":
		if pub, err = audit.ParsePublicKey(cfg.ExportPublicKey); err != nil {
			err = fmt.Errorf("SAMARBEID_EXPORT_PUBLIC_KEY: %w", err)
		}
	case cfg.ExportSigningKey != "":
		var key ed25519.PrivateKey
		if key, err = audit.ParseSigningKey(cfg.ExportSigningKey); err != nil {
			err = fmt.Errorf("SAMARBEID_EXPORT_SIGNING_KEY: %w", err)
		} else {
			pub = key.Public().(ed25519.PublicKey)
		}
	}
	if err != nil {
		return nil, err
	}
	var anchors []audit.Anchor
	for _, f := range files {
		buf, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		head, err := audit.ReadExportHead(buf, pub)
		if err != nil {
			if pub != nil {
				return nil, fmt.Errorf("%s godtas ikke som anker: en offentlig nøkkel er gitt, og filens signatur holder ikke: %w", f, err)
			}
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		head.Source = "eksport " + filepath.Base(f)
		anchors = append(anchors, *head)
		if pub != nil {
			fmt.Fprintf(notes, "Signaturen på %s stemmer med den offentlige nøkkelen.\n", filepath.Base(f))
		} else {
			fmt.Fprintf(notes, "Merk: signaturen på %s er ikke kontrollert (ingen offentlig nøkkel: gi --public-key eller sett SAMARBEID_EXPORT_PUBLIC_KEY); hodet i filen er brukt som det står.\n", filepath.Base(f))
		}
	}
	return anchors, nil
}

// readPublicKey reads a public key given in base64 or as a file that holds it.
func readPublicKey(s string) (ed25519.PublicKey, error) {
	if buf, err := os.ReadFile(s); err == nil {
		s = string(buf)
	}
	return audit.ParsePublicKey(s)
}

// verifyExport checks a signed export with the public key alone: no database, no Temporal.
func verifyExport(args []string) error {
	fs := flag.NewFlagSet("audit verify-export", flag.ExitOnError)
	pubFlag := fs.String("public-key", "", "samarbeids offentlige nøkkel (base64), eller en fil som inneholder den")
	_ = fs.Parse(args)
	if *pubFlag == "" || fs.NArg() != 1 {
		return errors.New("bruk: samarbeid audit verify-export --public-key BASE64|FIL eksport.json")
	}
	pub, err := readPublicKey(*pubFlag)
	if err != nil {
		return err
	}
	file, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	doc, err := audit.VerifyExport(file, pub)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	decisions := 0
	for _, c := range doc.Cases {
		decisions += len(c.Decisions)
	}
	fmt.Printf("Signaturen stemmer: eksporten for %s til %s er uendret, med %d saker og %d beslutninger.\n", doc.From, doc.To, len(doc.Cases), decisions)
	if doc.Head != nil {
		fmt.Printf("Revisjonsloggens hode da den ble laget: rad %d, hash %s (%s).\n", doc.Head.Seq, doc.Head.Hash, doc.Head.At.In(calendar.Oslo).Format("02.01.2006 15:04"))
	}
	return nil
}

// fileList is a flag given more than once.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

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
