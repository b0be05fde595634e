package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// fakeSocketSlack is Slack's side of Socket Mode, driven step by step by the test: each
// connection the bot opens arrives on conns, and the test says hello, sends envelopes and
// reads the acks itself.
type fakeSocketSlack struct {
	srv     *httptest.Server
	conns   chan *websocket.Conn
	opens   atomic.Int32
	openErr atomic.Value // string: apps.connections.open answers this error
}

func newFakeSocketSlack(t *testing.T) *fakeSocketSlack {
	t.Helper()
	f := &fakeSocketSlack{conns: make(chan *websocket.Conn, 16)}
	f.openErr.Store("")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		f.opens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case f.openErr.Load().(string) != "":
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": f.openErr.Load().(string)})
		case r.Header.Get("Authorization") != "Bearer xapp-test":
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws://" + r.Host + "/link/?ticket=t"})
		}
	})
	up := websocket.Upgrader{}
	mux.HandleFunc("GET /link/", func(w http.ResponseWriter, r *http.Request) {
		if c, err := up.Upgrade(w, r, nil); err == nil {
			f.conns <- c
		}
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// accept waits for the bot's next connection; hello says Slack's hello on it.
func (f *fakeSocketSlack) accept(t *testing.T, hello bool) *websocket.Conn {
	t.Helper()
	select {
	case c := <-f.conns:
		t.Cleanup(func() { c.Close() })
		if hello {
			if err := c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
				t.Fatal(err)
			}
		}
		return c
	case <-time.After(20 * time.Second):
		t.Fatal("the bot did not connect")
		return nil
	}
}

type ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// roundTrip sends one envelope and returns the bot's ack for it.
func roundTrip(t *testing.T, c *websocket.Conn, env map[string]any) ack {
	t.Helper()
	if err := c.WriteJSON(env); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	defer func() { _ = c.SetReadDeadline(time.Time{}) }()
	for {
		var a ack
		if err := c.ReadJSON(&a); err != nil {
			t.Fatalf("no ack for %v: %v", env["envelope_id"], err)
		}
		if a.EnvelopeID == env["envelope_id"] {
			return a
		}
	}
}

// logBuffer collects log lines from several goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

// socketBot is a bot with nobody in its directory (so nothing reaches Temporal) and Socket
// Mode pointed at the fake.
func socketBot(t *testing.T, f *fakeSocketSlack, silence time.Duration) (*Bot, *SocketMode, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	api := slack.New("xoxb-test", slack.OptionAppLevelToken("xapp-test"), slack.OptionAPIURL(f.srv.URL+"/api/"))
	b := New(Config{Slack: slack.New("xoxb-test", slack.OptionHTTPClient(&http.Client{Transport: noNetwork{}})),
		Directory: nobody{}, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	b.httpClient = &http.Client{Transport: noNetwork{}}
	b.answerWithin = 500 * time.Millisecond
	sm := b.SocketMode(SocketModeConfig{Slack: api, Silence: silence, RetryMin: 10 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	t.Cleanup(sm.Stop)
	return b, sm, logs
}

func startSocket(t *testing.T, sm *SocketMode) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- sm.Start(context.Background(), 20*time.Second) }()
	t.Cleanup(func() {
		if err := <-errc; err != nil {
			t.Errorf("Start: %v", err)
		}
	})
}

// A slash command, a modal submission, a click and an event each reach the HTTP handler,
// and what it answers comes back as the envelope's ack payload.
func TestSocketModeEnvelopesReachTheHandlers(t *testing.T) {
	f := newFakeSocketSlack(t)
	b, sm, logs := socketBot(t, f, time.Minute)
	startSocket(t, sm)
	c := f.accept(t, true)
	select {
	case <-sm.Connected():
	case <-time.After(20 * time.Second):
		t.Fatal("not connected after hello")
	}

	// /samarbeid hjelp: the ephemeral help text is the ack's payload.
	a := roundTrip(t, c, map[string]any{"type": "slash_commands", "envelope_id": "e1", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/samarbeid", "text": "hjelp", "user_id": "U1", "channel_id": "C1",
			"trigger_id": "t1", "is_enterprise_install": "false"}})
	var reply struct{ ResponseType, Text string }
	if err := json.Unmarshal(a.Payload, &reply); err != nil || !strings.Contains(reply.Text, "/samarbeid ny") {
		t.Fatalf("help ack %s (%v)", a.Payload, err)
	}
	if !strings.Contains(string(a.Payload), `"response_type":"ephemeral"`) {
		t.Fatalf("help ack is not ephemeral: %s", a.Payload)
	}
	// /samarbeid ny from someone not in the directory: the refusal is in the ack.
	a = roundTrip(t, c, map[string]any{"type": "slash_commands", "envelope_id": "e2", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/samarbeid", "text": "ny", "user_id": "U_UKJENT", "trigger_id": "t2"}})
	if !strings.Contains(string(a.Payload), "ikke registrert i tjenestekatalogen") {
		t.Fatalf("refusal ack %s", a.Payload)
	}

	// A view_submission with a name for a case reference: response_action errors, in the ack.
	view := map[string]any{"type": "view_submission", "user": map[string]any{"id": "U1"},
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "ny_sak", "private_metadata": `{"c":"C1"}`,
			"blocks": []any{map[string]any{"type": "input", "block_id": "saksreferanse",
				"label":   map[string]any{"type": "plain_text", "text": "Saksreferanse"},
				"element": map[string]any{"type": "plain_text_input", "action_id": "verdi"}}},
			"state": map[string]any{"values": map[string]any{"saksreferanse": map[string]any{"verdi": map[string]any{
				"type": "plain_text_input", "value": "Ola Nordmann"}}}}}}
	a = roundTrip(t, c, map[string]any{"type": "interactive", "envelope_id": "e3", "accepts_response_payload": true, "payload": view})
	var va struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(a.Payload, &va); err != nil || va.ResponseAction != "errors" || !strings.Contains(va.Errors["saksreferanse"], "SAK-ÅÅÅÅ-NNNN") {
		t.Fatalf("view_submission ack %s (%v)", a.Payload, err)
	}

	// A click is acknowledged empty; its answer goes to the response_url afterwards.
	a = roundTrip(t, c, map[string]any{"type": "interactive", "envelope_id": "e4", "payload": map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "response_url": "http://127.0.0.1:1/svar",
		"actions": []any{map[string]any{"type": "button", "action_id": "kontakt", "value": "w|s"}}}})
	if len(a.Payload) != 0 {
		t.Fatalf("click ack carries %s", a.Payload)
	}

	// A broken payload is acknowledged (so Slack does not redeliver it) and logged.
	a = roundTrip(t, c, map[string]any{"type": "interactive", "envelope_id": "e5", "payload": "ikke json"})
	if len(a.Payload) != 0 || logs.count("forespørsel over Socket Mode avvist") != 1 {
		t.Fatalf("bad payload: ack %s, log:\n%s", a.Payload, logs)
	}

	// app_home_opened is acknowledged at once and drawn in the background; a redelivery
	// (retry_attempt > 0) is acknowledged without being done again, as over HTTP.
	event := map[string]any{"type": "event_callback", "event_id": "Ev1",
		"event": map[string]any{"type": "app_home_opened", "user": "U_UKJENT", "tab": "home"}}
	a = roundTrip(t, c, map[string]any{"type": "events_api", "envelope_id": "e6", "retry_attempt": 0, "payload": event})
	if len(a.Payload) != 0 {
		t.Fatalf("event ack carries %s", a.Payload)
	}
	for _, n := range []int{1, 2} {
		a = roundTrip(t, c, map[string]any{"type": "events_api", "envelope_id": "e7-" + string(rune('0'+n)), "retry_attempt": n,
			"retry_reason": "timeout", "payload": event})
		if len(a.Payload) != 0 {
			t.Fatalf("retry ack carries %s", a.Payload)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b.Wait(ctx)
	if n := logs.count("kunne ikke tegne Hjem-fanen"); n != 1 {
		t.Fatalf("the Home tab was drawn %d times for one event and two redeliveries, want 1; log:\n%s", n, logs)
	}
}

// A connection that goes quiet (no ping, no envelope) is dropped and replaced, and the log
// says so; one that Slack keeps pinging stays.
func TestSocketModeWatchdogReconnectsAfterSilence(t *testing.T) {
	f := newFakeSocketSlack(t)
	silence := 400 * time.Millisecond
	_, sm, logs := socketBot(t, f, silence)
	startSocket(t, sm)
	first := f.accept(t, true)
	<-sm.Connected()

	// Pings keep the line open well past the silence interval: the same connection still
	// answers afterwards, and nothing reconnected.
	until := time.Now().Add(3 * silence)
	for time.Now().Before(until) {
		if err := first.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(silence / 8)
	}
	a := roundTrip(t, first, map[string]any{"type": "slash_commands", "envelope_id": "alive", "payload": map[string]any{
		"command": "/samarbeid", "text": "hjelp", "user_id": "U1"}})
	if len(a.Payload) == 0 || sm.Reconnects() != 0 {
		t.Fatalf("pinged connection: ack %s, %d reconnects; log:\n%s", a.Payload, sm.Reconnects(), logs)
	}

	// Now Slack falls silent on it: the watchdog drops it and the bot connects again.
	second := f.accept(t, true)
	deadline := time.Now().Add(20 * time.Second)
	for sm.Reconnects() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if sm.Reconnects() != 1 {
		t.Fatalf("%d reconnects after silence; log:\n%s", sm.Reconnects(), logs)
	}
	out := logs.String()
	for _, want := range []string{"ingen hendelser fra Slack på 400 millisekunder; kobler til på nytt", "kobler til Slack på nytt",
		"koblet til Slack igjen"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	// The new connection serves.
	a = roundTrip(t, second, map[string]any{"type": "slash_commands", "envelope_id": "again", "payload": map[string]any{
		"command": "/samarbeid", "text": "hjelp", "user_id": "U1"}})
	if !strings.Contains(string(a.Payload), "/samarbeid ny") {
		t.Fatalf("after reconnect: %s", a.Payload)
	}
}

// Slack's disconnect message and a dropped line both lead to a new connection.
func TestSocketModeReconnectsOnDisconnectAndDrop(t *testing.T) {
	f := newFakeSocketSlack(t)
	_, sm, logs := socketBot(t, f, time.Minute)
	startSocket(t, sm)
	c := f.accept(t, true)
	<-sm.Connected()
	if err := c.WriteJSON(map[string]any{"type": "disconnect", "reason": "refresh_requested"}); err != nil {
		t.Fatal(err)
	}
	c = f.accept(t, true)
	c.Close() // dropped without a word
	c = f.accept(t, true)
	deadline := time.Now().Add(20 * time.Second)
	for sm.Reconnects() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if sm.Reconnects() != 2 || !strings.Contains(logs.String(), "refresh_requested") {
		t.Fatalf("%d reconnects; log:\n%s", sm.Reconnects(), logs)
	}
	a := roundTrip(t, c, map[string]any{"type": "slash_commands", "envelope_id": "x", "payload": map[string]any{
		"command": "/samarbeid", "text": "hjelp", "user_id": "U1"}})
	if len(a.Payload) == 0 {
		t.Fatal("no answer on the third connection")
	}
	// Stop closes the connection with a close frame and returns.
	sm.Stop()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Fatalf("after Stop the server read %v, want a normal close", err)
	}
}

// A token Slack refuses stops the start with the reason; a passing outage does not.
func TestSocketModeRefusedToken(t *testing.T) {
	f := newFakeSocketSlack(t)
	f.openErr.Store("invalid_auth")
	_, sm, _ := socketBot(t, f, time.Minute)
	err := sm.Start(context.Background(), 20*time.Second)
	if err == nil || !strings.Contains(err.Error(), "Slack kjenner ikke app-tokenet") {
		t.Fatalf("got %v", err)
	}

	f2 := newFakeSocketSlack(t)
	f2.openErr.Store("internal_error")
	_, sm2, logs := socketBot(t, f2, time.Minute)
	if err := sm2.Start(context.Background(), 200*time.Millisecond); err != nil {
		t.Fatalf("a passing error stopped the start: %v", err)
	}
	f2.openErr.Store("")
	f2.accept(t, true)
	select {
	case <-sm2.Connected():
	case <-time.After(20 * time.Second):
		t.Fatalf("never connected; log:\n%s", logs)
	}
	if f2.opens.Load() < 2 || !strings.Contains(logs.String(), "får ikke kontakt med Slack") {
		t.Fatalf("%d opens; log:\n%s", f2.opens.Load(), logs)
	}
}

func TestNorwegianDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{2 * time.Minute: "2 minutter", time.Minute: "1 minutt",
		90 * time.Second: "90 sekunder", time.Hour: "1 time", 400 * time.Millisecond: "400 millisekunder"} {
		if got := norwegianDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
