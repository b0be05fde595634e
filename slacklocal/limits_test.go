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

// TestFaultForOneMethod: a fault named for views.open refuses only views.open; other
// methods go through and do not use up its count.
func TestFaultForOneMethod(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	f.sl.FailMethod("views.open", http.StatusTooManyRequests, 1)
	if err := post(api, chHelse, "ikke berørt"); err != nil {
		t.Fatalf("chat.postMessage during a views.open fault: %v", err)
	}
	_, err := api.OpenView("ukjent-trigger", slack.ModalViewRequest{Type: slack.VTModal, Title: txt("Skjema")})
	wantRateLimited(t, err, time.Second)
	// The fault is spent: the next views.open reaches the stand-in (and is refused for its
	// made-up trigger, as Slack would).
	_, err = api.OpenView("ukjent-trigger", slack.ModalViewRequest{Type: slack.VTModal, Title: txt("Skjema")})
	var code slack.SlackErrorResponse
	if !errors.As(err, &code) || code.Err != "invalid_trigger_id" {
		t.Fatalf("after the fault: %v", err)
	}
	if stats := f.sl.LimitStats(); stats.Injected[429] != 1 {
		t.Fatalf("stats %+v", stats)
	}
}

// ---- Slack's documented Block Kit limits (issue 11, item 4) ----

// blocksJSON renders a block list (maps, as Slack reads them) for normalizeBlocks.
func blocksJSON(t *testing.T, blocks ...map[string]any) []byte {
	t.Helper()
	raw, err := marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func ptext(s string) map[string]any { return map[string]any{"type": "plain_text", "text": s} }

func option(value, text string) map[string]any {
	return map[string]any{"value": value, "text": ptext(text)}
}

func optionList(prefix string, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = option(fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf("Valg %d", i))
	}
	return out
}

func inputWith(el map[string]any) map[string]any {
	el["action_id"] = "verdi"
	return map[string]any{"type": "input", "block_id": "felt", "label": ptext("Felt"), "element": el}
}

// wantRefused checks that Slack's rule refuses the blocks with a message naming where.
func wantRefused(t *testing.T, name string, surf surface, raw []byte, pointer string) {
	t.Helper()
	_, errs := normalizeBlocks(raw, surf, "/blocks")
	if !strings.Contains(strings.Join(errs, "\n"), "[json-pointer:"+pointer) {
		t.Errorf("%s: want an error at %s, got %q", name, pointer, errs)
	}
}

func TestBlockKitLimits(t *testing.T) {
	groups := func(n, per int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"label": ptext(fmt.Sprintf("Gruppe %d", i)), "options": optionList(fmt.Sprintf("g%d-", i), per)}
		}
		return out
	}
	long := strings.Repeat("x", 76)
	for _, c := range []struct {
		name    string
		surf    surface
		block   map[string]any
		pointer string
	}{
		{"101 option groups", surfaceModal, inputWith(map[string]any{"type": "static_select", "option_groups": groups(101, 1)}),
			"/blocks/0/element/option_groups]"},
		{"a group of 101 options", surfaceModal, inputWith(map[string]any{"type": "multi_static_select", "option_groups": groups(1, 101)}),
			"/blocks/0/element/option_groups/0/options]"},
		{"a group label of 76", surfaceModal, inputWith(map[string]any{"type": "static_select",
			"option_groups": []any{map[string]any{"label": ptext(long), "options": optionList("a", 2)}}}),
			"/blocks/0/element/option_groups/0/label/text]"},
		{"options and option_groups both", surfaceModal, inputWith(map[string]any{"type": "static_select",
			"options": optionList("a", 2), "option_groups": groups(1, 2)}), "/blocks/0/element/options]"},
		{"option_groups in radio buttons", surfaceModal, inputWith(map[string]any{"type": "radio_buttons", "option_groups": groups(1, 2)}),
			"/blocks/0/element/option_groups]"},
		{"101 options", surfaceModal, inputWith(map[string]any{"type": "static_select", "options": optionList("a", 101)}),
			"/blocks/0/element/options]"},
		{"an initial option not among the options", surfaceModal, inputWith(map[string]any{"type": "static_select",
			"options": optionList("a", 2), "initial_option": option("b", "Valg")}), "/blocks/0/element/initial_option]"},
		{"initial options not among the options", surfaceModal, inputWith(map[string]any{"type": "checkboxes",
			"options": optionList("a", 2), "initial_options": []any{option("a0", "Valg 0"), option("b", "Valg")}}), "/blocks/0/element/initial_options]"},
		{"an option description of 76", surfaceModal, inputWith(map[string]any{"type": "radio_buttons",
			"options": []any{map[string]any{"value": "a", "text": ptext("A"), "description": ptext(long)}}}),
			"/blocks/0/element/options/0/description/text]"},
		{"max_length 3001", surfaceModal, inputWith(map[string]any{"type": "plain_text_input", "max_length": 3001}),
			"/blocks/0/element/max_length]"},
		{"a button in an input", surfaceModal, inputWith(map[string]any{"type": "button", "text": ptext("Trykk")}),
			"/blocks/0/element/type]"},
		{"a confirm title of 101", surfaceMessage, map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "text": ptext("Slett"), "confirm": map[string]any{"title": ptext(strings.Repeat("x", 101)),
				"text": ptext("Sikker?"), "confirm": ptext("Ja"), "deny": ptext("Nei")}}}},
			"/blocks/0/elements/0/confirm/title/text]"},
		{"a confirm button of 31", surfaceMessage, map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "text": ptext("Slett"), "confirm": map[string]any{"title": ptext("Slette?"),
				"text": ptext("Sikker?"), "confirm": ptext(strings.Repeat("x", 31)), "deny": ptext("Nei")}}}},
			"/blocks/0/elements/0/confirm/confirm/text]"},
		{"a button in a context block", surfaceMessage, map[string]any{"type": "context", "elements": []any{map[string]any{
			"type": "button", "text": ptext("Trykk")}}}, "/blocks/0/elements/0/type]"},
		{"text in an actions block", surfaceMessage, map[string]any{"type": "actions", "elements": []any{ptext("bare tekst")}},
			"/blocks/0/elements/0/type]"},
		{"an empty section text", surfaceMessage, map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": ""}},
			"/blocks/0/text/text]"},
		{"a markdown block of 12,001", surfaceMessage, map[string]any{"type": "markdown", "text": strings.Repeat("x", 12001)},
			"/blocks/0/text]"},
		{"an image's alt_text of 2,001", surfaceMessage, map[string]any{"type": "image", "image_url": "https://example.org/a.png",
			"alt_text": strings.Repeat("x", 2001)}, "/blocks/0/alt_text]"},
		// Kept from before, listed so the whole of Slack's list is checked here.
		{"a section of 3,001", surfaceMessage, map[string]any{"type": "section", "text": ptext(strings.Repeat("x", 3001))},
			"/blocks/0/text/text]"},
		{"a header of 151", surfaceMessage, map[string]any{"type": "header", "text": ptext(strings.Repeat("x", 151))},
			"/blocks/0/text/text]"},
		{"a button text of 76", surfaceMessage, map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "text": ptext(long)}}}, "/blocks/0/elements/0/text/text]"},
		{"an option text of 76", surfaceModal, inputWith(map[string]any{"type": "static_select", "options": []any{option("a", long)}}),
			"/blocks/0/element/options/0/text/text]"},
		{"an option value of 151", surfaceModal, inputWith(map[string]any{"type": "static_select",
			"options": []any{option(strings.Repeat("v", 151), "A")}}), "/blocks/0/element/options/0/value]"},
		{"a block_id of 256", surfaceMessage, map[string]any{"type": "divider", "block_id": strings.Repeat("b", 256)},
			"/blocks/0/block_id]"},
	} {
		wantRefused(t, c.name, c.surf, blocksJSON(t, c.block), c.pointer)
	}

	// Within the limits: 300 options in three groups of 100 are fine.
	ok := blocksJSON(t, inputWith(map[string]any{"type": "multi_static_select", "option_groups": groups(3, 100)}))
	if _, errs := normalizeBlocks(ok, surfaceModal, "/blocks"); len(errs) > 0 {
		t.Errorf("three groups of 100 options refused: %q", errs)
	}
	// action_id is unique within its block, block_id within the message.
	dup := blocksJSON(t, map[string]any{"type": "divider", "block_id": "d"}, map[string]any{"type": "divider", "block_id": "d"})
	wantRefused(t, "a block_id twice", surfaceMessage, dup, "/blocks/1/block_id]")
	// 50 blocks in a message, 100 in a view or Home tab.
	many := func(n int) []byte {
		blocks := make([]map[string]any, n)
		for i := range blocks {
			blocks[i] = map[string]any{"type": "divider"}
		}
		return blocksJSON(t, blocks...)
	}
	wantRefused(t, "51 blocks in a message", surfaceMessage, many(51), "/blocks]")
	if _, errs := normalizeBlocks(many(100), surfaceHome, "/blocks"); len(errs) > 0 {
		t.Errorf("100 blocks in a Home tab refused: %q", errs)
	}
	wantRefused(t, "101 blocks in a Home tab", surfaceHome, many(101), "/blocks]")
}

// TestLimitsOnTheWire: Slack's answers to what it refuses: chat.postMessage and
// chat.postEphemeral with text over 40,000 characters (msg_too_long), a message with invalid
// blocks (invalid_blocks with response_metadata.messages), and a Home tab over 100 blocks
// (invalid_arguments with the messages).
func TestLimitsOnTheWire(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	long := strings.Repeat("x", 40001)
	var se slack.SlackErrorResponse
	if _, _, err := api.PostMessage(chHelse, slack.MsgOptionText(long, false)); !errors.As(err, &se) || se.Err != "msg_too_long" {
		t.Fatalf("40,001 characters: %v", err)
	}
	if _, err := api.PostEphemeral(chHelse, kari, slack.MsgOptionText(long, false)); !errors.As(err, &se) || se.Err != "msg_too_long" {
		t.Fatalf("ephemeral of 40,001 characters: %v", err)
	}
	if err := post(api, chHelse, long[:40000]); err != nil {
		t.Fatalf("40,000 characters: %v", err)
	}
	_, _, err := api.PostMessage(chHelse, slack.MsgOptionText("x", false), slack.MsgOptionBlocks(
		slack.NewActionBlock("", slack.NewButtonBlockElement("a", "v", txt(strings.Repeat("x", 76))))))
	if !errors.As(err, &se) || se.Err != "invalid_blocks" || !strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "[json-pointer:/blocks/0/elements/0/text/text]") {
		t.Fatalf("a button of 76: %v %+v", err, se.ResponseMetadata)
	}
	blocks := make([]slack.Block, 101)
	for i := range blocks {
		blocks[i] = slack.NewDividerBlock()
	}
	_, err = api.PublishView(kari, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}, "")
	if !errors.As(err, &se) || se.Err != "invalid_arguments" || !strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "no more than 100 items") {
		t.Fatalf("a Home tab of 101 blocks: %v %+v", err, se.ResponseMetadata)
	}
}
