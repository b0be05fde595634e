// Command bench drives samarbeid cases through the whole lifecycle over the Slack HTTP
// surface against the dev stack (embedded Temporal in memory, the real PostgreSQL, the local
// Slack stand-in, all in this process) and prints throughput, acknowledgement latency, Slack
// Web API calls and Temporal history events per case, memory, and a bare Temporal baseline
// with the same number of updates and activities per workflow.
//
//	go run ./bench -cases 20
//
// It reports figures only; a missed target is printed, never a failure.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

const (
	chHelsestasjon = "C_HELSESTASJON"
	chSkole        = "C_SKOLE"
	waitTimeout    = 30 * time.Second
)

type options struct {
	cases       int
	concurrency int
	database    string
	ackSamples  int
	keepDB      bool
	temporalDB  string // sqlite or postgres: the embedded Temporal server's storage
}

func main() {
	var o options
	defaultDB := os.Getenv("DATABASE_URL")
	if defaultDB == "" {
		defaultDB = "postgres://postgres@127.0.0.1:5432/samarbeid_bench?sslmode=disable"
	}
	flag.IntVar(&o.cases, "cases", 20, "antall saker gjennom hele livsløpet")
	flag.IntVar(&o.concurrency, "concurrency", 4, "saker som kjøres samtidig")
	flag.StringVar(&o.database, "database", defaultDB, "PostgreSQL-URL; databasenavnet får et tilfeldig suffiks og slettes etterpå")
	flag.IntVar(&o.ackSamples, "ack-samples", 100, "målinger av kvitteringstid per samtidighetsnivå (1, 10, 50), høyst")
	flag.BoolVar(&o.keepDB, "keep-db", false, "behold benchmark-databasen etterpå")
	flag.StringVar(&o.temporalDB, "temporal-db", "sqlite", "lagring for den innebygde Temporal-serveren: sqlite eller postgres")
	flag.Parse()
	if scaleRequested() { // bench/scale.go
		os.Exit(runScaleMode(o.database, o.keepDB, o.temporalDB))
	}
	if o.cases < 1 || o.concurrency < 1 || o.ackSamples < 1 {
		fmt.Fprintln(os.Stderr, "-cases, -concurrency og -ack-samples må være minst 1")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	dbURL, err := freshDatabaseURL(o.database)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := app.EnsureDatabase(ctx, dbURL); err != nil {
		return err
	}
	if !o.keepDB {
		defer func() {
			if err := dropDatabase(dbURL); err != nil {
				fmt.Fprintln(os.Stderr, "bench: kunne ikke slette databasen:", err)
			}
		}()
	}
	// Errors only while measuring; nothing once the report is out, when stopping cuts off
	// activities of cases still running in the background.
	var logLevel slog.LevelVar
	logLevel.Set(slog.LevelError)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: &logLevel}))
	startAt := time.Now()
	// Slack's posting limit (one message a second per channel) is lifted: the benchmark measures
	// samarbeid, and all its cases share a handful of channels, which Slack would pace.
	// The signing secret is given, so the second bot instance can check the stand-in's requests.
	secret := randomHex()
	cfg := app.Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", Seed: true, NoSlackLimits: true, SlackSigningSecret: secret}
	dropTemporal, err := useTemporalDB(&cfg, o.temporalDB)
	if err != nil {
		return err
	}
	if !o.keepDB {
		defer dropTemporal()
	}
	a, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		logLevel.Set(slog.LevelError + 100)
		a.Stop()
	}()
	// A second bot, as a second `samarbeid bot` would run: same Temporal, database and Slack,
	// no worker; the stand-in's requests alternate between the two.
	second, err := app.Start(ctx, app.Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", NoWorker: true, NoSlackLimits: true,
		TemporalAddress: a.TemporalAddress(), TemporalNamespace: a.Namespace, PayloadKeys: a.PayloadKeys(),
		SlackBotToken: standInBotToken, SlackAPIURL: a.URL + "/api/", SlackSigningSecret: secret}, log)
	if err != nil {
		return fmt.Errorf("den andre boten: %w", err)
	}
	defer second.Stop()
	stopProxy, err := alternateBots(a.SlackLocal, a.URL, second.URL)
	if err != nil {
		return err
	}
	defer stopProxy()
	fmt.Printf("samarbeid bench: %d saker, %d samtidig, to bot-instanser, Temporal på %s; oppstart %v (database %s)\n", o.cases, o.concurrency,
		o.temporalDB, time.Since(startAt).Round(time.Millisecond), app.Redact(dbURL))

	b := &bench{a: a, sl: a.SlackLocal}
	maxSlots := max(o.concurrency, 50)
	if err := b.addUsers(ctx, maxSlots); err != nil {
		return err
	}

	progress("livsløp: %d saker", o.cases)
	// --- 1. The lifecycle, N cases through the Slack surface. ---
	callsBefore := b.sl.Calls()
	t0 := time.Now()
	ids, failedCases, caseErr := b.runCases(ctx, o.cases, o.concurrency, func(ctx context.Context, slot int) (string, error) {
		return b.lifecycle(ctx, slot)
	})
	elapsed := time.Since(t0)
	if len(ids) == 0 {
		return fmt.Errorf("livsløp: ingen sak kom gjennom: %w", caseErr)
	}
	done := len(ids)
	calls := diff(b.sl.Calls(), callsBefore)
	casesPerSec := float64(done) / elapsed.Seconds()
	events, updates, acts, err := b.historyStats(ctx, ids)
	if err != nil {
		return err
	}
	lifecycleLat := b.takeLatencies()

	// --- 2. The bare Temporal baseline, before the acknowledgement phase (which leaves
	// cases running in the background), so both throughputs are taken on the same footing. ---
	progress("bar Temporal: %d arbeidsflyter, %d oppdateringer og %d aktiviteter hver", o.cases, updates, acts)
	bareRate, bareElapsed, err := bare(ctx, a.Temporal, o.cases, o.concurrency, updates, acts)
	if err != nil {
		return fmt.Errorf("bar Temporal: %w", err)
	}

	// --- 3. Acknowledgement at 1, 10 and 50 concurrent clicks. ---
	type level struct {
		k int
		clickResult
	}
	var levels []level
	for _, k := range []int{1, 10, 50} {
		rounds := max(1, o.ackSamples/k)
		progress("forbereder %d saker for %d samtidige klikk", k*rounds, k)
		r, err := b.concurrentClicks(ctx, k, rounds, o.concurrency)
		if err != nil {
			return fmt.Errorf("samtidige klikk (%d): %w", k, err)
		}
		levels = append(levels, level{k, r})
	}

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)

	// --- Report. ---
	fmt.Println()
	fmt.Printf("maskin: %d kjerner (GOMAXPROCS %d), %s %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Println()
	fmt.Println("Livsløp (ny sak → steg 1 → steg 2 → samtykke → kontaktforespørsel → skolen godtar → avsluttet)")
	fmt.Printf("  saker:                         %d fullført, %d feilet, på %v (%d samtidig)\n", done, failedCases, elapsed.Round(time.Millisecond), o.concurrency)
	if caseErr != nil {
		fmt.Printf("      første feil: %v\n", caseErr)
	}
	fmt.Printf("  saker per sekund:              %.2f\n", casesPerSec)
	fmt.Printf("  Slack-interaksjoner per sak:   %d (kvittering p50 %v, p95 %v, p99 %v, maks %v)\n", len(lifecycleLat)/o.cases,
		pct(lifecycleLat, 50), pct(lifecycleLat, 95), pct(lifecycleLat, 99), pct(lifecycleLat, 100))
	fmt.Printf("  Slack Web API-kall per sak:    %.1f (%s)\n", float64(total(calls))/float64(o.cases), perMethod(calls, o.cases))
	fmt.Printf("  Temporal-hendelser per sak:    %.1f (oppdateringer %d, aktiviteter %d per sak)\n", events, updates, acts)
	fmt.Println()
	fmt.Println("Kvitteringstid for klikket «Send kontaktforespørsel» (en direkte oppdatering), målt fra utsiden av stand-in-en, to bot-instanser")
	for _, l := range levels {
		fmt.Printf("  %2d samtidige: n=%-4d p50 %-8v p95 %-8v p99 %-8v maks %-8v ubesvart/feil %d\n", l.k, len(l.lat),
			pct(l.lat, 50), pct(l.lat, 95), pct(l.lat, 99), pct(l.lat, 100), l.failed)
		if l.firstErr != nil {
			fmt.Printf("      første feil: %v\n", l.firstErr)
		}
	}
	fmt.Println()
	fmt.Println("Klikk til synlig resultat: fra klikket sendes til stand-in-en har svaret via response_url («Kontaktforespørsel sendt …»)")
	for _, l := range levels {
		fmt.Printf("  %2d samtidige: n=%-4d p50 %-8v p95 %-8v p99 %-8v maks %-8v uten svar %d\n", l.k, len(l.visible),
			pct(l.visible, 50), pct(l.visible, 95), pct(l.visible, 99), pct(l.visible, 100), l.invisible)
	}
	if n := b.prepFailures.Load(); n > 0 {
		fmt.Printf("  (%d saker feilet under forberedelsen og ble erstattet)\n", n)
	}
	fmt.Println()
	ratio := casesPerSec / bareRate
	fmt.Println("Bar Temporal-arbeidsflyt (samme antall oppdateringer og aktiviteter, tomme håndterere, egen kø)")
	fmt.Printf("  saker per sekund:              %.2f (%d på %v)\n", bareRate, o.cases, bareElapsed.Round(time.Millisecond))
	fmt.Printf("  forhold samarbeid / bar:       %.2f\n", ratio)
	fmt.Println()
	fmt.Println("Minne (to boter, worker og innebygd Temporal-server deler denne prosessen)")
	fmt.Printf("  heap i bruk:                   %.1f MiB\n", float64(ms.HeapAlloc)/(1<<20))
	fmt.Printf("  fra operativsystemet (Sys):    %.1f MiB\n", float64(ms.Sys)/(1<<20))
	fmt.Printf("  goroutiner:                    %d\n", runtime.NumGoroutine())
	fmt.Println()
	at50 := levels[len(levels)-1]
	p99at50, visible99 := pct(at50.lat, 99), pct(at50.visible, 99)
	fmt.Printf("Mål (Temporal på %s)\n", o.temporalDB)
	fmt.Printf("  kvittering p99 ≤ 100 ms ved 50 samtidige klikk:     %v → %s\n", p99at50, met(p99at50 <= 100*time.Millisecond))
	fmt.Printf("  klikk til synlig p99 ≤ 1 s ved 50 samtidige klikk: %v → %s\n", visible99, met(len(at50.visible) > 0 && at50.invisible == 0 && visible99 <= time.Second))
	fmt.Printf("  forhold ≥ 0,8:                                     %.2f → %s\n", ratio, met(ratio >= 0.8))
	return nil
}

// progress goes to stderr, so stdout holds the report alone.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func met(ok bool) string {
	if ok {
		return "oppfylt"
	}
	return "ikke oppfylt"
}

// --- database ---

func freshDatabaseURL(base string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("databasens URL kan ikke leses: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		name = "samarbeid_bench"
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	u.Path = "/" + name + "_" + hex.EncodeToString(suffix)
	return u.String(), nil
}

func dropDatabase(dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// --- driving the stand-in ---

type bench struct {
	a  *app.App
	sl *slacklocal.Server

	mu  sync.Mutex
	lat []time.Duration // every interaction round trip since the last takeLatencies

	prepFailures atomic.Int64 // cases that failed on the way to step 3 while preparing clicks
}

func kariID(slot int) string { return fmt.Sprintf("U_BENCH_KARI_%02d", slot) }
func olaID(slot int) string  { return fmt.Sprintf("U_BENCH_OLA_%02d", slot) }

// addUsers gives each concurrent client its own helsestasjon and skole staff member, in the
// directory and in the stand-in, because a person has one modal open at a time.
func (b *bench) addUsers(ctx context.Context, slots int) error {
	for i := 0; i < slots; i++ {
		for _, st := range []store.Staff{
			{SlackUserID: kariID(i), Name: fmt.Sprintf("Kari %d (helsestasjon)", i), ServiceIDs: []string{"helsestasjon"}},
			{SlackUserID: olaID(i), Name: fmt.Sprintf("Ola %d (skole)", i), ServiceIDs: []string{"skole"}},
		} {
			if err := b.a.Store.UpsertStaff(ctx, st); err != nil {
				return err
			}
			b.sl.AddUser(slacklocal.User{ID: st.SlackUserID, Name: st.Name})
		}
	}
	return nil
}

func (b *bench) record(d time.Duration) {
	b.mu.Lock()
	b.lat = append(b.lat, d)
	b.mu.Unlock()
}

func (b *bench) takeLatencies() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.lat
	b.lat = nil
	return out
}

func (b *bench) slash(user, channel, text string) error {
	t := time.Now()
	_, err := b.sl.SlashCommand(user, channel, "/samarbeid", text)
	b.record(time.Since(t))
	return err
}

func (b *bench) click(user, channel, ts, action, value string) error {
	t := time.Now()
	_, err := b.sl.ClickButtonWithValue(user, channel, ts, action, value)
	b.record(time.Since(t))
	return err
}

func (b *bench) submit(user string, values map[string]map[string]slacklocal.Value) error {
	t := time.Now()
	reply, err := b.sl.SubmitView(user, values)
	b.record(time.Since(t))
	if err != nil {
		return err
	}
	if reply.ResponseAction == "errors" {
		return fmt.Errorf("modalen ble avvist: %v", reply.Errors)
	}
	return nil
}

func (b *bench) waitView(user, callbackID string) (slacklocal.View, error) {
	return b.sl.WaitForView(user, waitTimeout, func(v slacklocal.View) bool { return v.CallbackID == callbackID })
}

// waitButton waits for a message in channel with a button (action, value), and text if given.
func (b *bench) waitButton(channel, action, value, text string) (slacklocal.Message, error) {
	return b.sl.WaitForMessage(channel, waitTimeout, func(m slacklocal.Message) bool {
		for _, btn := range m.Buttons() {
			if btn.ActionID == action && btn.Value == value {
				return text == "" || strings.Contains(m.AllText(), text)
			}
		}
		return false
	})
}

func initialValue(v slacklocal.View, blockID string) string {
	for _, in := range v.Inputs() {
		if in.BlockID == blockID {
			return in.Initial.Value
		}
	}
	return ""
}

// toConsent opens a case as slot's Kari and takes it to step 3 with consent on record for the
// school, as a person does in the local Slack. It returns the workflow ID and the step-3 message.
func (b *bench) toConsent(ctx context.Context, slot int) (string, slacklocal.Message, error) {
	kari := kariID(slot)
	var none slacklocal.Message
	if err := b.slash(kari, chHelsestasjon, "ny"); err != nil {
		return "", none, err
	}
	v, err := b.waitView(kari, "ny_sak")
	if err != nil {
		return "", none, err
	}
	ref := initialValue(v, "saksreferanse")
	if ref == "" {
		return "", none, errors.New("ny_sak-modalen har ingen saksreferanse")
	}
	if err := b.submit(kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	}); err != nil {
		return "", none, err
	}
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	svc := wfID + "|skole"

	step1, err := b.waitButton(chHelsestasjon, "avklaring", wfID+"|", "")
	if err != nil {
		return "", none, err
	}
	if err := b.click(kari, chHelsestasjon, step1.TS, "avklaring", wfID+"|"); err != nil {
		return "", none, err
	}
	if _, err := b.waitView(kari, "avklaring"); err != nil {
		return "", none, err
	}
	if err := b.submit(kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}}); err != nil {
		return "", none, err
	}

	step2, err := b.waitButton(chHelsestasjon, "vurder", svc, "")
	if err != nil {
		return "", none, err
	}
	if err := b.click(kari, chHelsestasjon, step2.TS, "vurder", svc); err != nil {
		return "", none, err
	}
	if _, err := b.waitView(kari, "vurdering"); err != nil {
		return "", none, err
	}
	if err := b.submit(kari, map[string]map[string]slacklocal.Value{
		"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "tilrettelegging i skolehverdagen"}},
		"begrunnelse": {"verdi": {Value: "eleven trenger tilpasning"}},
	}); err != nil {
		return "", none, err
	}

	step3, err := b.waitButton(chHelsestasjon, "samtykke", svc, "")
	if err != nil {
		return "", none, err
	}
	if err := b.click(kari, chHelsestasjon, step3.TS, "samtykke", svc); err != nil {
		return "", none, err
	}
	if _, err := b.waitView(kari, "samtykke"); err != nil {
		return "", none, err
	}
	if err := b.submit(kari, map[string]map[string]slacklocal.Value{
		"grunnlag": {"verdi": {Value: "samtykke"}}, "form": {"verdi": {Value: "skriftlig"}}, "gitt_av": {"verdi": {Value: "personen"}},
	}); err != nil {
		return "", none, err
	}
	// The prompt is redrawn with the basis on record before the request may be sent.
	step3, err = b.waitButton(chHelsestasjon, "kontakt", svc, "grunnlag registrert")
	if err != nil {
		return "", none, err
	}
	return wfID, step3, nil
}

// lifecycle takes one case from /samarbeid ny to closed and waits for the workflow's result.
func (b *bench) lifecycle(ctx context.Context, slot int) (string, error) {
	wfID, step3, err := b.toConsent(ctx, slot)
	if err != nil {
		return "", err
	}
	svc := wfID + "|skole"
	if err := b.click(kariID(slot), chHelsestasjon, step3.TS, "kontakt", svc); err != nil {
		return "", err
	}
	req, err := b.waitButton(chSkole, "godta", svc, "")
	if err != nil {
		return "", err
	}
	ola := olaID(slot)
	if err := b.click(ola, chSkole, req.TS, "godta", svc); err != nil {
		return "", err
	}
	if _, err := b.waitView(ola, "godta"); err != nil {
		return "", err
	}
	if err := b.submit(ola, map[string]map[string]slacklocal.Value{"kontaktperson": {"verdi": {Value: "Ola, kontaktlærer"}}}); err != nil {
		return "", err
	}
	wctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	var st workflows.Status
	if err := b.a.Temporal.GetWorkflow(wctx, wfID, "").Get(wctx, &st); err != nil {
		return "", fmt.Errorf("%s: %w", wfID, err)
	}
	if st.Step != workflows.StepDone {
		return "", fmt.Errorf("%s endte i steg %s", wfID, st.Step)
	}
	return wfID, nil
}

// runCases runs n jobs, conc at a time; each worker goroutine owns one slot (its users). A
// failed case is counted and the slot goes on with the next one; the IDs of the completed
// cases are returned.
func (b *bench) runCases(ctx context.Context, n, conc int, job func(context.Context, int) (string, error)) (ids []string, failed int, firstErr error) {
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for slot := 0; slot < min(conc, n); slot++ {
		wg.Add(1)
		go func(slot int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				id, err := job(ctx, slot)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				} else {
					ids = append(ids, id)
				}
				mu.Unlock()
				if err != nil {
					_ = b.sl.CloseView(kariID(slot))
					_ = b.sl.CloseView(olaID(slot))
				}
			}
		}(slot)
	}
	wg.Wait()
	return ids, failed, firstErr
}

// historyStats averages the events in the cases' histories and counts, from the first case,
// the accepted updates and scheduled activities the bare baseline must match.
func (b *bench) historyStats(ctx context.Context, ids []string) (avg float64, updates, acts int, err error) {
	totalEvents := 0
	for i, id := range ids {
		it := b.a.Temporal.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				return 0, 0, 0, err
			}
			totalEvents++
			if i == 0 {
				switch ev.GetEventType() {
				case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
					updates++
				case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
					acts++
				}
			}
		}
	}
	return float64(totalEvents) / float64(len(ids)), updates, acts, nil
}

// clickResult is one concurrency level: every click's round trip (a click the bot did not
// answer counts with the time the stand-in waited), and how many failed.
type clickResult struct {
	lat      []time.Duration
	elapsed  time.Duration
	failed   int
	firstErr error
	// visible is each click's time until its answer reached the stand-in (the response_url
	// line the person sees); invisible counts clicks whose answer never came.
	visible   []time.Duration
	invisible int
}

// concurrentClicks prepares k*rounds cases waiting at "Send kontaktforespørsel" (consent on
// record), then fires k clicks at once per round, each on its own case, and returns every
// click's round trip.
func (b *bench) concurrentClicks(ctx context.Context, k, rounds, conc int) (clickResult, error) {
	type ready struct {
		slot int
		wfID string
		ts   string
	}
	// Each prepared case must be clicked by a Kari of its own slot: one per concurrent click.
	prepared := make([]ready, 0, k*rounds)
	var pmu sync.Mutex
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		var next atomic.Int64
		var firstErr error
		var once sync.Once
		for w := 0; w < min(conc, k); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= k {
						return
					}
					// Slot i's Kari opens case i of this round; a Kari has one modal at a time
					// and slot i is used by one goroutine at a time here.
					// A case that fails on the way (a trigger expiring under load) is replaced,
					// a bounded number of times.
					var wfID string
					var msg slacklocal.Message
					var err error
					for attempt := 0; attempt < 3; attempt++ {
						if wfID, msg, err = b.toConsent(ctx, i); err == nil {
							break
						}
						b.prepFailures.Add(1)
						_ = b.sl.CloseView(kariID(i))
					}
					if err != nil {
						once.Do(func() { firstErr = err })
						return
					}
					pmu.Lock()
					prepared = append(prepared, ready{i, wfID, msg.TS})
					pmu.Unlock()
				}
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return clickResult{}, firstErr
		}
	}
	b.takeLatencies() // preparation is not what is measured here

	var lat []time.Duration
	var failed int
	var firstClickErr error
	var res clickResult
	t0 := time.Now()
	for r := 0; r < rounds; r++ {
		batch := prepared[r*k : (r+1)*k]
		got := make([]time.Duration, k)
		seen := make([]time.Duration, k) // 0: no answer came
		errs := make([]error, k)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for j, c := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := kariID(c.slot)
				before := len(b.sl.Ephemerals(user))
				<-start
				t := time.Now()
				reply, err := b.sl.ClickButtonWithValue(user, chHelsestasjon, c.ts, "kontakt", c.wfID+"|skole")
				got[j] = time.Since(t)
				if err == nil && reply.Status != 200 {
					err = fmt.Errorf("status %d", reply.Status)
				}
				errs[j] = err
				if err == nil && b.waitEphemeral(user, before, waitTimeout) {
					seen[j] = time.Since(t)
				}
			}()
		}
		close(start)
		wg.Wait()
		for _, d := range seen {
			if d == 0 {
				res.invisible++
				continue
			}
			res.visible = append(res.visible, d)
		}
		for _, err := range errs {
			if err != nil {
				failed++
				if firstClickErr == nil {
					firstClickErr = err
				}
			}
		}
		lat = append(lat, got...)
	}
	d := time.Since(t0)
	// Let every case have its request sent before the next level starts (a click the bot
	// did not answer in time may still have been carried out).
	for _, c := range prepared {
		_, _ = b.waitButton(chSkole, "godta", c.wfID+"|skole", "")
	}
	res.lat, res.elapsed, res.failed, res.firstErr = lat, d, failed, firstClickErr
	return res, nil
}

// waitEphemeral waits until the user has more than before ephemeral messages: the bot's
// answer through the response_url. It wakes on the stand-in's changes, not on a poll, so
// the time taken is the answer's and not a polling interval's.
func (b *bench) waitEphemeral(user string, before int, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		changed := b.sl.Changes()
		if len(b.sl.Ephemerals(user)) > before {
			return true
		}
		select {
		case <-changed:
		case <-deadline:
			return false
		}
	}
}

// --- the bare baseline ---

const bareQueue = "bench-bare"

// bareInput says how many updates the workflow accepts and how many activities it runs.
type bareInput struct {
	Updates    int
	Activities int
}

// bareWorkflow spreads its activities evenly over the updates (the first before any update,
// as samarbeid posts step 1's prompt), each update handler only appends.
func bareWorkflow(ctx workflow.Context, in bareInput) (int, error) {
	var got []string
	if err := workflow.SetUpdateHandler(ctx, "u", func(ctx workflow.Context, s string) (int, error) {
		got = append(got, s)
		return len(got), nil
	}); err != nil {
		return 0, err
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	slots := in.Updates + 1
	ran := 0
	for i := 0; i < slots; i++ {
		if i > 0 {
			if err := workflow.Await(ctx, func() bool { return len(got) >= i }); err != nil {
				return 0, err
			}
		}
		n := in.Activities / slots
		if i < in.Activities%slots {
			n++
		}
		for j := 0; j < n; j++ {
			if err := workflow.ExecuteActivity(ctx, bareActivity).Get(ctx, nil); err != nil {
				return 0, err
			}
			ran++
		}
	}
	return ran, nil
}

func bareActivity(context.Context) error { return nil }

func bare(ctx context.Context, c client.Client, n, conc, updates, acts int) (float64, time.Duration, error) {
	w := sdkworker.New(c, bareQueue, sdkworker.Options{})
	w.RegisterWorkflow(bareWorkflow)
	w.RegisterActivityWithOptions(bareActivity, activity.RegisterOptions{Name: "bareActivity"})
	if err := w.Start(); err != nil {
		return 0, 0, err
	}
	defer w.Stop()
	prefix := "bench-bare-" + randomHex()
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	t0 := time.Now()
	for k := 0; k < min(conc, n); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := bareCase(ctx, c, fmt.Sprintf("%s-%d", prefix, i), updates, acts); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(t0)
	if firstErr != nil {
		return 0, 0, firstErr
	}
	return float64(n) / d.Seconds(), d, nil
}

func bareCase(ctx context.Context, c client.Client, id string, updates, acts int) error {
	ctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: bareQueue}, bareWorkflow,
		bareInput{Updates: updates, Activities: acts})
	if err != nil {
		return err
	}
	for u := 0; u < updates; u++ {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: id, UpdateName: "u", Args: []any{fmt.Sprint(u)}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err != nil {
			return err
		}
		if err := h.Get(ctx, nil); err != nil {
			return err
		}
	}
	var ran int
	if err := run.Get(ctx, &ran); err != nil {
		return err
	}
	if ran != acts {
		return fmt.Errorf("%s kjørte %d aktiviteter, ventet %d", id, ran, acts)
	}
	return nil
}

// --- small helpers ---

func randomHex() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func total(m map[string]int) int {
	s := 0
	for _, v := range m {
		s += v
	}
	return s
}

func perMethod(calls map[string]int, n int) string {
	names := make([]string, 0, len(calls))
	for k := range calls {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %.1f", k, float64(calls[k])/float64(n)))
	}
	return strings.Join(parts, ", ")
}

// pct is the p-th percentile (nearest rank); 100 gives the maximum.
func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p/100*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return s[i].Round(100 * time.Microsecond)
}

func diff(after, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}
