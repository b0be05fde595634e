package slacklocal

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sign returns Slack's v0 signature of body at unix time ts.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// postToBot sends a signed form body to the bot. Any answer but 200 within 3 seconds is a *BotError.
func (s *Server) postToBot(path string, form url.Values) (status int, ctype string, body []byte, err error) {
	if s.socketModeOn() {
		return s.socketPostToBot(path, form)
	}
	s.mu.Lock()
	target, secret := s.botURL, s.secret
	s.mu.Unlock()
	if target == "" {
		return 0, "", nil, &BotError{Path: path, Err: errors.New("BotURL er ikke satt")}
	}
	data := []byte(form.Encode())
	req, err := http.NewRequest(http.MethodPost, target+path, bytes.NewReader(data))
	if err != nil {
		return 0, "", nil, &BotError{Path: path, Err: err}
	}
	// The signature uses the real clock, whatever Options.Now says: the bot checks it against its own.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, data))
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		return 0, "", nil, &BotError{Path: path, Err: err, Timeout: errors.As(err, &ue) && ue.Timeout()}
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		var ue interface{ Timeout() bool }
		return resp.StatusCode, "", nil, &BotError{Path: path, Status: resp.StatusCode, Err: err, Timeout: errors.As(err, &ue) && ue.Timeout()}
	}
	ctype, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, ctype, body, &BotError{Path: path, Status: resp.StatusCode, Body: string(body)}
	}
	return resp.StatusCode, ctype, body, nil
}

func (s *Server) teamObject() map[string]any {
	return map[string]any{"id": TeamID, "domain": TeamDomain}
}

func (s *Server) userObject(id string) map[string]any {
	h := s.userHandle(id)
	return map[string]any{"id": id, "username": h, "name": h, "team_id": TeamID}
}

func (s *Server) sendInteraction(userID string, payload map[string]any) (int, string, []byte, error) {
	data, err := marshal(payload)
	if err != nil {
		return 0, "", nil, err
	}
	status, ctype, body, err := s.postToBot("/slack/interactions", url.Values{"payload": {string(data)}})
	if err != nil {
		s.noteBotError(userID, err)
	}
	return status, ctype, body, err
}

// SlashCommand posts a slash command to the bot as Slack does (form-encoded, signed), with a
// fresh trigger_id for the user and a response_url, and returns the bot's immediate reply. An
// ephemeral reply is stored as an ephemeral message for the user in the channel; an in_channel
// reply is posted in the channel after the command itself, as Slack shows it.
func (s *Server) SlashCommand(userID, channelID, command, text string) (Reply, error) {
	s.mu.Lock()
	ch := s.channelByID(channelID)
	switch {
	case s.userByID(userID) == nil:
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: ukjent bruker %q", userID)
	case ch == nil:
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: ukjent kanal %q", channelID)
	case !strings.HasPrefix(command, "/"):
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: en kommando begynner med /, ikke %q", command)
	}
	channelName := ch.Name
	if ch.im {
		channelName = "directmessage"
	}
	form := url.Values{
		"token": {VerificationToken}, "team_id": {TeamID}, "team_domain": {TeamDomain},
		"channel_id": {ch.ID}, "channel_name": {channelName}, "user_id": {userID}, "user_name": {s.userHandle(userID)},
		"command": {command}, "text": {text}, "api_app_id": {AppID}, "is_enterprise_install": {"false"},
		"response_url": {s.issueResponseURL(responseTarget{user: userID, channel: ch.ID})},
		"trigger_id":   {s.issueTrigger(userID)},
	}
	s.mu.Unlock()

	status, ctype, body, err := s.postToBot("/slack/commands", form)
	reply := Reply{Status: status, Body: string(body)}
	if err != nil {
		s.noteBotError(userID, fmt.Errorf("%s %s: %w", command, text, err))
		return reply, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return reply, nil // an empty 200 shows nothing
	}
	if ctype == "application/json" {
		var r struct {
			Text            string          `json:"text"`
			Blocks          json.RawMessage `json:"blocks"`
			ResponseType    string          `json:"response_type"`
			ReplaceOriginal bool            `json:"replace_original"`
			DeleteOriginal  bool            `json:"delete_original"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			err = fmt.Errorf("boten svarte på %s med ugyldig JSON: %v", command, err)
			s.noteBotError(userID, err)
			return reply, err
		}
		reply.Text, reply.Blocks, reply.ResponseType = r.Text, r.Blocks, r.ResponseType
		reply.ReplaceOriginal, reply.DeleteOriginal = r.ReplaceOriginal, r.DeleteOriginal
	} else {
		reply.Text = string(body)
	}
	blocks, errs := normalizeBlocks(reply.Blocks, surfaceMessage, "/blocks")
	if runes(reply.Text) > maxMessageText {
		errs = append(errs, fmt.Sprintf("[ERROR] msg_too_long: text is %d characters, Slack takes %d", runes(reply.Text), maxMessageText))
	}
	if len(errs) > 0 {
		err := fmt.Errorf("boten svarte på %s med ugyldige blokker: %s", command, strings.Join(errs, "; "))
		s.noteBotError(userID, err)
		return reply, err
	}
	if string(blocks) == "[]" {
		blocks = nil
	}
	if reply.Text == "" && len(blocks) == 0 {
		return reply, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if reply.ResponseType == "in_channel" {
		s.addMessage(&Message{Channel: ch.ID, TS: s.nextTS(), User: userID, Text: strings.TrimSpace(command + " " + text)})
		s.addMessage(&Message{Channel: ch.ID, TS: s.nextTS(), User: BotUserID, Text: reply.Text, Blocks: blocks})
	} else {
		s.addMessage(&Message{Channel: ch.ID, TS: s.nextTS(), User: BotUserID, Text: reply.Text, Blocks: blocks, Ephemeral: true, ForUser: userID})
	}
	return reply, nil
}

// ClickButton finds the button with actionID in the message (channel, ts), or in one of the
// user's ephemeral messages there, and sends the bot a block_actions payload for it.
func (s *Server) ClickButton(userID, channelID, messageTS, actionID string) (Reply, error) {
	return s.click(userID, channelID, messageTS, actionID, nil)
}

// ClickButtonWithValue is ClickButton for buttons sharing an action_id: it picks the one whose value matches.
func (s *Server) ClickButtonWithValue(userID, channelID, messageTS, actionID, value string) (Reply, error) {
	return s.click(userID, channelID, messageTS, actionID, &value)
}

func pickButton(buttons []Button, actionID string, value *string) (Button, error) {
	for _, b := range buttons {
		if b.ActionID == actionID && (value == nil || b.Value == *value) {
			return b, nil
		}
	}
	var have []string
	for _, b := range buttons {
		have = append(have, b.ActionID+"="+b.Value)
	}
	want := actionID
	if value != nil {
		want += "=" + *value
	}
	return Button{}, fmt.Errorf("slacklocal: ingen knapp %s; knappene er %q", want, have)
}

func actionPayload(b Button, actionTS string) map[string]any {
	a := map[string]any{
		"type": "button", "action_id": b.ActionID, "block_id": b.BlockID,
		"text": map[string]any{"type": "plain_text", "text": b.Text, "emoji": true}, "action_ts": actionTS,
	}
	if b.Value != "" {
		a["value"] = b.Value
	}
	if b.Style != "" {
		a["style"] = b.Style
	}
	return a
}

func (s *Server) click(userID, channelID, messageTS, actionID string, value *string) (Reply, error) {
	s.mu.Lock()
	if s.userByID(userID) == nil {
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: ukjent bruker %q", userID)
	}
	ch := s.channelByID(channelID)
	msg := s.findMessage(channelID, messageTS)
	if msg == nil {
		msg = s.findEphemeral(userID, channelID, messageTS)
	}
	if ch == nil || msg == nil {
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: ingen melding %s i %s som %s ser", messageTS, channelID, userID)
	}
	btn, err := pickButton(msg.Buttons(), actionID, value)
	if err != nil {
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("%w (melding %s i %s)", err, messageTS, channelID)
	}
	payload := map[string]any{
		"type": "block_actions", "team": s.teamObject(), "user": s.userObject(userID), "api_app_id": AppID,
		"token": VerificationToken, "trigger_id": s.issueTrigger(userID), "is_enterprise_install": false, "enterprise": nil,
		"container": map[string]any{"type": "message", "message_ts": msg.TS, "channel_id": channelID, "is_ephemeral": msg.Ephemeral},
		"channel":   map[string]any{"id": channelID, "name": ch.Name},
		"state":     map[string]any{"values": map[string]any{}},
		"response_url": s.issueResponseURL(responseTarget{user: userID, channel: channelID, messageTS: msg.TS,
			ephemeral: msg.Ephemeral}),
		"actions": []any{actionPayload(btn, s.nextTS())},
	}
	if !msg.Ephemeral { // Slack leaves the message out for ephemeral ones
		payload["message"] = s.wireMessage(msg)
	}
	s.mu.Unlock()
	return s.interactionReply(userID, payload)
}

// ClickViewButton clicks a button in an open modal or in the user's Home tab. values, which
// may be nil, are what the person has entered in the modal so far (view.state.values).
func (s *Server) ClickViewButton(userID, viewID, actionID, value string, values map[string]map[string]Value) (Reply, error) {
	s.mu.Lock()
	v := s.viewByID(viewID)
	if v == nil || v.User != userID {
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("slacklocal: %s har ingen åpen view %s", userID, viewID)
	}
	var val *string
	if value != "" {
		val = &value
	}
	btn, err := pickButton(v.Buttons(), actionID, val)
	if err != nil {
		s.mu.Unlock()
		return Reply{}, fmt.Errorf("%w (view %s)", err, viewID)
	}
	state, _, err := buildState(v, values, false)
	if err != nil {
		s.mu.Unlock()
		return Reply{}, err
	}
	payload := map[string]any{
		"type": "block_actions", "team": s.teamObject(), "user": s.userObject(userID), "api_app_id": AppID,
		"token": VerificationToken, "trigger_id": s.issueTrigger(userID), "is_enterprise_install": false, "enterprise": nil,
		"container": map[string]any{"type": "view", "view_id": v.ID},
		"view":      v.wire(state),
		"actions":   []any{actionPayload(btn, s.nextTS())},
	}
	s.mu.Unlock()
	return s.interactionReply(userID, payload)
}

// interactionReply sends a block_actions payload. Slack ignores the body of the answer (the
// bot speaks through response_url and the Web API); it is returned for the test's sake.
func (s *Server) interactionReply(userID string, payload map[string]any) (Reply, error) {
	status, ctype, body, err := s.sendInteraction(userID, payload)
	reply := Reply{Status: status, Body: string(body)}
	if err == nil && ctype == "application/json" {
		_ = json.Unmarshal(body, &reply)
		reply.Status, reply.Body = status, string(body)
	} else if err == nil {
		reply.Text = strings.TrimSpace(string(body))
	}
	return reply, err
}

// SubmitView sends a view_submission for the user's top modal, with values[blockID][actionID]
// turned into Slack's view.state.values (inputs left out keep their initial values). As in
// Slack, the client itself refuses a required input left empty: then ViewReply.Local is true
// and the bot is not asked. The bot's answer is applied as Slack does: errors are shown under
// their input blocks and the modal stays; update replaces it; push stacks a new one; clear
// closes them all; an empty 200 closes the submitted one.
func (s *Server) SubmitView(userID string, values map[string]map[string]Value) (ViewReply, error) {
	s.mu.Lock()
	view := s.topModal(userID)
	if view == nil {
		s.mu.Unlock()
		return ViewReply{}, fmt.Errorf("slacklocal: %s har ingen åpen modal", userID)
	}
	state, refused, err := buildState(view, values, true)
	if err != nil {
		s.mu.Unlock()
		return ViewReply{}, err
	}
	if len(refused) > 0 {
		view.Errors = refused
		r := ViewReply{ResponseAction: "errors", Errors: refused, Local: true, View: copyView(view)}
		s.mu.Unlock()
		return r, nil
	}
	view.Errors = nil
	payload := map[string]any{
		"type": "view_submission", "team": s.teamObject(), "user": s.userObject(userID), "api_app_id": AppID,
		"token": VerificationToken, "trigger_id": s.issueTrigger(userID), "view": view.wire(state),
		"response_urls": []any{}, "is_enterprise_install": false, "enterprise": nil,
	}
	viewID := view.ID
	s.mu.Unlock()

	status, ctype, body, err := s.sendInteraction(userID, payload)
	reply := ViewReply{Status: status}
	if err != nil {
		return reply, err
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if ctype != "application/json" && !json.Valid(body) {
			err := fmt.Errorf("boten svarte på view_submission med noe annet enn JSON (Slack viser en feil): %.200s", body)
			s.noteBotError(userID, err)
			return reply, err
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			err = fmt.Errorf("boten svarte på view_submission med ugyldig JSON: %v", err)
			s.noteBotError(userID, err)
			return reply, err
		}
	}
	reply.ResponseAction, reply.Errors = resp.ResponseAction, resp.Errors

	err = s.applyViewResponse(userID, viewID, resp.ResponseAction, resp.Errors, resp.View)
	if err != nil {
		s.noteBotError(userID, err)
	}
	s.mu.Lock()
	reply.View = copyView(s.topModal(userID))
	s.mu.Unlock()
	return reply, err
}

func (s *Server) applyViewResponse(userID, viewID, action string, errs map[string]string, rawView json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	view := s.viewByID(viewID)
	if view == nil {
		return nil // closed meanwhile
	}
	switch action {
	case "errors":
		var notInput []string
		for blockID := range errs {
			found := false
			for _, in := range viewInputs(view.Blocks) {
				found = found || in.blockID == blockID
			}
			if !found {
				notInput = append(notInput, blockID)
			}
		}
		view.Errors = errs
		if len(notInput) > 0 {
			return fmt.Errorf("boten svarte med feil for %q, som ikke er input-blokker i modalen (Slack viser da bare en generell feil)", notInput)
		}
	case "update", "push":
		v, problems := parseView(rawView, false)
		if len(problems) > 0 {
			return fmt.Errorf("boten svarte med response_action %s og en ugyldig view: %s", action, strings.Join(problems, "; "))
		}
		if action == "update" {
			s.replaceView(view, v)
			return nil
		}
		stack := s.modals[userID]
		if len(stack) >= maxModalStack {
			return fmt.Errorf("boten ville legge en fjerde modal på stakken (Slack tillater %d)", maxModalStack)
		}
		s.seq++
		v.ID, v.User, v.Hash = fmt.Sprintf("V%04d", s.seq), userID, s.newHash()
		v.RootViewID, v.PreviousViewID = stack[0].ID, stack[len(stack)-1].ID
		s.modals[userID] = append(stack, v)
	case "clear":
		delete(s.modals, userID)
	case "":
		s.removeModal(userID, viewID)
	default:
		return fmt.Errorf("boten svarte med ukjent response_action %q", action)
	}
	return nil
}

// CloseView closes the user's top modal, as its close button or X does. The bot hears of it
// (view_closed) only if the view asked for notify_on_close. A view with clear_on_close closes
// the whole stack.
func (s *Server) CloseView(userID string) error {
	s.mu.Lock()
	view := s.topModal(userID)
	if view == nil {
		s.mu.Unlock()
		return fmt.Errorf("slacklocal: %s har ingen åpen modal", userID)
	}
	cleared := view.ClearOnClose
	if cleared {
		delete(s.modals, userID)
	} else {
		s.removeModal(userID, view.ID)
	}
	if !view.NotifyOnClose {
		s.mu.Unlock()
		return nil
	}
	state, _, _ := buildState(view, nil, false)
	payload := map[string]any{
		"type": "view_closed", "team": s.teamObject(), "user": s.userObject(userID), "api_app_id": AppID,
		"token": VerificationToken, "view": view.wire(state), "is_cleared": cleared, "is_enterprise_install": false,
		"enterprise": nil,
	}
	s.mu.Unlock()
	_, _, _, err := s.sendInteraction(userID, payload)
	return err
}

// SendEvent delivers an Events API callback to the bot's /slack/events as Slack does: JSON,
// signed, and with X-Slack-Retry-Num when retry > 0 (Slack redelivers an event it thinks was
// not acknowledged). It returns the bot's status code.
func (s *Server) SendEvent(event map[string]any, retry int) (int, error) {
	s.mu.Lock()
	target, secret := s.botURL, s.secret
	s.eventSeq++
	id := fmt.Sprintf("Ev%08d", s.eventSeq)
	s.mu.Unlock()
	data, err := json.Marshal(map[string]any{
		"token": "lokal-verifiseringstoken", "team_id": TeamID, "api_app_id": "A_SAMARBEID", "type": "event_callback",
		"event_id": id, "event_time": time.Now().Unix(), "event": event,
	})
	if err != nil {
		return 0, err
	}
	if s.socketModeOn() {
		return s.socketSendEvent(data, retry)
	}
	req, err := http.NewRequest(http.MethodPost, target+"/slack/events", bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(secret, ts, data))
	if retry > 0 {
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, &BotError{Path: "/slack/events", Err: err}
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// OpenHome is the user opening the app's Home tab: Slack sends app_home_opened.
func (s *Server) OpenHome(userID string) error {
	status, err := s.SendEvent(map[string]any{
		"type": "app_home_opened", "user": userID, "channel": "D" + strings.TrimPrefix(userID, "U"), "tab": "home",
		"event_ts": strconv.FormatFloat(float64(time.Now().UnixMicro())/1e6, 'f', 6, 64),
	}, 0)
	if err == nil && status != http.StatusOK {
		err = &BotError{Path: "/slack/events", Status: status}
	}
	return err
}
