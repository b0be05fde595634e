package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/i18n"
)

func TestRetryDelayKnowsWhatToRetry(t *testing.T) {
	for _, c := range []struct {
		name  string
		err   error
		again bool
		wait  time.Duration
	}{
		{"429 with Retry-After", &slack.RateLimitedError{RetryAfter: 3 * time.Second}, true, 3 * time.Second},
		{"429 without Retry-After waits a second", &slack.RateLimitedError{}, true, time.Second},
		{"503", slack.StatusCodeError{Code: 503}, true, firstPause},
		{"404", slack.StatusCodeError{Code: 404}, false, 0},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, true, firstPause},
		{"invalid_arguments", slack.SlackErrorResponse{Err: "invalid_arguments"}, false, 0},
		{"expired_trigger_id", slack.SlackErrorResponse{Err: "expired_trigger_id"}, false, 0},
		{"context ended", context.DeadlineExceeded, false, 0},
		{"cut connection", io.ErrUnexpectedEOF, true, firstPause},
		{"other", errors.New("noe annet"), false, 0},
	} {
		wait, again := retryDelay(c.err, 1)
		if again != c.again || (again && wait != c.wait) {
			t.Errorf("%s: retry %v after %s, want %v after %s", c.name, again, wait, c.again, c.wait)
		}
	}
	if wait, _ := retryDelay(slack.StatusCodeError{Code: 500}, 3); wait != 4*firstPause {
		t.Errorf("third 500 waits %s, want %s (doubling)", wait, 4*firstPause)
	}
}

// TestCallSlackStopsAtTheDeadline: a Retry-After that ends after the deadline is not waited
// for; the call gives up at once with Slack's error.
func TestCallSlackStopsAtTheDeadline(t *testing.T) {
	calls := 0
	start := time.Now()
	attempts, err := callSlack(context.Background(), start.Add(2500*time.Millisecond), func(context.Context) error {
		calls++
		return &slack.RateLimitedError{RetryAfter: 5 * time.Second}
	})
	var limited *slack.RateLimitedError
	if attempts != 1 || calls != 1 || !errors.As(err, &limited) {
		t.Fatalf("%d attempts, %d calls, %v; want one call and the 429", attempts, calls, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("gave up after %s, want at once", took)
	}
}

// fakeSlack answers views.open, views.publish and chat.postEphemeral: the first `fail`
// calls with status (a 429 carries Retry-After: 1), then ok.
func fakeSlack(t *testing.T, status int, fail int32) (*slack.Client, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if n <= fail {
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		switch r.URL.Path {
		case "/api/chat.postEphemeral":
			_, _ = io.WriteString(w, `{"ok":true,"message_ts":"1.2"}`)
		default:
			_, _ = io.WriteString(w, `{"ok":true,"view":{"id":"V1"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return slack.New("xoxb-test", slack.OptionAPIURL(srv.URL+"/api/")), &calls
}

func callsBot(api *slack.Client) *Bot {
	return New(Config{Slack: api, Directory: nobody{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestOpenViewRetriesA429: views.open answered 429 (Retry-After: 1) once opens the modal on
// the second try, inside the trigger's 3 seconds.
func TestOpenViewRetriesA429(t *testing.T) {
	api, calls := fakeSlack(t, http.StatusTooManyRequests, 1)
	b := callsBot(api)
	ctx := withTrigger(context.Background(), time.Now())
	start := time.Now()
	resp, err := b.openView(ctx, "trigger", slack.ModalViewRequest{Type: slack.VTModal})
	took := time.Since(start)
	if err != nil || resp == nil || resp.ID != "V1" {
		t.Fatalf("views.open after one 429: %+v %v", resp, err)
	}
	if calls.Load() != 2 || took < time.Second || took > triggerLife {
		t.Fatalf("%d calls in %s; want 2, after the Retry-After and within %s", calls.Load(), took, triggerLife)
	}
	t.Logf("views.open: 429 én gang, åpnet på forsøk %d etter %s", calls.Load(), took.Round(time.Millisecond))
}

// TestOpenViewGivesUpInWords: a views.open that Slack answers 503 until the trigger is
// spent gives up within the trigger's time, and the user reads why in their language, not
// Slack's error.
func TestOpenViewGivesUpInWords(t *testing.T) {
	api, calls := fakeSlack(t, http.StatusServiceUnavailable, 1000)
	b := callsBot(api)
	arrived := time.Now()
	_, err := b.openView(withTrigger(context.Background(), arrived), "trigger", slack.ModalViewRequest{Type: slack.VTModal})
	if took := time.Since(arrived); took > 3*time.Second {
		t.Fatalf("kept trying for %s, past the trigger's 3 seconds", took)
	}
	var status slack.StatusCodeError
	if !errors.As(err, &status) || status.Code != 503 {
		t.Fatalf("Slack's error is lost: %v", err)
	}
	for lang, want := range map[string]string{"nb": "Slack svarte ikke i tide", "nn": "Slack svarte ikkje i tide", "en": "Slack did not answer in time"} {
		text := b.userMessageIn(i18n.For(lang), err)
		if !strings.HasPrefix(text, want) || strings.Contains(text, "503") {
			t.Errorf("%s: the user reads %q", lang, text)
		}
	}
	if calls.Load() < 3 {
		t.Fatalf("%d calls; a 503 is tried again within the trigger's time", calls.Load())
	}
}

// TestPublishAndEphemeralRetry5xx: views.publish and chat.postEphemeral outlive two 500s.
func TestPublishAndEphemeralRetry5xx(t *testing.T) {
	api, calls := fakeSlack(t, http.StatusInternalServerError, 2)
	b := callsBot(api)
	if _, err := b.publishView(context.Background(), slack.PublishViewContextRequest{UserID: "U1",
		View: slack.HomeTabViewRequest{Type: slack.VTHomeTab}}); err != nil || calls.Load() != 3 {
		t.Fatalf("views.publish: %v after %d calls", err, calls.Load())
	}
	api, calls = fakeSlack(t, http.StatusInternalServerError, 2)
	b = callsBot(api)
	if _, err := b.postEphemeral(context.Background(), "C1", "U1", slack.MsgOptionText("hei", false)); err != nil || calls.Load() != 3 {
		t.Fatalf("chat.postEphemeral: %v after %d calls", err, calls.Load())
	}
}

// TestRespondRetriesResponseURL: a response_url answered 429 and then 502 gets the answer
// on the third try; a 404 (an expired URL) is not tried again.
func TestRespondRetriesResponseURL(t *testing.T) {
	var calls atomic.Int32
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusBadGateway)
		default:
			body, _ := io.ReadAll(r.Body)
			got.Store(string(body))
		}
	}))
	defer srv.Close()
	b := callsBot(slack.New("xoxb-test"))
	b.respond(context.Background(), srv.URL, "svaret")
	if calls.Load() != 3 || !strings.Contains(got.Load().(string), `"svaret"`) {
		t.Fatalf("%d calls, got %v", calls.Load(), got.Load())
	}

	calls.Store(0)
	gone := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	defer gone.Close()
	b.respond(context.Background(), gone.URL, "svaret")
	if calls.Load() != 1 {
		t.Fatalf("an expired response_url was tried %d times", calls.Load())
	}
}

// TestHomeNotDrawnIsSaid: a Home tab that Slack will not draw in time is said to the user
// in the app's direct messages, in words; a refusal that is not about time is only logged.
func TestHomeNotDrawnIsSaid(t *testing.T) {
	saved := boundPublish
	boundPublish.within = 600 * time.Millisecond // the test need not wait Slack's 20 s
	defer func() { boundPublish = saved }()
	var publishes atomic.Int32
	var dm atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/views.publish":
			publishes.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/api/chat.postMessage":
			_ = r.ParseForm()
			dm.Store(r.Form.Get("channel") + ": " + r.Form.Get("text"))
			_, _ = io.WriteString(w, `{"ok":true,"channel":"D1","ts":"1.2"}`)
		}
	}))
	defer srv.Close()
	b := callsBot(slack.New("xoxb-test", slack.OptionAPIURL(srv.URL+"/api/")))
	_, err := b.publishView(context.Background(), slack.PublishViewContextRequest{UserID: "U1", View: slack.HomeTabViewRequest{Type: slack.VTHomeTab}})
	if err == nil || publishes.Load() < 2 {
		t.Fatalf("views.publish: %v after %d calls", err, publishes.Load())
	}
	b.homeNotDrawn(context.Background(), "U1", err)
	if got, _ := dm.Load().(string); !strings.HasPrefix(got, "U1: Slack svarte ikke i tide, så Hjem-fanen") {
		t.Fatalf("the user was told %q", got)
	}
	dm.Store("")
	b.homeNotDrawn(context.Background(), "U1", slack.SlackErrorResponse{Err: "invalid_arguments"})
	if got := dm.Load().(string); got != "" {
		t.Fatalf("a bad view was told to the user: %q", got)
	}
}
