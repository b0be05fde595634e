package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/slack-go/slack"
)

// The bot's own Slack calls (a modal it opens, the Home tab it draws, an ephemeral line, an
// answer to a response_url) go through here: a 429 is tried again after Slack's Retry-After,
// a 5xx or a dropped connection after a short pause, as long as the answer is still of use
// to the person waiting for it. What gives up says so to the user in words (slackkall.* in
// the catalogue); the technical error goes to the log. The workflows' notices are not sent
// here: they are Temporal activities with their own retries (messenger.go).

// callBound is how long one of the bot's calls may keep trying, counted from its first try.
type callBound struct {
	method string
	within time.Duration
	// userKey is what the user is told when the call gives up.
	userKey string
}

var (
	// A trigger_id can be exchanged for a modal within 3 seconds of the click or command
	// (Slack's rule), and the clock started before the bot had the payload. 2.5 s from the
	// first try, and never past triggerLife after the interaction arrived (withTrigger),
	// leaves the last try room to reach Slack before the trigger is spent. A Retry-After
	// of a second fits once; a longer one is not waited for, since the modal could not open.
	boundOpenView = callBound{method: "views.open", within: 2500 * time.Millisecond, userKey: "slackkall.modal"}
	// A Home tab is drawn in the background (30 s for the whole job). 20 s covers a
	// Retry-After of views.publish's tier (Slack's examples are a few seconds) and a short
	// outage, and leaves the rest of the job's time to tell the user. A tab not drawn is
	// drawn again the next time it is opened.
	boundPublish = callBound{method: "views.publish", within: 20 * time.Second, userKey: "slackkall.home"}
	// An ephemeral line reports what the user just did (a case opened, an answer stored,
	// both already done); it is worth 20 s of waiting, not more: it is sent from work that
	// has 30 s in all, and a line that comes later than that reads as a new event.
	boundEphemeral = callBound{method: "chat.postEphemeral", within: 20 * time.Second}
	// A response_url takes 5 answers within 30 minutes; the answer is to a click a moment
	// ago, so the same 20 s as an ephemeral line.
	boundRespond = callBound{method: "response_url", within: 20 * time.Second}
)

// triggerLife is how long Slack lets a trigger_id open a modal, less the time a call takes
// to reach Slack.
const triggerLife = 3*time.Second - 300*time.Millisecond

// firstPause is the pause after a 5xx or a dropped connection; it doubles with each try.
// Slack's outages that a retry outlives are short, and a person is waiting.
const firstPause = 200 * time.Millisecond

// slackCallError is a call that gave up: it reads as the user's words (a refusal, see
// userMessageIn) and keeps Slack's error for the log and for errors.As.
type slackCallError struct {
	method   string
	attempts int
	words    refusal
	err      error
}

func (e *slackCallError) Error() string {
	return fmt.Sprintf("%s gav opp etter %d forsøk: %v", e.method, e.attempts, e.err)
}

func (e *slackCallError) Unwrap() []error { return []error{e.words, e.err} }

type triggerKey struct{}

// withTrigger notes when an interaction carrying a trigger_id arrived, so views.open knows
// how much of the trigger's 3 seconds is left.
func withTrigger(ctx context.Context, arrived time.Time) context.Context {
	return context.WithValue(ctx, triggerKey{}, arrived)
}

// retryDelay says whether a failed call is worth another try, and after how long: Slack's
// Retry-After for a 429, a doubling pause for a 5xx, an ok:false "internal_error" or
// "service_unavailable" (Slack's words for its own trouble), or a connection that failed
// on the way.
func retryDelay(err error, attempt int) (time.Duration, bool) {
	pause := firstPause << min(attempt-1, 6)
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) {
		return max(limited.RetryAfter, time.Second), true
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) {
		return pause, status.Code >= 500
	}
	var code slack.SlackErrorResponse
	if errors.As(err, &code) {
		switch code.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return pause, true
		}
		return 0, false
	}
	// A connection that timed out or was cut mid-answer is Slack's trouble; one refused is
	// more likely a wrong address (a test's, a proxy's) and is not tried again.
	var netErr net.Error
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	if (errors.As(err, &netErr) && netErr.Timeout()) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) {
		return pause, true
	}
	return 0, false
}

// gaveUp reports whether an error means Slack did not answer in time (the user may try
// again), as opposed to refusing the call for good.
func gaveUp(err error) bool {
	if _, ok := retryDelay(err, 1); ok {
		return true
	}
	var code slack.SlackErrorResponse
	if errors.As(err, &code) && code.Err == "expired_trigger_id" {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

// callSlack runs call until it succeeds, fails for good, or the next try would start after
// deadline (or ctx ends). It returns the number of tries and the last error.
func callSlack(ctx context.Context, deadline time.Time, call func(context.Context) error) (int, error) {
	for attempt := 1; ; attempt++ {
		err := call(ctx)
		if err == nil {
			return attempt, nil
		}
		wait, again := retryDelay(err, attempt)
		if !again || time.Now().Add(wait).After(deadline) {
			return attempt, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, err
		case <-t.C:
		}
	}
}

// run is callSlack within bound's time, logged, with the user's words on an error that
// came from Slack not answering in time.
func (b *Bot) run(ctx context.Context, bound callBound, deadline time.Time, call func(context.Context) error) error {
	if d := time.Now().Add(bound.within); deadline.IsZero() || d.Before(deadline) {
		deadline = d
	}
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) { // a wait past it would be cut short
		deadline = d
	}
	attempts, err := callSlack(ctx, deadline, call)
	if failed := attempts - 1; b.metrics != nil && (failed > 0 || err != nil) {
		if err != nil {
			failed++
		}
		b.metrics.SlackRetries.WithLabelValues(bound.method).Add(float64(failed))
	}
	if err == nil {
		if attempts > 1 {
			b.log.Info("Slack svarte etter nye forsøk", "metode", bound.method, "forsøk", attempts)
		}
		return nil
	}
	b.log.Warn("Slack-kall ga opp", "metode", bound.method, "forsøk", attempts, "feil", err)
	if bound.userKey == "" || !gaveUp(err) {
		return err
	}
	return &slackCallError{method: bound.method, attempts: attempts, words: refuse("", bound.userKey), err: err}
}

// openView opens a modal with the interaction's trigger_id (views.open).
func (b *Bot) openView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	var deadline time.Time
	if arrived, ok := ctx.Value(triggerKey{}).(time.Time); ok {
		deadline = arrived.Add(triggerLife)
	}
	var resp *slack.ViewResponse
	err := b.run(ctx, boundOpenView, deadline, func(ctx context.Context) (err error) {
		resp, err = b.slack.OpenViewContext(ctx, triggerID, view)
		return err
	})
	return resp, err
}

// publishView draws a Home tab (views.publish).
func (b *Bot) publishView(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	var resp *slack.ViewResponse
	err := b.run(ctx, boundPublish, time.Time{}, func(ctx context.Context) (err error) {
		resp, err = b.slack.PublishViewContext(ctx, req)
		return err
	})
	return resp, err
}

// postEphemeral shows a line to one user in a channel (chat.postEphemeral). A line that
// cannot be shown has nowhere else to go; it is logged.
func (b *Bot) postEphemeral(ctx context.Context, channel, user string, opts ...slack.MsgOption) (string, error) {
	var ts string
	err := b.run(ctx, boundEphemeral, time.Time{}, func(ctx context.Context) (err error) {
		ts, err = b.slack.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
	return ts, err
}

// responseStatusError is a response_url answered with something other than 200.
type responseStatusError struct{ code int }

func (e responseStatusError) Error() string { return "response_url svarte " + strconv.Itoa(e.code) }

// postResponse posts a message to a response_url. A response_url is a plain webhook: its 429
// and 5xx are turned into slack-go's errors so they are retried as the Web API's are.
func (b *Bot) postResponse(ctx context.Context, responseURL string, msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return b.run(ctx, boundRespond, time.Time{}, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := b.httpClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
		case resp.StatusCode >= 500:
			return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
		case resp.StatusCode != http.StatusOK:
			return responseStatusError{code: resp.StatusCode}
		}
		return nil
	})
}

// boundDirect is a direct message telling the user their Home tab was not drawn: what is
// left of the background job's time after views.publish gave up, and at most 10 s.
var boundDirect = callBound{method: "chat.postMessage", within: 10 * time.Second}

// homeNotDrawn logs a Home tab that could not be drawn and, when Slack did not answer in
// time, tells the user in the app's direct messages: the tab has no other place to say it.
func (b *Bot) homeNotDrawn(ctx context.Context, userID string, err error) {
	b.log.Warn("kunne ikke tegne Hjem-fanen", "bruker", userID, "feil", err)
	var gave *slackCallError
	if !errors.As(err, &gave) {
		return
	}
	text := gave.words.in(b.texts(ctx, userID))
	_ = b.run(ctx, boundDirect, time.Time{}, func(ctx context.Context) error {
		_, _, err := b.slack.PostMessageContext(ctx, userID, slack.MsgOptionText(text, false))
		return err
	})
}
