package bot

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

type everyRequestNew struct{}

func (everyRequestNew) FirstUse(context.Context, string, time.Time, time.Time) (bool, error) {
	return true, nil
}

// A correctly signed request that arrives a second time is refused as Slack would see it; a
// double click (a new request, signed anew) and an event redelivery are not.
func TestReplayedRequestIsRefused(t *testing.T) {
	b := New(Config{Slack: slack.New("xoxb-test", slack.OptionHTTPClient(&http.Client{Transport: noNetwork{}})),
		Directory: nobody{}, SigningSecret: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	mux := http.NewServeMux()
	b.Register(mux)
	body := url.Values{"command": {"/samarbeid"}, "text": {"hjelp"}, "user_id": {"U1"}}.Encode()
	now := time.Now()
	if rec := post(mux, "/slack/commands", body, &now); rec.Code != http.StatusOK {
		t.Fatalf("first: %d %s", rec.Code, rec.Body)
	}
	rec := post(mux, "/slack/commands", body, &now)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "allerede mottatt") {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body)
	}
	later := now.Add(time.Second) // the same click again: Slack signs it anew
	if rec := post(mux, "/slack/commands", body, &later); rec.Code != http.StatusOK {
		t.Fatalf("a new request with the same body: %d %s", rec.Code, rec.Body)
	}

	event := `{"type":"event_callback","event":{"type":"app_home_opened","user":"U1","tab":"messages"}}`
	send := func(retry string) int {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader(event))
		sign(req, event, now)
		if retry != "" {
			req.Header.Set("X-Slack-Retry-Num", retry)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(""); code != http.StatusOK {
		t.Fatalf("event: %d", code)
	}
	if code := send("1"); code != http.StatusOK {
		t.Fatalf("a redelivered event must be acknowledged: %d", code)
	}
	if code := send(""); code != http.StatusUnauthorized {
		t.Fatalf("a replayed event: %d", code)
	}
}
