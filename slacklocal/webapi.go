package slacklocal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiArgs are a Web API call's arguments, from the query, a form body or a JSON body.
type apiArgs map[string]any

func (a apiArgs) has(name string) bool { _, ok := a[name]; return ok }

func (a apiArgs) str(name string) string {
	switch v := a[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := marshal(v)
		return string(b)
	}
}

func (a apiArgs) bool(name string) bool {
	switch v := a[name].(type) {
	case bool:
		return v
	case string:
		return v == "true" || v == "1"
	}
	return false
}

// raw returns an argument that carries JSON (blocks, view): a form sends it as a string, a
// JSON body as an array or object.
func (a apiArgs) raw(name string) json.RawMessage {
	switch v := a[name].(type) {
	case nil:
		return nil
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return json.RawMessage(v)
	default:
		b, _ := marshal(v)
		return b
	}
}

func readArgs(r *http.Request) (apiArgs, string, error) {
	args := apiArgs{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			args[k] = v[0]
		}
	}
	ctype := r.Header.Get("Content-Type")
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return nil, "", err
	}
	switch {
	case strings.HasPrefix(ctype, "application/json"):
		if len(bytes.TrimSpace(body)) > 0 {
			var m map[string]any
			if err := decodeJSON(body, &m); err != nil {
				return nil, "", err
			}
			for k, v := range m {
				args[k] = v
			}
		}
	case len(body) > 0:
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseForm(); err != nil {
			return nil, "", err
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				args[k] = v[0]
			}
		}
	}
	token := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if token == "" {
		token = args.str("token")
	}
	return args, token, nil
}

func apiError(code string, messages ...string) map[string]any {
	out := map[string]any{"ok": false, "error": code}
	if len(messages) > 0 {
		out["response_metadata"] = map[string]any{"messages": messages}
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	args, token, err := readArgs(r)
	if err != nil {
		s.count(method)
		writeJSON(w, http.StatusOK, apiError("invalid_form_data"))
		return
	}
	if s.refuseCall(w, method, args) { // an injected fault or the rate limit (limits.go)
		return
	}
	writeJSON(w, http.StatusOK, s.call(method, args, token))
}

func (s *Server) count(method string) {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
}

// call runs one Web API method and returns Slack's JSON answer.
func (s *Server) call(method string, args apiArgs, token string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	handler, ok := map[string]func(apiArgs) map[string]any{
		"auth.test":          s.authTest,
		"chat.postMessage":   s.chatPostMessage,
		"chat.update":        s.chatUpdate,
		"chat.postEphemeral": s.chatPostEphemeral,
		"chat.delete":        s.chatDelete,
		"views.open":         func(a apiArgs) map[string]any { return s.viewsOpen(a, false) },
		"views.push":         func(a apiArgs) map[string]any { return s.viewsOpen(a, true) },
		"views.update":       s.viewsUpdate,
		"views.publish":      s.viewsPublish,
		"conversations.info": s.conversationsInfo,
		"conversations.open": s.conversationsOpen,
		"conversations.list": s.conversationsList,
		"users.info":         s.usersInfo,
		"users.list":         s.usersList,
	}[method]
	if !ok {
		handler, ok = s.archiveMethods()[method] // archive.go
	}
	switch {
	case !ok:
		return apiError("unknown_method")
	case token == "":
		return apiError("not_authed")
	case s.token != "" && token != s.token:
		return apiError("invalid_auth")
	}
	return handler(args)
}

func (s *Server) authTest(apiArgs) map[string]any {
	return map[string]any{"ok": true, "url": "https://" + TeamDomain + ".slack.com/", "team": TeamName, "user": BotName,
		"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": false}
}

// wireMessage is a message as the Web API returns it.
func (s *Server) wireMessage(m *Message) map[string]any {
	out := map[string]any{"type": "message", "text": m.Text, "ts": m.TS, "team": TeamID, "user": m.User}
	if m.User == BotUserID {
		out["bot_id"], out["app_id"] = BotID, AppID
		out["bot_profile"] = map[string]any{"id": BotID, "app_id": AppID, "name": BotName, "team_id": TeamID, "deleted": false}
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Edited != "" {
		out["edited"] = map[string]any{"user": BotUserID, "ts": m.Edited}
	}
	return out
}

// maxMessageText is the longest message text Slack takes (chat.postMessage documents
// msg_too_long for longer; Slack's changelog says 40,000 characters).
const maxMessageText = 40000

// messageContent reads text and blocks of chat.postMessage, chat.postEphemeral and chat.update.
func messageContent(a apiArgs) (string, json.RawMessage, map[string]any) {
	if runes(a.str("text")) > maxMessageText {
		return "", nil, apiError("msg_too_long")
	}
	blocks, errs := normalizeBlocks(a.raw("blocks"), surfaceMessage, "/blocks")
	if len(errs) > 0 {
		return "", nil, apiError("invalid_blocks", errs...)
	}
	if len(blocks) > 0 && string(blocks) == "[]" {
		blocks = nil
	}
	return a.str("text"), blocks, nil
}

func (s *Server) chatPostMessage(a apiArgs) map[string]any {
	ch := s.resolveChannel(a.str("channel"))
	if ch == nil {
		return apiError("channel_not_found")
	}
	if ch.archived {
		return apiError("is_archived")
	}
	text, blocks, fail := messageContent(a)
	if fail != nil {
		return fail
	}
	if text == "" && len(blocks) == 0 && len(a.raw("attachments")) == 0 {
		return apiError("no_text")
	}
	meta, fail := messageMetadata(a)
	if fail != nil {
		return fail
	}
	m := &Message{Channel: ch.ID, TS: s.nextTS(), User: BotUserID, Text: text, Blocks: blocks, ThreadTS: a.str("thread_ts"), Metadata: meta}
	s.addMessage(m)
	return map[string]any{"ok": true, "channel": ch.ID, "ts": m.TS, "message": s.wireMessage(m)}
}

// botMessage finds the bot's own message named by channel and ts, or gives Slack's error:
// channel_not_found, message_not_found, or notOwn when another user wrote it.
func (s *Server) botMessage(a apiArgs, notOwn string) (*Message, map[string]any) {
	ch := s.resolveChannel(a.str("channel"))
	if ch == nil {
		return nil, apiError("channel_not_found")
	}
	m := s.findMessage(ch.ID, a.str("ts"))
	if m == nil {
		return nil, apiError("message_not_found")
	}
	if m.User != BotUserID {
		return nil, apiError(notOwn)
	}
	return m, nil
}

func (s *Server) chatUpdate(a apiArgs) map[string]any {
	m, fail := s.botMessage(a, "cant_update_message")
	if fail != nil {
		return fail
	}
	if s.isArchived(m.Channel) {
		return apiError("is_archived")
	}
	text, blocks, fail := messageContent(a)
	if fail != nil {
		return fail
	}
	meta, fail := messageMetadata(a)
	if fail != nil {
		return fail
	}
	if meta != nil { // as in Slack: metadata left out is kept
		m.Metadata = meta
	}
	// As in Slack: blocks left out are kept; an empty array removes them.
	if a.has("blocks") {
		m.Blocks = blocks
	}
	if a.has("text") || a.has("blocks") {
		m.Text = text
	}
	if m.Text == "" && len(m.Blocks) == 0 {
		return apiError("no_text")
	}
	m.Edited = s.nextTS()
	return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text, "message": s.wireMessage(m)}
}

func (s *Server) chatPostEphemeral(a apiArgs) map[string]any {
	ch := s.resolveChannel(a.str("channel"))
	if ch == nil {
		return apiError("channel_not_found")
	}
	if ch.archived {
		return apiError("is_archived")
	}
	user := a.str("user")
	if s.userByID(user) == nil || (ch.im && ch.imUser != user) {
		return apiError("user_not_in_channel")
	}
	text, blocks, fail := messageContent(a)
	if fail != nil {
		return fail
	}
	if text == "" && len(blocks) == 0 && len(a.raw("attachments")) == 0 {
		return apiError("no_text")
	}
	m := &Message{Channel: ch.ID, TS: s.nextTS(), User: BotUserID, Text: text, Blocks: blocks, Ephemeral: true, ForUser: user}
	s.addMessage(m)
	return map[string]any{"ok": true, "message_ts": m.TS}
}

func (s *Server) chatDelete(a apiArgs) map[string]any {
	m, fail := s.botMessage(a, "cant_delete_message")
	if fail != nil {
		return fail
	}
	s.removeMessage(m)
	return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS}
}

// viewsOpen serves views.open and views.push: both exchange a fresh trigger_id.
func (s *Server) viewsOpen(a apiArgs, push bool) map[string]any {
	triggerID := a.str("trigger_id")
	if triggerID == "" {
		triggerID = a.str("interactivity_pointer")
	}
	v, errs := parseView(a.raw("view"), false)
	if len(errs) > 0 {
		return apiError("invalid_arguments", errs...)
	}
	if s.viewByExternalID(v.ExternalID) != nil {
		return apiError("duplicate_external_id")
	}
	user, code := s.useTrigger(triggerID)
	if code != "" {
		return apiError(code)
	}
	stack := s.modals[user]
	if push {
		if len(stack) == 0 {
			return apiError("not_found")
		}
		if len(stack) >= maxModalStack {
			return apiError("push_limit_reached")
		}
	}
	s.seq++
	v.ID = fmt.Sprintf("V%04d", s.seq)
	v.User = user
	v.Hash = s.newHash()
	if push {
		v.RootViewID, v.PreviousViewID = stack[0].ID, stack[len(stack)-1].ID
		s.modals[user] = append(stack, v)
	} else {
		// A new modal replaces whatever the user had open.
		v.RootViewID = v.ID
		s.modals[user] = []*viewRec{v}
	}
	return map[string]any{"ok": true, "view": v.wire(nil)}
}

func (s *Server) viewsUpdate(a apiArgs) map[string]any {
	var old *viewRec
	switch {
	case a.str("view_id") != "":
		old = s.viewByID(a.str("view_id"))
	case a.str("external_id") != "":
		old = s.viewByExternalID(a.str("external_id"))
	default:
		return apiError("invalid_arguments", "[ERROR] view_id or external_id is required")
	}
	if old == nil {
		return apiError("not_found")
	}
	if h := a.str("hash"); h != "" && h != old.Hash {
		return apiError("hash_conflict")
	}
	v, errs := parseView(a.raw("view"), old.Type == "home")
	if len(errs) > 0 {
		return apiError("invalid_arguments", errs...)
	}
	if other := s.viewByExternalID(v.ExternalID); other != nil && other != old {
		return apiError("duplicate_external_id")
	}
	s.replaceView(old, v)
	return map[string]any{"ok": true, "view": old.wire(nil)}
}

// replaceView puts a new definition in an open view, which keeps its ID and place.
func (s *Server) replaceView(old, v *viewRec) {
	v.ID, v.User, v.RootViewID, v.PreviousViewID = old.ID, old.User, old.RootViewID, old.PreviousViewID
	v.Hash = s.newHash()
	*old = *v
}

func (s *Server) viewsPublish(a apiArgs) map[string]any {
	user := a.str("user_id")
	if s.userByID(user) == nil {
		return apiError("user_not_found")
	}
	v, errs := parseView(a.raw("view"), true)
	if len(errs) > 0 {
		return apiError("invalid_arguments", errs...)
	}
	old := s.homes[user]
	if old != nil {
		if h := a.str("hash"); h != "" && h != old.Hash {
			return apiError("hash_conflict")
		}
		s.replaceView(old, v)
		return map[string]any{"ok": true, "view": old.wire(nil)}
	}
	s.seq++
	v.ID = fmt.Sprintf("V%04d", s.seq)
	v.User, v.RootViewID, v.Hash = user, v.ID, s.newHash()
	s.homes[user] = v
	return map[string]any{"ok": true, "view": v.wire(nil)}
}

func (s *Server) wireChannel(c *channel) map[string]any {
	out := map[string]any{
		"id": c.ID, "created": 1700000000, "is_archived": c.archived, "is_org_shared": false, "context_team_id": TeamID,
		"is_channel": !c.im, "is_group": false, "is_im": c.im, "is_private": c.im, "is_mpim": false,
	}
	if c.im {
		out["user"] = c.imUser
		out["is_open"] = true
	} else {
		out["name"], out["name_normalized"], out["is_member"], out["is_general"] = c.Name, c.Name, true, false
		out["topic"] = map[string]any{"value": "", "creator": "", "last_set": 0}
		out["purpose"] = map[string]any{"value": "", "creator": "", "last_set": 0}
		out["num_members"] = len(s.users) + 1
	}
	return out
}

func (s *Server) conversationsInfo(a apiArgs) map[string]any {
	c := s.channelByID(a.str("channel"))
	if c == nil {
		return apiError("channel_not_found")
	}
	return map[string]any{"ok": true, "channel": s.wireChannel(c)}
}

func (s *Server) conversationsOpen(a apiArgs) map[string]any {
	if id := a.str("channel"); id != "" {
		c := s.channelByID(id)
		if c == nil {
			return apiError("channel_not_found")
		}
		return map[string]any{"ok": true, "channel": map[string]any{"id": c.ID}}
	}
	users := strings.Split(a.str("users"), ",")
	if len(users) != 1 || s.userByID(strings.TrimSpace(users[0])) == nil {
		return apiError("user_not_found")
	}
	c := s.openIM(strings.TrimSpace(users[0]))
	return map[string]any{"ok": true, "channel": map[string]any{"id": c.ID}}
}

func (s *Server) conversationsList(apiArgs) map[string]any {
	list := []any{}
	for _, c := range s.channels {
		if !c.im {
			list = append(list, s.wireChannel(c))
		}
	}
	return map[string]any{"ok": true, "channels": list, "response_metadata": map[string]any{"next_cursor": ""}}
}

func (s *Server) wireUser(u User) map[string]any {
	return map[string]any{
		"id": u.ID, "team_id": TeamID, "name": s.userHandle(u.ID), "real_name": u.Name, "deleted": false,
		"is_bot": false, "is_app_user": false, "is_admin": false, "tz": "Europe/Oslo", "tz_label": "Sentraleuropeisk tid",
		"tz_offset": 3600, "locale": "nb-NO",
		"profile": map[string]any{"real_name": u.Name, "display_name": u.Name, "real_name_normalized": u.Name,
			"display_name_normalized": u.Name, "team": TeamID},
	}
}

func (s *Server) usersInfo(a apiArgs) map[string]any {
	id := a.str("user")
	if id == BotUserID {
		w := s.wireUser(User{ID: BotUserID, Name: BotName})
		w["is_bot"], w["name"] = true, BotName
		return map[string]any{"ok": true, "user": w}
	}
	u := s.userByID(id)
	if u == nil {
		return apiError("user_not_found")
	}
	return map[string]any{"ok": true, "user": s.wireUser(*u)}
}

func (s *Server) usersList(apiArgs) map[string]any {
	members := []any{}
	for _, u := range s.users {
		members = append(members, s.wireUser(u))
	}
	return map[string]any{"ok": true, "members": members, "response_metadata": map[string]any{"next_cursor": ""}}
}

// serveResponseURL takes the bot's answer to an earlier command or click, as Slack's
// response_url does: ephemeral to the user by default, in_channel for everyone,
// replace_original or delete_original for the message the interaction came from.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	data, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err := json.Unmarshal(data, &body); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError("invalid_payload"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.responses[r.PathValue("id")]
	if !ok || s.now().Sub(t.created) > responseURLLife {
		writeJSON(w, http.StatusNotFound, apiError("expired_url"))
		return
	}
	if t.uses >= responseURLUses {
		writeJSON(w, http.StatusNotFound, apiError("used_url"))
		return
	}
	if runes(body.Text) > maxMessageText {
		writeJSON(w, http.StatusBadRequest, apiError("msg_too_long"))
		return
	}
	blocks, errs := normalizeBlocks(body.Blocks, surfaceMessage, "/blocks")
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, apiError("invalid_blocks", errs...))
		return
	}
	if string(blocks) == "[]" {
		blocks = nil
	}
	t.uses++
	var orig *Message
	if t.messageTS != "" {
		if t.ephemeral {
			orig = s.findEphemeral(t.user, t.channel, t.messageTS)
		} else {
			orig = s.findMessage(t.channel, t.messageTS)
		}
	}
	switch {
	case body.DeleteOriginal:
		if orig != nil {
			s.removeMessage(orig)
		}
	case body.ReplaceOriginal && orig != nil:
		orig.Text, orig.Blocks, orig.Edited = body.Text, blocks, s.nextTS()
		if body.ResponseType == "in_channel" && orig.Ephemeral {
			// Slack turns an ephemeral original into a channel message when asked.
			s.removeMessage(orig)
			orig.Ephemeral, orig.ForUser = false, ""
			s.addMessage(orig)
		}
	case body.Text == "" && len(blocks) == 0:
		writeJSON(w, http.StatusBadRequest, apiError("no_text"))
		return
	case body.ResponseType == "in_channel":
		s.addMessage(&Message{Channel: t.channel, TS: s.nextTS(), User: BotUserID, Text: body.Text, Blocks: blocks, ThreadTS: body.ThreadTS})
	default:
		s.addMessage(&Message{Channel: t.channel, TS: s.nextTS(), User: BotUserID, Text: body.Text, Blocks: blocks, Ephemeral: true, ForUser: t.user})
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
