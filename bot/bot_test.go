package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/time/rate"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/store"
)

const secret = "test-hemmelighet"

// nobody is a directory where no one is registered, so no request reaches Temporal.
type nobody struct{}

func (nobody) Services(context.Context) ([]store.Service, error) { return nil, nil }
func (nobody) Service(context.Context, string) (store.Service, error) {
	return store.Service{}, store.ErrNotFound
}
func (nobody) CoordinatingUnit(context.Context) (store.Service, error) {
	return store.Service{}, store.ErrNotFound
}
func (nobody) StaffBySlackUser(context.Context, string) (store.Staff, error) {
	return store.Staff{}, store.ErrNotFound
}
func (nobody) CoordinatingUnitFor(context.Context, string) (store.Service, error) {
	return store.Service{}, store.ErrNotFound
}
func (nobody) SpecialistCoordinatingUnit(context.Context) (store.Service, error) {
	return store.Service{}, store.ErrNotFound
}
func (nobody) NextCaseRef(context.Context, int) (string, error)  { return "SAK-2026-0001", nil }
func (nobody) SetLanguage(context.Context, string, string) error { return store.ErrNotFound }

// noNetwork refuses every outbound request: fuzzed payloads carry arbitrary response URLs.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("ingen nettverk i testen")
}

func testBot() (*Bot, http.Handler) {
	b := New(Config{
		Slack:         slack.New("xoxb-test", slack.OptionHTTPClient(&http.Client{Transport: noNetwork{}})),
		Directory:     nobody{},
		SigningSecret: secret,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		// The fuzzers send the same signed body more than once a second; replays have
		// their own test (TestReplayedRequestIsRefused).
		Nonces: everyRequestNew{},
	})
	b.httpClient = &http.Client{Transport: noNetwork{}}
	b.answerWithin = 200 * time.Millisecond
	mux := http.NewServeMux()
	b.Register(mux)
	return b, mux
}

func sign(req *http.Request, body string, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

func post(h http.Handler, path, body string, signAt *time.Time) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signAt != nil {
		sign(req, body, *signAt)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSignatureWindowAndSecret(t *testing.T) {
	_, h := testBot()
	body := url.Values{"command": {"/samarbeid"}, "text": {"hjelp"}, "user_id": {"U1"}}.Encode()
	now, stale := time.Now(), time.Now().Add(-6*time.Minute)
	if rec := post(h, "/slack/commands", body, &now); rec.Code != 200 || !strings.Contains(rec.Body.String(), "/samarbeid ny") {
		t.Fatalf("signed help: %d %s", rec.Code, rec.Body)
	}
	if rec := post(h, "/slack/commands", body, &stale); rec.Code != http.StatusUnauthorized {
		t.Fatalf("stale signature: %d", rec.Code)
	}
	if rec := post(h, "/slack/commands", body, nil); rec.Code != http.StatusUnauthorized {
		t.Fatalf("unsigned: %d", rec.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(body))
	sign(req, body+"x", now) // signature of another body
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("tampered body: %d", rec.Code)
	}
}

func TestUnregisteredUserIsToldWhy(t *testing.T) {
	_, h := testBot()
	now := time.Now()
	body := url.Values{"command": {"/samarbeid"}, "text": {"ny"}, "user_id": {"U_UKJENT"}, "trigger_id": {"t"}}.Encode()
	rec := post(h, "/slack/commands", body, &now)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "ikke registrert i tjenestekatalogen") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	body = url.Values{"command": {"/samarbeid"}, "text": {"finnes-ikke"}, "user_id": {"U1"}}.Encode()
	if rec := post(h, "/slack/commands", body, &now); !strings.Contains(rec.Body.String(), "Kjenner ikke kommandoen") {
		t.Fatalf("unknown subcommand: %s", rec.Body)
	}
}

func TestURLVerification(t *testing.T) {
	_, h := testBot()
	now := time.Now()
	body := `{"type":"url_verification","challenge":"abc123"}`
	if rec := post(h, "/slack/events", body, &now); rec.Code != 200 || rec.Body.String() != "abc123" {
		t.Fatalf("%d %q", rec.Code, rec.Body)
	}
}

// FuzzInteractionPayload sends arbitrary, correctly signed interaction payloads: the bot
// must answer 200 or 400, never fail or hang.
func FuzzInteractionPayload(f *testing.F) {
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"kontakt","value":"w|s"}],"response_url":"http://127.0.0.1:1/x"}`)
	f.Add(`{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"ny_sak","private_metadata":"{\"c\":\"C1\"}","state":{"values":{"saksreferanse":{"verdi":{"type":"plain_text_input","value":"SAK-2026-0001"}}}}}}`)
	f.Add(`{"type":"view_submission","view":{"callback_id":"vurdering","private_metadata":"not json"}}`)
	f.Add(`not json at all`)
	f.Add(`{"type":"block_actions","actions":[]}`)
	_, h := testBot()
	f.Fuzz(func(t *testing.T, payload string) {
		now := time.Now()
		rec := post(h, "/slack/interactions", url.Values{"payload": {payload}}.Encode(), &now)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("payload %q: status %d", payload, rec.Code)
		}
	})
}

// FuzzSignature: an arbitrary signature never passes, and the same body signed properly does.
func FuzzSignature(f *testing.F) {
	f.Add("command=%2Fsamarbeid&text=hjelp", "v0=00", int64(0))
	f.Add("", "", int64(-400))
	f.Add("text=x", "v0=zz", int64(299))
	_, h := testBot()
	f.Fuzz(func(t *testing.T, body, signature string, skew int64) {
		at := time.Now().Add(time.Duration(skew%3600) * time.Second)
		req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(body))
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(at.Unix(), 10))
		req.Header.Set("X-Slack-Signature", signature)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		good := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(body))
		sign(good, body, at)
		if rec.Code != http.StatusUnauthorized && signature != good.Header.Get("X-Slack-Signature") {
			t.Fatalf("forged signature %q accepted (status %d)", signature, rec.Code)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, good)
		inWindow := skew%3600 > -300 && skew%3600 < 300
		if inWindow && rec.Code == http.StatusUnauthorized {
			t.Fatalf("valid signature refused for skew %d", skew%3600)
		}
		if !inWindow && skew%3600 != 300 && skew%3600 != -300 && rec.Code != http.StatusUnauthorized {
			t.Fatalf("signature outside the window accepted for skew %d", skew%3600)
		}
	})
}

func TestOutboundGuardStopsAFodselsnummer(t *testing.T) {
	ok := []slack.Block{slack.NewSectionBlock(mrkdwn("SAK-2026-0042 · Steg 1"), nil, nil)}
	if err := guardOutbound("SAK-2026-0042", ok); err != nil {
		t.Fatal(err)
	}
	leak := []slack.Block{slack.NewSectionBlock(mrkdwn("gjelder 15076500565"), nil, nil)}
	if err := guardOutbound("SAK-2026-0042", leak); err == nil {
		t.Fatal("a fødselsnummer in the blocks was let through")
	}
	if err := guardOutbound("ring 15076500565", ok); err == nil {
		t.Fatal("a fødselsnummer in the text was let through")
	}
}

// Slack's 429 with Retry-After becomes a Temporal retry after exactly that delay.
func TestRateLimitHonoursRetryAfter(t *testing.T) {
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer slackAPI.Close()
	m := &Messenger{Slack: slack.New("xoxb-1", slack.OptionAPIURL(slackAPI.URL+"/")), Directory: oneService{}}
	_, err := m.Notify(context.Background(), activities.Notice{Kind: activities.NoticeClarify, CaseRef: "SAK-2026-0001", ServiceID: "skole"})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != "SlackRateLimited" || appErr.NextRetryDelay() != 7*time.Second {
		t.Fatalf("got %v", err)
	}
}

type oneService struct{ nobody }

func (oneService) Service(context.Context, string) (store.Service, error) {
	return store.Service{ID: "skole", Name: "Grunnskolen", SlackChannel: "C_SKOLE"}, nil
}

// With a channel's turn an hour away, a second post waits (and here gives up at its
// deadline) while another channel's post goes straight through.
func TestPostsArePacedPerChannel(t *testing.T) {
	posts := 0
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"channel":"C_SKOLE","ts":"1.000001"}`))
	}))
	defer slackAPI.Close()
	m := &Messenger{Slack: slack.New("xoxb-1", slack.OptionAPIURL(slackAPI.URL+"/")), Directory: oneService{},
		PerChannel: rate.Every(time.Hour), Burst: 1}
	n := activities.Notice{Kind: activities.NoticeClarify, CaseRef: "SAK-2026-0001", ServiceID: "skole"}
	if _, err := m.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := m.Notify(ctx, n); err == nil {
		t.Fatal("a second post to the same channel was not paced")
	}
	if err := m.pace(context.Background(), "C_ANNEN"); err != nil {
		t.Fatalf("another channel waited: %v", err)
	}
	if posts != 1 {
		t.Fatalf("%d posts reached Slack, want 1", posts)
	}
}
