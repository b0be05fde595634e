package app

// Fault tests (issue 7, item 3): a worker killed mid-flight, PostgreSQL going away and
// coming back, and Slack refusing calls for a while. Each ends with every case accounted
// for (each workflow closed as expected, none lost, none done twice), every audit ledger
// row present once (audit.Verify reconciles the ledger with the Temporal histories), and
// every Slack message posted exactly once. A restart of the embedded Temporal server is
// TestRestartKeepsCases (restart_test.go). Run them with: go test -run TestFault ./app -v
//
// The tests wait for outcomes with generous deadlines and never assert on timing.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/internal/faultproxy"
	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// faultActor is Kari at the helsestasjon, who opens and answers every case here.
var faultActor = workflows.Actor{SlackUserID: kari, Name: "Kari", ServiceIDs: []string{"helsestasjon"}}

// faultRefs names n cases from first on.
func faultRefs(first, n int) []string {
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("SAK-2026-%04d", first+i)
	}
	return refs
}

// startFaultCase starts a collaboration case as the bot does.
func startFaultCase(ctx context.Context, a *App, ref string) error {
	_, err := startCase(ctx, a, ref, faultActor)
	return err
}

// startCase starts a helsestasjon's collaboration case opened by actor, with the options
// the bot starts one with.
func startCase(ctx context.Context, a *App, ref string, actor workflows.Actor) (client.WorkflowRun, error) {
	in := workflows.CaseInput{
		CaseRef: ref, Subject: "voksen", InitiatingServiceID: "helsestasjon",
		LegalBasis: "helse- og omsorgstjenesteloven § 3-4", OpenedBy: actor, Policy: policy.Default(),
	}
	run, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.WorkflowID(ref, "helsestasjon"), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		TypedSearchAttributes:                    workflows.CaseSearchAttributes(in),
	}, workflows.CollaborationDuty, in)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", ref, err)
	}
	return run, nil
}

// answerNone answers step 1 with "no other services", which closes the case; the update
// ID is the case's, so a repeat applies once.
func answerNone(ctx context.Context, a *App, ref string) error {
	return answerNoneAs(ctx, a, ref, faultActor)
}

// answerNoneAs answers step 1 with "no other services" as actor, once step 1 is open (its
// prompt is posted then), as the bot does.
func answerNoneAs(ctx context.Context, a *App, ref string, actor workflows.Actor) error {
	id := workflows.WorkflowID(ref, "helsestasjon")
	if err := waitForStep(ctx, a, id, workflows.StepClarify); err != nil {
		return fmt.Errorf("%s: %w", ref, err)
	}
	h, err := a.Temporal.UpdateWorkflow(ctx, updateOptions(id, "avklar-"+ref, workflows.UpdateClarify,
		workflows.ClarifyAnswer{Actor: actor, None: true}))
	if err != nil {
		return fmt.Errorf("update %s: %w", ref, err)
	}
	var st workflows.Status
	if err := h.Get(ctx, &st); err != nil {
		return fmt.Errorf("update result %s: %w", ref, err)
	}
	return nil
}

// each runs f for every case at once and fails the test with every error.
func each(t *testing.T, refs []string, f func(ref string) error) {
	t.Helper()
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(ref)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// waitForPrompts waits until every case's step 1 prompt is in the helsestasjon's channel.
func waitForPrompts(t *testing.T, sl *slacklocal.Server, refs []string, timeout time.Duration) {
	t.Helper()
	for _, ref := range refs {
		if _, err := sl.WaitForMessage(chHelsestasjon, timeout, func(m slacklocal.Message) bool {
			return strings.Contains(m.Text, ref)
		}); err != nil {
			t.Fatalf("prompt of %s: %v", ref, err)
		}
	}
}

// waitUntil polls cond until it holds or the deadline passes.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accounting is what accountFor found, for the test's log and docs/BENCHMARKS.md.
type accounting struct {
	cases, rows int
	// retries by activity type: failed attempts before the one that succeeded, from the
	// histories (an ActivityTaskStarted event's attempt is that of the final attempt).
	retries map[string]int
	// lastFailures holds one example of each kind of failure that led to a retry.
	lastFailures map[string]string
	// attempts per case of its first Notify (the step 1 prompt), and who ran the last one.
	promptAttempts   map[string]int32
	promptIdentity   map[string]string
	notifyIdentities map[string]int
}

func (acc accounting) String() string {
	return fmt.Sprintf("%d saker, %d revisjonsrader, gjentatte forsøk per aktivitet %v", acc.cases, acc.rows, acc.retries)
}

// accountFor checks that every case closed with "no other services", once: its workflow
// completed, its three ledger rows are there exactly once, the chain holds and audit.Verify
// reconciles every row with the histories (accountForCases), and its two Slack messages (the
// step 1 prompt, redrawn as answered, and the closing notice) were each posted once.
func accountFor(t *testing.T, a *App, refs []string) accounting {
	t.Helper()
	acc := accountForCases(t, a, refs)
	// Slack: per case the prompt (redrawn as answered, no button left) and the closing
	// notice, each once.
	msgs := a.SlackLocal.Messages(chHelsestasjon)
	for _, ref := range refs {
		var prompts, closings, other int
		for _, m := range msgs {
			text := m.AllText()
			switch {
			case !strings.Contains(text, ref):
			case strings.Contains(text, "samarbeidsplikten er fulgt opp"):
				closings++
			case strings.Contains(text, "besvart av") && m.Edited != "" && !m.HasButton("avklaring"):
				prompts++
			default:
				other++
			}
		}
		if prompts != 1 || closings != 1 || other != 0 {
			t.Errorf("case %s in %s: %d answered prompts, %d closing notices, %d other messages; want 1, 1, 0\n%s",
				ref, chHelsestasjon, prompts, closings, other, describeMessages(msgs, ref))
		}
	}
	return acc
}

// accountForCases is accountFor without Slack: what must hold after any fault. Slack's side
// holds only where no fault can fall between Slack taking a message and the worker telling
// Temporal (delivery is at least once; see TestFaultWorkerKilledMidFlight).
func accountForCases(t *testing.T, a *App, refs []string) accounting {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	acc := accounting{cases: len(refs), retries: map[string]int{}, lastFailures: map[string]string{},
		promptAttempts: map[string]int32{}, promptIdentity: map[string]string{}, notifyIdentities: map[string]int{}}

	// Every workflow completed, with the outcome its answer asks for.
	for _, ref := range refs {
		var st workflows.Status
		if err := a.Temporal.GetWorkflow(ctx, workflows.WorkflowID(ref, "helsestasjon"), "").Get(ctx, &st); err != nil {
			t.Fatalf("case %s: %v", ref, err)
		}
		if st.Step != workflows.StepDone || st.Outcome != "ingen_andre_tjenester" || st.CaseRef != ref {
			t.Errorf("case %s ended %+v", ref, st)
		}
	}

	// The ledger: three rows per case, each key once, nothing else, and the chain holds.
	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	acc.rows = len(rows)
	want := []string{"sak_avsluttet", "sak_opprettet", "steg1_avklart"}
	actions := map[string][]string{}
	keys := map[string]int{}
	for _, r := range rows {
		actions[r.CaseRef] = append(actions[r.CaseRef], r.Action)
		keys[r.Key]++
	}
	if len(rows) != 3*len(refs) {
		t.Errorf("%d ledger rows, want %d", len(rows), 3*len(refs))
	}
	for _, ref := range refs {
		got := append([]string(nil), actions[ref]...)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("case %s ledger actions %v, want %v", ref, actions[ref], want)
		}
	}
	for k, c := range keys {
		if c != 1 {
			t.Errorf("ledger key %q written %d times", k, c)
		}
	}
	if n, err := a.Store.VerifyChain(ctx); err != nil || n != len(rows) {
		t.Errorf("ledger chain: %d rows verified, %v", n, err)
	}
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Rows != 3*len(refs) || rep.Reconciled != rep.Rows || rep.Workflows != len(refs) || len(rep.Unavailable) != 0 {
		t.Errorf("audit verify: %+v", rep)
	}

	// The histories: how many attempts each activity took, and where the prompt was posted.
	for _, ref := range refs {
		id := workflows.WorkflowID(ref, "helsestasjon")
		types := map[int64]string{}
		it := a.Temporal.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var firstNotify int64 // the step 1 prompt is the case's first notice
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", ref, err)
			}
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
				types[ev.GetEventId()] = ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()
				if firstNotify == 0 && types[ev.GetEventId()] == "Notify" {
					firstNotify = ev.GetEventId()
				}
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
				attrs := ev.GetActivityTaskStartedEventAttributes()
				typ := types[attrs.GetScheduledEventId()]
				acc.retries[typ] += int(attrs.GetAttempt()) - 1
				if f := attrs.GetLastFailure(); f != nil {
					acc.lastFailures[typ] = f.GetMessage()
				}
				if typ == "Notify" {
					acc.notifyIdentities[attrs.GetIdentity()]++
					if attrs.GetScheduledEventId() == firstNotify {
						acc.promptAttempts[ref] = attrs.GetAttempt()
						acc.promptIdentity[ref] = attrs.GetIdentity()
					}
				}
			}
		}
	}
	return acc
}

func describeMessages(msgs []slacklocal.Message, ref string) string {
	var b strings.Builder
	for _, m := range msgs {
		if strings.Contains(m.AllText(), ref) {
			fmt.Fprintf(&b, "  %s (endret %q): %q\n", m.TS, m.Edited, m.Text)
		}
	}
	return b.String()
}

// ---- 1. the worker killed mid-flight ----

// TestHelperWorkerProcess is not a test of its own: it is the worker process that
// TestFaultWorkerKilledMidFlight starts and kills, this test binary run again (as os/exec's
// own tests do). It runs app.Start as `samarbeid worker` does, from SAMARBEID_FAULT_*
// variables, until it is killed. Run as an ordinary test, it returns at once.
func TestHelperWorkerProcess(t *testing.T) {
	if os.Getenv("SAMARBEID_FAULT_WORKER") != "1" {
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := Start(context.Background(), Config{
		DatabaseURL: os.Getenv("SAMARBEID_FAULT_DATABASE_URL"), TemporalAddress: os.Getenv("SAMARBEID_FAULT_TEMPORAL"),
		TemporalNamespace: "default", SlackBotToken: localBotToken, SlackAPIURL: os.Getenv("SAMARBEID_FAULT_SLACK_API"),
		HTTPAddr: os.Getenv("SAMARBEID_FAULT_HTTP_ADDR"), NoBot: true, PayloadKeys: os.Getenv("SAMARBEID_FAULT_KEYS"),
	}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(2)
	}
	defer a.Stop()
	fmt.Fprintln(os.Stderr, "worker klar")
	select {} // until killed (or the -test.timeout the parent gives, as a safety net)
}

// workerProcess is a worker in a process of its own.
type workerProcess struct {
	cmd    *exec.Cmd
	exited chan error
	out    *lockedBuffer
}

// startFaultWorker runs TestHelperWorkerProcess in a new process against a's Temporal and
// database, posting to Slack at apiURL, and waits until it is ready.
func startFaultWorker(t *testing.T, a *App, dbURL, apiURL string) *workerProcess {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(os.Environ(),
		"SAMARBEID_FAULT_WORKER=1",
		"SAMARBEID_FAULT_DATABASE_URL="+dbURL,
		"SAMARBEID_FAULT_TEMPORAL="+a.TemporalAddress(),
		"SAMARBEID_FAULT_KEYS="+a.PayloadKeys(),
		"SAMARBEID_FAULT_SLACK_API="+apiURL,
		"SAMARBEID_FAULT_HTTP_ADDR="+addr,
	)
	w := &workerProcess{cmd: cmd, exited: make(chan error, 1), out: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		w.kill()
		if t.Failed() {
			t.Logf("worker process %d output:\n%s", cmd.Process.Pid, w.out.String())
		}
	})
	httpClient := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-w.exited:
			w.exited <- err
			t.Fatalf("worker process exited before it was ready: %v\n%s", err, w.out.String())
		default:
		}
		if resp, err := httpClient.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return w
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker process not ready on %s within 60 s:\n%s", addr, w.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (w *workerProcess) pid() int { return w.cmd.Process.Pid }

// kill sends SIGKILL, which a process cannot catch: no graceful stop, nothing reported
// to Temporal, connections dropped by the kernel. It returns once the process is gone.
func (w *workerProcess) kill() {
	_ = w.cmd.Process.Kill()
	err := <-w.exited
	w.exited <- err
}

// slackGate stands between a worker and the stand-in's Web API. While it holds, requests
// wait in it, not yet passed on, until their client goes away (or it lets them through).
type slackGate struct {
	proxy *httputil.ReverseProxy

	mu                    sync.Mutex
	holding               bool
	release               chan struct{}
	held, cut, forwarded  int
	heldMethods, cutPaths map[string]int
}

func newSlackGate(target string) *slackGate {
	u, _ := url.Parse(target)
	return &slackGate{proxy: httputil.NewSingleHostReverseProxy(u), release: make(chan struct{}),
		heldMethods: map[string]int{}, cutPaths: map[string]int{}}
}

func (g *slackGate) hold(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.holding = on
	if !on {
		close(g.release)
		g.release = make(chan struct{})
	}
}

func (g *slackGate) counts() (held, cut, forwarded int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held, g.cut, g.forwarded
}

func (g *slackGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Read the body first: only then does net/http watch the connection and cancel the
	// request's context when the client goes away.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	g.mu.Lock()
	if g.holding {
		g.held++
		g.heldMethods[r.URL.Path]++
		release := g.release
		g.mu.Unlock()
		select {
		case <-r.Context().Done(): // the client is gone: nothing reaches Slack
			g.mu.Lock()
			g.cut++
			g.cutPaths[r.URL.Path]++
			g.mu.Unlock()
			return
		case <-release:
		}
		g.mu.Lock()
	}
	g.forwarded++
	g.mu.Unlock()
	g.proxy.ServeHTTP(w, r)
}

// TestFaultWorkerKilledMidFlight: the only worker is a process of its own. While every
// case's step 1 prompt is on its way to Slack (held in a gate in front of the Web API),
// the process is killed with SIGKILL, and a new worker process starts. Temporal gives the
// lost activity attempts up after their start-to-close timeout (30 s, workflows/engine.go)
// and the new worker retries them: every prompt is posted once, every case closes, every
// ledger row is there once.
//
// A kill after Slack has taken a message but before the worker has told Temporal is
// TestFaultWorkerKilledAfterSlackPosted (faults_delivery_test.go): the retry finds the
// message by its key and posts nothing twice.
func TestFaultWorkerKilledMidFlight(t *testing.T) {
	const n = 4
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dbURL := testdb.New(t)
	a, err := Start(ctx, Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", Seed: true, NoWorker: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	gate := newSlackGate(a.URL)
	gateSrv := httptest.NewServer(gate)
	t.Cleanup(gateSrv.Close)
	t.Cleanup(func() { gate.hold(false) }) // runs first: Close waits for held requests
	gateURL := gateSrv.URL

	first := startFaultWorker(t, a, dbURL, gateURL+"/api/")
	gate.hold(true)
	refs := faultRefs(7100, n)
	each(t, refs, func(ref string) error { return startFaultCase(ctx, a, ref) })
	// Every case's prompt is in flight in the first worker: started, not answered.
	waitUntil(t, 60*time.Second, "every prompt held in the gate", func() bool { held, _, _ := gate.counts(); return held >= n })

	first.kill()
	waitUntil(t, 30*time.Second, "every held request cut by the kill", func() bool { held, cut, _ := gate.counts(); return cut == held })
	gate.hold(false)
	if msgs := a.SlackLocal.Messages(chHelsestasjon); len(msgs) != 0 {
		t.Fatalf("a message reached Slack before the kill: %+v", msgs)
	}
	held, cut, _ := gate.counts()
	t.Logf("worker process %d killed with %d Web API calls in flight (%v), %d cut", first.pid(), held, gate.heldMethods, cut)

	second := startFaultWorker(t, a, dbURL, a.URL+"/api/")
	each(t, refs, func(ref string) error { return answerNone(ctx, a, ref) })
	acc := accountFor(t, a, refs)

	// Each prompt was posted by the new worker, on a later attempt after a timeout.
	for _, ref := range refs {
		if acc.promptAttempts[ref] < 2 || !strings.HasPrefix(acc.promptIdentity[ref], strconv.Itoa(second.pid())+"@") {
			t.Errorf("prompt of %s: attempt %d by %q, want a retry by the second worker (pid %d)",
				ref, acc.promptAttempts[ref], acc.promptIdentity[ref], second.pid())
		}
	}
	if !strings.Contains(strings.ToLower(acc.lastFailures["Notify"]), "timeout") {
		t.Errorf("the prompt's lost attempt failed with %q, want a timeout", acc.lastFailures["Notify"])
	}
	t.Logf("%s; siste feil før nytt forsøk: %q; Notify per worker: %v", acc, acc.lastFailures["Notify"], acc.notifyIdentities)
}

// ---- 2. PostgreSQL restarted ----

// TestFaultPostgresRestart puts a TCP proxy (internal/faultproxy) between samarbeid and
// PostgreSQL; the machine's PostgreSQL itself is not touched, other tests use it. While
// cases are answered, the proxy goes down at the worst moment: right after a ledger
// transaction's COMMIT reached PostgreSQL, before its answer came back, so the worker
// cannot know the row was written. Every connection is cut and new ones are refused, as a
// restart looks to a client; more cases are started meanwhile. Then it comes back. Every
// case closes and every ledger row is there exactly once: the retried append finds its key.
func TestFaultPostgresRestart(t *testing.T) {
	const n, during = 6, 2
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dbURL := testdb.New(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := faultproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	u.Host = proxy.Addr()
	a, err := Start(ctx, Config{DatabaseURL: u.String(), HTTPAddr: "127.0.0.1:0", Seed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	// The test looks at the ledger behind the proxy's back.
	direct, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close(context.Background())
	ledgerRows := func() int {
		var c int
		if err := direct.QueryRow(ctx, `SELECT count(*) FROM audit_ledger`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	refs := faultRefs(7200, n)
	each(t, refs, func(ref string) error { return startFaultCase(ctx, a, ref) })
	waitForPrompts(t, a.SlackLocal, refs, 30*time.Second)
	if got := ledgerRows(); got != n {
		t.Fatalf("%d ledger rows before the outage, want %d", got, n)
	}

	// Answering needs no database (the update handlers only change the workflow's state);
	// the ledger rows it causes are written by activities afterwards.
	tripped := proxy.DownAfter([]byte("commit"))
	each(t, refs, func(ref string) error { return answerNone(ctx, a, ref) })
	select {
	case <-tripped:
	case <-time.After(60 * time.Second):
		t.Fatal("no COMMIT went through the proxy")
	}
	// The COMMIT that took the proxy down was carried out, and nothing after it.
	atCut := ledgerRows()
	if atCut != n+1 {
		t.Fatalf("%d ledger rows when the proxy went down, want %d", atCut, n+1)
	}
	var unanswered, unansweredWF string
	if err := direct.QueryRow(ctx, `SELECT key, workflow_id FROM audit_ledger WHERE seq = $1`, atCut).Scan(&unanswered, &unansweredWF); err != nil {
		t.Fatal(err)
	}
	// Cases started during the outage: their first ledger row cannot be written yet.
	late := faultRefs(7300, during)
	each(t, late, func(ref string) error { return startFaultCase(ctx, a, ref) })
	// Stay down until each late case has seen PostgreSQL refuse at least once.
	waitUntil(t, 60*time.Second, "every late case retrying against the database", func() bool {
		for _, ref := range late {
			d, err := a.Temporal.DescribeWorkflowExecution(ctx, workflows.WorkflowID(ref, "helsestasjon"), "")
			if err != nil {
				return false
			}
			failing := false
			for _, p := range d.GetPendingActivities() {
				failing = failing || (p.GetActivityType().GetName() == "RecordAudit" && p.GetAttempt() >= 2)
			}
			if !failing {
				return false
			}
		}
		return true
	})
	if got := ledgerRows(); got != atCut {
		t.Fatalf("the ledger grew from %d to %d while PostgreSQL was unreachable", atCut, got)
	}
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	each(t, late, func(ref string) error { return answerNone(ctx, a, ref) })

	acc := accountFor(t, a, append(append([]string(nil), refs...), late...))
	if acc.retries["RecordAudit"] < during {
		t.Errorf("RecordAudit retried %d times, want at least one per late case", acc.retries["RecordAudit"])
	}
	// The append whose answer was lost was tried again, and found its row (accountFor saw
	// every key once).
	if attempt := auditAttempt(t, a, unansweredWF, unanswered); attempt < 2 {
		t.Errorf("the append of %s, committed without an answer, took %d attempt(s); want a retry", unanswered, attempt)
	}
	t.Logf("%s; proxy %+v; revisjonsrader da forbindelsen ble kuttet: %d (den siste, %s, skrevet uten svar); siste feil: %q",
		acc, proxy.Stats(), atCut, unanswered, acc.lastFailures["RecordAudit"])
}

// auditAttempt is the attempt at which the workflow's RecordAudit of key succeeded.
func auditAttempt(t *testing.T, a *App, workflowID, key string) int32 {
	t.Helper()
	ctx := context.Background()
	var scheduled int64
	it := a.Temporal.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		if attrs := ev.GetActivityTaskScheduledEventAttributes(); attrs != nil && attrs.GetActivityType().GetName() == "RecordAudit" {
			var rec activities.AuditRecord
			if err := codec.Converter(a.Temporal).FromPayloads(attrs.GetInput(), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Key == key {
				scheduled = ev.GetEventId()
			}
		}
		if attrs := ev.GetActivityTaskStartedEventAttributes(); attrs != nil && scheduled != 0 && attrs.GetScheduledEventId() == scheduled {
			return attrs.GetAttempt()
		}
	}
	t.Fatalf("no RecordAudit of %s in the history of %s", key, workflowID)
	return 0
}

// ---- 3. Slack answering 429 and 500 ----

// TestFaultSlackRefuses: the stand-in enforces Slack's rate limit (1 message a second per
// channel after a burst of 4; the in-process worker does not pace itself against the
// stand-in, see app.go, so bursts are refused too), and fails every Web API call for a
// while: first 429 with Retry-After: 2, then 500, while the cases open; then 500 again
// while they are answered. Every prompt and notice is posted in the end, none twice, and
// every refused call was retried exactly once: failed Notify attempts in the histories
// equal the calls the stand-in refused.
func TestFaultSlackRefuses(t *testing.T) {
	const n = 8
	a := startApp(t)
	sl := a.SlackLocal
	sl.SetRateLimit(&slacklocal.SlackRateLimit)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	refs := faultRefs(7400, n)

	// While the cases open: n calls refused with 429 (every first post of a prompt), then
	// 2n with 500.
	sl.InjectFault(slacklocal.Fault{Status: http.StatusTooManyRequests, Calls: n, RetryAfter: 2 * time.Second})
	each(t, refs, func(ref string) error { return startFaultCase(ctx, a, ref) })
	waitUntil(t, 60*time.Second, "every prompt refused with 429", func() bool { return sl.LimitStats().Injected[429] == n })
	sl.FailWebAPI(http.StatusInternalServerError, 2*n)
	waitUntil(t, 60*time.Second, "the retries refused with 500", func() bool { return sl.LimitStats().Injected[500] == 2*n })
	waitForPrompts(t, sl, refs, 60*time.Second)

	// While they are answered: n more calls (chat.update, chat.postMessage) fail with 500.
	sl.FailWebAPI(http.StatusInternalServerError, n)
	each(t, refs, func(ref string) error { return answerNone(ctx, a, ref) })
	acc := accountFor(t, a, refs)

	stats := sl.LimitStats()
	refused := stats.Injected[429] + stats.Injected[500] + sl.RateLimited()
	if stats.Injected[429] != n || stats.Injected[500] != 3*n {
		t.Errorf("injected failures %v, want %d × 429 and %d × 500", stats.Injected, n, 3*n)
	}
	if acc.retries["Notify"] != refused {
		t.Errorf("%d failed Notify attempts in the histories, but the stand-in refused %d calls (%v, rate limit %v)",
			acc.retries["Notify"], refused, stats.Injected, stats.RateLimited)
	}
	if got := slackErrorsMetric(t, a); got != refused {
		t.Errorf("samarbeid_slack_errors_total is %d, want %d", got, refused)
	}
	t.Logf("%s; Slack nektet %d kall: injisert %v, over hastighetsgrensen %v", acc, refused, stats.Injected, stats.RateLimited)
}

// slackErrorsMetric sums samarbeid_slack_errors_total over its labels, from /metrics.
func slackErrorsMetric(t *testing.T, a *App) int {
	t.Helper()
	resp, err := http.Get(a.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sum := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "samarbeid_slack_errors_total") {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		sum += int(v)
	}
	return sum
}
