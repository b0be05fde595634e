// Package slacklocal is a local stand-in for Slack, so samarbeid runs and is tested on a
// machine without network. It speaks Slack's wire formats in both directions: the Web API
// methods the bot calls (form or JSON bodies, bearer token, Slack's response shapes), and
// signed slash commands, block_actions, view_submission and view_closed payloads sent to the
// bot, with Slack's rules for trigger_id (3 seconds, once) and response_url. A web page at /
// lets a person act as any user of the workspace; tests drive the same Go methods.
//
// Why our own: there is no Slack here, and no Go library serves Slack's side of the protocol
// with a UI; slack-go's slacktest only records Web API calls.
package slacklocal

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Identity of the local workspace and of the app installed in it.
const (
	TeamID            = "T0LOKAL01"
	TeamDomain        = "samarbeid-lokal"
	TeamName          = "Samarbeid (lokal Slack)"
	AppID             = "A0SAMARB01"
	BotID             = "B0SAMARB01"
	BotUserID         = "U0SAMARB01"
	BotName           = "samarbeid"
	VerificationToken = "lokal-verifiseringstoken" // the deprecated "token" field Slack still sends
)

// Slack's limits that the stand-in enforces.
const (
	triggerLifetime  = 3 * time.Second  // a trigger_id opens a view within 3 seconds, once
	botTimeout       = 3 * time.Second  // Slack gives up on the bot after 3 seconds
	responseURLUses  = 5                // a response_url may be used 5 times...
	responseURLLife  = 30 * time.Minute // ...within 30 minutes
	maxModalStack    = 3                // views.push refuses a fourth view
	maxBotErrorsKept = 50
)

// User is a person in the local workspace.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Channel is a channel in the local workspace.
type Channel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Options configure a stand-in.
type Options struct {
	SigningSecret string // signs every request sent to the bot (Slack's v0 signature)
	BotToken      string // Web API calls must carry it (Authorization: Bearer, or a token field)
	BotURL        string // base URL of the bot: BotURL+"/slack/commands" and BotURL+"/slack/interactions"
	PublicURL     string // this stand-in's own base URL, for response_url values
	Users         []User
	Channels      []Channel
	Now           func() time.Time // message timestamps and trigger expiry; default time.Now
	RateLimit     *RateLimit       // chat.postMessage per channel (limits.go); nil: no limit

	// AppToken (xapp-...) turns Socket Mode on: the app connects with it (apps.connections.open)
	// and gets every command, interaction and event over its WebSocket instead of at BotURL.
	AppToken string
}

// Message is a channel message, or an ephemeral one that only ForUser sees.
type Message struct {
	Channel   string          `json:"channel"`
	TS        string          `json:"ts"`
	ThreadTS  string          `json:"thread_ts,omitempty"`
	User      string          `json:"user"` // BotUserID for the bot's messages
	Text      string          `json:"text"`
	Blocks    json.RawMessage `json:"blocks,omitempty"`
	Ephemeral bool            `json:"ephemeral,omitempty"`
	ForUser   string          `json:"for_user,omitempty"` // who sees an ephemeral message
	Edited    string          `json:"edited,omitempty"`   // ts of the last chat.update or replace_original
	// Metadata is the message's metadata as the app set it (event_type, event_payload).
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// Button is one button in a message's or a view's blocks.
type Button struct {
	BlockID  string `json:"block_id"`
	ActionID string `json:"action_id"`
	Value    string `json:"value,omitempty"`
	Text     string `json:"text"`
	Style    string `json:"style,omitempty"`
	URL      string `json:"url,omitempty"`
}

// BlockList returns the message's blocks decoded.
func (m Message) BlockList() []map[string]any { return decodeBlocks(m.Blocks) }

// Buttons lists the message's buttons, in actions blocks and section accessories, in order.
func (m Message) Buttons() []Button { return buttonsIn(m.Blocks) }

// FindButton returns the first button with actionID.
func (m Message) FindButton(actionID string) (Button, bool) {
	for _, b := range m.Buttons() {
		if b.ActionID == actionID {
			return b, true
		}
	}
	return Button{}, false
}

// HasButton reports whether the message has a button with actionID.
func (m Message) HasButton(actionID string) bool {
	_, ok := m.FindButton(actionID)
	return ok
}

// AllText is the message's text and every text in its blocks, one per line: handy in predicates.
func (m Message) AllText() string {
	parts := []string{m.Text}
	collectTexts(decodeBlocksAny(m.Blocks), &parts)
	return strings.Join(parts, "\n")
}

// View is a modal (or a Home tab) as the bot last defined it, with what Slack adds.
type View struct {
	ID              string            `json:"id"`
	ExternalID      string            `json:"external_id,omitempty"`
	Type            string            `json:"type"` // "modal" or "home"
	User            string            `json:"user"`
	CallbackID      string            `json:"callback_id"`
	PrivateMetadata string            `json:"private_metadata"`
	Title           string            `json:"title"`
	Submit          string            `json:"submit,omitempty"`
	Close           string            `json:"close,omitempty"`
	Blocks          json.RawMessage   `json:"blocks"`
	Hash            string            `json:"hash"`
	RootViewID      string            `json:"root_view_id"`
	PreviousViewID  string            `json:"previous_view_id,omitempty"`
	NotifyOnClose   bool              `json:"notify_on_close,omitempty"`
	ClearOnClose    bool              `json:"clear_on_close,omitempty"`
	Errors          map[string]string `json:"errors,omitempty"` // shown under input blocks, by block_id
}

// BlockList returns the view's blocks decoded.
func (v View) BlockList() []map[string]any { return decodeBlocks(v.Blocks) }

// Buttons lists the view's buttons.
func (v View) Buttons() []Button { return buttonsIn(v.Blocks) }

// Input describes one input block of a view.
type Input struct {
	BlockID, ActionID, Type, Label string
	Optional                       bool
	Options                        []Option // static_select, radio_buttons, checkboxes, ...
	Initial                        Value    // initial_value, initial_option(s), initial_user, initial_date
}

// Option is one choice of a select, radio or checkbox element.
type Option struct{ Text, Value string }

// Inputs lists the view's input blocks, in order.
func (v View) Inputs() []Input {
	var out []Input
	for _, in := range viewInputs(v.Blocks) {
		x := Input{BlockID: in.blockID, ActionID: in.actionID, Type: in.typ, Label: in.label, Optional: in.optional, Initial: in.initial()}
		for _, o := range in.options {
			x.Options = append(x.Options, Option{Text: textOf(o["text"]), Value: str(o["value"])})
		}
		out = append(out, x)
	}
	return out
}

// Value is what a person entered in one input of a modal. The element's type comes from the
// view, so Type may be left empty. Which field counts depends on the element:
// plain_text_input (and email, url, number, timepicker): Value; static_select, radio_buttons:
// Value (the option's value); multi_static_select, checkboxes, multi_users_select: Selected;
// users_select: SelectedUser; datepicker: SelectedDate (YYYY-MM-DD).
type Value struct {
	Type         string   `json:"type,omitempty"`
	Value        string   `json:"value,omitempty"`
	Selected     []string `json:"selected,omitempty"`
	SelectedUser string   `json:"selected_user,omitempty"`
	SelectedDate string   `json:"selected_date,omitempty"`
}

// Reply is the bot's immediate answer to a slash command or a click.
type Reply struct {
	Status          int             `json:"status"`
	Text            string          `json:"text,omitempty"`
	Blocks          json.RawMessage `json:"blocks,omitempty"`
	ResponseType    string          `json:"response_type,omitempty"`
	ReplaceOriginal bool            `json:"replace_original,omitempty"`
	DeleteOriginal  bool            `json:"delete_original,omitempty"`
	Body            string          `json:"body,omitempty"` // the raw body
}

// ViewReply is the outcome of a view submission.
type ViewReply struct {
	Status         int               `json:"status"`          // the bot's HTTP status; 0 if it was not asked
	ResponseAction string            `json:"response_action"` // "" when the view closed; errors, update, push, clear
	Errors         map[string]string `json:"errors,omitempty"`
	// Local is true when the Slack client refused the submission itself (a required input
	// left empty, too long a text), as Slack does, so the bot never saw it.
	Local bool  `json:"local,omitempty"`
	View  *View `json:"view,omitempty"` // the user's top view afterwards, if one is open
}

// BotError is a failed request to the bot: no answer within 3 seconds, no connection, or an
// HTTP status other than 200.
type BotError struct {
	Path    string // /slack/commands or /slack/interactions
	Status  int
	Body    string
	Timeout bool
	Err     error
}

func (e *BotError) Error() string {
	switch {
	case e.Timeout:
		return "boten svarte ikke innen 3 sekunder (" + e.Path + ")"
	case e.Status != 0:
		body := strings.TrimSpace(e.Body)
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		return fmt.Sprintf("boten svarte HTTP %d på %s: %s", e.Status, e.Path, body)
	default:
		return fmt.Sprintf("boten kan ikke nås (%s): %v", e.Path, e.Err)
	}
}

func (e *BotError) Unwrap() error { return e.Err }

type channel struct {
	Channel
	im       bool   // a direct message channel between the bot and imUser
	imUser   string // for im
	archived bool   // archived: readable, but nothing can be posted (archive.go)
}

type viewRec struct {
	View
	title, submit, close json.RawMessage // the text objects as the bot sent them
}

type trigger struct {
	user   string
	issued time.Time
	used   bool
}

type responseTarget struct {
	user, channel string
	messageTS     string // the message the interaction came from; "" for a slash command
	ephemeral     bool
	created       time.Time
	uses          int
}

type botError struct {
	ID   int    `json:"id"`
	User string `json:"-"`
	Time string `json:"time"`
	Text string `json:"text"`
}

// Server is the stand-in. It is safe for concurrent use.
type Server struct {
	client *http.Client
	now    func() time.Time
	socket *socketHub // Socket Mode (socketmode.go)
	feed   changeFeed // Changes (changes.go)

	mu         sync.Mutex
	secret     string
	token      string
	botURL     string
	publicURL  string
	users      []User
	channels   []*channel
	messages   map[string][]*Message // by channel, in ts order
	ephemerals map[string][]*Message // by user, in ts order
	modals     map[string][]*viewRec // modal stack by user, root first
	homes      map[string]*viewRec   // Home tab by user
	eventSeq   int
	triggers   map[string]*trigger
	responses  map[string]*responseTarget
	calls      map[string]int
	botErrors  []botError
	lastMicros int64
	seq        int
	limits     limits       // rate limit and injected faults (limits.go)
	oidc       oidcProvider // Sign in with Slack (oidc.go)
}

// New makes a stand-in.
func New(opts Options) *Server {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		client:     &http.Client{Timeout: botTimeout},
		socket:     newSocketHub(opts.AppToken),
		now:        now,
		secret:     opts.SigningSecret,
		token:      opts.BotToken,
		botURL:     strings.TrimRight(opts.BotURL, "/"),
		publicURL:  strings.TrimRight(opts.PublicURL, "/"),
		users:      append([]User(nil), opts.Users...),
		messages:   map[string][]*Message{},
		ephemerals: map[string][]*Message{},
		modals:     map[string][]*viewRec{},
		homes:      map[string]*viewRec{},
		triggers:   map[string]*trigger{},
		responses:  map[string]*responseTarget{},
		calls:      map[string]int{},
	}
	for _, c := range opts.Channels {
		s.channels = append(s.channels, &channel{Channel: c})
	}
	s.limits.setRate(opts.RateLimit)
	return s
}

// SetPublicURL sets this stand-in's base URL, used in response_url values.
func (s *Server) SetPublicURL(u string) {
	s.mu.Lock()
	s.publicURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// SetBotURL sets the bot's base URL.
func (s *Server) SetBotURL(u string) {
	s.mu.Lock()
	s.botURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// AddUser adds a person to the workspace (or renames one).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.users {
		if s.users[i].ID == u.ID {
			s.users[i] = u
			return
		}
	}
	s.users = append(s.users, u)
}

// AddChannel adds a channel to the workspace (or renames one).
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.channelByID(c.ID); ch != nil {
		ch.Name = c.Name
		return
	}
	s.channels = append(s.channels, &channel{Channel: c})
}

// Handler serves the Web API (/api/), response URLs (/response/), the page (/) and its
// endpoints (/ui/).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.notifying(s.serveAPI))
	mux.HandleFunc("POST /response/{id}", s.notifying(s.serveResponseURL))
	s.registerSocketMode(mux)
	s.registerUI(mux)
	s.registerOIDC(mux)
	return mux
}

// ---- state helpers; callers hold mu ----

// nextTS returns a Slack-like timestamp ("1700000000.000100"), unique and increasing.
func (s *Server) nextTS() string {
	us := s.now().UnixMicro()
	if us <= s.lastMicros {
		us = s.lastMicros + 1
	}
	s.lastMicros = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) issueTrigger(user string) string {
	now := s.now()
	for id, t := range s.triggers { // forget old ones
		if now.Sub(t.issued) > time.Minute {
			delete(s.triggers, id)
		}
	}
	s.seq++
	id := fmt.Sprintf("%d.%d.%s", now.Unix(), s.seq, randomHex(16))
	s.triggers[id] = &trigger{user: user, issued: now}
	return id
}

// useTrigger exchanges a trigger_id for the user it was issued to, or returns Slack's error code.
func (s *Server) useTrigger(id string) (string, string) {
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return "", "invalid_trigger_id"
	case t.used:
		return "", "exchanged_trigger_id"
	case s.now().Sub(t.issued) > triggerLifetime:
		return "", "expired_trigger_id"
	}
	t.used = true
	return t.user, ""
}

func (s *Server) issueResponseURL(t responseTarget) string {
	s.seq++
	id := fmt.Sprintf("%d%s", s.seq, randomHex(10))
	t.created = s.now()
	s.responses[id] = &t
	return s.publicURL + "/response/" + id
}

func (s *Server) userByID(id string) *User {
	for i := range s.users {
		if s.users[i].ID == id {
			return &s.users[i]
		}
	}
	return nil
}

func (s *Server) userName(id string) string {
	if id == BotUserID {
		return BotName
	}
	if u := s.userByID(id); u != nil {
		return u.Name
	}
	return id
}

// handle is the user's Slack username: lower case, no spaces.
func handle(name string) string {
	var b strings.Builder
	dot := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == 'æ', r == 'ø', r == 'å', r == '-', r == '_':
			b.WriteRune(r)
			dot = false
		default:
			if !dot && b.Len() > 0 {
				b.WriteByte('.')
				dot = true
			}
		}
	}
	return strings.Trim(b.String(), ".")
}

func (s *Server) userHandle(id string) string {
	if u := s.userByID(id); u != nil && handle(u.Name) != "" {
		return handle(u.Name)
	}
	return strings.ToLower(id)
}

func (s *Server) channelByID(id string) *channel {
	for _, c := range s.channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// resolveChannel finds a channel by ID or name (#name), as Slack does; a user ID means the
// bot's direct message channel with that user, opened if need be.
func (s *Server) resolveChannel(ref string) *channel {
	if c := s.channelByID(ref); c != nil {
		return c
	}
	name := strings.TrimPrefix(ref, "#")
	for _, c := range s.channels {
		if !c.im && c.Name == name {
			return c
		}
	}
	if s.userByID(ref) != nil {
		return s.openIM(ref)
	}
	return nil
}

func (s *Server) openIM(user string) *channel {
	for _, c := range s.channels {
		if c.im && c.imUser == user {
			return c
		}
	}
	c := &channel{Channel: Channel{ID: "D" + strings.TrimPrefix(user, "U"), Name: s.userHandle(user)}, im: true, imUser: user}
	if s.channelByID(c.ID) != nil {
		c.ID = fmt.Sprintf("D%s%d", strings.TrimPrefix(user, "U"), len(s.channels))
	}
	s.channels = append(s.channels, c)
	return c
}

func (s *Server) noteBotError(user string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.botErrors = append(s.botErrors, botError{ID: s.seq, User: user, Time: s.now().In(oslo()).Format("15:04:05"), Text: err.Error()})
	if len(s.botErrors) > maxBotErrorsKept {
		s.botErrors = s.botErrors[len(s.botErrors)-maxBotErrorsKept:]
	}
}

func (s *Server) findMessage(channelID, ts string) *Message {
	for _, m := range s.messages[channelID] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

func (s *Server) findEphemeral(user, channelID, ts string) *Message {
	for _, m := range s.ephemerals[user] {
		if m.TS == ts && (channelID == "" || m.Channel == channelID) {
			return m
		}
	}
	return nil
}

func (s *Server) addMessage(m *Message) {
	if m.Ephemeral {
		s.ephemerals[m.ForUser] = append(s.ephemerals[m.ForUser], m)
	} else {
		s.messages[m.Channel] = append(s.messages[m.Channel], m)
	}
}

func (s *Server) removeMessage(m *Message) {
	del := func(list []*Message) []*Message {
		for i, x := range list {
			if x == m {
				return append(list[:i:i], list[i+1:]...)
			}
		}
		return list
	}
	if m.Ephemeral {
		s.ephemerals[m.ForUser] = del(s.ephemerals[m.ForUser])
	} else {
		s.messages[m.Channel] = del(s.messages[m.Channel])
	}
}

// viewByID finds a live modal or Home tab.
func (s *Server) viewByID(id string) *viewRec {
	for _, stack := range s.modals {
		for _, v := range stack {
			if v.ID == id {
				return v
			}
		}
	}
	for _, v := range s.homes {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func (s *Server) viewByExternalID(ext string) *viewRec {
	if ext == "" {
		return nil
	}
	for _, stack := range s.modals {
		for _, v := range stack {
			if v.ExternalID == ext {
				return v
			}
		}
	}
	for _, v := range s.homes {
		if v.ExternalID == ext {
			return v
		}
	}
	return nil
}

func (s *Server) topModal(user string) *viewRec {
	stack := s.modals[user]
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

func (s *Server) removeModal(user, id string) {
	stack := s.modals[user]
	for i, v := range stack {
		if v.ID == id {
			s.modals[user] = append(stack[:i:i], stack[i+1:]...)
			break
		}
	}
	if len(s.modals[user]) == 0 {
		delete(s.modals, user)
	}
}

func copyView(v *viewRec) *View {
	if v == nil {
		return nil
	}
	out := v.View
	if v.Errors != nil {
		out.Errors = make(map[string]string, len(v.Errors))
		for k, e := range v.Errors {
			out.Errors[k] = e
		}
	}
	return &out
}

// ---- test API: reading state ----

// Calls returns how many Web API calls were made per method.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Messages returns a channel's messages in ts order, as last updated. Ephemeral messages are
// not among them (see Ephemerals).
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.messages[channelID]))
	for _, m := range s.messages[channelID] {
		out = append(out, *m)
	}
	return out
}

// Ephemerals returns the ephemeral messages that userID sees, in every channel, in ts order.
func (s *Server) Ephemerals(userID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.ephemerals[userID]))
	for _, m := range s.ephemerals[userID] {
		out = append(out, *m)
	}
	return out
}

// DismissEphemeral removes one of the user's ephemeral messages, as "Lukk" does in Slack.
func (s *Server) DismissEphemeral(userID, ts string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findEphemeral(userID, "", ts); m != nil {
		s.removeMessage(m)
		return true
	}
	return false
}

// OpenView returns the top modal the user has open (the last views.open, push or update), or false.
func (s *Server) OpenView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.topModal(userID); v != nil {
		return *copyView(v), true
	}
	return View{}, false
}

// HomeView returns the Home tab the bot published for the user, or false.
func (s *Server) HomeView(userID string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.homes[userID]; v != nil {
		return *copyView(v), true
	}
	return View{}, false
}

// Users lists the workspace's people.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]User(nil), s.users...)
}

// Channels lists the workspace's channels (not direct messages).
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Channel
	for _, c := range s.channels {
		if !c.im {
			out = append(out, c.Channel)
		}
	}
	return out
}

// DirectChannel returns the ID of the bot's direct message channel with the user, if one is open.
func (s *Server) DirectChannel(userID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.channels {
		if c.im && c.imUser == userID {
			return c.ID, true
		}
	}
	return "", false
}

// WaitForMessage polls until pred is true for some message in the channel, or times out with
// an error listing what the channel holds.
func (s *Server) WaitForMessage(channelID string, timeout time.Duration, pred func(Message) bool) (Message, error) {
	return waitFor(timeout, func() []Message { return s.Messages(channelID) }, pred, "kanalen "+channelID)
}

// WaitForEphemeral polls until pred is true for some ephemeral message the user sees.
func (s *Server) WaitForEphemeral(userID string, timeout time.Duration, pred func(Message) bool) (Message, error) {
	return waitFor(timeout, func() []Message { return s.Ephemerals(userID) }, pred, "de flyktige meldingene til "+userID)
}

// WaitForView polls until the user's top modal satisfies pred (nil: any modal).
func (s *Server) WaitForView(userID string, timeout time.Duration, pred func(View) bool) (View, error) {
	deadline := time.Now().Add(timeout)
	for {
		v, ok := s.OpenView(userID)
		if ok && (pred == nil || pred(v)) {
			return v, nil
		}
		if time.Now().After(deadline) {
			if !ok {
				return View{}, fmt.Errorf("slacklocal: %s har ingen modal åpen etter %s", userID, timeout)
			}
			return View{}, fmt.Errorf("slacklocal: ingen passende modal for %s etter %s; øverst er %s (callback_id %q, tittel %q)", userID, timeout, v.ID, v.CallbackID, v.Title)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitFor(timeout time.Duration, list func() []Message, pred func(Message) bool, where string) (Message, error) {
	deadline := time.Now().Add(timeout)
	for {
		msgs := list()
		for _, m := range msgs {
			if pred(m) {
				return m, nil
			}
		}
		if time.Now().After(deadline) {
			return Message{}, fmt.Errorf("slacklocal: ingen passende melding i %s etter %s; der er:\n%s", where, timeout, describe(msgs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func describe(msgs []Message) string {
	if len(msgs) == 0 {
		return "  (ingen meldinger)"
	}
	var b strings.Builder
	for _, m := range msgs {
		text := strings.ReplaceAll(m.AllText(), "\n", " ⏎ ")
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		var actions []string
		for _, btn := range m.Buttons() {
			actions = append(actions, btn.ActionID+"="+btn.Value)
		}
		fmt.Fprintf(&b, "  %s %s: %q", m.TS, m.User, text)
		if len(actions) > 0 {
			fmt.Fprintf(&b, " knapper %v", actions)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func sortByTS(msgs []Message) {
	sort.SliceStable(msgs, func(i, j int) bool { return tsLess(msgs[i].TS, msgs[j].TS) })
}

// tsLess compares Slack timestamps numerically (seconds, then the six-digit fraction).
func tsLess(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	if as != bs {
		return as < bs
	}
	return af < bf
}
