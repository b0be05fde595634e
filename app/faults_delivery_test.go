package app

// Fault tests of delivery (issue 11, items 1 and 2): a channel archived in the middle of a
// case, and a worker killed after Slack took a message but before Temporal heard of it. Run
// them with: go test -run 'TestFaultChannelArchived|TestFaultWorkerKilledAfterSlackPosted' ./app -v

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// messagesAbout lists the channel's messages that name the case.
func messagesAbout(sl *slacklocal.Server, channel, ref string) []slacklocal.Message {
	var out []slacklocal.Message
	for _, m := range sl.Messages(channel) {
		if strings.Contains(m.AllText(), ref) {
			out = append(out, m)
		}
	}
	return out
}

// caseMessages counts a "no other services" case's messages in the helsestasjon's channel:
// its step 1 prompt drawn as answered (no button left), its closing notice, and any other.
func caseMessages(sl *slacklocal.Server, ref string) (answered, closings, other int) {
	for _, m := range messagesAbout(sl, chHelsestasjon, ref) {
		text := m.AllText()
		switch {
		case strings.Contains(text, "samarbeidsplikten er fulgt opp"):
			closings++
		case strings.Contains(text, "besvart av") && !m.HasButton("avklaring"):
			answered++
		default:
			other++
		}
	}
	return answered, closings, other
}

// TestFaultChannelArchivedMidCase: the helsestasjon's channel is archived after one case's
// step 1 prompt went out, and before a second case opens. Slack answers is_archived to every
// message for the channel from then on. Both cases are answered and close all the same: the
// ledger is complete and audit verify reconciles it, the KE is told at once of the prompt that
// could not go out (someone must act before its deadline), an administrator once in a direct
// message, and the morning digest lists what is still undelivered, with what to fix. When the
// channel is back and an administrator asks (`/samarbeid katalog send-igjen helsestasjon`),
// every parked notice goes out once, in its latest version.
func TestFaultChannelArchivedMidCase(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	refs := faultRefs(7600, 2)
	mid, late := refs[0], refs[1]

	if err := startFaultCase(ctx, a, mid); err != nil {
		t.Fatal(err)
	}
	waitForPrompts(t, sl, []string{mid}, 30*time.Second)
	if !sl.ArchiveChannel(chHelsestasjon) {
		t.Fatal("no channel to archive")
	}
	if err := startFaultCase(ctx, a, late); err != nil {
		t.Fatal(err)
	}
	// The KE hears at once of the prompt that could not go out.
	alert, err := sl.WaitForMessage("C_KE", 30*time.Second, func(m slacklocal.Message) bool {
		return strings.Contains(m.AllText(), late) && strings.Contains(m.AllText(), "kom ikke fram")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"er arkivert", "/samarbeid katalog send-igjen helsestasjon", "Saken går videre"} {
		if !strings.Contains(alert.AllText(), want) {
			t.Errorf("the KE's alert lacks %q: %s", want, alert.AllText())
		}
	}
	each(t, refs, func(ref string) error { return answerNone(ctx, a, ref) })

	// Both cases closed as answered, with the whole ledger, while the channel was archived.
	for _, ref := range refs {
		var st workflows.Status
		if err := a.Temporal.GetWorkflow(ctx, workflows.WorkflowID(ref, "helsestasjon"), "").Get(ctx, &st); err != nil {
			t.Fatalf("case %s: %v", ref, err)
		}
		if st.Step != workflows.StepDone || st.Outcome != "ingen_andre_tjenester" {
			t.Errorf("case %s ended %+v", ref, st)
		}
	}
	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3*len(refs) {
		t.Errorf("%d ledger rows, want %d", len(rows), 3*len(refs))
	}
	rep, err := audit.Verify(ctx, a.Store, a.Temporal)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Rows != 3*len(refs) || rep.Reconciled != rep.Rows {
		t.Errorf("audit verify: %+v", rep)
	}
	parked, err := a.Store.ParkedNotices(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	// mid: the prompt's redraw and the closing notice; late: the prompt (with its redraw kept
	// under its key) and the closing notice.
	if len(parked) != 4 {
		t.Errorf("%d parked notices, want 4: %+v", len(parked), parked)
	}
	if got := len(messagesAbout(sl, chHelsestasjon, late)); got != 0 {
		t.Errorf("%d messages about %s reached the archived channel", got, late)
	}

	// An administrator was told once, in a direct message, however many notices it stopped.
	var adminAlerts int
	if dm, ok := sl.DirectChannel(adam); ok {
		for _, m := range sl.Messages(dm) {
			if strings.Contains(m.AllText(), "er arkivert") {
				adminAlerts++
			}
		}
	}
	if adminAlerts != 1 {
		t.Errorf("%d alerts to the administrator, want 1", adminAlerts)
	}

	// The morning digest lists what is still undelivered (the channel is still archived).
	run, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "test-dagsoversikt-arkivert", TaskQueue: workflows.TaskQueue},
		workflows.KEDigest)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}
	var digest string
	for _, m := range sl.Messages("C_KE") {
		if strings.Contains(m.AllText(), "Dagsoversikt") {
			digest = m.AllText()
		}
	}
	digestLines := strings.Count(digest, "kom ikke fram")
	if digestLines != 4 || !strings.Contains(digest, mid) || !strings.Contains(digest, late) || !strings.Contains(digest, "er arkivert") {
		t.Errorf("the digest lists %d undelivered notices, want 4 (both cases, the archived channel):\n%s", digestLines, digest)
	}

	// The channel is back; the administrator sends the notices again.
	sl.UnarchiveChannel(chHelsestasjon)
	start := time.Now()
	reply, err := sl.SlashCommand(adam, "C_KE", "/samarbeid", "katalog send-igjen helsestasjon")
	if err != nil || !strings.Contains(reply.Text, "sendes på nytt") {
		t.Fatalf("send-igjen: %+v %v", reply, err)
	}
	var left int
	waitUntil(t, 60*time.Second, "every parked notice delivered", func() bool {
		p, err := a.Store.ParkedNotices(ctx, "", 100)
		if left = len(p); err == nil && left == 0 {
			return true
		}
		if time.Since(start) > 55*time.Second && len(p) > 0 {
			t.Logf("still parked: %s (%s) %s", p[0].Key, p[0].Kind, p[0].Problem)
		}
		return false
	})
	for _, ref := range refs {
		answered, closings, other := caseMessages(sl, ref)
		if answered != 1 || closings != 1 || other != 0 {
			t.Errorf("case %s in %s after the resend: %d answered prompts, %d closing notices, %d other; want 1, 1, 0\n%s",
				ref, chHelsestasjon, answered, closings, other, describeMessages(sl.Messages(chHelsestasjon), ref))
		}
	}
	recordHistory(t, a, workflows.WorkflowID(mid, "helsestasjon"), "collaboration_duty_channel_archived.json")
	recordHistory(t, a, workflows.RedeliverWorkflowID("helsestasjon"), "redeliver_notices.json")
	t.Logf("kanal arkivert midt i saken: %d saker avsluttet, %d revisjonsrader (audit verify: %d avstemt), %d meldinger parkert, "+
		"KE varslet med en gang om %s, %d varsel til administrator, %d linjer i dagsoversikten; etter send-igjen: 0 parkert, "+
		"hver sak 1 besvart ledetekst og 1 avslutning", len(refs), len(rows), rep.Reconciled, len(parked), late, adminAlerts, digestLines)
}

// answerGate stands between a worker and the stand-in's Web API. While it holds, a
// chat.postMessage is carried out by Slack, but its answer never reaches the worker: the
// worker dies waiting, and Temporal never hears that the message was posted.
type answerGate struct {
	proxy *httputil.ReverseProxy

	mu      sync.Mutex
	holding bool
	taken   int // posts Slack carried out whose answer was held back
}

func newAnswerGate(target string) *answerGate {
	u, _ := url.Parse(target)
	return &answerGate{proxy: httputil.NewSingleHostReverseProxy(u)}
}

func (g *answerGate) hold(on bool) {
	g.mu.Lock()
	g.holding = on
	g.mu.Unlock()
}

func (g *answerGate) takenCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.taken
}

func (g *answerGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	g.mu.Lock()
	hold := g.holding && r.URL.Path == "/api/chat.postMessage"
	g.mu.Unlock()
	if !hold {
		g.proxy.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	g.proxy.ServeHTTP(rec, r.WithContext(context.Background())) // Slack takes the message
	var answer struct {
		OK bool `json:"ok"`
	}
	if json.Unmarshal(rec.Body.Bytes(), &answer) == nil && answer.OK {
		g.mu.Lock()
		g.taken++
		g.mu.Unlock()
	}
	<-r.Context().Done() // and the worker never hears of it
}

// TestFaultWorkerKilledAfterSlackPosted: the only worker is a process of its own. Every
// case's step 1 prompt reaches Slack, which posts it, but the answer is held back, and the
// worker is killed with SIGKILL before Temporal hears of the post. A new worker retries each
// lost attempt after its start-to-close timeout: it finds the notice 'pending' in
// PostgreSQL, finds the message by the key in its metadata in the channel's history, and
// updates it instead of posting it again. Every prompt is in the channel once: 0 duplicates.
func TestFaultWorkerKilledAfterSlackPosted(t *testing.T) {
	const n = 4
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dbURL := testdb.New(t)
	a, err := Start(ctx, Config{DatabaseURL: dbURL, HTTPAddr: "127.0.0.1:0", Seed: true, NoWorker: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	gate := newAnswerGate(a.URL)
	gateSrv := httptest.NewServer(gate)
	t.Cleanup(gateSrv.Close)
	sl := a.SlackLocal

	first := startFaultWorker(t, a, dbURL, gateSrv.URL+"/api/")
	gate.hold(true)
	refs := faultRefs(7700, n)
	each(t, refs, func(ref string) error { return startFaultCase(ctx, a, ref) })
	waitUntil(t, 60*time.Second, "every prompt taken by Slack, its answer held", func() bool { return gate.takenCount() >= n })
	first.kill()
	gate.hold(false)
	if got := len(sl.Messages(chHelsestasjon)); got != n {
		t.Fatalf("%d messages in %s when the worker was killed, want %d", got, chHelsestasjon, n)
	}
	historyBefore := sl.Calls()["conversations.history"]

	second := startFaultWorker(t, a, dbURL, a.URL+"/api/")
	each(t, refs, func(ref string) error { return answerNone(ctx, a, ref) })
	acc := accountFor(t, a, refs) // every case closed, its ledger rows once, its two messages once

	duplicates := 0
	for _, ref := range refs {
		answered, closings, other := caseMessages(sl, ref)
		duplicates += answered + closings + other - 2
		if acc.promptAttempts[ref] < 2 || !strings.HasPrefix(acc.promptIdentity[ref], strconv.Itoa(second.pid())+"@") {
			t.Errorf("prompt of %s: attempt %d by %q, want a retry by the second worker (pid %d)",
				ref, acc.promptAttempts[ref], acc.promptIdentity[ref], second.pid())
		}
	}
	if duplicates != 0 {
		t.Errorf("%d duplicate messages", duplicates)
	}
	lookups := sl.Calls()["conversations.history"] - historyBefore
	if lookups < n {
		t.Errorf("%d history look-ups by the second worker, want at least one per lost post (%d)", lookups, n)
	}
	t.Logf("worker %d drept etter at Slack tok %d meldinger uten å svare; arbeider %d fant dem igjen med %d oppslag i kanalhistorikken; "+
		"duplikater: %d; %s", first.pid(), gate.takenCount(), second.pid(), lookups, duplicates, acc)
}
