package slacklocal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

const (
	secret   = "lokal-hemmelighet"
	botToken = "xoxb-lokal-test"
	kari     = "U_KARI"
	ola      = "U_OLA"
	chHelse  = "C_HELSE"
	chSkole  = "C_SKOLE"
)

// fakeBot is a tiny bot in Slack's own terms: it verifies every request with slack-go's
// SecretsVerifier, parses commands with slack.SlashCommandParse and interactions into
// slack.InteractionCallback, and talks back through a real slack-go client.
type fakeBot struct {
	t   *testing.T
	api *slack.Client

	mu            sync.Mutex
	badSignatures int
	commands      []slack.SlashCommand
	interactions  []slack.InteractionCallback
	payloads      []map[string]any // the interactions as raw JSON objects
	onCommand     func(slack.SlashCommand, http.ResponseWriter)
	onInteraction func(slack.InteractionCallback, http.ResponseWriter)
}

func (b *fakeBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sv, err := slack.NewSecretsVerifier(r.Header, secret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil {
		b.mu.Lock()
		b.badSignatures++
		b.mu.Unlock()
		http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch r.URL.Path {
	case "/slack/commands":
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b.mu.Lock()
		b.commands = append(b.commands, cmd)
		h := b.onCommand
		b.mu.Unlock()
		if h != nil {
			h(cmd, w)
		}
	case "/slack/interactions":
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		payload := r.PostForm.Get("payload")
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(payload), &cb); err != nil {
			b.t.Errorf("slack-go cannot parse the interaction: %v\n%s", err, payload)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var raw map[string]any
		_ = json.Unmarshal([]byte(payload), &raw)
		b.mu.Lock()
		b.interactions = append(b.interactions, cb)
		b.payloads = append(b.payloads, raw)
		h := b.onInteraction
		b.mu.Unlock()
		if h != nil {
			h(cb, w)
		}
	default:
		http.NotFound(w, r)
	}
}

func (b *fakeBot) set(onCommand func(slack.SlashCommand, http.ResponseWriter), onInteraction func(slack.InteractionCallback, http.ResponseWriter)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onCommand, b.onInteraction = onCommand, onInteraction
}

func (b *fakeBot) lastCommand() slack.SlashCommand {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.commands[len(b.commands)-1]
}

func (b *fakeBot) lastInteraction() (slack.InteractionCallback, map[string]any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.interactions[len(b.interactions)-1], b.payloads[len(b.payloads)-1]
}

type fixture struct {
	sl    *Server
	url   string // the stand-in
	bot   *fakeBot
	clock *fakeClock
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T) *fixture {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	sl := New(Options{
		SigningSecret: secret, BotToken: botToken, Now: clock.Now,
		Users:    []User{{ID: kari, Name: "Kari Nordmann"}, {ID: ola, Name: "Ola Hansen"}},
		Channels: []Channel{{ID: chHelse, Name: "helsestasjon"}, {ID: chSkole, Name: "skole"}},
	})
	slSrv := httptest.NewServer(sl.Handler())
	t.Cleanup(slSrv.Close)
	sl.SetPublicURL(slSrv.URL)
	bot := &fakeBot{t: t, api: slack.New(botToken, slack.OptionAPIURL(slSrv.URL+"/api/"))}
	botSrv := httptest.NewServer(bot)
	t.Cleanup(botSrv.Close)
	sl.SetBotURL(botSrv.URL)
	return &fixture{sl: sl, url: slSrv.URL, bot: bot, clock: clock}
}

func jsonReply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func txt(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject("plain_text", s, false, false)
}
func md(s string) *slack.TextBlockObject { return slack.NewTextBlockObject("mrkdwn", s, false, false) }
func opt(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, txt(text), nil)
}

var tsPattern = regexp.MustCompile(`^\d{10}\.\d{6}$`)

func TestSlashCommandIsSignedParsedAndAnswered(t *testing.T) {
	f := setup(t)
	f.bot.set(func(cmd slack.SlashCommand, w http.ResponseWriter) {
		switch cmd.Text {
		case "hjelp":
			jsonReply(w, map[string]any{"response_type": "ephemeral", "text": "Bruk *`/samarbeid ny`*, <@" + cmd.UserID + ">"})
		case "tekst":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("Bare tekst"))
		case "alle":
			jsonReply(w, map[string]any{"response_type": "in_channel", "text": "Til alle"})
		default:
			w.WriteHeader(http.StatusOK)
		}
	}, nil)

	reply, err := f.sl.SlashCommand(kari, chHelse, "/samarbeid", "hjelp")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Status != 200 || reply.ResponseType != "ephemeral" || !strings.Contains(reply.Text, "/samarbeid ny") {
		t.Fatalf("reply %+v", reply)
	}
	cmd := f.bot.lastCommand()
	if f.bot.badSignatures != 0 {
		t.Fatalf("%d requests failed slack-go's signature check", f.bot.badSignatures)
	}
	want := slack.SlashCommand{Token: VerificationToken, TeamID: TeamID, TeamDomain: TeamDomain, ChannelID: chHelse,
		ChannelName: "helsestasjon", UserID: kari, UserName: "kari.nordmann", Command: "/samarbeid", Text: "hjelp", APIAppID: AppID}
	got := cmd
	got.ResponseURL, got.TriggerID = "", ""
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("command\n got %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(cmd.ResponseURL, f.url+"/response/") || cmd.TriggerID == "" {
		t.Fatalf("response_url %q trigger_id %q", cmd.ResponseURL, cmd.TriggerID)
	}
	eph := f.sl.Ephemerals(kari)
	if len(eph) != 1 || eph[0].Channel != chHelse || eph[0].ForUser != kari || !eph[0].Ephemeral || eph[0].User != BotUserID {
		t.Fatalf("ephemerals %+v", eph)
	}
	if len(f.sl.Messages(chHelse)) != 0 || len(f.sl.Ephemerals(ola)) != 0 {
		t.Fatal("an ephemeral reply leaked")
	}

	if reply, err = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "tekst"); err != nil || reply.Text != "Bare tekst" {
		t.Fatalf("plain text reply %+v %v", reply, err)
	}
	if reply, err = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "alle"); err != nil {
		t.Fatal(err)
	}
	msgs := f.sl.Messages(chHelse)
	if len(msgs) != 2 || msgs[0].User != kari || msgs[0].Text != "/samarbeid alle" || msgs[1].Text != "Til alle" {
		t.Fatalf("in_channel: %+v", msgs)
	}
	if reply, err = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "stille"); err != nil || reply.Text != "" {
		t.Fatalf("empty reply %+v %v", reply, err)
	}
	if len(f.sl.Ephemerals(kari)) != 2 {
		t.Fatalf("empty 200 must show nothing: %+v", f.sl.Ephemerals(kari))
	}
	if _, err := f.sl.SlashCommand(kari, "C_FINNES_IKKE", "/samarbeid", "x"); err == nil {
		t.Fatal("unknown channel accepted")
	}
}

func TestWebAPIWithSlackGo(t *testing.T) {
	f := setup(t)
	api := f.bot.api

	auth, err := api.AuthTest()
	if err != nil || auth.UserID != BotUserID || auth.TeamID != TeamID || auth.BotID != BotID {
		t.Fatalf("auth.test %+v %v", auth, err)
	}
	if _, err := slack.New("xoxb-feil", slack.OptionAPIURL(f.url+"/api/")).AuthTest(); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("wrong token: %v", err)
	}
	if _, _, err := slack.New("xoxb-feil", slack.OptionAPIURL(f.url+"/api/")).PostMessage(chHelse, slack.MsgOptionText("x", false)); err == nil || err.Error() != "invalid_auth" {
		t.Fatalf("wrong token on a form method: %v", err)
	}

	ch, ts, err := api.PostMessage(chHelse, slack.MsgOptionText("Ny sak SAK-2026-0001", false), slack.MsgOptionBlocks(
		slack.NewHeaderBlock(txt("SAK-2026-0001")),
		slack.NewSectionBlock(md("*Steg 1:* vurdering"), []*slack.TextBlockObject{md("*Frist*\n12. mars")}, nil),
	))
	if err != nil || ch != chHelse || !tsPattern.MatchString(ts) {
		t.Fatalf("chat.postMessage %q %q %v", ch, ts, err)
	}
	_, ts2, msg, err := api.PostMessageWithResponse(chHelse, slack.MsgOptionText("to", false))
	if err != nil || !tsLess(ts, ts2) || msg.Text != "to" || msg.BotID != BotID {
		t.Fatalf("second message %q after %q: %+v %v", ts2, ts, msg, err)
	}
	if _, _, _, err := api.UpdateMessage(chHelse, ts, slack.MsgOptionText("Oppdatert", false)); err != nil {
		t.Fatal(err)
	}
	msgs := f.sl.Messages(chHelse)
	if len(msgs) != 2 || msgs[0].Text != "Oppdatert" || msgs[0].Edited == "" || !strings.Contains(string(msgs[0].Blocks), "SAK-2026-0001") {
		t.Fatalf("after chat.update (blocks kept): %+v", msgs)
	}
	if _, _, _, err := api.UpdateMessage(chHelse, "1.000001", slack.MsgOptionText("x", false)); err == nil || err.Error() != "message_not_found" {
		t.Fatalf("update of a missing message: %v", err)
	}
	ets, err := api.PostEphemeral(chSkole, ola, slack.MsgOptionText("Bare til Ola", false))
	if err != nil || !tsPattern.MatchString(ets) {
		t.Fatalf("chat.postEphemeral %q %v", ets, err)
	}
	if e := f.sl.Ephemerals(ola); len(e) != 1 || e[0].TS != ets || e[0].Channel != chSkole {
		t.Fatalf("ephemeral %+v", e)
	}
	if _, _, err := api.PostMessage("C_UKJENT", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Fatalf("unknown channel: %v", err)
	}

	info, err := api.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: chSkole})
	if err != nil || info.ID != chSkole || info.Name != "skole" || !info.IsChannel {
		t.Fatalf("conversations.info %+v %v", info, err)
	}
	user, err := api.GetUserInfo(kari)
	if err != nil || user.ID != kari || user.RealName != "Kari Nordmann" || user.Profile.DisplayName != "Kari Nordmann" {
		t.Fatalf("users.info %+v %v", user, err)
	}
	if _, err := api.GetUserInfo("U_INGEN"); err == nil || err.Error() != "user_not_found" {
		t.Fatalf("unknown user: %v", err)
	}

	// A message to a user goes to the bot's direct message channel with them.
	dm, _, err := api.PostMessage(kari, slack.MsgOptionText("Du har en ny oppgave", false))
	if id, ok := f.sl.DirectChannel(kari); err != nil || !ok || dm != id || len(f.sl.Messages(dm)) != 1 {
		t.Fatalf("DM %q %v", dm, err)
	}

	calls := f.sl.Calls()
	if calls["chat.postMessage"] != 5 || calls["auth.test"] != 2 || calls["users.info"] != 2 {
		t.Fatalf("calls %v", calls)
	}
}

func TestWebAPIWireDetails(t *testing.T) {
	f := setup(t)
	call := func(method, ctype, body string, header map[string]string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.url+"/api/"+method, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	bearer := map[string]string{"Authorization": "Bearer " + botToken}
	if r := call("chat.nope", "application/json", `{}`, bearer); r["error"] != "unknown_method" {
		t.Fatalf("unknown method: %v", r)
	}
	if r := call("auth.test", "application/x-www-form-urlencoded", "", nil); r["error"] != "not_authed" {
		t.Fatalf("no token: %v", r)
	}
	// JSON body, blocks as an array, bearer token.
	r := call("chat.postMessage", "application/json; charset=utf-8",
		`{"channel":"C_HELSE","text":"json","blocks":[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Ja"},"value":"ja"}]}]}`, bearer)
	if r["ok"] != true {
		t.Fatalf("JSON post: %v", r)
	}
	m := f.sl.Messages(chHelse)[0]
	if b := m.Buttons(); len(b) != 1 || b[0].BlockID == "" || b[0].ActionID == "" || b[0].Value != "ja" {
		t.Fatalf("Slack fills in block_id and action_id: %+v", b)
	}
	// Form body, blocks as a JSON string, token as a field.
	form := url.Values{"token": {botToken}, "channel": {"#skole"}, "blocks": {`[{"type":"section","text":{"type":"mrkdwn","text":"form"}}]`}}
	if r := call("chat.postMessage", "application/x-www-form-urlencoded", form.Encode(), nil); r["ok"] != true || r["channel"] != chSkole {
		t.Fatalf("form post by channel name: %v", r)
	}
	// Slack's validation: a button text over 75 characters, a duplicate block_id.
	long := strings.Repeat("x", 76)
	r = call("chat.postMessage", "application/json", `{"channel":"C_HELSE","blocks":[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"`+long+`"}}]}]}`, bearer)
	if r["error"] != "invalid_blocks" || !strings.Contains(fmt.Sprint(r["response_metadata"]), "/blocks/0/elements/0/text/text") {
		t.Fatalf("long button text: %v", r)
	}
	r = call("chat.postMessage", "application/json", `{"channel":"C_HELSE","blocks":[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]}`, bearer)
	if r["error"] != "invalid_blocks" {
		t.Fatalf("duplicate block_id: %v", r)
	}
	r = call("chat.postMessage", "application/json", `{"channel":"C_HELSE","blocks":[{"type":"actions","elements":[`+
		`{"type":"button","action_id":"svar","value":"ja","text":{"type":"plain_text","text":"Ja"}},`+
		`{"type":"button","action_id":"svar","value":"nei","text":{"type":"plain_text","text":"Nei"}}]}]}`, bearer)
	if r["error"] != "invalid_blocks" || !strings.Contains(fmt.Sprint(r["response_metadata"]), "already exists") {
		t.Fatalf("duplicate action_id in a block: %v", r)
	}
	if r := call("chat.postMessage", "application/json", `{"channel":"C_HELSE"}`, bearer); r["error"] != "no_text" {
		t.Fatalf("no text: %v", r)
	}
}

// TestButtonsAndResponseURL: a message with buttons, a click, and the bot's answers through
// response_url: replace_original, the ephemeral default, in_channel and delete_original.
func TestButtonsAndResponseURL(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	_, ts, err := api.PostMessage(chSkole, slack.MsgOptionText("Forespørsel om samarbeid", false), slack.MsgOptionBlocks(
		slack.NewSectionBlock(md("*SAK-2026-0042* venter på svar"), nil, slack.NewAccessory(slack.NewButtonBlockElement("detaljer", "SAK-2026-0042", txt("Detaljer")))),
		// Buttons may share an action_id only across blocks (Slack refuses duplicates in one block).
		slack.NewSectionBlock(md("Kan dere delta?"), nil, slack.NewAccessory(slack.NewButtonBlockElement("svar", "ja", txt("Ja")).WithStyle(slack.StylePrimary))),
		slack.NewActionBlock("svar", slack.NewButtonBlockElement("svar", "nei", txt("Nei")).WithStyle(slack.StyleDanger)),
	))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.sl.WaitForMessage(chSkole, time.Second, func(m Message) bool { return m.HasButton("svar") })
	if err != nil || m.TS != ts {
		t.Fatalf("%+v %v", m, err)
	}
	if _, err := f.sl.WaitForMessage(chSkole, 50*time.Millisecond, func(m Message) bool { return m.HasButton("finnes_ikke") }); err == nil ||
		!strings.Contains(err.Error(), "svar=nei") {
		t.Fatalf("WaitForMessage must list what the channel holds: %v", err)
	}

	var answers []func(slack.InteractionCallback) // one per click
	f.bot.set(nil, func(cb slack.InteractionCallback, w http.ResponseWriter) {
		answers[0](cb)
		answers = answers[1:]
		w.WriteHeader(http.StatusOK)
	})
	answers = append(answers, func(cb slack.InteractionCallback) {
		if _, _, err := api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Besvart: nei av <@"+cb.User.ID+">", false)); err != nil {
			t.Errorf("replace_original: %v", err)
		}
	})
	if _, err := f.sl.ClickButtonWithValue(ola, chSkole, ts, "svar", "nei"); err != nil {
		t.Fatal(err)
	}
	cb, raw := f.bot.lastInteraction()
	a := cb.ActionCallback.BlockActions
	if cb.Type != slack.InteractionTypeBlockActions || len(a) != 1 || a[0].ActionID != "svar" || a[0].Value != "nei" || a[0].BlockID != "svar" ||
		a[0].Text.Text != "Nei" || a[0].ActionTs == "" || cb.User.ID != ola || cb.User.Name != "ola.hansen" || cb.Team.ID != TeamID ||
		cb.Channel.ID != chSkole || cb.Container.Type != "message" || cb.Container.MessageTs != ts || cb.Container.ChannelID != chSkole ||
		cb.Container.IsEphemeral || cb.Message.Timestamp != ts || cb.TriggerID == "" || cb.APIAppID != AppID || cb.Token != VerificationToken {
		t.Fatalf("block_actions as slack-go reads it: %+v", cb)
	}
	if _, ok := raw["message"].(map[string]any)["blocks"]; !ok {
		t.Fatalf("the payload carries the message with its blocks: %v", raw)
	}
	msgs := f.sl.Messages(chSkole)
	if len(msgs) != 1 || msgs[0].Text != "Besvart: nei av <@U_OLA>" || len(msgs[0].Blocks) != 0 || msgs[0].Edited == "" {
		t.Fatalf("after replace_original: %+v", msgs)
	}

	// The ephemeral default, and a click on a button in an ephemeral message.
	_, ts, _ = api.PostMessage(chSkole, slack.MsgOptionText("ny", false), slack.MsgOptionBlocks(
		slack.NewActionBlock("", slack.NewButtonBlockElement("vis", "1", txt("Vis")))))
	answers = append(answers, func(cb slack.InteractionCallback) {
		body := `{"text":"Bare til deg","blocks":[{"type":"actions","elements":[{"type":"button","action_id":"ok","text":{"type":"plain_text","text":"OK"}}]}]}`
		resp, err := http.Post(cb.ResponseURL, "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("response_url: %v %v", resp, err)
		}
	})
	if _, err := f.sl.ClickButton(ola, chSkole, ts, "vis"); err != nil {
		t.Fatal(err)
	}
	eph := f.sl.Ephemerals(ola)
	if len(eph) != 1 || eph[0].Text != "Bare til deg" || len(f.sl.Messages(chSkole)) != 2 || len(f.sl.Ephemerals(kari)) != 0 {
		t.Fatalf("ephemeral by default: %+v", eph)
	}
	answers = append(answers, func(cb slack.InteractionCallback) {
		if !cb.Container.IsEphemeral || cb.Container.MessageTs != eph[0].TS {
			t.Errorf("container of an ephemeral message: %+v", cb.Container)
		}
		if _, _, err := api.PostMessage("", slack.MsgOptionDeleteOriginal(cb.ResponseURL)); err != nil {
			t.Errorf("delete_original: %v", err)
		}
		if _, _, err := api.PostMessage("", slack.MsgOptionResponseURL(cb.ResponseURL, slack.ResponseTypeInChannel), slack.MsgOptionText("Til alle", false)); err != nil {
			t.Errorf("in_channel: %v", err)
		}
	})
	if _, err := f.sl.ClickButton(ola, chSkole, eph[0].TS, "ok"); err != nil {
		t.Fatal(err)
	}
	if len(f.sl.Ephemerals(ola)) != 0 || f.sl.Messages(chSkole)[2].Text != "Til alle" {
		t.Fatalf("delete_original and in_channel: %+v %+v", f.sl.Ephemerals(ola), f.sl.Messages(chSkole))
	}

	// Kari cannot click Ola's ephemeral message, and missing buttons are errors.
	if _, err := f.sl.ClickButton(ola, chSkole, ts, "finnes_ikke"); err == nil || !strings.Contains(err.Error(), "vis=1") {
		t.Fatalf("missing button: %v", err)
	}
	if _, err := f.sl.ClickButtonWithValue(ola, chSkole, ts, "vis", "2"); err == nil {
		t.Fatal("a button with another value was clicked")
	}
	if f.bot.badSignatures != 0 {
		t.Fatalf("%d bad signatures", f.bot.badSignatures)
	}
}

func caseModal(callbackID string) slack.ModalViewRequest {
	ref := slack.NewPlainTextInputBlockElement(txt("SAK-ÅÅÅÅ-NNNN"), "verdi")
	ref.InitialValue = "SAK-2026-0007"
	about := slack.NewPlainTextInputBlockElement(nil, "verdi")
	about.Multiline = true
	optional := slack.NewInputBlock("om", txt("Om behovet"), txt("Ikke skriv navn eller fødselsnummer."), about)
	optional.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackID, PrivateMetadata: `{"kanal":"C_HELSE"}`, NotifyOnClose: true,
		Title: txt("Ny sak"), Submit: txt("Opprett"), Close: txt("Avbryt"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(md("Fyll ut *saken*."), nil, nil),
			slack.NewInputBlock("saksreferanse", txt("Saksreferanse"), nil, ref),
			optional,
			slack.NewInputBlock("tjeneste", txt("Tjeneste"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, txt("Velg"), "verdi",
				opt("helsestasjon", "Helsestasjonen"), opt("skole", "Skolen"))),
			slack.NewInputBlock("tjenester", txt("Involverte"), nil, slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, txt("Velg"), "verdi",
				opt("skole", "Skolen"), opt("bup", "BUP"), opt("nav", "NAV"))),
			slack.NewInputBlock("målgruppe", txt("Målgruppe"), nil, slack.NewRadioButtonsBlockElement("verdi", opt("barn", "Barn"), opt("voksen", "Voksen"))),
			slack.NewInputBlock("samtykke", txt("Samtykke"), nil, slack.NewCheckboxGroupsBlockElement("verdi", opt("ja", "Samtykke er gitt"))),
			slack.NewInputBlock("kontakt", txt("Kontaktperson"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, txt("Velg"), "verdi")),
			slack.NewInputBlock("frist", txt("Frist"), nil, slack.NewDatePickerBlockElement("verdi")),
		}},
	}
}

func fullValues() map[string]map[string]Value {
	return map[string]map[string]Value{
		"tjeneste":  {"verdi": {Value: "skole"}},
		"tjenester": {"verdi": {Selected: []string{"bup", "nav"}}},
		"målgruppe": {"verdi": {Value: "barn"}},
		"samtykke":  {"verdi": {Selected: []string{"ja"}}},
		"kontakt":   {"verdi": {SelectedUser: ola}},
		"frist":     {"verdi": {SelectedDate: "2026-03-16"}},
	}
}

// TestModal: a command opens a modal from its trigger_id; submissions arrive with Slack's
// state shapes; errors, update, push and an empty answer act as in Slack.
func TestModal(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	var opened *slack.ViewResponse
	f.bot.set(func(cmd slack.SlashCommand, w http.ResponseWriter) {
		var err error
		if opened, err = api.OpenView(cmd.TriggerID, caseModal("ny_sak")); err != nil {
			t.Errorf("views.open: %v", err)
		}
		w.WriteHeader(http.StatusOK)
	}, nil)
	if _, err := f.sl.SlashCommand(kari, chHelse, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	if opened == nil || !regexp.MustCompile(`^V\d{4}$`).MatchString(opened.View.ID) || opened.View.Hash == "" ||
		opened.View.CallbackID != "ny_sak" || opened.View.Title.Text != "Ny sak" || opened.View.RootViewID != opened.View.ID {
		t.Fatalf("views.open as slack-go reads it: %+v", opened)
	}
	v, ok := f.sl.OpenView(kari)
	if !ok || v.ID != opened.View.ID || v.User != kari || v.CallbackID != "ny_sak" || v.Title != "Ny sak" || v.PrivateMetadata != `{"kanal":"C_HELSE"}` {
		t.Fatalf("OpenView %+v %v", v, ok)
	}
	if _, ok := f.sl.OpenView(ola); ok {
		t.Fatal("Ola sees Kari's modal")
	}
	if in := v.Inputs(); len(in) != 8 || in[0].BlockID != "saksreferanse" || in[0].Initial.Value != "SAK-2026-0007" || in[2].Options[1].Text != "Skolen" {
		t.Fatalf("Inputs %+v", in)
	}

	// The Slack client refuses empty required inputs without asking the bot.
	before := len(f.bot.interactions)
	reply, err := f.sl.SubmitView(kari, map[string]map[string]Value{"tjeneste": {"verdi": {Value: "skole"}}})
	if err != nil || !reply.Local || reply.ResponseAction != "errors" || reply.Errors["frist"] == "" || reply.Errors["saksreferanse"] != "" || reply.Errors["om"] != "" {
		t.Fatalf("required inputs: %+v %v", reply, err)
	}
	if len(f.bot.interactions) != before {
		t.Fatal("the bot saw a submission Slack would have refused")
	}
	// Mistakes in the test's values are errors, not silent.
	if _, err := f.sl.SubmitView(kari, map[string]map[string]Value{"tjeneste": {"verdi": {Value: "tannlege"}}}); err == nil || !strings.Contains(err.Error(), "helsestasjon") {
		t.Fatalf("unknown option: %v", err)
	}
	if _, err := f.sl.SubmitView(kari, map[string]map[string]Value{"tjenste": {"verdi": {Value: "skole"}}}); err == nil {
		t.Fatal("unknown block accepted")
	}

	// The bot refuses the reference inline.
	var next []any // the bot's answers to view_submission, in turn
	f.bot.set(nil, func(cb slack.InteractionCallback, w http.ResponseWriter) {
		if cb.Type != slack.InteractionTypeViewSubmission {
			w.WriteHeader(http.StatusOK)
			return
		}
		ans := next[0]
		next = next[1:]
		if ans == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		jsonReply(w, ans)
	})
	next = append(next, slack.NewErrorsViewSubmissionResponse(map[string]string{"saksreferanse": "Bruk formen SAK-ÅÅÅÅ-NNNN."}))
	values := fullValues()
	values["saksreferanse"] = map[string]Value{"verdi": {Value: "Ola Nordmann"}}
	reply, err = f.sl.SubmitView(kari, values)
	if err != nil || reply.Status != 200 || reply.ResponseAction != "errors" || reply.Errors["saksreferanse"] != "Bruk formen SAK-ÅÅÅÅ-NNNN." || reply.Local {
		t.Fatalf("errors from the bot: %+v %v", reply, err)
	}
	if v, _ := f.sl.OpenView(kari); v.ID != opened.View.ID || v.Errors["saksreferanse"] == "" {
		t.Fatalf("the modal stays, with the error: %+v", v)
	}

	// What the bot received: slack-go's view of the state, and the raw JSON shapes.
	cb, raw := f.bot.lastInteraction()
	st := cb.View.State.Values
	if cb.View.ID != opened.View.ID || cb.View.CallbackID != "ny_sak" || cb.View.PrivateMetadata != `{"kanal":"C_HELSE"}` || cb.View.Hash == "" ||
		cb.View.RootViewID != opened.View.ID || cb.View.Type != slack.VTModal || cb.View.AppID != AppID || cb.View.BotID != BotID || cb.TriggerID == "" ||
		cb.User.ID != kari || cb.Team.ID != TeamID || cb.APIAppID != AppID {
		t.Fatalf("view_submission: %+v", cb)
	}
	if st["saksreferanse"]["verdi"].Value != "Ola Nordmann" || st["saksreferanse"]["verdi"].Type != "plain_text_input" ||
		st["tjeneste"]["verdi"].SelectedOption.Value != "skole" || st["tjeneste"]["verdi"].SelectedOption.Text.Text != "Skolen" ||
		len(st["tjenester"]["verdi"].SelectedOptions) != 2 || st["tjenester"]["verdi"].SelectedOptions[1].Text.Text != "NAV" ||
		st["målgruppe"]["verdi"].SelectedOption.Value != "barn" || st["samtykke"]["verdi"].SelectedOptions[0].Value != "ja" ||
		st["kontakt"]["verdi"].SelectedUser != ola || st["frist"]["verdi"].SelectedDate != "2026-03-16" {
		t.Fatalf("state as slack-go reads it: %+v", st)
	}
	rawState, _ := json.Marshal(raw["view"].(map[string]any)["state"])
	for _, want := range []string{
		`"om":{"verdi":{"type":"plain_text_input","value":null}}`,
		`"saksreferanse":{"verdi":{"type":"plain_text_input","value":"Ola Nordmann"}}`,
		`"tjeneste":{"verdi":{"selected_option":{"text":{"emoji":false,"text":"Skolen","type":"plain_text"},"value":"skole"},"type":"static_select"}}`,
		`"kontakt":{"verdi":{"selected_user":"U_OLA","type":"users_select"}}`,
		`"frist":{"verdi":{"selected_date":"2026-03-16","type":"datepicker"}}`,
		`"samtykke":{"verdi":{"selected_options":[{"text":{"emoji":false,"text":"Samtykke er gitt","type":"plain_text"},"value":"ja"}],"type":"checkboxes"}}`,
	} {
		if !strings.Contains(string(rawState), want) {
			t.Errorf("state lacks %s\n%s", want, rawState)
		}
	}
	for _, k := range []string{"type", "team", "user", "api_app_id", "token", "trigger_id", "view", "response_urls"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("view_submission lacks %q", k)
		}
	}
	for _, k := range []string{"id", "team_id", "type", "callback_id", "private_metadata", "blocks", "title", "submit", "close", "state", "hash",
		"root_view_id", "previous_view_id", "app_id", "external_id", "bot_id"} {
		if _, ok := raw["view"].(map[string]any)[k]; !ok {
			t.Errorf("view lacks %q", k)
		}
	}

	// The submission's trigger_id may push a view: the bot pushes one, then answers update on it.
	pushed := caseModal("bekreft")
	pushed.Title, pushed.Blocks = txt("Bekreft"), slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(md("Sikker?"), nil, nil)}}
	pushed.Submit = txt("Ja")
	next = append(next, slack.NewPushViewSubmissionResponse(&pushed))
	values["saksreferanse"] = map[string]Value{"verdi": {Value: "SAK-2026-0007"}}
	if reply, err = f.sl.SubmitView(kari, values); err != nil || reply.ResponseAction != "push" || reply.View == nil || reply.View.CallbackID != "bekreft" {
		t.Fatalf("push: %+v %v", reply, err)
	}
	top, _ := f.sl.OpenView(kari)
	if top.PreviousViewID != opened.View.ID || top.RootViewID != opened.View.ID {
		t.Fatalf("pushed view %+v", top)
	}
	updated := pushed
	updated.Title = txt("Bekreftet")
	next = append(next, slack.NewUpdateViewSubmissionResponse(&updated))
	if reply, err = f.sl.SubmitView(kari, nil); err != nil || reply.ResponseAction != "update" || reply.View.ID != top.ID || reply.View.Title != "Bekreftet" {
		t.Fatalf("update: %+v %v", reply, err)
	}
	// Back to the first view with its close button (notify_on_close: the bot hears of it).
	if err := f.sl.CloseView(kari); err != nil {
		t.Fatal(err)
	}
	if cb, _ := f.bot.lastInteraction(); cb.Type != slack.InteractionTypeViewClosed || cb.View.ID != top.ID {
		t.Fatalf("view_closed: %+v", cb)
	}
	if v, _ := f.sl.OpenView(kari); v.ID != opened.View.ID {
		t.Fatalf("after closing the pushed view: %+v", v)
	}
	// An empty 200 closes it.
	next = append(next, nil)
	if reply, err = f.sl.SubmitView(kari, values); err != nil || reply.ResponseAction != "" || reply.View != nil {
		t.Fatalf("close: %+v %v", reply, err)
	}
	if _, ok := f.sl.OpenView(kari); ok {
		t.Fatal("modal still open")
	}
	if f.bot.badSignatures != 0 {
		t.Fatalf("%d bad signatures", f.bot.badSignatures)
	}
}

func TestViewsUpdatePushAndValidation(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	var triggers []string
	f.bot.set(func(cmd slack.SlashCommand, w http.ResponseWriter) { triggers = append(triggers, cmd.TriggerID) }, nil)
	_, _ = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "ny")
	modal := caseModal("ny_sak")
	modal.ExternalID = "sak-7"
	resp, err := api.OpenView(triggers[0], modal)
	if err != nil {
		t.Fatal(err)
	}
	modal.Title = txt("Endret")
	up, err := api.UpdateView(modal, "", resp.View.Hash, resp.View.ID)
	if err != nil || up.View.ID != resp.View.ID || up.View.Title.Text != "Endret" || up.View.Hash == resp.View.Hash {
		t.Fatalf("views.update %+v %v", up, err)
	}
	if _, err := api.UpdateView(modal, "", resp.View.Hash, resp.View.ID); err == nil || err.Error() != "hash_conflict" {
		t.Fatalf("stale hash: %v", err)
	}
	modal.Title = txt("Via external_id")
	if up, err = api.UpdateView(modal, "sak-7", "", ""); err != nil || up.View.ID != resp.View.ID {
		t.Fatalf("update by external_id: %+v %v", up, err)
	}
	if _, err := api.UpdateView(modal, "", "", "V9999"); err == nil || err.Error() != "not_found" {
		t.Fatalf("unknown view: %v", err)
	}

	// Slack's view rules: a title of at most 24 characters, submit when there are inputs.
	_, _ = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "ny")
	bad := caseModal("x")
	bad.Title = txt("En altfor lang tittel på en modal")
	_, err = api.OpenView(triggers[1], bad)
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_arguments" || !strings.Contains(strings.Join(se.ResponseMetadata.Messages, " "), "/view/title/text") {
		t.Fatalf("long title: %v", err)
	}
	bad = caseModal("x")
	bad.Submit = nil
	if _, err = api.OpenView(triggers[1], bad); err == nil || err.Error() != "invalid_arguments" {
		t.Fatalf("inputs without submit: %v", err)
	}
	// A refused view does not use up the trigger; push needs a fresh one.
	small := slack.ModalViewRequest{Type: slack.VTModal, Title: txt("Steg 2"), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	if _, err := api.PushView(triggers[1], small); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		_, _ = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "mer")
		_, err = api.PushView(triggers[len(triggers)-1], small)
	}
	if err == nil || err.Error() != "push_limit_reached" {
		t.Fatalf("fourth view: %v", err)
	}
}

func TestTriggerRules(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	view := slack.ModalViewRequest{Type: slack.VTModal, Title: txt("Hei"), Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	if _, err := f.sl.SlashCommand(kari, chHelse, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	trigger := f.bot.lastCommand().TriggerID
	if _, err := api.OpenView(trigger, view); err != nil {
		t.Fatal(err)
	}
	if _, err := api.OpenView(trigger, view); err == nil || err.Error() != "exchanged_trigger_id" {
		t.Fatalf("reused trigger: %v", err)
	}
	if _, err := api.OpenView("123.456.abc", view); err == nil || err.Error() != "invalid_trigger_id" {
		t.Fatalf("made-up trigger: %v", err)
	}
	if _, err := f.sl.SlashCommand(ola, chSkole, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(3100 * time.Millisecond)
	if _, err := api.OpenView(f.bot.lastCommand().TriggerID, view); err == nil || err.Error() != "expired_trigger_id" {
		t.Fatalf("expired trigger: %v", err)
	}
	if _, ok := f.sl.OpenView(ola); ok {
		t.Fatal("a modal opened from an expired trigger")
	}
	// The modal opens for the user the trigger was issued to.
	_, _ = f.sl.SlashCommand(ola, chSkole, "/samarbeid", "ny")
	if _, err := api.OpenView(f.bot.lastCommand().TriggerID, view); err != nil {
		t.Fatal(err)
	}
	if v, ok := f.sl.OpenView(ola); !ok || v.Title != "Hei" {
		t.Fatalf("Ola's modal: %+v", v)
	}
}

func TestBotFailures(t *testing.T) {
	f := setup(t)
	release := make(chan struct{})
	f.bot.set(func(cmd slack.SlashCommand, w http.ResponseWriter) {
		switch cmd.Text {
		case "krasj":
			http.Error(w, "intern feil", http.StatusInternalServerError)
		case "treg":
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
	}, nil)
	reply, err := f.sl.SlashCommand(kari, chHelse, "/samarbeid", "krasj")
	var be *BotError
	if !errors.As(err, &be) || be.Status != 500 || reply.Status != 500 || !strings.Contains(err.Error(), "intern feil") {
		t.Fatalf("500: %+v %v", reply, err)
	}
	if testing.Short() {
		return
	}
	start := time.Now()
	_, err = f.sl.SlashCommand(kari, chHelse, "/samarbeid", "treg")
	took := time.Since(start)
	close(release)
	if !errors.As(err, &be) || !be.Timeout || !strings.Contains(err.Error(), "boten svarte ikke innen 3 sekunder") || took < 3*time.Second || took > 4500*time.Millisecond {
		t.Fatalf("timeout after %s: %v", took, err)
	}
	// The page shows both.
	var state struct {
		Errors []struct{ Text string } `json:"errors"`
	}
	getJSON(t, f.url+"/ui/state?user="+kari+"&channel="+chHelse, &state)
	if len(state.Errors) != 2 || !strings.Contains(state.Errors[0].Text, "500") || !strings.Contains(state.Errors[1].Text, "3 sekunder") {
		t.Fatalf("errors on the page: %+v", state.Errors)
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func postJSON(t *testing.T, u string, body any) (int, map[string]any) {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := http.Post(u, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestPage: the page and the endpoints it uses.
func TestPage(t *testing.T) {
	f := setup(t)
	resp, err := http.Get(f.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %s", resp.Status)
	}
	for _, want := range []string{`<select id="user">`, "Du er", "Kanaler", "Send kommando", "Bare synlig for deg", "Avbryt", "/ui/state"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("https://cdn")) || bytes.Contains(html, []byte("<script src")) {
		t.Error("the page must be self-contained")
	}

	api := f.bot.api
	f.bot.set(func(cmd slack.SlashCommand, w http.ResponseWriter) {
		_, _ = api.OpenView(cmd.TriggerID, caseModal("ny_sak"))
		jsonReply(w, map[string]any{"text": "Åpner skjemaet …"})
	}, func(cb slack.InteractionCallback, w http.ResponseWriter) {
		if cb.Type == slack.InteractionTypeViewSubmission {
			jsonReply(w, slack.NewErrorsViewSubmissionResponse(map[string]string{"frist": "For tidlig"}))
			return
		}
		_, _, _ = api.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Klikket", false))
	})
	_, ts, _ := api.PostMessage(chHelse, slack.MsgOptionText("x", false), slack.MsgOptionBlocks(slack.NewActionBlock("a", slack.NewButtonBlockElement("trykk", "1", txt("Trykk")))))

	if code, out := postJSON(t, f.url+"/ui/command", map[string]string{"user": kari, "channel": chHelse, "text": "/samarbeid ny"}); code != 200 || out["ok"] != true {
		t.Fatalf("/ui/command: %d %v", code, out)
	}
	if code, out := postJSON(t, f.url+"/ui/command", map[string]string{"user": kari, "channel": chHelse, "text": "hei"}); code != 400 || out["ok"] != false {
		t.Fatalf("not a command: %d %v", code, out)
	}
	var state struct {
		Users    []User `json:"users"`
		Channels []struct {
			ID, Name string
		} `json:"channels"`
		Messages []struct {
			TS        string `json:"ts"`
			Text      string `json:"text"`
			Ephemeral bool   `json:"ephemeral"`
			UserName  string `json:"user_name"`
		} `json:"messages"`
		View *View `json:"view"`
	}
	getJSON(t, f.url+"/ui/state?user="+kari+"&channel="+chHelse, &state)
	if len(state.Users) != 2 || len(state.Channels) != 2 || len(state.Messages) != 2 || !state.Messages[1].Ephemeral ||
		state.Messages[1].Text != "Åpner skjemaet …" || state.Messages[0].UserName != BotName || state.View == nil || state.View.CallbackID != "ny_sak" {
		t.Fatalf("state %+v", state)
	}
	// Ola sees neither Kari's ephemeral message nor her modal.
	getJSON(t, f.url+"/ui/state?user="+ola+"&channel="+chHelse, &state)
	if len(state.Messages) != 1 || state.View != nil {
		t.Fatalf("Ola's state %+v", state)
	}

	values := fullValues()
	if code, out := postJSON(t, f.url+"/ui/submit", map[string]any{"user": kari, "values": values}); code != 200 ||
		out["reply"].(map[string]any)["errors"].(map[string]any)["frist"] != "For tidlig" {
		t.Fatalf("/ui/submit: %d %v", code, out)
	}
	if code, out := postJSON(t, f.url+"/ui/close", map[string]any{"user": kari}); code != 200 || out["ok"] != true {
		t.Fatalf("/ui/close: %d %v", code, out)
	}
	if _, ok := f.sl.OpenView(kari); ok {
		t.Fatal("still open")
	}
	if code, out := postJSON(t, f.url+"/ui/click", map[string]any{"user": kari, "channel": chHelse, "ts": ts, "action_id": "trykk", "value": "1"}); code != 200 {
		t.Fatalf("/ui/click: %d %v", code, out)
	}
	if f.sl.Messages(chHelse)[0].Text != "Klikket" {
		t.Fatalf("after the click: %+v", f.sl.Messages(chHelse))
	}
	eph := f.sl.Ephemerals(kari)
	if code, out := postJSON(t, f.url+"/ui/dismiss", map[string]any{"user": kari, "ts": eph[0].TS}); code != 200 || out["ok"] != true || len(f.sl.Ephemerals(kari)) != 0 {
		t.Fatalf("/ui/dismiss: %d %v", code, out)
	}
}

func TestHomeTabAndViewButtons(t *testing.T) {
	f := setup(t)
	api := f.bot.api
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewHeaderBlock(txt("Mine oppgaver")),
		slack.NewSectionBlock(md("SAK-2026-0042: svar innen fredag"), nil, slack.NewAccessory(slack.NewButtonBlockElement("aapne", "SAK-2026-0042", txt("Åpne")))),
	}}}
	resp, err := api.PublishView(kari, home, "")
	if err != nil || resp.View.Type != slack.VTHomeTab {
		t.Fatalf("views.publish %+v %v", resp, err)
	}
	f.bot.set(nil, func(cb slack.InteractionCallback, w http.ResponseWriter) {
		if cb.Container.Type != "view" || cb.View.ID != resp.View.ID || cb.ActionCallback.BlockActions[0].Value != "SAK-2026-0042" {
			t.Errorf("block_actions from the Home tab: %+v", cb)
		}
		if _, err := api.OpenView(cb.TriggerID, slack.ModalViewRequest{Type: slack.VTModal, Title: txt("SAK-2026-0042"),
			Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}); err != nil {
			t.Errorf("open from the Home tab: %v", err)
		}
	})
	if _, err := f.sl.ClickViewButton(kari, resp.View.ID, "aapne", "", nil); err != nil {
		t.Fatal(err)
	}
	if v, ok := f.sl.OpenView(kari); !ok || v.Title != "SAK-2026-0042" {
		t.Fatalf("modal from the Home tab: %+v", v)
	}
	if h, ok := f.sl.HomeView(kari); !ok || len(h.Buttons()) != 1 {
		t.Fatalf("HomeView %+v", h)
	}
}

// TestConcurrentTimestamps: many goroutines post at once (run with -race); every ts is
// unique and Messages returns them in ts order.
func TestConcurrentTimestamps(t *testing.T) {
	f := setup(t)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, _, err := f.bot.api.PostMessage(chHelse, slack.MsgOptionText(fmt.Sprint(i), false)); err != nil {
				t.Error(err)
			}
			_ = f.sl.Messages(chHelse)
			_, _ = f.sl.OpenView(kari)
		}(i)
	}
	wg.Wait()
	msgs := f.sl.Messages(chHelse)
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m.TS] || !tsPattern.MatchString(m.TS) {
			t.Fatalf("ts %q", m.TS)
		}
		seen[m.TS] = true
	}
	if len(msgs) != 40 || !sort.SliceIsSorted(msgs, func(i, j int) bool { return tsLess(msgs[i].TS, msgs[j].TS) }) {
		t.Fatalf("%d messages, sorted %v", len(msgs), sort.SliceIsSorted(msgs, func(i, j int) bool { return tsLess(msgs[i].TS, msgs[j].TS) }))
	}
}

func TestSignature(t *testing.T) {
	// The example from Slack's documentation on verifying requests.
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	got := sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", []byte(body))
	if got != "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503" {
		t.Fatalf("signature %s", got)
	}
}

func TestNoHTMLEscaping(t *testing.T) {
	f := setup(t)
	form := url.Values{"token": {botToken}, "channel": {chHelse}, "text": {"Til <@U_OLA> & <#C_SKOLE>"},
		"blocks": {`[{"type":"section","text":{"type":"mrkdwn","text":"Til <@U_OLA> & <#C_SKOLE>"}}]`}}
	resp, err := http.PostForm(f.url+"/api/chat.postMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(body, []byte(`"text":"Til <@U_OLA> & <#C_SKOLE>"`)) {
		t.Fatalf("Slack does not escape HTML in its JSON: %s", body)
	}
	if raw := string(f.sl.Messages(chHelse)[0].Blocks); !strings.Contains(raw, "Til <@U_OLA> & <#C_SKOLE>") {
		t.Fatalf("stored blocks %s", raw)
	}
}
