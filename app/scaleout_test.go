package app

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/workflows"
)

// lockedBuffer collects a child process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startAppKeepingURL starts the app as startApp does and also returns its database URL,
// so a second process can share the database.
func startAppKeepingURL(t *testing.T) (*App, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL := testdb.New(t)
	a, err := Start(ctx, Config{
		DatabaseURL: dbURL, TemporalNamespace: "default", HTTPAddr: "127.0.0.1:0", Seed: true,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	return a, dbURL
}

// startWorkerProcess builds samarbeid and runs `samarbeid worker` against a's Temporal,
// database and Slack stand-in, and waits until it says it is ready. It returns the pid.
func startWorkerProcess(t *testing.T, a *App, dbURL string) int {
	t.Helper()
	bin := buildSamarbeid(t)
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL,
		"TEMPORAL_ADDRESS="+a.TemporalAddress(),
		"SAMARBEID_PAYLOAD_KEYS="+a.PayloadKeys(),
		"TEMPORAL_NAMESPACE=default",
		"SLACK_BOT_TOKEN="+localBotToken,
		"SLACK_API_URL="+a.URL+"/api/",
		"HTTP_ADDR="+addr,
	)
	stderr := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("samarbeid worker (pid %d) output:\n%s", cmd.Process.Pid, stderr.String())
		}
	})

	deadline := time.Now().Add(60 * time.Second)
	httpClient := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("samarbeid worker exited before it was ready: %v", err)
		default:
		}
		resp, err := httpClient.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("samarbeid worker not ready on %s within 60 s (last: %v %v)", addr, resp, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestTwoWorkerProcessesShareTheCases runs a second worker process next to the app's own,
// against the same Temporal and database, and drives cases concurrently: the work is shared
// between the two, and every case is done once, with its ledger rows written once.
func TestTwoWorkerProcessesShareTheCases(t *testing.T) {
	const n = 12
	a, dbURL := startAppKeepingURL(t)
	childPid := startWorkerProcess(t, a, dbURL)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	actor := workflows.Actor{SlackUserID: kari, Name: "Kari", ServiceIDs: []string{"helsestasjon"}}

	refs := faultRefs(9000, n)
	results := make(map[string]workflows.Status, n)
	var mu sync.Mutex
	each(t, refs, func(ref string) error {
		run, err := startCase(ctx, a, ref, actor)
		if err != nil {
			return err
		}
		if err := answerNoneAs(ctx, a, ref, actor); err != nil {
			return err
		}
		var st workflows.Status
		if err := run.Get(ctx, &st); err != nil {
			return fmt.Errorf("result %s: %w", ref, err)
		}
		mu.Lock()
		results[ref] = st
		mu.Unlock()
		return nil
	})
	for _, ref := range refs {
		if st := results[ref]; st.Step != workflows.StepDone || st.Outcome != "ingen_andre_tjenester" || st.CaseRef != ref {
			t.Errorf("case %s ended %+v", ref, st)
		}
	}

	// The ledger: three rows per case, each key once, and the chain holds.
	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sak_opprettet", "steg1_avklart", "sak_avsluttet"}
	actions := map[string][]string{}
	keys := map[string]int{}
	for _, r := range rows {
		actions[r.CaseRef] = append(actions[r.CaseRef], r.Action)
		keys[r.Key]++
	}
	if len(rows) != 3*n {
		t.Errorf("%d ledger rows, want %d", len(rows), 3*n)
	}
	for _, ref := range refs {
		got := append([]string(nil), actions[ref]...)
		sort.Strings(got)
		w := append([]string(nil), want...)
		sort.Strings(w)
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("case %s ledger actions %v, want %v", ref, actions[ref], want)
		}
	}
	for k, c := range keys {
		if c != 1 {
			t.Errorf("ledger key %q written %d times", k, c)
		}
	}
	if i, err := a.Store.VerifyChain(ctx); err != nil {
		t.Errorf("ledger chain broken at %d: %v", i, err)
	}

	// The histories: activities ran on both workers.
	identities := map[string]int{}
	for _, ref := range refs {
		it := a.Temporal.GetWorkflowHistory(ctx, workflows.WorkflowID(ref, "helsestasjon"), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", ref, err)
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED {
				identities[ev.GetActivityTaskStartedEventAttributes().GetIdentity()]++
			}
		}
	}
	t.Logf("activity tasks per worker identity (this process pid %d, worker process pid %d): %v", os.Getpid(), childPid, identities)
	ours, theirs := strconv.Itoa(os.Getpid())+"@", strconv.Itoa(childPid)+"@"
	var seenOurs, seenTheirs bool
	for id := range identities {
		seenOurs = seenOurs || strings.HasPrefix(id, ours)
		seenTheirs = seenTheirs || strings.HasPrefix(id, theirs)
	}
	if len(identities) != 2 || !seenOurs || !seenTheirs {
		t.Errorf("activities ran on %v, want both this process's worker (%s…) and the worker process (%s…)", identities, ours, theirs)
	}
}

// waitForStep polls the status query, within 30 s, until the case stands at step.
func waitForStep(ctx context.Context, a *App, id string, step workflows.Step) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st workflows.Status
		v, err := a.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
		if err == nil {
			err = v.Get(&st)
		}
		if err == nil && st.Step == step {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not at step %s within 30 s (at %q, %v)", step, st.Step, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
