package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

const (
	socketBotToken = "xoxb-socket-test"
	socketAppToken = "xapp-socket-test"
)

// startSocketApp starts the stand-in with Socket Mode on, and samarbeid against it as against
// the real Slack: SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_API_URL, no signing secret.
func startSocketApp(t *testing.T, silence time.Duration) (*App, *slacklocal.Server, *lockedBuffer) {
	t.Helper()
	sl := slacklocal.New(slacklocal.Options{BotToken: socketBotToken, AppToken: socketAppToken})
	sl.SetSocketPingInterval(silence / 10)
	srv := httptest.NewServer(sl.Handler())
	t.Cleanup(srv.Close)
	sl.SetPublicURL(srv.URL)

	logs := &lockedBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := Start(ctx, Config{
		DatabaseURL: testdb.New(t), TemporalNamespace: "default", HTTPAddr: "127.0.0.1:0", Seed: true,
		SlackBotToken: socketBotToken, SlackAppToken: socketAppToken, SlackAPIURL: srv.URL + "/api/",
		SocketSilence: silence,
	}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Stop)
	if a.SlackLocal != nil {
		t.Fatal("the app serves its own stand-in although it has Slack tokens")
	}
	users, channels, err := a.localWorkspace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		sl.AddUser(u)
	}
	for _, c := range channels {
		sl.AddChannel(c)
	}
	return a, sl, logs
}

// TestCaseOverSocketMode opens and answers a case with every command, click, modal and event
// delivered over Socket Mode, and nothing but /healthz and friends on HTTP.
func TestCaseOverSocketMode(t *testing.T) {
	a, sl, logs := startSocketApp(t, 2*time.Second)
	ctx := context.Background()
	if st := sl.SocketStats(); st.Open != 1 || st.Opened != 1 {
		t.Fatalf("socket connections after start: %+v", st)
	}

	// Without a signing secret there is no HTTP Slack surface to forge requests to.
	resp, err := http.Post(a.URL+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("command=/samarbeid&text=hjelp"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("POST /slack/commands in Socket Mode: %d, want 404", resp.StatusCode)
	}
	if resp, err := http.Get(a.URL + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}

	// /samarbeid ny opens the modal; a bad reference is refused inline through the ack.
	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_sak"), "saksreferanse")
	reply, err := sl.SubmitView(kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: "Ola Nordmann"}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	})
	if err != nil || reply.ResponseAction != "errors" || !strings.Contains(reply.Errors["saksreferanse"], "SAK-ÅÅÅÅ-NNNN") {
		t.Fatalf("bad reference not refused inline: %+v %v", reply, err)
	}
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{
		"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "voksen"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}},
	})
	if _, open := sl.OpenView(kari); open {
		t.Fatal("the modal stayed open after a good submission")
	}

	// Step 1 arrives in the channel; the button and its modal work; "no other services" closes it.
	step1 := waitForButton(t, sl, chHelsestasjon, "avklaring")
	click(t, sl, kari, chHelsestasjon, step1.TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"ingen": {"verdi": {Selected: []string{"ingen"}}}})
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var st workflows.Status
	if err := a.Temporal.GetWorkflow(waitCtx, wfID, "").Get(waitCtx, &st); err != nil {
		t.Fatal(err)
	}
	if st.Step != workflows.StepDone {
		t.Fatalf("final status %+v", st)
	}

	// /samarbeid status answers in the ack, as an ephemeral message.
	statusReply, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "status "+ref)
	if err != nil || !strings.Contains(statusReply.Text, ref) || statusReply.ResponseType != "ephemeral" {
		t.Fatalf("status reply %+v %v", statusReply, err)
	}
	waitForEphemeral(t, sl, kari, ref)

	// The Home tab is drawn on app_home_opened; a redelivery is acknowledged, not redone.
	if err := sl.OpenHome(kari); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, ok := sl.HomeView(kari); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Home tab for %s; log:\n%s", kari, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := sl.Calls()["views.publish"]
	if status, err := sl.SendEvent(map[string]any{"type": "app_home_opened", "user": kari, "tab": "home"}, 1); err != nil || status != 200 {
		t.Fatalf("redelivered event: %d %v", status, err)
	}
	a.bot.Wait(ctx)
	if after := sl.Calls()["views.publish"]; after != before {
		t.Fatalf("a redelivered event drew the Home tab again (%d -> %d views.publish)", before, after)
	}
	if strings.Contains(logs.String(), "ingen hendelser fra Slack") {
		t.Fatalf("the watchdog fired on a live connection:\n%s", logs)
	}
}

// TestSocketModeWatchdogThroughTheStandIn: a connection that hangs is replaced, one that
// drops is replaced, Slack's disconnect is honoured, and commands work after each.
func TestSocketModeWatchdogThroughTheStandIn(t *testing.T) {
	a, sl, logs := startSocketApp(t, time.Second)
	help := func(when string) {
		t.Helper()
		reply, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "hjelp")
		if err != nil || !strings.Contains(reply.Text, "/samarbeid ny") {
			t.Fatalf("%s: help %+v %v; log:\n%s", when, reply, err, logs)
		}
	}
	waitReconnects := func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for a.socket.Reconnects() < n || sl.SocketStats().Open-sl.SocketStats().Muted < 1 {
			if time.Now().After(deadline) {
				t.Fatalf("%d reconnects, want %d; stand-in %+v; log:\n%s", a.socket.Reconnects(), n, sl.SocketStats(), logs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	help("first")

	if n := sl.MuteSockets(); n != 1 {
		t.Fatalf("muted %d connections", n)
	}
	waitReconnects(1)
	if !strings.Contains(logs.String(), "ingen hendelser fra Slack på 1 sekund; kobler til på nytt") {
		t.Fatalf("the watchdog did not say why it reconnected:\n%s", logs)
	}
	help("after the hang")

	sl.DropSockets()
	waitReconnects(2)
	help("after the drop")

	if n := sl.SocketDisconnect("refresh_requested"); n != 1 {
		t.Fatalf("disconnect sent on %d connections", n)
	}
	waitReconnects(3)
	help("after the disconnect")
	if !strings.Contains(logs.String(), "koblet til Slack igjen") {
		t.Fatalf("reconnects were not logged:\n%s", logs)
	}
	// Without a connection to Slack the bot is not ready, and says why.
	a.socket.Stop()
	resp, err := http.Get(a.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "Socket Mode") {
		t.Fatalf("/readyz without a Socket Mode connection: %d %s", resp.StatusCode, body)
	}
}

// Socket Mode's settings are checked with the rest.
func TestSocketModeConfig(t *testing.T) {
	cfg := Config{DatabaseURL: DefaultDatabaseURL, TemporalNamespace: "default", HTTPAddr: ":8080", SlackAppToken: "xapp-1"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "trenger også SLACK_BOT_TOKEN") {
		t.Fatalf("app token without a bot token: %v", err)
	}
	cfg.SlackBotToken = "xoxb-1"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Socket Mode without a signing secret: %v", err)
	}
	cfg.SlackAppToken = "xoxb-2"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "xapp-") {
		t.Fatalf("a bot token as app token: %v", err)
	}

	// A token the stand-in does not know stops the start, naming the reason.
	sl := slacklocal.New(slacklocal.Options{BotToken: socketBotToken, AppToken: socketAppToken})
	srv := httptest.NewServer(sl.Handler())
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := Start(ctx, Config{DatabaseURL: testdb.New(t), HTTPAddr: "127.0.0.1:0", SlackBotToken: socketBotToken,
		SlackAppToken: "xapp-feil", SlackAPIURL: srv.URL + "/api/"}, nil)
	if err == nil {
		a.Stop()
		t.Fatal("started with a wrong app token")
	}
	if !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), "Slack kjenner ikke app-tokenet") {
		t.Fatalf("got %v", err)
	}
}
