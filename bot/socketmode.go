package bot

// Socket Mode: Slack delivers slash commands, interactions and events over a WebSocket that
// samarbeid opens itself, so it needs no public URL inside a municipality's network. Each
// envelope is turned back into the HTTP request Slack would have sent and handed to the same
// handlers as HTTP mode (handleCommand, handleInteraction, handleEvent), without the signature
// check: the connection itself is authenticated by the app-level token. What a handler writes
// becomes the envelope's ack payload, which is where Slack takes a slash command's answer and a
// view_submission's response_action in Socket Mode.
//
// Why a thin client of our own rather than slack-go's socketmode.Client: the watchdog must
// count every sign of life, WebSocket pings included, and socketmode.Client answers pings
// inside the library without telling its user. Its own ping deadline reconnects silently (a
// debug line at most, through the standard log package), and the only way to make it reconnect
// is to cancel Run altogether and start it again. It also parses each envelope into typed
// structs, while we want the raw payload to rebuild the request. So slack-go opens the
// connection (apps.connections.open) and gorilla/websocket, which slack-go already depends on,
// carries it; the protocol is small: hello, disconnect, envelopes and acks.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// Socket Mode defaults.
const (
	// DefaultSocketSilence is how long a connection may stay quiet before the watchdog
	// reconnects. Slack pings every few seconds, so two minutes of nothing is a dead line.
	DefaultSocketSilence = 2 * time.Minute
	// maxAckSize is Slack's limit for a Socket Mode response; a larger ack is dropped silently.
	maxAckSize = 20 * 1024
	// socketStopGrace is how long a stop waits for envelopes in flight to be acknowledged.
	socketStopGrace = 5 * time.Second
)

// SocketModeConfig configures Socket Mode.
type SocketModeConfig struct {
	// Slack opens connections (apps.connections.open). It must carry the app-level token
	// (slack.OptionAppLevelToken, xapp-...) and, for the stand-in, the API URL.
	Slack *slack.Client
	// Silence is how long a connection may stay quiet (no envelope, no ping, no hello) before
	// the watchdog drops it and connects again; zero means DefaultSocketSilence.
	Silence time.Duration
	// Dialer opens the WebSocket; nil uses a default with a 10-second handshake.
	Dialer *websocket.Dialer
	// RetryMin and RetryMax bound the back-off between failed connection attempts; zero means
	// 1 second and 1 minute. A connection that worked and then ended is replaced at once.
	RetryMin, RetryMax time.Duration
}

// SocketMode runs the bot over a Socket Mode connection. Start it with Start (or Run) and end
// it with Stop.
type SocketMode struct {
	bot                *Bot
	api                *slack.Client
	dialer             *websocket.Dialer
	silence            time.Duration
	retryMin, retryMax time.Duration
	log                *slog.Logger

	connected     chan struct{} // closed at the first hello
	connectedOnce sync.Once
	connects      atomic.Int64 // hellos received
	reconnects    atomic.Int64 // hellos after the first
	open          atomic.Bool  // a connection has said hello and is still up

	cancel context.CancelFunc
	done   chan struct{} // closed when Run returns
	errs   chan error    // Run's fatal error, once
}

// SocketMode prepares Socket Mode for the bot; nothing connects until Start or Run.
func (b *Bot) SocketMode(cfg SocketModeConfig) *SocketMode {
	s := &SocketMode{bot: b, api: cfg.Slack, dialer: cfg.Dialer, silence: cfg.Silence, retryMin: cfg.RetryMin,
		retryMax: cfg.RetryMax, log: b.log.With("komponent", "socket-mode"),
		connected: make(chan struct{}), done: make(chan struct{}), errs: make(chan error, 1)}
	if s.dialer == nil {
		s.dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 10 * time.Second}
	}
	if s.silence <= 0 {
		s.silence = DefaultSocketSilence
	}
	if s.retryMin <= 0 {
		s.retryMin = time.Second
	}
	if s.retryMax < s.retryMin {
		s.retryMax = max(time.Minute, s.retryMin)
	}
	return s
}

// Start connects in the background and waits up to wait for Slack's hello, so a wrong token
// stops the start with its reason. If Slack cannot be reached within wait, Start logs it and
// returns nil: the connection keeps trying. A fatal error later arrives on Err.
func (s *SocketMode) Start(ctx context.Context, wait time.Duration) error {
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() {
		defer close(s.done)
		if err := s.Run(runCtx); err != nil {
			s.errs <- err
		}
		close(s.errs)
	}()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-s.connected:
		return nil
	case err := <-s.errs: // nil if stopped meanwhile
		return err
	case <-timer.C:
		s.log.Warn("ikke koblet til Slack ennå (Socket Mode); prøver videre i bakgrunnen", "ventet", wait)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Err delivers the error that ended Socket Mode for good (a token Slack refuses), if any, and
// is closed when Socket Mode has stopped.
func (s *SocketMode) Err() <-chan error { return s.errs }

// Stop closes the connection once the envelopes in flight are acknowledged, and waits for it.
func (s *SocketMode) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
}

// Connected is closed when Slack first says hello.
func (s *SocketMode) Connected() <-chan struct{} { return s.connected }

// IsConnected reports whether a connection is up now.
func (s *SocketMode) IsConnected() bool { return s.open.Load() }

// Reconnects is how many times a new connection has replaced an earlier one.
func (s *SocketMode) Reconnects() int { return int(s.reconnects.Load()) }

// errFatal marks an error that retrying cannot fix.
type errFatal struct{ err error }

func (e errFatal) Error() string { return e.err.Error() }
func (e errFatal) Unwrap() error { return e.err }

// Slack's answers to apps.connections.open that no retry will change.
var fatalOpenErrors = map[string]string{
	"invalid_auth":           "Slack kjenner ikke app-tokenet",
	"not_authed":             "app-tokenet mangler",
	"account_inactive":       "appen eller arbeidsområdet er deaktivert",
	"token_revoked":          "app-tokenet er trukket tilbake",
	"not_allowed_token_type": "tokenet er ikke et app-token (xapp-)",
	"missing_scope":          "app-tokenet mangler tilgangen connections:write",
}

// Run keeps a Socket Mode connection up until ctx ends (it then returns nil) or Slack refuses
// the token (it returns why).
func (s *SocketMode) Run(ctx context.Context) error {
	delay := s.retryMin
	failures := 0
	for {
		said, err := s.session(ctx)
		if ctx.Err() != nil {
			s.log.Info("Socket Mode stoppet")
			return nil
		}
		var fatal errFatal
		if errors.As(err, &fatal) {
			s.log.Error("Slack avviste Socket Mode-tilkoblingen; gir opp", "feil", err)
			return err
		}
		if said { // it worked, then ended: replace it at once
			delay, failures = s.retryMin, 0
			s.log.Info("kobler til Slack på nytt (Socket Mode)", "grunn", err.Error())
			continue
		}
		failures++
		s.log.Warn("får ikke kontakt med Slack (Socket Mode); prøver igjen", "feil", err, "forsøk", failures, "om", delay)
		select {
		case <-ctx.Done():
			s.log.Info("Socket Mode stoppet")
			return nil
		case <-time.After(delay):
		}
		delay = min(2*delay, s.retryMax)
	}
}

// envelope is one message from Slack over the socket.
type envelope struct {
	Type                   string          `json:"type"`
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
	Reason                 string          `json:"reason"`          // disconnect
	NumConnections         int             `json:"num_connections"` // hello
}

// socketConn is one WebSocket; gorilla allows one writer at a time.
type socketConn struct {
	ws      *websocket.Conn
	mu      sync.Mutex
	pending sync.WaitGroup // envelopes not yet acknowledged
}

func (c *socketConn) writeJSON(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteJSON(v)
}

// closeWhenAcked closes the connection once its envelopes are acknowledged, or after grace.
func (c *socketConn) closeWhenAcked(grace time.Duration) {
	acked := make(chan struct{})
	go func() { c.pending.Wait(); close(acked) }()
	select {
	case <-acked:
	case <-time.After(grace):
	}
	c.mu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.mu.Unlock()
	_ = c.ws.Close()
}

// session opens one connection and serves it until it ends. said reports whether Slack said
// hello on it; the error says why it ended.
func (s *SocketMode) session(ctx context.Context) (said bool, err error) {
	openCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	_, wsURL, err := s.api.StartSocketModeContext(openCtx)
	cancel()
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) {
			if why, ok := fatalOpenErrors[se.Err]; ok {
				return false, errFatal{fmt.Errorf("apps.connections.open: %s (%s)", why, se.Err)}
			}
		}
		return false, fmt.Errorf("apps.connections.open: %w", err)
	}
	ws, resp, err := s.dialer.DialContext(ctx, wsURL, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return false, fmt.Errorf("WebSocket mot %s: %w", redactedURL(wsURL), err)
	}
	c := &socketConn{ws: ws}
	defer s.open.Store(false)

	var last atomic.Int64 // unix nanoseconds of the last sign of life
	alive := func() { last.Store(time.Now().UnixNano()) }
	alive()
	ws.SetPingHandler(func(data string) error {
		alive()
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(5*time.Second))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return nil
		}
		return err
	})

	stop := make(chan struct{})
	defer close(stop)
	messages := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				readErr <- err
				return
			}
			alive()
			select {
			case messages <- data:
			case <-stop:
				return
			}
		}
	}()

	tick := time.NewTicker(max(s.silence/8, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			c.closeWhenAcked(socketStopGrace)
			return said, ctx.Err()
		case err := <-readErr:
			_ = ws.Close()
			return said, fmt.Errorf("tilkoblingen ble brutt: %w", err)
		case <-tick.C:
			if quiet := time.Since(time.Unix(0, last.Load())); quiet >= s.silence {
				s.log.Warn(fmt.Sprintf("ingen hendelser fra Slack på %s; kobler til på nytt", norwegianDuration(s.silence)),
					"stille", quiet.Round(time.Millisecond))
				_ = ws.Close() // a dead line: nothing to wait for
				return said, fmt.Errorf("ingen hendelser på %s", norwegianDuration(s.silence))
			}
		case data := <-messages:
			var env envelope
			if err := json.Unmarshal(data, &env); err != nil {
				s.log.Warn("uleselig melding fra Slack (Socket Mode)", "feil", err)
				continue
			}
			switch env.Type {
			case "hello":
				said = true
				s.open.Store(true)
				if n := s.connects.Add(1); n == 1 {
					s.log.Info("koblet til Slack (Socket Mode)", "tilkoblinger", env.NumConnections)
				} else { // logged before it is counted, so a reader of the count finds the line
					s.log.Info("koblet til Slack igjen (Socket Mode)", "gjentilkoblinger", n-1, "tilkoblinger", env.NumConnections)
					s.reconnects.Add(1)
				}
				s.connectedOnce.Do(func() { close(s.connected) })
			case "disconnect":
				// Slack is moving us (refresh_requested, warning, ...): finish what this
				// connection owes in the background while the next one opens.
				go c.closeWhenAcked(socketStopGrace)
				return said, fmt.Errorf("Slack ba om ny tilkobling (%s)", env.Reason)
			case "slash_commands", "interactive", "events_api":
				c.pending.Add(1)
				go func() {
					defer c.pending.Done()
					s.acknowledge(c, env)
				}()
			default:
				s.log.Debug("ukjent meldingstype fra Slack (Socket Mode)", "type", env.Type)
			}
		}
	}
}

// acknowledge runs the envelope through its handler and sends the answer back as the ack.
func (s *SocketMode) acknowledge(c *socketConn, env envelope) {
	payload := s.handleEnvelope(env)
	ack := map[string]any{"envelope_id": env.EnvelopeID}
	if len(payload) > 0 {
		if len(payload) >= maxAckSize-100 {
			s.log.Error("svaret er for stort for Socket Mode, og Slack ville forkaste det", "type", env.Type, "byte", len(payload))
		} else {
			ack["payload"] = payload
		}
	}
	if err := c.writeJSON(ack); err != nil {
		s.log.Warn("kunne ikke kvittere for en Slack-forespørsel (Socket Mode)", "type", env.Type, "feil", err)
	}
}

// handleEnvelope rebuilds the HTTP request Slack would have sent, runs the HTTP handler on
// it, and returns what the handler answered, as JSON for the ack (nil for an empty answer).
func (s *SocketMode) handleEnvelope(env envelope) json.RawMessage {
	var (
		handler     func(http.ResponseWriter, *http.Request)
		path, ctype string
		body        []byte
	)
	switch env.Type {
	case "slash_commands":
		form, err := commandForm(env.Payload)
		if err != nil {
			s.log.Warn("ugyldig kommando fra Slack (Socket Mode)", "feil", err)
			return nil
		}
		handler, path, ctype, body = s.bot.handleCommand, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode())
	case "interactive":
		form := url.Values{"payload": {string(env.Payload)}}
		handler, path, ctype, body = s.bot.handleInteraction, "/slack/interactions", "application/x-www-form-urlencoded", []byte(form.Encode())
	case "events_api":
		handler, path, ctype, body = s.bot.handleEvent, "/slack/events", "application/json", env.Payload
	}
	// The work outlives a stop of the connection: the bot's own Wait covers it.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, path, bytes.NewReader(body))
	if err != nil {
		s.log.Warn("kunne ikke gjenskape forespørselen (Socket Mode)", "feil", err)
		return nil
	}
	req.Header.Set("Content-Type", ctype)
	if env.RetryAttempt > 0 { // as Slack marks a redelivery over HTTP; handleEvent skips it
		req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(env.RetryAttempt))
		req.Header.Set("X-Slack-Retry-Reason", env.RetryReason)
	}
	rec := &recorder{header: http.Header{}}
	handler(rec, req)
	out := bytes.TrimSpace(rec.body.Bytes())
	if rec.status != 0 && rec.status != http.StatusOK {
		s.log.Warn("forespørsel over Socket Mode avvist", "sti", path, "status", rec.status, "svar", string(out))
		return nil
	}
	switch {
	case len(out) == 0:
		return nil
	case json.Valid(out):
		return out
	case env.Type == "slash_commands": // plain text, which HTTP allows for a command
		b, _ := json.Marshal(map[string]string{"text": string(out)})
		return b
	}
	return nil
}

// commandForm turns a slash command's Socket Mode payload (a JSON object of the fields Slack
// posts over HTTP) back into that form.
func commandForm(payload json.RawMessage) (url.Values, error) {
	var fields map[string]any
	if err := json.Unmarshal(payload, &fields); err != nil {
		return nil, err
	}
	form := url.Values{}
	for k, v := range fields {
		switch v := v.(type) {
		case nil:
		case string:
			form.Set(k, v)
		case bool:
			form.Set(k, strconv.FormatBool(v))
		default:
			b, _ := json.Marshal(v)
			form.Set(k, string(b))
		}
	}
	return form, nil
}

// recorder captures a handler's answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// redactedURL drops the query (Slack's ticket) from a WebSocket URL for the log.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(ugyldig adresse)"
	}
	u.RawQuery, u.User = "", nil
	return u.String()
}

// norwegianDuration writes 2m as "2 minutter", 90s as "90 sekunder", 1h as "1 time".
func norwegianDuration(d time.Duration) string {
	plural := func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + many
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int64(d/time.Hour), "time", "timer")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minutt", "minutter")
	case d >= time.Second && d%time.Second == 0:
		return plural(int64(d/time.Second), "sekund", "sekunder")
	}
	return plural(d.Milliseconds(), "millisekund", "millisekunder")
}
