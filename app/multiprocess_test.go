package app

// The production shape on one machine (issue 12, item 2): the Temporal server, two
// `samarbeid worker` and two `samarbeid bot` processes, each an OS process of the binary
// built once, with the local Slack stand-in in the test process playing Slack for all of
// them. Cases go in through both bots' HTTP endpoints, signed as Slack signs; a worker is
// killed with SIGKILL while it runs an activity, and the Temporal server is stopped with
// SIGTERM and started again on the same ports and storage. At the end every case is closed,
// every ledger row is there once and `samarbeid audit verify` exits 0.
//
// The Temporal server's storage follows SAMARBEID_TEST_TEMPORAL_DB, as the other app tests:
// SQLite (the default) in a file in the test's temp directory, so that it outlives the
// process.
//
// Run it with: go test -count=1 -run TestMultiProcess ./app -v

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/samarbeid/samarbeid/codec"
	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// buildSamarbeid builds cmd/samarbeid into the test's temp directory and returns its path.
func buildSamarbeid(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "samarbeid")
	build := exec.Command("go", "build", "-o", bin, "./cmd/samarbeid")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// osProcess is one samarbeid process. Its output goes to a file, kept across restarts, whose
// tail the test prints when it fails.
type osProcess struct {
	name     string
	args     []string
	env      []string
	logPath  string
	httpAddr string // the process's HTTP_ADDR; "" for the Temporal server

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan error // gets the process's end once; put back by whoever reads it
	offset int64      // where the current run's output starts in the log
}

// newProcess prepares a process; start runs it. Cleanup kills it and, when the test failed,
// prints the tail of its output.
func newProcess(t *testing.T, dir, name string, env []string, httpAddr string, args ...string) *osProcess {
	p := &osProcess{name: name, args: args, env: env, httpAddr: httpAddr, logPath: filepath.Join(dir, name+".log")}
	if httpAddr != "" {
		p.env = append(append([]string(nil), env...), "HTTP_ADDR="+httpAddr)
	}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("--- %s: the end of %s ---\n%s", p.name, p.logPath, p.tail(40))
		}
	})
	return p
}

func (p *osProcess) start(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the child has its own descriptor
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "=== %s: %s %s ===\n", time.Now().Format(time.RFC3339Nano), p.name, strings.Join(p.args[1:], " "))
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env, f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	p.mu.Lock()
	p.cmd, p.exited, p.offset = cmd, exited, info.Size()
	p.mu.Unlock()
}

func (p *osProcess) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// running reports whether the process has not ended.
func (p *osProcess) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case err := <-p.exited:
		p.exited <- err
		return false
	default:
		return true
	}
}

// stop sends sig and waits until the process is gone, at most timeout; it returns how long
// the process took to end.
func (p *osProcess) stop(sig syscall.Signal, timeout time.Duration) (time.Duration, error) {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		return 0, nil
	}
	began := time.Now()
	_ = cmd.Process.Signal(sig)
	select {
	case err := <-exited:
		exited <- err
		return time.Since(began), nil
	case <-time.After(timeout):
		return time.Since(began), fmt.Errorf("%s (pid %d) still running %s after %v", p.name, cmd.Process.Pid, timeout, sig)
	}
}

// kill ends the process with SIGKILL, which it cannot catch, and waits for it.
func (p *osProcess) kill() {
	_, _ = p.stop(syscall.SIGKILL, time.Minute)
}

// output is the current run's output so far.
func (p *osProcess) output() string {
	p.mu.Lock()
	offset := p.offset
	p.mu.Unlock()
	data, _ := os.ReadFile(p.logPath)
	if int64(len(data)) < offset {
		return ""
	}
	return string(data[offset:])
}

// tail is the last n lines of the process's output, every run included.
func (p *osProcess) tail(n int) string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitReady waits until the current run is ready: /readyz answers 200 (PostgreSQL and
// Temporal reachable), or for the Temporal server, it has printed that it takes clients.
// It returns how long that took from the call.
func (p *osProcess) waitReady(t *testing.T, timeout time.Duration) time.Duration {
	t.Helper()
	began := time.Now()
	httpClient := &http.Client{Timeout: 2 * time.Second}
	for {
		if !p.running() {
			t.Fatalf("%s (pid %d) ended before it was ready:\n%s", p.name, p.pid(), p.tail(40))
		}
		if p.httpAddr == "" {
			if strings.Contains(p.output(), "Temporal kjører på") { // cmd/samarbeid/temporal.go
				return time.Since(began)
			}
		} else if resp, err := httpClient.Get("http://" + p.httpAddr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(began)
			}
		}
		if time.Since(began) > timeout {
			t.Fatalf("%s (pid %d) not ready within %s:\n%s", p.name, p.pid(), timeout, p.tail(40))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startAll starts the processes together and waits until each is ready.
func startAll(t *testing.T, timeout time.Duration, procs ...*osProcess) time.Duration {
	t.Helper()
	began := time.Now()
	for _, p := range procs {
		p.start(t)
	}
	for _, p := range procs {
		p.waitReady(t, timeout)
	}
	return time.Since(began)
}

// temporalStorage is the Temporal server process's storage flags for
// SAMARBEID_TEST_TEMPORAL_DB: SQLite in a file under dir, or PostgreSQL in databases named
// after the test's (its DATABASE_URL; testdb drops them with it). Either outlives a restart.
func temporalStorage(t *testing.T, dir string) []string {
	t.Helper()
	switch db := os.Getenv("SAMARBEID_TEST_TEMPORAL_DB"); db {
	case "", "sqlite":
		return []string{"--data", filepath.Join(dir, "temporal")}
	case "postgres":
		return []string{"--data", filepath.Join(dir, "temporal"), "--temporal-db", "postgres"}
	default:
		t.Fatalf("SAMARBEID_TEST_TEMPORAL_DB=%q: the multi-process test knows sqlite and postgres", db)
		return nil
	}
}

// answerNoneInSlack answers ref's step 1 prompt in the helsestasjon's channel with "no other
// services", as Kari does: the button, the modal, the checkbox. When the bot answers the
// click with "something went wrong, try again in a while" instead of the modal, she clicks
// again, as she is told; it returns how many times she had to.
func answerNoneInSlack(t *testing.T, sl *slacklocal.Server, ref string, prompt slacklocal.Message) (repeats int) {
	t.Helper()
	tryAgain := func() int {
		c := 0
		for _, m := range sl.Ephemerals(kari) {
			if strings.Contains(m.Text, "Prøv igjen om litt") {
				c++
			}
		}
		return c
	}
	for {
		failed := tryAgain()
		click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
		deadline := time.Now().Add(30 * time.Second)
		for {
			if v, ok := sl.OpenView(kari); ok && v.CallbackID == "avklaring" {
				submit(t, sl, kari, map[string]map[string]slacklocal.Value{"ingen": {"verdi": {Selected: []string{"ingen"}}}})
				return repeats
			}
			if tryAgain() > failed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: neither the modal nor a failure within 30 s of the click; ephemerals: %+v", ref, sl.Ephemerals(kari))
			}
			time.Sleep(50 * time.Millisecond)
		}
		if repeats++; repeats == 5 {
			t.Fatalf("%s: the click failed %d times: %+v", ref, repeats, sl.Ephemerals(kari))
		}
		time.Sleep(time.Second) // "om litt"
	}
}

// unansweredPrompt is ref's step 1 prompt while its button is there.
func unansweredPrompt(sl *slacklocal.Server, ref string) (slacklocal.Message, bool) {
	for _, m := range sl.Messages(chHelsestasjon) {
		if strings.Contains(m.Text, ref) && m.HasButton("avklaring") {
			return m, true
		}
	}
	return slacklocal.Message{}, false
}

// lostActivity is an activity attempt a worker had started when it was killed.
type lostActivity struct{ workflowID, activity string }

// startedOn lists the activities of refs' cases that the worker with pid is running now, as
// Temporal sees them.
func startedOn(ctx context.Context, t *testing.T, c client.Client, refs []string, pid int) []lostActivity {
	t.Helper()
	var out []lostActivity
	for _, ref := range refs {
		id := workflows.WorkflowID(ref, "helsestasjon")
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			t.Fatalf("describe %s: %v", id, err)
		}
		for _, a := range d.GetPendingActivities() {
			if a.GetState() == enumspb.PENDING_ACTIVITY_STATE_STARTED && strings.HasPrefix(a.GetLastWorkerIdentity(), strconv.Itoa(pid)+"@") {
				out = append(out, lostActivity{id, a.GetActivityType().GetName()})
			}
		}
	}
	return out
}

// TestMultiProcessCasesSurviveKillsAndRestarts: twelve cases through two bot processes while
// a worker process is killed and the Temporal server process is restarted.
func TestMultiProcessCasesSurviveKillsAndRestarts(t *testing.T) {
	const n = 12
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()

	// The binary builds while the database is made and seeded, as `samarbeid migrate --demo`
	// does.
	var bin string
	built := make(chan struct{})
	go func() {
		defer close(built)
		bin = buildSamarbeid(t)
	}()
	dbURL := testdb.New(t)
	if err := store.Migrate(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	if err := st.Seed(ctx); err != nil {
		t.Fatal(err)
	}

	// Slack: the stand-in, as strict as Slack (its posting limit included), serving the
	// Web API to all four processes and sending commands and clicks to one bot at a time.
	watched := &App{Store: st, Namespace: "default"}
	users, channels, err := watched.localWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secret := randomSecret()
	var slackHandler http.Handler = http.NotFoundHandler()
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { slackHandler.ServeHTTP(w, r) }))
	t.Cleanup(slackSrv.Close)
	sl := slacklocal.New(slacklocal.Options{SigningSecret: secret, BotToken: localBotToken, PublicURL: slackSrv.URL,
		Users: users, Channels: channels, RateLimit: &slacklocal.SlackRateLimit})
	slackHandler = sl.Handler()
	watched.SlackLocal = sl

	<-built
	if t.Failed() {
		t.FailNow()
	}
	keys := codec.NewKey("fler-prosesser")
	temporalAddr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	env := append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"TEMPORAL_ADDRESS="+temporalAddr,
		"TEMPORAL_NAMESPACE=default",
		"SAMARBEID_PAYLOAD_KEYS="+keys,
		"SLACK_BOT_TOKEN="+localBotToken,
		"SLACK_SIGNING_SECRET="+secret,
		"SLACK_API_URL="+slackSrv.URL+"/api/",
		"SAMARBEID_TEMPORAL_LOG=warn",
	)
	// The first worker reaches Slack through a gate (faults_test.go) that can hold its calls,
	// so that it is killed with work in flight for certain.
	gate := newSlackGate(slackSrv.URL)
	gateSrv := httptest.NewServer(gate)
	t.Cleanup(gateSrv.Close)
	t.Cleanup(func() { gate.hold(false) }) // runs first: Close waits for held requests
	gatedEnv := append(append([]string(nil), env...), "SLACK_API_URL="+gateSrv.URL+"/api/")
	temporal := newProcess(t, dir, "temporal", env, "", append([]string{bin, "temporal"}, temporalStorage(t, dir)...)...)
	workers := []*osProcess{
		newProcess(t, dir, "worker-1", gatedEnv, "127.0.0.1:"+strconv.Itoa(freePort(t)), bin, "worker"),
		newProcess(t, dir, "worker-2", env, "127.0.0.1:"+strconv.Itoa(freePort(t)), bin, "worker"),
	}
	bots := []*osProcess{
		newProcess(t, dir, "bot-1", env, "127.0.0.1:"+strconv.Itoa(freePort(t)), bin, "bot"),
		newProcess(t, dir, "bot-2", env, "127.0.0.1:"+strconv.Itoa(freePort(t)), bin, "bot"),
	}
	apps := append(append([]*osProcess(nil), workers...), bots...)

	temporalUp := startAll(t, 90*time.Second, temporal)
	// A pass meant for PostgreSQL must not quietly run on SQLite: the server says where it
	// keeps its state when it is ready.
	if os.Getenv("SAMARBEID_TEST_TEMPORAL_DB") == "postgres" && !strings.Contains(temporal.output(), "PostgreSQL") {
		t.Fatalf("the Temporal process does not say it runs on PostgreSQL:\n%s", temporal.tail(5))
	}
	appsUp := startAll(t, 90*time.Second, apps...)
	t.Logf("built and seeded in %s; Temporal up in %s, 2 workers and 2 bots in %s",
		(time.Since(began) - temporalUp - appsUp).Round(time.Millisecond), temporalUp.Round(time.Millisecond), appsUp.Round(time.Millisecond))

	// The test's own view of Temporal, as audit verify has it: the same key ring.
	cd, err := codec.Parse(keys)
	if err != nil {
		t.Fatal(err)
	}
	clientLog, err := os.Create(filepath.Join(dir, "test-client.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { clientLog.Close() })
	c, err := client.DialContext(ctx, client.Options{HostPort: temporalAddr, Namespace: "default", DataConverter: cd.DataConverter(),
		Logger: sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(clientLog, nil)))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	codec.Register(c, cd.DataConverter())
	t.Cleanup(func() { codec.Forget(c) })
	watched.Temporal = c

	// Kari works through Slack; each case is opened at one bot and answered at the other.
	sent := make([]int, len(bots)) // commands and interactions each bot was sent
	via := func(i int) {
		sl.SetBotURL("http://" + bots[i%len(bots)].httpAddr)
		sent[i%len(bots)] += 2 // each step below is a command or click, then a modal submission
	}
	refs := make([]string, 0, n)
	open := func(i int) {
		t.Helper()
		via(i)
		refs = append(refs, openCase(t, sl))
	}
	answered := map[string]bool{}
	clicksRepeated := 0
	// answer answers k of the open cases, each as soon as its prompt is there (a prompt whose
	// worker was killed comes after the activity's 30 s timeout and a retry), at the bot that
	// did not open it.
	answer := func(k int) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for k > 0 {
			progressed := false
			for i, ref := range refs {
				if answered[ref] {
					continue
				}
				if m, ok := unansweredPrompt(sl, ref); ok {
					via(i + 1)
					clicksRepeated += answerNoneInSlack(t, sl, ref, m)
					answered[ref], progressed = true, true
					if k--; k == 0 {
						return
					}
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d prompts not in Slack within 2 minutes; answered %d of %v", k, len(answered), refs)
			}
			if !progressed {
				time.Sleep(50 * time.Millisecond)
			}
		}
	}

	// 1. Six cases opened. From the second on, as soon as the first worker has a Slack call
	// of theirs in flight (held in the gate: a prompt on its way), it is killed with SIGKILL.
	// It comes back after the sixth, with the same configuration.
	gate.hold(true)
	var lost []lostActivity
	killedPid := 0
	kill := func() {
		t.Helper()
		killedPid = workers[0].pid()
		if _, err := workers[0].stop(syscall.SIGKILL, time.Minute); err != nil {
			t.Fatal(err)
		}
		// What the dead worker holds, as Temporal sees it now, is lost for certain: each
		// such attempt must time out and run again elsewhere.
		lost = startedOn(ctx, t, c, refs, killedPid)
		waitUntil(t, 30*time.Second, "every held Slack call cut by the kill", func() bool { held, cut, _ := gate.counts(); return cut == held })
		gate.hold(false)
	}
	for i := 0; i < 6; i++ {
		open(i)
		if held, _, _ := gate.counts(); killedPid == 0 && i >= 1 && held > 0 {
			kill()
		}
	}
	if killedPid == 0 {
		waitUntil(t, time.Minute, "a Slack call of the first worker held in the gate", func() bool { held, _, _ := gate.counts(); return held > 0 })
		kill()
	}
	if len(lost) == 0 {
		held, _, _ := gate.counts()
		t.Errorf("worker-1 (pid %d) was killed with %d Slack calls in flight, but Temporal shows no activity started on it", killedPid, held)
	}
	workerBack := startAll(t, 90*time.Second, workers[0])
	t.Logf("worker-1 (pid %d) killed with SIGKILL holding %d started activities %v; a new worker-1 (pid %d) ready in %s",
		killedPid, len(lost), lost, workers[0].pid(), workerBack.Round(time.Millisecond))

	// 2. Three of them answered; then the Temporal server is stopped with SIGTERM while
	// their closing work is under way, and started again on the same ports and storage.
	answer(3)
	temporalStop, err := temporal.stop(syscall.SIGTERM, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if temporal.running() {
		t.Fatal("the Temporal server is still running after SIGTERM")
	}
	restarted := time.Now()
	temporalBack := startAll(t, 90*time.Second, temporal)
	for _, p := range apps {
		p.waitReady(t, 90*time.Second)
	}
	appsBack := time.Since(restarted)
	t.Logf("Temporal stopped %s after SIGTERM, ready again %s after the restart; every worker and bot ready again after %s",
		temporalStop.Round(time.Millisecond), temporalBack.Round(time.Millisecond), appsBack.Round(time.Millisecond))

	// 3. The other three answered, six more cases opened and answered.
	answer(3)
	for i := 6; i < n; i++ {
		open(i)
	}
	answer(n - 6)

	// Every case closed with "no other services", its three ledger rows once each, the chain
	// and the histories agree (accountForCases waits for each workflow's result).
	acc := accountForCases(t, watched, refs)
	{
		retried := 0
		for _, r := range acc.retries {
			retried += r
		}
		if retried < len(lost) {
			t.Errorf("%d activity retries in the histories, but the killed worker held %d started activities: %v", retried, len(lost), lost)
		}
	}

	// The ledger table itself: rows and keys, counted in PostgreSQL.
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rows, keysSeen, casesInLedger int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT key), count(DISTINCT case_ref) FROM audit_ledger`).Scan(&rows, &keysSeen, &casesInLedger); err != nil {
		t.Fatal(err)
	}
	if rows != 3*n || keysSeen != rows || casesInLedger != n {
		t.Errorf("audit_ledger: %d rows, %d distinct keys, %d cases; want %d, %d, %d", rows, keysSeen, casesInLedger, 3*n, 3*n, n)
	}

	// `samarbeid audit verify`, the operator's check, run as the operator runs it.
	verify := exec.CommandContext(ctx, bin, "audit", "verify", "--json")
	verify.Env = env
	out, err := verify.Output()
	var rep struct {
		Rows       int   `json:"rader"`
		Workflows  int   `json:"workflows"`
		Reconciled int   `json:"avstemt"`
		Findings   []any `json:"avvik"`
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Errorf("samarbeid audit verify: %v\n%s\n%s", err, out, ee.Stderr)
		} else {
			t.Errorf("samarbeid audit verify: %v", err)
		}
	} else if err := json.Unmarshal(out, &rep); err != nil {
		t.Errorf("samarbeid audit verify printed %q: %v", out, err)
	} else if rep.Rows != 3*n || rep.Reconciled != rep.Rows || rep.Workflows != n || len(rep.Findings) != 0 {
		t.Errorf("samarbeid audit verify: %s", out)
	}

	// Slack: every prompt was answered and every case's closing notice posted. A repeat is
	// possible where a fault fell between Slack taking a message and the worker telling
	// Temporal (delivery is at least once), so repeats are counted, not refused.
	var slackRepeats int
	msgs := sl.Messages(chHelsestasjon)
	for _, ref := range refs {
		var prompts, closings int
		for _, m := range msgs {
			switch text := m.AllText(); {
			case !strings.Contains(text, ref):
			case strings.Contains(text, "samarbeidsplikten er fulgt opp"):
				closings++
			case strings.Contains(text, "besvart av") && !m.HasButton("avklaring"):
				prompts++
			}
		}
		if prompts < 1 || closings < 1 {
			t.Errorf("case %s: %d answered prompts, %d closing notices in Slack\n%s", ref, prompts, closings, describeMessages(msgs, ref))
		}
		slackRepeats += prompts - 1 + closings - 1
	}

	for _, p := range append(apps, temporal) {
		if !p.running() {
			t.Errorf("%s (pid %d) ended during the test:\n%s", p.name, p.pid(), p.tail(20))
		}
	}
	t.Logf("%d cases closed; audit_ledger %d rows, %d keys, %d duplicates; audit verify: %d rows reconciled over %d workflows; "+
		"activity retries %v; clicks Kari had to repeat %d; Slack repeats %d, messages refused by the rate limit %d; bots sent %v commands and interactions; "+
		"worker-1 back in %s; Temporal stop %s, back %s, all processes back %s; total %s",
		acc.cases, rows, keysSeen, rows-keysSeen, rep.Reconciled, rep.Workflows, acc.retries, clicksRepeated, slackRepeats, sl.RateLimited(), sent,
		workerBack.Round(time.Millisecond), temporalStop.Round(time.Millisecond), temporalBack.Round(time.Millisecond),
		appsBack.Round(time.Millisecond), time.Since(began).Round(time.Second))
}
