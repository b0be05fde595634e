// Scale mode: how samarbeid's worker and the KE overview grow with the number of open cases.
//
//	go run ./bench -scale 1000,2500,5000,10000
//
// The bench process runs the stack as `samarbeid dev` does (the embedded Temporal server on a
// SQLite file, a PostgreSQL database of its own, the local Slack stand-in), but not the worker:
// the worker runs as a subprocess (this same binary, started again), so its memory is the
// worker's own and not the embedded server's. Cases are started directly with the Temporal
// client at a controlled rate, each a real CollaborationDuty opened in step 1 with its deadline
// and reminder timers running, spread over the directory's services. A share of them runs
// under a short policy (1 working day for step 1), so the KE overview has something due soon.
// At each level (cumulative open cases) the bench waits until every case has run its first
// workflow task and its effects (ledger row, Slack prompt, search attributes), so it sits on
// its timer, and then measures. Figures are printed; nothing here fails because of timing.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/server/common/dynamicconfig"
	servertemporal "go.temporal.io/server/temporal"
	"go.temporal.io/server/temporaltest"
	"golang.org/x/time/rate"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/bot"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/metrics"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/worker"
	"github.com/samarbeid/samarbeid/workflows"
)

// scaleOptions are the scale mode's flags; they are registered here so that main.go only
// dispatches.
type scaleOptions struct {
	levels     string
	rate       float64
	dueShare   float64
	runs       int
	cacheSize  int
	timeout    time.Duration
	settleWait time.Duration
	workerMode bool
	temporal   string
}

var scaleOpts scaleOptions

func init() {
	flag.StringVar(&scaleOpts.levels, "scale", "", "skalamodus: antall åpne saker per nivå, kumulativt, f.eks. 1000,2500,5000,10000")
	flag.Float64Var(&scaleOpts.rate, "scale-rate", 25, "skalamodus: saker startet per sekund, høyst")
	flag.Float64Var(&scaleOpts.dueShare, "scale-due", 0.2, "skalamodus: andel saker med kort frist (1 virkedag for steg 1), som KE-oversikten viser som snart forfalt")
	flag.IntVar(&scaleOpts.runs, "scale-runs", 30, "skalamodus: målinger av KE-oversikten per nivå og variant")
	flag.IntVar(&scaleOpts.cacheSize, "scale-cache", 0, "skalamodus: workerens sticky cache (arbeidsflyter); 0 lar SDK-ens standard (10 000) stå")
	flag.DurationVar(&scaleOpts.timeout, "scale-timeout", 3*time.Hour, "skalamodus: største tid for hele kjøringen")
	flag.DurationVar(&scaleOpts.settleWait, "scale-stall", 5*time.Minute, "skalamodus: gi opp et nivå når ingen sak har kommet i ro på så lenge")
	flag.StringVar(&scaleOpts.temporal, "scale-temporal", "dev", "skalamodus: Temporal-serveren; dev: som `samarbeid dev` (devserver, SQLite-fil, tvungen oppfrisking av søkeattributter ved hver lesing); lite: temporaltest (SQLite i minnet) uten den tvungne oppfriskingen, som en vanlig server")
	flag.BoolVar(&scaleOpts.workerMode, "scale-worker", false, "intern: kjør bare workeren, styrt over stdin (startes av skalamodus)")
}

// scaleRequested tells main.go to hand over to runScaleMode.
func scaleRequested() bool { return scaleOpts.levels != "" || scaleOpts.workerMode }

// runScaleMode runs the scale bench, or its worker subprocess; it returns the exit code.
func runScaleMode(database string, keepDB bool) int {
	var err error
	if scaleOpts.workerMode {
		err = scaleWorkerMain()
	} else {
		err = runScale(scaleOpts, database, keepDB)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench -scale:", err)
		return 1
	}
	return 0
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-scale: %q er ikke et positivt tall", f)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, fmt.Errorf("-scale: nivåene må stige (%d etter %d)", n, out[len(out)-1])
		}
		out = append(out, n)
	}
	return out, nil
}

// --- the worker subprocess ---

// Environment of the worker subprocess; the parent sets it.
const (
	envWorkerDB        = "SKALA_DATABASE_URL"
	envWorkerTemporal  = "SKALA_TEMPORAL_ADDRESS"
	envWorkerNamespace = "SKALA_TEMPORAL_NAMESPACE"
	envWorkerSlackURL  = "SKALA_SLACK_API_URL"
	envWorkerCache     = "SKALA_STICKY_CACHE"
	envWorkerKeys      = "SAMARBEID_PAYLOAD_KEYS" // the parent's key ring: both encrypt the same histories
)

// scaleBotToken is what the bench's stand-in and the worker subprocess agree on.
const scaleBotToken = "xoxb-bench-skala"

// memReport is the worker's memory as it reports it on "mem".
type memReport struct {
	HeapInuse   uint64 // runtime.MemStats.HeapInuse after runtime.GC
	StackInuse  uint64 // goroutine stacks, after the same GC
	Sys         uint64 // runtime.MemStats.Sys: all the Go runtime has from the OS
	RSS         uint64 // VmRSS from /proc/self/status, read before the GC
	Goroutines  int
	StickyCache float64 // the SDK's gauge temporal_sticky_cache_size; -1 when not found
	CacheLimit  int     // the sticky cache size the worker runs with
}

// scaleWorkerMain is the worker subprocess: samarbeid's worker wired as app.Start wires it
// for `samarbeid dev` with the stand-in (no Slack pacing), against the parent's embedded
// Temporal server and PostgreSQL. It answers "mem" on stdin with a memReport line on stdout
// and stops on "stop" or when stdin closes.
func scaleWorkerMain() error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx := context.Background()
	cacheLimit := 10_000 // the SDK's default (go.temporal.io/sdk internal defaultStickyCacheSize)
	if v := os.Getenv(envWorkerCache); v != "" && v != "0" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%s=%q", envWorkerCache, v)
		}
		sdkworker.SetStickyWorkflowCacheSize(n)
		cacheLimit = n
	}
	st, err := store.Open(ctx, os.Getenv(envWorkerDB))
	if err != nil {
		return err
	}
	defer st.Close()
	m := metrics.New()
	keys, err := codec.Parse(os.Getenv(envWorkerKeys))
	if err != nil {
		return fmt.Errorf("%s: %w", envWorkerKeys, err)
	}
	c, err := client.DialContext(ctx, client.Options{
		HostPort: os.Getenv(envWorkerTemporal), Namespace: os.Getenv(envWorkerNamespace),
		Logger: sdklog.NewStructuredLogger(log.With("komponent", "temporal")), MetricsHandler: m.TemporalHandler(),
		DataConverter: keys.DataConverter(),
	})
	if err != nil {
		return err
	}
	defer c.Close()
	slackClient := slack.New(scaleBotToken, slack.OptionAPIURL(os.Getenv(envWorkerSlackURL)))
	acts := &activities.Activities{
		Messenger: &bot.Messenger{Slack: slackClient, Directory: st, Metrics: m},
		Ledger:    worker.StoreLedger{Store: st},
		Consents:  worker.StoreConsents{Store: st},
		Cases:     worker.TemporalCases{Client: c},
	}
	w := worker.New(c, acts)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "klar")
	out.Flush()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		switch strings.TrimSpace(in.Text()) {
		case "mem":
			r := memReport{RSS: rssBytes(), CacheLimit: cacheLimit, StickyCache: gaugeValue(m, "sticky_cache_size")}
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			r.HeapInuse, r.StackInuse, r.Sys, r.Goroutines = ms.HeapInuse, ms.StackInuse, ms.Sys, runtime.NumGoroutine()
			b, _ := json.Marshal(r)
			fmt.Fprintln(out, string(b))
			out.Flush()
		case "stop":
			return nil
		}
	}
	return nil
}

// gaugeValue sums the series of the first metric whose name ends in suffix; -1 if none.
func gaugeValue(m *metrics.Metrics, suffix string) float64 {
	families, err := m.Registry.Gather()
	if err != nil {
		return -1
	}
	for _, f := range families {
		if !strings.HasSuffix(f.GetName(), suffix) {
			continue
		}
		sum := 0.0
		for _, s := range f.GetMetric() {
			sum += s.GetGauge().GetValue()
		}
		return sum
	}
	return -1
}

// rssBytes is this process's resident set (VmRSS), 0 where /proc is missing.
func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// workerProc is the running worker subprocess.
type workerProc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	done chan error
}

func startWorkerProc(env []string) (*workerProc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-scale-worker")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &workerProc{cmd: cmd, in: in, out: bufio.NewScanner(outPipe), done: make(chan error, 1)}
	if !p.out.Scan() || p.out.Text() != "klar" {
		p.kill()
		return nil, fmt.Errorf("workeren startet ikke (%q)", p.out.Text())
	}
	go func() { p.done <- cmd.Wait() }()
	return p, nil
}

func (p *workerProc) mem() (memReport, error) {
	var r memReport
	if _, err := fmt.Fprintln(p.in, "mem"); err != nil {
		return r, err
	}
	if !p.out.Scan() {
		return r, fmt.Errorf("workeren svarte ikke: %v", p.out.Err())
	}
	return r, json.Unmarshal(p.out.Bytes(), &r)
}

// stop asks the worker to drain and exit, and kills it if it has not within a minute.
func (p *workerProc) stop() {
	_, _ = fmt.Fprintln(p.in, "stop")
	_ = p.in.Close()
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.kill()
	}
}

func (p *workerProc) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
}

// --- the bench ---

// scaleLevel is what one level measured.
type scaleLevel struct {
	open         int           // cases started so far
	started      int           // started in this level
	startElapsed time.Duration // wall time of this level's starts
	settle       time.Duration // from this level's first start until all cases sat on timers
	running      int64         // visibility: running CollaborationDuty executions
	worker       memReport
	server       memReport // this process: embedded Temporal, stand-in, bench client
	today, all   overviewRun
}

// overviewRun is one variant of the KE overview measured over several runs.
type overviewRun struct {
	listed   int // cases in the report (overdue + due soon), from the last successful run
	lat      []time.Duration
	failed   int
	firstErr error
}

func (r overviewRun) pct(p float64) string {
	if len(r.lat) == 0 {
		return "–"
	}
	return pct(r.lat, p).String()
}

func (r overviewRun) listedText() string {
	if len(r.lat) == 0 {
		return "–"
	}
	return strconv.Itoa(r.listed)
}

// Overview horizon: "due soon" is a deadline within three working days, as the KE's Home tab
// and /samarbeid oversikt look ahead (bot/overview.go, soonWorkingDays). The "all" variant asks as if ten working days had passed, so every
// open case's step-1 deadline (5 working days at most) is overdue and every case is listed:
// the same query, with every running case matching.
const (
	horizonWorkingDays = 3
	laterWorkingDays   = 10
)

func runScale(o scaleOptions, database string, keepDB bool) error {
	levels, err := parseLevels(o.levels)
	if err != nil {
		return err
	}
	if o.rate <= 0 || o.dueShare < 0 || o.dueShare > 1 || o.runs < 1 {
		return errors.New("-scale-rate må være over 0, -scale-due mellom 0 og 1, -scale-runs minst 1")
	}
	if o.temporal != "dev" && o.temporal != "lite" {
		return fmt.Errorf("-scale-temporal må være dev eller lite (er %q)", o.temporal)
	}
	dbURL, err := freshDatabaseURL(database)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := app.EnsureDatabase(ctx, dbURL); err != nil {
		return err
	}
	if !keepDB {
		defer func() {
			if err := dropDatabase(dbURL); err != nil {
				fmt.Fprintln(os.Stderr, "bench: kunne ikke slette databasen:", err)
			}
		}()
	}
	dataDir, err := os.MkdirTemp("", "samarbeid-skala-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)

	var logLevel slog.LevelVar
	logLevel.Set(slog.LevelError)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: &logLevel}))
	t0 := time.Now()
	// The stack as `samarbeid dev` starts it, but with neither worker nor bot in this process:
	// the worker runs as a subprocess, and the bot is not what is measured. A token is set so
	// app.Start serves no stand-in of its own.
	cfg := app.Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", Seed: true, TemporalNamespace: "default",
		NoWorker: true, NoBot: true, SlackBotToken: scaleBotToken, PayloadKeys: codec.NewKey("bench")}
	if o.temporal == "dev" {
		cfg.DataDir = dataDir // the embedded devserver keeps its SQLite file there, as `dev` does under data/
	} else {
		ts, err := startLiteTemporal()
		if err != nil {
			return err
		}
		defer stopLiteTemporal(ts)
		cfg.TemporalAddress, cfg.TemporalNamespace = ts.GetFrontendHostPort(), ts.GetDefaultNamespace()
	}
	a, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		logLevel.Set(slog.LevelError + 100)
		a.Stop()
	}()
	temporalAddr := a.TemporalAddress()
	if o.temporal == "lite" {
		temporalAddr = cfg.TemporalAddress
		// Without the forced refresh the server sees the search attributes app.Start just
		// registered when its cache expires (up to a minute).
		progress("venter til serveren kjenner søkeattributtene")
		if err := waitSearchAttributes(ctx, a.Temporal); err != nil {
			return err
		}
	}
	services, err := a.Store.Services(ctx)
	if err != nil {
		return err
	}
	slackURL, stopSlack, err := serveStandIn(services)
	if err != nil {
		return err
	}
	defer stopSlack()
	wp, err := startWorkerProc([]string{
		envWorkerDB + "=" + dbURL, envWorkerTemporal + "=" + temporalAddr, envWorkerNamespace + "=" + a.Namespace,
		envWorkerSlackURL + "=" + slackURL + "/api/", envWorkerCache + "=" + strconv.Itoa(o.cacheSize),
		envWorkerKeys + "=" + a.PayloadKeys(),
	})
	if err != nil {
		return err
	}
	defer wp.stop()
	baseline, err := wp.mem()
	if err != nil {
		return err
	}
	fmt.Printf("samarbeid bench -scale: nivåer %v, høyst %.0f starter/s, %.0f %% med kort frist, Temporal %s; oppstart %v (database %s)\n",
		levels, o.rate, o.dueShare*100, temporalDescription(o.temporal), time.Since(t0).Round(time.Millisecond), app.Redact(dbURL))

	var initiators []store.Service
	for _, s := range services {
		if !s.Coordinating {
			initiators = append(initiators, s)
		}
	}
	starter := &caseStarter{c: a.Temporal, services: initiators, dueShare: o.dueShare,
		long: policy.Default(), short: shortPolicy()}

	var done []scaleLevel
	var stopErr error
	for _, target := range levels {
		n := target - starter.next
		progress("nivå %d: starter %d saker", target, n)
		lv := scaleLevel{open: target, started: n}
		t := time.Now()
		if err := starter.start(ctx, n, o.rate); err != nil {
			stopErr = fmt.Errorf("nivå %d: start: %w", target, err)
			break
		}
		lv.startElapsed = time.Since(t)
		progress("nivå %d: %d startet på %v (%.1f/s); venter til alle står på tidtakeren", target, n,
			lv.startElapsed.Round(time.Millisecond), float64(n)/lv.startElapsed.Seconds())
		if err := waitSettled(ctx, a.Temporal, target, o.settleWait); err != nil {
			stopErr = fmt.Errorf("nivå %d: %w", target, err)
			break
		}
		lv.settle = time.Since(t)
		time.Sleep(2 * time.Second) // let the last polls and metrics come to rest
		if lv.worker, err = wp.mem(); err != nil {
			stopErr = err
			break
		}
		lv.server = selfMem()
		if lv.running, err = countRunning(ctx, a.Temporal); err != nil {
			stopErr = err
			break
		}
		progress("nivå %d: i ro etter %v; måler KE-oversikten %d ganger per variant", target, lv.settle.Round(time.Millisecond), o.runs)
		if lv.today, lv.all, err = measureOverview(ctx, a.Temporal, services, o.runs); err != nil {
			stopErr = err
			break
		}
		done = append(done, lv)
		printLevel(lv)
	}
	printScaleReport(o, baseline, done)
	if stopErr != nil {
		fmt.Printf("\nKjøringen stoppet: %v\n", stopErr)
	}
	return stopErr
}

func temporalDescription(kind string) string {
	if kind == "dev" {
		return "dev (devserver, SQLite-fil, tvungen oppfrisking av søkeattributter)"
	}
	return "lite (temporaltest, SQLite i minnet, uten tvungen oppfrisking)"
}

// startLiteTemporal starts Temporal's own test server (SQLite in memory) without the forced
// search-attribute refresh that devserver and temporaltest turn on. That setting makes every
// visibility read and write re-read the search attributes' metadata from the database (for a
// list, once per row); Temporal says it "should not be turned on in production". The user's
// server options come after temporaltest's own, so this dynamic config replaces its.
func startLiteTemporal() (ts *temporaltest.TestServer, err error) {
	defer func() {
		if r := recover(); r != nil { // temporaltest panics on a failed start outside a test
			err = fmt.Errorf("temporaltest: %v", r)
		}
	}()
	return temporaltest.NewServer(temporaltest.WithBaseServerOptions(
		servertemporal.WithDynamicConfigClient(dynamicconfig.StaticClient{}))), nil
}

func stopLiteTemporal(ts *temporaltest.TestServer) {
	defer func() { _ = recover() }() // Stop logs a failed shutdown through a *testing.T it does not have
	ts.Stop()
}

// waitSearchAttributes waits until the frontend accepts a query on samarbeid's search attributes.
func waitSearchAttributes(ctx context.Context, c client.Client) error {
	deadline := time.Now().Add(3 * time.Minute)
	for {
		_, err := count(ctx, c, settledQuery)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("søkeattributtene ble ikke synlige: %w", err)
		}
		time.Sleep(2 * time.Second)
	}
}

// shortPolicy is the default with step 1 due after one working day, so those cases fall
// inside the overview's horizon at once.
func shortPolicy() policy.Deadlines {
	p := policy.Default()
	p.Version = "bench-skala-kort-1"
	p.ClarifyWorkingDays = 1
	return p
}

// serveStandIn serves a Slack stand-in with the directory's channels, for the worker's posts.
func serveStandIn(services []store.Service) (string, func(), error) {
	var channels []slacklocal.Channel
	for _, s := range services {
		channels = append(channels, slacklocal.Channel{ID: s.SlackChannel, Name: s.ID})
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	u := "http://" + l.Addr().String()
	sl := slacklocal.New(slacklocal.Options{BotToken: scaleBotToken, PublicURL: u, Channels: channels})
	srv := &http.Server{Handler: sl.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return u, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// caseStarter opens cases as the bot does (same workflow ID, input and search attributes at
// start), but directly with the Temporal client.
type caseStarter struct {
	c           client.Client
	services    []store.Service
	dueShare    float64
	long, short policy.Deadlines
	next        int // cases started so far
}

func (s *caseStarter) input(i int) (string, workflows.CaseInput) {
	svc := s.services[i%len(s.services)]
	p := s.long
	if int(float64(i+1)*s.dueShare) > int(float64(i)*s.dueShare) {
		p = s.short
	}
	ref := fmt.Sprintf("SAK-2026-%06d", i+1)
	in := workflows.CaseInput{
		CaseRef: ref, Subject: []string{"barn", "voksen"}[i%2], InitiatingServiceID: svc.ID,
		LegalBasis: strings.TrimSpace(svc.Law + " " + svc.Section), Policy: p,
		OpenedBy: workflows.Actor{SlackUserID: "U_BENCH_SKALA", Name: "Skala (bench)", ServiceIDs: []string{svc.ID}},
	}
	return workflows.WorkflowID(ref, svc.ID), in
}

// start opens n more cases, at most perSecond a second, from a few goroutines.
func (s *caseStarter) start(ctx context.Context, n int, perSecond float64) error {
	lim := rate.NewLimiter(rate.Limit(perSecond), 1)
	first, next := s.next, atomic.Int64{}
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= n || ctx.Err() != nil {
					return
				}
				if err := lim.Wait(ctx); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				id, in := s.input(first + k)
				_, err := s.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
					ID: id, TaskQueue: workflows.TaskQueue,
					WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
					WorkflowExecutionErrorWhenAlreadyStarted: true,
					TypedSearchAttributes:                    workflows.CaseSearchAttributes(in),
				}, workflows.CollaborationDuty, in)
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("%s: %w", id, err) })
					return
				}
			}
		}()
	}
	wg.Wait()
	s.next = first + n
	return firstErr
}

// settledQuery finds the running cases that have published their deadline: the workflow does
// that after its first task's effects (ledger row, Slack prompt) have run, just before it
// waits on its reminder timer.
const settledQuery = "WorkflowType = 'CollaborationDuty' AND ExecutionStatus = 'Running' AND SamarbeidFrist > '2000-01-01T00:00:00Z'"

func count(ctx context.Context, c client.Client, query string) (int64, error) {
	resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
	if err != nil {
		return 0, err
	}
	return resp.GetCount(), nil
}

func countRunning(ctx context.Context, c client.Client) (int64, error) {
	return count(ctx, c, "WorkflowType = 'CollaborationDuty' AND ExecutionStatus = 'Running'")
}

// waitSettled waits until target cases sit on their timers; it gives up when none has come
// to rest for stall.
func waitSettled(ctx context.Context, c client.Client, target int, stall time.Duration) error {
	var last int64 = -1
	lastChange := time.Now()
	lastReport := time.Now()
	for {
		n, err := count(ctx, c, settledQuery)
		if err != nil {
			return err
		}
		if n >= int64(target) {
			return nil
		}
		if n != last {
			last, lastChange = n, time.Now()
		} else if time.Since(lastChange) > stall {
			return fmt.Errorf("bare %d av %d saker står på tidtakeren, og ingen har kommet i ro på %v", n, target, stall)
		}
		if time.Since(lastReport) > 30*time.Second {
			progress("  %d av %d i ro", n, target)
			lastReport = time.Now()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d av %d saker i ro da tiden gikk ut: %w", n, target, ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// measureOverview runs overview.Build runs times for today (a horizon of three working days)
// and runs times as of ten working days later (every open case listed), alternating.
func measureOverview(ctx context.Context, c client.Client, services []store.Service, runs int) (today, all overviewRun, err error) {
	for i := 0; i < runs; i++ {
		now := time.Now()
		for _, v := range []struct {
			run     *overviewRun
			at, hor time.Time
		}{
			{&today, now, calendar.AddWorkingDays(now, horizonWorkingDays)},
			{&all, calendar.AddWorkingDays(now, laterWorkingDays), calendar.AddWorkingDays(now, laterWorkingDays)},
		} {
			t := time.Now()
			r, err := overview.Build(ctx, c, services, v.at, v.hor)
			if ctx.Err() != nil {
				return today, all, ctx.Err()
			}
			if err != nil {
				// Counted, not fatal: a failing overview is itself a finding.
				v.run.failed++
				if v.run.firstErr == nil {
					v.run.firstErr = fmt.Errorf("etter %v: %w", time.Since(t).Round(time.Millisecond), err)
				}
				continue
			}
			v.run.lat = append(v.run.lat, time.Since(t))
			v.run.listed = r.Overdue + r.DueSoon
		}
	}
	return today, all, nil
}

// selfMem is this process's memory, as the worker's memReport.
func selfMem() memReport {
	r := memReport{RSS: rssBytes(), StickyCache: -1}
	var ms runtime.MemStats
	debug.FreeOSMemory() // a GC, as for the worker; it also hands freed pages back
	runtime.ReadMemStats(&ms)
	r.HeapInuse, r.StackInuse, r.Sys, r.Goroutines = ms.HeapInuse, ms.StackInuse, ms.Sys, runtime.NumGoroutine()
	return r
}

// --- report ---

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func printLevel(lv scaleLevel) {
	progress("nivå %d: worker heap %.1f MiB, RSS %.1f MiB, %d goroutiner; oversikt i dag p95 %s (%s saker, %d feilet), alle p95 %s (%s saker, %d feilet)",
		lv.open, mib(lv.worker.HeapInuse), mib(lv.worker.RSS), lv.worker.Goroutines,
		lv.today.pct(95), lv.today.listedText(), lv.today.failed, lv.all.pct(95), lv.all.listedText(), lv.all.failed)
}

func printScaleReport(o scaleOptions, base memReport, levels []scaleLevel) {
	fmt.Println()
	fmt.Printf("maskin: %d kjerner (GOMAXPROCS %d), %s %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	cache := fmt.Sprintf("%d (SDK-ens standard; worker/worker.go setter den ikke)", base.CacheLimit)
	if o.cacheSize > 0 {
		cache = fmt.Sprintf("%d (satt med -scale-cache)", base.CacheLimit)
	}
	fmt.Printf("workerens sticky cache: %s\n", cache)
	fmt.Printf("worker uten saker: heap i bruk %.1f MiB, stakker %.1f MiB, Sys %.1f MiB, RSS %.1f MiB, %d goroutiner\n",
		mib(base.HeapInuse), mib(base.StackInuse), mib(base.Sys), mib(base.RSS), base.Goroutines)
	if len(levels) == 0 {
		fmt.Println("ingen nivåer fullført")
		return
	}
	fmt.Println()
	fmt.Println("Start og worker (egen prosess). Heap og stakker etter runtime.GC; RSS (VmRSS) lest før GC.")
	fmt.Println("| åpne saker | startet/s | i ro etter | løpende i visibility | heap i bruk | stakker | Sys | RSS | goroutiner | sticky cache |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range levels {
		fmt.Printf("| %d | %.1f | %v (%.1f/s) | %d | %.1f MiB | %.1f MiB | %.1f MiB | %.1f MiB | %d | %.0f |\n",
			l.open, float64(l.started)/l.startElapsed.Seconds(), l.settle.Round(100*time.Millisecond),
			float64(l.started)/l.settle.Seconds(), l.running, mib(l.worker.HeapInuse), mib(l.worker.StackInuse),
			mib(l.worker.Sys), mib(l.worker.RSS), l.worker.Goroutines, l.worker.StickyCache)
	}
	fmt.Println()
	fmt.Printf("KE-oversikten (overview.Build), %d kjøringer per variant. «I dag»: frist innen %d virkedager. «Alle»: som om %d virkedager var gått, så alle åpne saker er forfalt og listes.\n",
		o.runs, horizonWorkingDays, laterWorkingDays)
	fmt.Println("| åpne saker | i dag: saker | p50 | p95 | p99 | feilet | alle: saker | p50 | p95 | p99 | feilet |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range levels {
		fmt.Printf("| %d | %s | %s | %s | %s | %d | %s | %s | %s | %s | %d |\n", l.open,
			l.today.listedText(), l.today.pct(50), l.today.pct(95), l.today.pct(99), l.today.failed,
			l.all.listedText(), l.all.pct(50), l.all.pct(95), l.all.pct(99), l.all.failed)
	}
	for _, l := range levels {
		for _, v := range []struct {
			name string
			r    overviewRun
		}{{"i dag", l.today}, {"alle", l.all}} {
			if v.r.firstErr != nil {
				fmt.Printf("  %d åpne saker, %s: første feil %v\n", l.open, v.name, v.r.firstErr)
			}
		}
	}
	fmt.Println()
	fmt.Printf("Bench-prosessen (Temporal-serveren %s, Slack-stand-in, klienten): heap etter GC, RSS etter FreeOSMemory.\n", o.temporal)
	fmt.Println("| åpne saker | heap i bruk | Sys | RSS | goroutiner |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	for _, l := range levels {
		fmt.Printf("| %d | %.1f MiB | %.1f MiB | %.1f MiB | %d |\n", l.open, mib(l.server.HeapInuse), mib(l.server.Sys), mib(l.server.RSS), l.server.Goroutines)
	}
	if len(levels) < 2 {
		return
	}
	a, b := levels[0], levels[len(levels)-1]
	ratio := func(x, y float64) string {
		if x == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f×", y/x)
	}
	perCase := func(x, y uint64) float64 {
		return (float64(y) - float64(x)) / float64(b.open-a.open) / 1024
	}
	fmt.Println()
	fmt.Printf("Vekst fra %d til %d åpne saker (%.1f× så mange)\n", a.open, b.open, float64(b.open)/float64(a.open))
	fmt.Printf("  worker heap i bruk:   %s (%.1f → %.1f MiB; %.1f KiB per ekstra sak)\n", ratio(float64(a.worker.HeapInuse), float64(b.worker.HeapInuse)),
		mib(a.worker.HeapInuse), mib(b.worker.HeapInuse), perCase(a.worker.HeapInuse, b.worker.HeapInuse))
	fmt.Printf("  worker stakker:       %s (%.1f → %.1f MiB; %.1f KiB per ekstra sak)\n", ratio(float64(a.worker.StackInuse), float64(b.worker.StackInuse)),
		mib(a.worker.StackInuse), mib(b.worker.StackInuse), perCase(a.worker.StackInuse, b.worker.StackInuse))
	fmt.Printf("  worker RSS:           %s (%.1f → %.1f MiB; %.1f KiB per ekstra sak)\n", ratio(float64(a.worker.RSS), float64(b.worker.RSS)),
		mib(a.worker.RSS), mib(b.worker.RSS), perCase(a.worker.RSS, b.worker.RSS))
	fmt.Printf("  worker goroutiner:    %s (%d → %d)\n", ratio(float64(a.worker.Goroutines), float64(b.worker.Goroutines)), a.worker.Goroutines, b.worker.Goroutines)
	for _, v := range []struct {
		name string
		a, b overviewRun
	}{{"i dag", a.today, b.today}, {"alle ", a.all, b.all}} {
		if len(v.a.lat) == 0 || len(v.b.lat) == 0 {
			fmt.Printf("  oversikt %s p95:   – (%s → %s; ingen vellykket måling på ett av nivåene)\n", v.name, v.a.pct(95), v.b.pct(95))
			continue
		}
		fmt.Printf("  oversikt %s p95:   %s (%s → %s; %d → %d saker listet)\n", v.name, ratio(float64(pct(v.a.lat, 95)), float64(pct(v.b.lat, 95))),
			v.a.pct(95), v.b.pct(95), v.a.listed, v.b.listed)
	}
	fmt.Printf("  server RSS:           %s (%.1f → %.1f MiB)\n", ratio(float64(a.server.RSS), float64(b.server.RSS)), mib(a.server.RSS), mib(b.server.RSS))
}
