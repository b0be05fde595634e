package app

// Fault tests for the bot's own calls (issue 11, item 3): Slack refusing views.open with a
// 429 once, and for longer than a trigger_id lives. Run with: go test -run TestFaultBotCalls ./app -v

import (
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
