package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/bot"
	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/store"
)

// TestReplayIsRefusedAcrossBotProcesses: two bots share the database, as two bot processes
// behind a load balancer do. A signed command one of them answered is refused when the same
// request (timestamp and signature) is sent to the other, with the status and body Slack
// would see; the same command signed anew (a second click) is answered.
func TestReplayIsRefusedAcrossBotProcesses(t *testing.T) {
	ctx := context.Background()
	url := testdb.New(t)
	if err := store.Migrate(ctx, url); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const secret = "delt-hemmelighet"
	server := func() *httptest.Server {
		b := bot.New(bot.Config{Slack: slack.New("xoxb-test"), Directory: st, SigningSecret: secret,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Nonces: st})
		mux := http.NewServeMux()
		b.Register(mux)
		s := httptest.NewServer(mux)
		t.Cleanup(s.Close)
		return s
	}
	first, second := server(), server()

	body := "command=%2Fsamarbeid&text=hjelp&user_id=" + kari
	signed := func(at time.Time) (string, string) {
		ts := strconv.FormatInt(at.Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + ts + ":" + body))
		return ts, "v0=" + hex.EncodeToString(mac.Sum(nil))
	}
	send := func(s *httptest.Server, ts, sig string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	now := time.Now()
	ts, sig := signed(now)
	if code, out := send(first, ts, sig); code != http.StatusOK || !strings.Contains(out, "/samarbeid ny") {
		t.Fatalf("first delivery: %d %s", code, out)
	}
	code, out := send(second, ts, sig)
	if code != http.StatusUnauthorized || strings.TrimSpace(out) != "forespørselen er allerede mottatt: samme tidsstempel og signatur kommer ikke to ganger fra Slack" {
		t.Fatalf("replay to the other process: %d %q", code, out)
	}
	if code, _ := send(first, ts, sig); code != http.StatusUnauthorized {
		t.Fatalf("replay to the same process: %d", code)
	}
	ts2, sig2 := signed(now.Add(-time.Second))
	if code, out := send(second, ts2, sig2); code != http.StatusOK {
		t.Fatalf("the same command signed anew: %d %s", code, out)
	}
}
