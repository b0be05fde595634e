package slacklocal

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func post(api *slack.Client, channel, text string) error {
	_, _, err := api.PostMessage(channel, slack.MsgOptionText(text, false))
	return err
}

func wantRateLimited(t *testing.T, err error, retryAfter time.Duration) {
	t.Helper()
	var limited *slack.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != retryAfter {
		t.Fatalf("want a 429 with Retry-After %s, got %v", retryAfter, err)
	}
}

// TestRateLimitPerChannel: a burst of four messages, then one a second, per channel; a
// refused message is not posted, is counted, and says when to come back.
func TestRateLimitPerChannel(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	// Off by default: this fixture's other tests post as fast as they like.
	for i := 0; i < 6; i++ {
		if err := post(api, chSkole, fmt.Sprint("fritt ", i)); err != nil {
			t.Fatalf("no limit by default: %v", err)
		}
	}
	f.sl.SetRateLimit(&SlackRateLimit)

	for i := 0; i < SlackRateLimit.Burst; i++ {
		if err := post(api, chHelse, fmt.Sprint("melding ", i)); err != nil {
			t.Fatalf("message %d of the burst: %v", i, err)
		}
	}
	wantRateLimited(t, post(api, chHelse, "for mye"), time.Second)
	// By name it is the same channel; another channel has a bucket of its own.
	wantRateLimited(t, post(api, "#helsestasjon", "for mye"), time.Second)
	if err := post(api, chSkole, "annen kanal"); err != nil {
		t.Fatalf("another channel: %v", err)
	}
	if n := len(f.sl.Messages(chHelse)); n != SlackRateLimit.Burst {
		t.Fatalf("%d messages posted, want the burst of %d: refused ones are not posted", n, SlackRateLimit.Burst)
	}
	// Half a second later half a token is back: still refused, Retry-After rounded up.
	f.clock.Add(500 * time.Millisecond)
	wantRateLimited(t, post(api, chHelse, "for tidlig"), time.Second)
	f.clock.Add(500 * time.Millisecond)
	if err := post(api, chHelse, "ett sekund etter"); err != nil {
		t.Fatalf("after a second: %v", err)
	}
	wantRateLimited(t, post(api, chHelse, "igjen for mye"), time.Second)
	// A quiet channel fills its bucket again, but no further than the burst.
	f.clock.Add(time.Minute)
	for i := 0; i < SlackRateLimit.Burst; i++ {
		if err := post(api, chHelse, fmt.Sprint("ny runde ", i)); err != nil {
			t.Fatalf("burst after a quiet minute, message %d: %v", i, err)
		}
	}
	wantRateLimited(t, post(api, chHelse, "over"), time.Second)

	// Other methods are not limited.
	for i := 0; i < 10; i++ {
		if _, err := api.AuthTest(); err != nil {
			t.Fatal(err)
		}
	}
	stats := f.sl.LimitStats()
	if f.sl.RateLimited() != 5 || stats.RateLimited[chHelse] != 5 || len(stats.RateLimited) != 1 || len(stats.Injected) != 0 {
		t.Fatalf("counted %d, %+v; want 5 in %s", f.sl.RateLimited(), stats, chHelse)
	}
	// Refused calls were made: they count among the calls.
	if calls := f.sl.Calls(); calls["chat.postMessage"] != 6+SlackRateLimit.Burst*2+1+1+5 {
		t.Fatalf("calls %v", calls)
	}

	// Off again: everything passes.
	f.sl.SetRateLimit(nil)
	for i := 0; i < 6; i++ {
		if err := post(api, chHelse, "uten grense"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRateLimitWire checks the 429 as Slack sends it: status, Retry-After in seconds, body.
func TestRateLimitWire(t *testing.T) {
	f := setup(t)
	f.sl.SetRateLimit(&RateLimit{PerSecond: 0.25, Burst: 1}) // one every four seconds
	send := func() (*http.Response, string) {
		t.Helper()
		form := url.Values{"token": {botToken}, "channel": {chHelse}, "text": {"hei"}}
		resp, err := http.PostForm(f.url+"/api/chat.postMessage", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, _ := send(); resp.StatusCode != http.StatusOK {
		t.Fatalf("first message: %d", resp.StatusCode)
	}
	f.clock.Add(time.Second)
	resp, body := send()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "3" ||
		!strings.Contains(body, `"ok":false`) || !strings.Contains(body, `"error":"ratelimited"`) {
		t.Fatalf("429: %d Retry-After %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// TestRateLimitFromOptions: the limit can be set when the stand-in is made.
func TestRateLimitFromOptions(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	sl := New(Options{BotToken: botToken, Now: clock.Now, Channels: []Channel{{ID: chHelse, Name: "helsestasjon"}},
		RateLimit: &RateLimit{PerSecond: 2, Burst: 1}})
	srv := httptest.NewServer(sl.Handler())
	t.Cleanup(srv.Close)
	api := slack.New(botToken, slack.OptionAPIURL(srv.URL+"/api/"))
	if err := post(api, chHelse, "først"); err != nil {
		t.Fatal(err)
	}
	wantRateLimited(t, post(api, chHelse, "straks etter"), time.Second)
	clock.Add(500 * time.Millisecond)
	if err := post(api, chHelse, "et halvt sekund etter"); err != nil {
		t.Fatalf("two a second: half a second later there is room: %v", err)
	}
}

// TestInjectedFaults: the Web API fails every call for a number of calls or a while, and
// carries out none of them.
func TestInjectedFaults(t *testing.T) {
	f := setup(t)
	api := f.bot.api

	f.sl.FailWebAPI(http.StatusInternalServerError, 2)
	for i := 0; i < 2; i++ {
		err := post(api, chHelse, "under feil")
		var status slack.StatusCodeError
		if !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
			t.Fatalf("call %d during the fault: %v", i, err)
		}
	}
	if err := post(api, chHelse, "etter feilen"); err != nil {
		t.Fatalf("after two failed calls: %v", err)
	}
	if msgs := f.sl.Messages(chHelse); len(msgs) != 1 || msgs[0].Text != "etter feilen" {
		t.Fatalf("a failed call was carried out: %+v", msgs)
	}

	// Every method fails, with Slack's 429 and the Retry-After asked for (whole seconds, up).
	f.sl.InjectFault(Fault{Status: http.StatusTooManyRequests, For: 3 * time.Second, RetryAfter: 1500 * time.Millisecond})
	_, err := api.AuthTest()
	wantRateLimited(t, err, 2*time.Second)
	f.clock.Add(2 * time.Second)
	_, err = api.GetUserInfo(kari)
	wantRateLimited(t, err, 2*time.Second)
	f.clock.Add(time.Second)
	if _, err := api.AuthTest(); err != nil {
		t.Fatalf("the fault lasted three seconds: %v", err)
	}

	// FailWebAPIFor with the default Retry-After, ended early by ClearFault.
	f.sl.FailWebAPIFor(http.StatusTooManyRequests, time.Hour)
	wantRateLimited(t, post(api, chHelse, "x"), time.Second)
	f.sl.ClearFault()
	if err := post(api, chHelse, "klar igjen"); err != nil {
		t.Fatal(err)
	}

	// A fault with no end lasts until cleared; a 503 is passed on as it is.
	f.sl.InjectFault(Fault{Status: http.StatusServiceUnavailable})
	f.clock.Add(time.Hour)
	var status slack.StatusCodeError
	if _, err := api.AuthTest(); !errors.As(err, &status) || status.Code != http.StatusServiceUnavailable {
		t.Fatalf("503: %v", err)
	}
	f.sl.ClearFault()

	stats := f.sl.LimitStats()
	if stats.Injected[500] != 2 || stats.Injected[429] != 3 || stats.Injected[503] != 1 || f.sl.RateLimited() != 0 {
		t.Fatalf("stats %+v", stats)
	}
	if n := len(f.sl.Messages(chHelse)); n != 2 {
		t.Fatalf("%d messages, want the two posted outside faults", n)
	}
}
