package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/devserver"
	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

func freePort(t *testing.T) int {
	t.Helper()
	port, err := devserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// openCase creates a case through /samarbeid ny and returns its reference.
func openCase(t *testing.T, sl *slacklocal.Server) string {
	t.Helper()
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_sak"), "saksreferanse")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "voksen"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	})
	return ref
}

// TestRestartKeepsCases stops everything, embedded Temporal included, and starts again on
// the same data folder: the case is still there and can be answered.
func TestRestartKeepsCases(t *testing.T) {
	ctx := context.Background()
	// As in `samarbeid dev`, the embedded server keeps its frontend port across restarts.
	cfg := Config{DatabaseURL: testdb.New(t), HTTPAddr: "127.0.0.1:0", Seed: true, DataDir: t.TempDir(), TemporalPort: freePort(t)}
	first, err := Start(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := openCase(t, first.SlackLocal)
	waitForButton(t, first.SlackLocal, chHelsestasjon, "avklaring")
	first.Stop()

	second, err := Start(ctx, cfg, nil)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer second.Stop()
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	// The first query after a restart waits for the new worker to poll and replay the case;
	// on a loaded machine one query's RPC deadline (10 s) may pass before that, so try again
	// for a minute before calling the case lost.
	var v converter.EncodedValue
	for start := time.Now(); ; {
		v, err = second.Temporal.QueryWorkflow(ctx, wfID, "", workflows.QueryStatus)
		if err == nil || time.Since(start) > time.Minute {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		t.Fatalf("case lost across restart: %v", err)
	}
	var st workflows.Status
	if err := v.Get(&st); err != nil || st.Step != workflows.StepClarify || st.CaseRef != ref {
		t.Fatalf("status after restart %+v %v", st, err)
	}
	// The new stand-in has no messages from before; answer through the workflow's own
	// update, as the bot would, and see the case move on under the new worker.
	staff, err := second.Store.StaffBySlackUser(ctx, kari)
	if err != nil {
		t.Fatal(err)
	}
	h, err := second.Temporal.UpdateWorkflow(ctx, updateOptions(wfID, "etter-omstart", workflows.UpdateClarify,
		workflows.ClarifyAnswer{Actor: workflows.Actor{SlackUserID: kari, ServiceIDs: staff.ServiceIDs}, None: true}))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Get(ctx, &st); err != nil || st.Outcome != "ingen_andre_tjenester" {
		t.Fatalf("answer after restart: %+v %v", st, err)
	}
}

// TestDoubleClickAppliesOnce clicks "send kontaktforespørsel" twice at once: the clicks
// share an update ID, so the other service gets one request.
func TestDoubleClickAppliesOnce(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"nav"}}}})
	clickValue(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "vurder").TS, "vurder", wfID+"|nav")
	openView(t, sl, kari, "vurdering")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: "arbeidsavklaring"}}, "begrunnelse": {"verdi": {Value: "trenger begge"}},
	})
	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|nav")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"grunnlag": {"verdi": {Value: "lovhjemmel"}}, "hjemmel": {"verdi": {Value: "NAV-loven § 15 a"}},
	})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")

	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := sl.ClickButtonWithValue(kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|nav"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	waitForButton(t, sl, "C_NAV", "godta")
	time.Sleep(500 * time.Millisecond) // room for a second request, were there one
	requests := 0
	for _, m := range sl.Messages("C_NAV") {
		if strings.Contains(m.Text, "ber om samarbeid") {
			requests++
		}
	}
	if requests != 1 {
		t.Fatalf("%d contact requests in NAV's channel, want 1", requests)
	}
	trail, err := a.Store.AuditTrail(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range trail {
		if r.Action == "kontakt_forespurt" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d kontakt_forespurt rows in the ledger, want 1", n)
	}
}

// TestStaleSignatureIsRefused replays a correctly signed request from outside Slack's
// five-minute window.
func TestStaleSignatureIsRefused(t *testing.T) {
	a := startApp(t)
	body := "command=%2Fsamarbeid&text=hjelp&user_id=" + kari
	ts := strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	// Signed with a secret of our own: the bot must refuse on the timestamp or the secret,
	// and never answer.
	mac := hmac.New(sha256.New, []byte("ikke-hemmeligheten"))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("stale request got %d", resp.StatusCode)
	}
}
