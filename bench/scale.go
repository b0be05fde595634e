// Scale mode: how samarbeid's worker, "Mine oppgaver", the KE overview and the daily digest
// grow with the number of open cases.
//
//	go run ./bench -scale 1000,5000,10000,20000 [-temporal-db postgres]
//
// The bench process runs the stack as `samarbeid dev` does (the embedded Temporal server, a
// PostgreSQL database of its own, the local Slack stand-in and the bot), but not the worker:
// samarbeid is built and `samarbeid worker` runs as its own process, so its memory (VmRSS) is
// the worker's alone. Cases are started directly with the Temporal client at a controlled
// rate, each a real CollaborationDuty opened in step 1 with its deadline and reminder timers
// running. Helsestasjon gets a fixed number of them (-scale-mine-tasks), so "Mine oppgaver"
// is measured for its Kari, who has that many tasks among all the open cases; the rest are
// spread over the other services, and the first -scale-due-steps of those run under a short
// policy (1 working day for step 1), so the KE overview has that many steps due soon. At each
// level (cumulative open cases) the bench waits until every case has run its first workflow
// task and its effects (ledger row, Slack prompt, search attributes), so it sits on its
// timer, and then measures. Figures are printed; nothing here fails because of timing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
	"go.temporal.io/server/common/dynamicconfig"
	servertemporal "go.temporal.io/server/temporal"
	"go.temporal.io/server/temporaltest"
	"golang.org/x/time/rate"

	"github.com/samarbeid/samarbeid/app"
	"github.com/samarbeid/samarbeid/bot"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/worker"
	"github.com/samarbeid/samarbeid/workflows"
)

// scaleOptions are the scale mode's flags; they are registered here so that main.go only
// dispatches.
type scaleOptions struct {
	levels     string
	rate       float64
	dueSteps   int
	mineTasks  int
	runs       int
	cacheSize  int
	timeout    time.Duration
	settleWait time.Duration
	temporal   string
}

var scaleOpts scaleOptions

func init() {
	flag.StringVar(&scaleOpts.levels, "scale", "", "skalamodus: antall åpne saker per nivå, kumulativt, f.eks. 1000,5000,10000,20000")
	flag.Float64Var(&scaleOpts.rate, "scale-rate", 25, "skalamodus: saker startet per sekund, høyst")
	flag.IntVar(&scaleOpts.dueSteps, "scale-due-steps", 500, "skalamodus: saker med kort frist (1 virkedag for steg 1), som KE-oversikten viser som snart forfalt")
	flag.IntVar(&scaleOpts.mineTasks, "scale-mine-tasks", 20, "skalamodus: saker i helsestasjonen, som Kari har som oppgaver i «Mine oppgaver»")
	flag.IntVar(&scaleOpts.runs, "scale-runs", 20, "skalamodus: målinger per nivå av «mine» og KE-oversikten (dagsoversikten: 3)")
	flag.IntVar(&scaleOpts.cacheSize, "scale-cache", 0, "skalamodus: workerens sticky cache (SAMARBEID_WORKER_STICKY_CACHE); 0 lar samarbeids standard stå")
	flag.DurationVar(&scaleOpts.timeout, "scale-timeout", 3*time.Hour, "skalamodus: største tid for hele kjøringen")
	flag.DurationVar(&scaleOpts.settleWait, "scale-stall", 5*time.Minute, "skalamodus: gi opp et nivå når ingen sak har kommet i ro på så lenge")
	flag.StringVar(&scaleOpts.temporal, "scale-temporal", "dev", "skalamodus med -temporal-db sqlite: dev: som `samarbeid dev` (devserver, SQLite-fil); lite: temporaltest (SQLite i minnet) uten tvungen oppfrisking av søkeattributter")
}

// scaleRequested tells main.go to hand over to runScaleMode.
func scaleRequested() bool { return scaleOpts.levels != "" }

// runScaleMode runs the scale bench; it returns the exit code.
func runScaleMode(database string, keepDB bool, temporalDB string) int {
	if err := runScale(scaleOpts, database, keepDB, temporalDB); err != nil {
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

// --- the worker process ---

// memReport is a process's memory.
type memReport struct {
	HeapInuse uint64 // runtime.MemStats.HeapInuse after runtime.GC (this process only)
	Sys       uint64
	RSS       uint64 // VmRSS from /proc/<pid>/status
	// RSSAnon is the process's own memory (heap, stacks, runtime); RSSFile the pages of its
	// executable mapped in (shared, reclaimable page cache, the same whatever the number of
	// cases). Built with Temporal's Web UI (about 290 MB of assets, for `dev`) the binary
	// had 210 MB of itself resident in a worker; built as the Dockerfile builds it, 110 MB.
	RSSAnon, RSSFile uint64
	Goroutines       int
	StickyCache      float64 // the worker's gauge temporal_sticky_cache_size from /metrics; -1 when not found
}

// workerProc is `samarbeid worker`, built from this checkout and run as its own process.
type workerProc struct {
	cmd        *exec.Cmd
	metricsURL string
	done       chan error
}

// buildSamarbeid builds cmd/samarbeid into dir as the Dockerfile builds it (-trimpath, -tags
// noui: without dev's Temporal Web UI) and returns the binary's path.
func buildSamarbeid(dir string) (string, error) {
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("finner modulen: %w", err)
	}
	bin := filepath.Join(dir, "samarbeid")
	build := exec.Command("go", "build", "-trimpath", "-tags", "noui", "-o", bin, "./cmd/samarbeid")
	build.Dir = strings.TrimSpace(string(root))
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/samarbeid: %v\n%s", err, out)
	}
	return bin, nil
}

func startWorkerProc(bin string, env []string) (*workerProc, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(), append(env, "HTTP_ADDR="+addr)...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &workerProc{cmd: cmd, metricsURL: "http://" + addr + "/metrics", done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("samarbeid worker avsluttet før den var klar: %v", err)
		default:
		}
		if resp, err := hc.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.kill()
			return nil, errors.New("samarbeid worker ble ikke klar på 2 minutter")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// mem reads the worker's resident set from /proc and its sticky cache gauge from /metrics.
func (p *workerProc) mem() (memReport, error) {
	pid := p.cmd.Process.Pid
	r := memReport{RSS: statusKB(pid, "VmRSS"), RSSAnon: statusKB(pid, "RssAnon"), RSSFile: statusKB(pid, "RssFile"), StickyCache: -1, Goroutines: -1}
	if r.RSS == 0 {
		return r, fmt.Errorf("fant ikke VmRSS for worker-prosessen %d", p.cmd.Process.Pid)
	}
	resp, err := http.Get(p.metricsURL)
	if err != nil {
		return r, nil // the memory is what matters; the gauge is a help
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r.StickyCache = metricSum(string(body), "sticky_cache_size")
	if v := metricSum(string(body), "go_memstats_heap_inuse_bytes"); v >= 0 {
		r.HeapInuse = uint64(v)
	}
	if v := metricSum(string(body), "go_memstats_sys_bytes"); v >= 0 {
		r.Sys = uint64(v)
	}
	if g := metricSum(string(body), "go_goroutines"); g >= 0 {
		r.Goroutines = int(g)
	}
	return r, nil
}

// metricSum adds up the samples of the first metric whose name ends in suffix, from the
// Prometheus text format; -1 if there is none.
func metricSum(text, suffix string) float64 {
	sum, found := 0.0, false
	name := ""
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		metric := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			metric = line[:i]
		}
		if !strings.HasSuffix(metric, suffix) || (name != "" && metric != name) {
			continue
		}
		name = metric
		fields := strings.Fields(line)
		if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return -1
	}
	return sum
}

// stop asks the worker to drain and exit (SIGTERM), and kills it if it has not in a minute.
func (p *workerProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
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

// rssOf is a process's resident set (VmRSS), 0 where /proc is missing.
func rssOf(pid int) uint64 { return statusKB(pid, "VmRSS") }

// statusKB reads one "<field>: N kB" line of /proc/<pid>/status, in bytes; 0 if missing.
func statusKB(pid int, field string) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
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
	server       memReport // this process: embedded Temporal, stand-in, bot, bench client
	mine         timings   // /samarbeid mine for Kari (helsestasjon)
	mineTasks    int       // tasks in Kari's answer, from the last run
	overview     timings   // the KE overview (bot.KEOverview)
	listed       int       // steps in the overview, from the last run
	digest       timings   // the daily digest, built and posted (bot.KEDigest.Send)
}

// timings are one measurement repeated.
type timings struct {
	lat      []time.Duration
	failed   int
	firstErr error
}

func (r *timings) add(t time.Time, err error) {
	if err != nil {
		r.failed++
		if r.firstErr == nil {
			r.firstErr = fmt.Errorf("etter %v: %w", time.Since(t).Round(time.Millisecond), err)
		}
		return
	}
	r.lat = append(r.lat, time.Since(t))
}

func (r timings) pct(p float64) string {
	if len(r.lat) == 0 {
		return "–"
	}
	return pct(r.lat, p).Round(100 * time.Microsecond).String()
}

// within reports whether the p-th percentile is at most limit, with every run successful.
func (r timings) within(p float64, limit time.Duration) bool {
	return len(r.lat) > 0 && r.failed == 0 && pct(r.lat, p) <= limit
}

// Targets at 20,000 open cases (issue 12), on this 2-core machine with Temporal on PostgreSQL.
const (
	targetWorkerRSS = 256 << 20
	targetMine      = 50 * time.Millisecond
	targetOverview  = 100 * time.Millisecond
	targetDigest    = 2 * time.Second
)

// mineService is where Kari works; the bench gives it exactly -scale-mine-tasks cases.
const (
	mineService = "helsestasjon"
	mineUser    = "U_KARI"
	mineChannel = "C_HELSESTASJON"
)

func runScale(o scaleOptions, database string, keepDB bool, temporalDB string) error {
	levels, err := parseLevels(o.levels)
	if err != nil {
		return err
	}
	if o.rate <= 0 || o.dueSteps < 0 || o.mineTasks < 0 || o.runs < 1 {
		return errors.New("-scale-rate må være over 0, -scale-due-steps og -scale-mine-tasks 0 eller mer, -scale-runs minst 1")
	}
	if o.temporal != "dev" && o.temporal != "lite" {
		return fmt.Errorf("-scale-temporal må være dev eller lite (er %q)", o.temporal)
	}
	if temporalDB == "" {
		temporalDB = "sqlite"
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
	progress("bygger samarbeid")
	bin, err := buildSamarbeid(dataDir)
	if err != nil {
		return err
	}

	var logLevel slog.LevelVar
	logLevel.Set(slog.LevelError)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: &logLevel}))
	t0 := time.Now()
	// The stack as `samarbeid dev` starts it, with the bot and the stand-in, but without the
	// worker: that runs as its own process. Slack's posting limit is lifted, as in the
	// lifecycle bench.
	cfg := app.Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", Seed: true, TemporalNamespace: "default",
		NoWorker: true, NoSlackLimits: true, PayloadKeys: codec.NewKey("bench")}
	serverKind := temporalDB
	switch {
	case temporalDB != "sqlite":
		dropTemporal, err := useTemporalDB(&cfg, temporalDB)
		if err != nil {
			return err
		}
		if !keepDB {
			defer dropTemporal()
		}
		serverKind = "postgres (devserver, persistens og SQL-visibility i PostgreSQL)"

	case o.temporal == "dev":
		cfg.DataDir = dataDir // the embedded devserver keeps its SQLite file there, as `dev` does under data/
		serverKind = "sqlite (devserver, SQLite-fil)"
	default:
		ts, err := startLiteTemporal()
		if err != nil {
			return err
		}
		defer stopLiteTemporal(ts)
		cfg.TemporalAddress, cfg.TemporalNamespace = ts.GetFrontendHostPort(), ts.GetDefaultNamespace()
		serverKind = "sqlite (temporaltest i minnet, uten tvungen oppfrisking)"
	}
	a, err := app.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		logLevel.Set(slog.LevelError + 100)
		a.Stop()
	}()
	if o.temporal == "lite" && temporalDB == "sqlite" {
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
	workerEnv := []string{
		"DATABASE_URL=" + dbURL, "TEMPORAL_ADDRESS=" + a.TemporalAddress(), "TEMPORAL_NAMESPACE=" + a.Namespace,
		"SAMARBEID_PAYLOAD_KEYS=" + a.PayloadKeys(), "SLACK_BOT_TOKEN=" + standInBotToken, "SLACK_API_URL=" + a.URL + "/api/",
	}
	if o.cacheSize > 0 {
		workerEnv = append(workerEnv, "SAMARBEID_WORKER_STICKY_CACHE="+strconv.Itoa(o.cacheSize))
	}
	wp, err := startWorkerProc(bin, workerEnv)
	if err != nil {
		return err
	}
	defer wp.stop()
	baseline, err := wp.mem()
	if err != nil {
		return err
	}
	cache := worker.DefaultStickyCacheSize
	if o.cacheSize > 0 {
		cache = o.cacheSize
	}
	fmt.Printf("samarbeid bench -scale: nivåer %v, høyst %.0f starter/s, %d steg med kort frist, %d oppgaver for Kari, Temporal på %s, workerens sticky cache %d; oppstart %v (database %s)\n",
		levels, o.rate, o.dueSteps, o.mineTasks, serverKind, cache, time.Since(t0).Round(time.Millisecond), app.Redact(dbURL))

	var others []store.Service
	for _, s := range services {
		if !s.Coordinating && s.ID != mineService {
			others = append(others, s)
		}
	}
	var mine store.Service
	for _, s := range services {
		if s.ID == mineService {
			mine = s
		}
	}
	if mine.ID == "" || len(others) == 0 {
		return fmt.Errorf("katalogen mangler %s eller andre tjenester", mineService)
	}
	starter := &caseStarter{c: a.Temporal, mine: mine, mineTasks: o.mineTasks, services: others, dueSteps: o.dueSteps,
		long: policy.Default(), short: shortPolicy()}
	digest := bot.KEDigest{Slack: slack.New(standInBotToken, slack.OptionAPIURL(a.URL+"/api/")), Directory: a.Store,
		Store: a.Store, Visibility: a.Temporal}

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
		progress("nivå %d: i ro etter %v; måler «mine», KE-oversikten og dagsoversikten", target, lv.settle.Round(time.Millisecond))
		measureLevel(ctx, a, digest, o.runs, &lv)
		done = append(done, lv)
		printLevel(lv)
	}
	printScaleReport(o, serverKind, cache, baseline, done)
	if stopErr != nil {
		fmt.Printf("\nKjøringen stoppet: %v\n", stopErr)
	}
	return stopErr
}

// measureLevel times "Mine oppgaver" as Kari sees it (the slash command through the bot and
// the stand-in), the KE overview, and the daily digest, built and posted.
func measureLevel(ctx context.Context, a *app.App, digest bot.KEDigest, runs int, lv *scaleLevel) {
	for i := 0; i < runs; i++ {
		t := time.Now()
		reply, err := a.SlackLocal.SlashCommand(mineUser, mineChannel, "/samarbeid", "mine")
		if err == nil && reply.Status != http.StatusOK {
			err = fmt.Errorf("status %d", reply.Status)
		}
		lv.mine.add(t, err)
		if err == nil {
			lv.mineTasks = strings.Count(reply.Text, "SAK-")
		}
	}
	for i := 0; i < runs; i++ {
		t := time.Now()
		r, err := bot.KEOverview(ctx, a.Temporal, a.Store, time.Now())
		lv.overview.add(t, err)
		if err == nil {
			lv.listed = r.Overdue + r.DueSoon
		}
	}
	for i := 0; i < 3; i++ {
		t := time.Now()
		_, err := digest.Send(ctx, time.Now())
		lv.digest.add(t, err)
	}
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

// caseStarter opens cases as the bot does (same workflow ID, input and search attributes at
// start), but directly with the Temporal client.
type caseStarter struct {
	c           client.Client
	mine        store.Service // gets the first mineTasks cases
	mineTasks   int
	services    []store.Service // the rest, in turn
	dueSteps    int             // the first dueSteps of the rest run under the short policy
	long, short policy.Deadlines
	next        int // cases started so far
}

func (s *caseStarter) input(i int) (string, workflows.CaseInput) {
	svc, p := s.mine, s.long
	if i >= s.mineTasks {
		j := i - s.mineTasks
		svc = s.services[j%len(s.services)]
		if j < s.dueSteps {
			p = s.short
		}
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

// selfMem is this process's memory.
func selfMem() memReport {
	r := memReport{RSS: rssOf(os.Getpid()), StickyCache: -1}
	var ms runtime.MemStats
	debug.FreeOSMemory() // a GC; it also hands freed pages back
	runtime.ReadMemStats(&ms)
	r.HeapInuse, r.Sys, r.Goroutines = ms.HeapInuse, ms.Sys, runtime.NumGoroutine()
	return r
}

// --- report ---

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func printLevel(lv scaleLevel) {
	progress("nivå %d: worker RSS %.1f MiB; mine p95 %s (%d oppgaver); oversikt p95 %s (%d steg); dagsoversikt p50 %s",
		lv.open, mib(lv.worker.RSS), lv.mine.pct(95), lv.mineTasks, lv.overview.pct(95), lv.listed, lv.digest.pct(50))
}

func printScaleReport(o scaleOptions, serverKind string, cache int, base memReport, levels []scaleLevel) {
	fmt.Println()
	fmt.Printf("maskin: %d kjerner (GOMAXPROCS %d), %s %s/%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("Temporal på %s; workerens sticky cache %d\n", serverKind, cache)
	fmt.Printf("`samarbeid worker` uten saker: RSS %.1f MiB (egen %.1f, fil %.1f; Go: heap i bruk %.1f MiB, Sys %.1f MiB)\n", mib(base.RSS), mib(base.RSSAnon), mib(base.RSSFile), mib(base.HeapInuse), mib(base.Sys))
	if len(levels) == 0 {
		fmt.Println("ingen nivåer fullført")
		return
	}
	fmt.Println()
	fmt.Printf("«mine»: /samarbeid mine for Kari (helsestasjon, %d oppgaver blant alle åpne saker), %d ganger per nivå. KE-oversikten (bot.KEOverview, %d steg med frist innen 3 virkedager), %d ganger. Dagsoversikten bygget og postet (bot.KEDigest.Send), 3 ganger.\n",
		o.mineTasks, o.runs, o.dueSteps, o.runs)
	fmt.Println("| åpne saker | startet/s | i ro etter | worker RSS (egen / fil; Go-heap) | sticky cache | mine p50 / p95 | oppgaver funnet | oversikt p50 / p95 | steg listet | dagsoversikt p50 / maks | feilet (mine/oversikt/dag) |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range levels {
		fmt.Printf("| %d | %.1f | %v (%.1f/s) | %.1f MiB (%.1f / %.1f; %.1f) | %.0f | %s / %s | %d | %s / %s | %d | %s / %s | %d/%d/%d |\n",
			l.open, float64(l.started)/l.startElapsed.Seconds(), l.settle.Round(100*time.Millisecond),
			float64(l.started)/l.settle.Seconds(), mib(l.worker.RSS), mib(l.worker.RSSAnon), mib(l.worker.RSSFile), mib(l.worker.HeapInuse), l.worker.StickyCache,
			l.mine.pct(50), l.mine.pct(95), l.mineTasks, l.overview.pct(50), l.overview.pct(95), l.listed,
			l.digest.pct(50), l.digest.pct(100), l.mine.failed, l.overview.failed, l.digest.failed)
	}
	for _, l := range levels {
		for _, v := range []struct {
			name string
			r    timings
		}{{"mine", l.mine}, {"oversikt", l.overview}, {"dagsoversikt", l.digest}} {
			if v.r.firstErr != nil {
				fmt.Printf("  %d åpne saker, %s: første feil %v\n", l.open, v.name, v.r.firstErr)
			}
		}
	}
	fmt.Println()
	fmt.Println("Bench-prosessen (Temporal-serveren, bot, Slack-stand-in, klienten): heap etter GC, RSS etter FreeOSMemory.")
	fmt.Println("| åpne saker | heap i bruk | Sys | RSS | goroutiner |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	for _, l := range levels {
		fmt.Printf("| %d | %.1f MiB | %.1f MiB | %.1f MiB | %d |\n", l.open, mib(l.server.HeapInuse), mib(l.server.Sys), mib(l.server.RSS), l.server.Goroutines)
	}
	last := levels[len(levels)-1]
	fmt.Println()
	fmt.Printf("Mål ved 20 000 åpne saker (målt ved %d; Temporal på %s)\n", last.open, serverKind)
	if last.open < 20000 {
		fmt.Println("  (nivået 20 000 ble ikke kjørt; tallene under gjelder det høyeste nivået)")
	}
	fmt.Printf("  worker RSS ≤ 256 MiB:            %.1f MiB → %s (egen minne %.1f MiB, kjørbar fil %.1f MiB)\n", mib(last.worker.RSS),
		met(last.worker.RSS <= targetWorkerRSS), mib(last.worker.RSSAnon), mib(last.worker.RSSFile))
	fmt.Printf("  mine p95 ≤ 50 ms:                %s → %s\n", last.mine.pct(95), met(last.mine.within(95, targetMine) && last.mineTasks == o.mineTasks))
	if last.mineTasks != o.mineTasks {
		fmt.Printf("    (Kari fikk %d oppgaver, ventet %d)\n", last.mineTasks, o.mineTasks)
	}
	fmt.Printf("  KE-oversikt p95 ≤ 100 ms:        %s → %s\n", last.overview.pct(95), met(last.overview.within(95, targetOverview)))
	fmt.Printf("  dagsoversikt ≤ 2 s (maks):       %s → %s\n", last.digest.pct(100), met(last.digest.within(100, targetDigest)))
}
