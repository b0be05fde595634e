package app

// Fault tests for the bot's own calls (issue 11, item 3): Slack refusing views.open with a
// 429 once, and for longer than a trigger_id lives. Run with: go test -run TestFaultBotCalls ./app -v

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
)

// TestFaultBotCallsOpenView429: `/samarbeid ny` whose views.open Slack answers 429
// (Retry-After: 1) once still opens the modal, within the trigger's 3 seconds; one whose
// 429 asks for longer than the trigger lives tells the user, in words, to try again.
func TestFaultBotCallsOpenView429(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal

	sl.FailMethod("views.open", http.StatusTooManyRequests, 1)
	start := time.Now()
	reply, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny")
	if err != nil {
		t.Fatal(err)
	}
	view := openView(t, sl, kari, "ny_sak")
	took := time.Since(start)
	if reply.Text != "" {
		t.Fatalf("the command answered %q besides opening the modal", reply.Text)
	}
	stats := sl.LimitStats()
	opens := sl.Calls()["views.open"]
	if stats.Injected[429] != 1 || opens != 2 {
		t.Fatalf("views.open called %d times, %d refused; want 2 and 1", opens, stats.Injected[429])
	}
	t.Logf("views.open svarte 429 én gang: modalen %s åpnet etter %d kall på %s (Retry-After 1 s, trigger_id lever 3 s)",
		view.ID, opens, took.Round(time.Millisecond))

	// A Retry-After of 5 s outlives the trigger: the bot does not wait for it, and says so.
	sl.InjectFault(slacklocal.Fault{Status: http.StatusTooManyRequests, Calls: 1, RetryAfter: 5 * time.Second, Methods: []string{"views.open"}})
	start = time.Now()
	reply, err = sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny")
	if err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	if !strings.Contains(reply.Text, "Slack svarte ikke i tide") || strings.Contains(reply.Text, "429") {
		t.Fatalf("the user read %q", reply.Text)
	}
	if n := sl.Calls()["views.open"]; n != opens+1 {
		t.Fatalf("views.open called %d more times, want 1: a Retry-After past the trigger is not waited for", n-opens)
	}
	t.Logf("views.open svarte 429 med Retry-After 5 s: brukeren fikk %q etter %s", reply.Text, took.Round(time.Millisecond))
}

// TestFaultBotCallsClickOpensAfter5xx: a click on step 1's button whose views.open Slack
// answers 503 twice still opens the modal (the trigger's 3 seconds run from the click), and
// one that Slack answers 503 until the trigger is spent gets an answer in words through
// the response_url.
func TestFaultBotCallsClickOpensAfter5xx(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := startFaultCase(ctx, a, "SAK-2026-8301"); err != nil {
		t.Fatal(err)
	}
	prompt := waitForButton(t, sl, chHelsestasjon, "avklaring")

	sl.FailMethod("views.open", http.StatusServiceUnavailable, 2)
	start := time.Now()
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
	view := openView(t, sl, kari, "avklaring")
	took := time.Since(start)
	if n := sl.LimitStats().Injected[503]; n != 2 {
		t.Fatalf("%d views.open refused, want 2", n)
	}
	t.Logf("views.open svarte 503 to ganger: modalen %s åpnet etter %d kall på %s", view.ID, sl.Calls()["views.open"], took.Round(time.Millisecond))
	if err := sl.CloseView(kari); err != nil {
		t.Fatal(err)
	}

	sl.InjectFault(slacklocal.Fault{Status: http.StatusServiceUnavailable, Methods: []string{"views.open"}})
	defer sl.ClearFault()
	before := sl.Calls()["views.open"]
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
	waitForEphemeral(t, sl, kari, "Slack svarte ikke i tide, så skjemaet ble ikke åpnet")
	t.Logf("views.open svarte 503 til trigger_id var brukt opp: %d kall, så fikk Kari svar i ord via response_url", sl.Calls()["views.open"]-before)
}
