package slacklocal

// Socket Mode on the stand-in's side. With Options.AppToken set, the app opens a WebSocket
// (apps.connections.open with that xapp- token, then the ws:// URL it returns), the stand-in
// says hello, pings it, and delivers slash commands, interactions and events to it as
// envelopes instead of posting them to BotURL. The app's ack payload is taken as the HTTP
// answer would be, so SlashCommand, ClickButton, SubmitView, SendEvent and the page work the
// same in either mode. Test hooks make a connection hang (MuteSockets), drop it (DropSockets)
// or ask the app to reconnect (SocketDisconnect), as Slack's side of a network does.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	socketTicketLife   = 30 * time.Second
	defaultSocketPings = 5 * time.Second // how often the stand-in pings an open connection
)

// socketHub holds the Socket Mode connections. It has its own lock: delivery waits on the
// network and must not hold Server.mu.
type socketHub struct {
	appToken string

	mu        sync.Mutex
	tickets   map[string]time.Time
	peers     []*socketPeer
	pending   map[string]chan json.RawMessage // envelope_id -> its ack's payload
	pingEvery time.Duration
	opened    int
	seq       int
	changed   chan struct{} // closed and replaced when a connection opens
	upgrader  websocket.Upgrader
}

func newSocketHub(appToken string) *socketHub {
	return &socketHub{appToken: appToken, tickets: map[string]time.Time{}, pending: map[string]chan json.RawMessage{},
		pingEvery: defaultSocketPings, changed: make(chan struct{}),
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

// socketPeer is one open connection from the app.
type socketPeer struct {
	id     int
	ws     *websocket.Conn
	wmu    sync.Mutex
	muted  atomic.Bool
	closed chan struct{}
	once   sync.Once
}

func (p *socketPeer) write(v any) error {
	data, err := marshal(v)
	if err != nil {
		return err
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return p.ws.WriteMessage(websocket.TextMessage, data)
}

func (p *socketPeer) close() {
	p.once.Do(func() {
		close(p.closed)
		_ = p.ws.Close()
	})
}

// socketModeOn reports whether deliveries go over Socket Mode.
func (s *Server) socketModeOn() bool { return s.socket != nil && s.socket.appToken != "" }

func (s *Server) registerSocketMode(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/apps.connections.open", s.serveConnectionsOpen)
	mux.HandleFunc("GET /link/", s.serveSocket)
}

// serveConnectionsOpen is apps.connections.open: an app-level token buys a one-time WebSocket URL.
func (s *Server) serveConnectionsOpen(w http.ResponseWriter, r *http.Request) {
	s.count("apps.connections.open")
	_, token, err := readArgs(r)
	hub := s.socket
	switch {
	case err != nil:
		writeJSON(w, http.StatusOK, apiError("invalid_form_data"))
		return
	case token == "":
		writeJSON(w, http.StatusOK, apiError("not_authed"))
		return
	case !strings.HasPrefix(token, "xapp-"):
		writeJSON(w, http.StatusOK, apiError("not_allowed_token_type"))
		return
	case !s.socketModeOn():
		writeJSON(w, http.StatusOK, apiError("invalid_auth", "Socket Mode er ikke slått på i den lokale Slack (Options.AppToken)"))
		return
	case token != hub.appToken:
		writeJSON(w, http.StatusOK, apiError("invalid_auth"))
		return
	}
	ticket := randomHex(16)
	hub.mu.Lock()
	now := time.Now()
	for t, issued := range hub.tickets {
		if now.Sub(issued) > socketTicketLife {
			delete(hub.tickets, t)
		}
	}
	hub.tickets[ticket] = now
	hub.mu.Unlock()
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	u := scheme + "://" + r.Host + "/link/?" + url.Values{"ticket": {ticket}, "app_id": {AppID}}.Encode()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": u})
}

// serveSocket is the WebSocket end: it checks the ticket, says hello, pings, and reads acks.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	hub := s.socket
	ticket := r.URL.Query().Get("ticket")
	hub.mu.Lock()
	issued, ok := hub.tickets[ticket]
	delete(hub.tickets, ticket)
	hub.mu.Unlock()
	if !ok || time.Since(issued) > socketTicketLife {
		http.Error(w, "ugyldig eller brukt ticket", http.StatusUnauthorized)
		return
	}
	ws, err := hub.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	hub.mu.Lock()
	hub.seq++
	hub.opened++
	p := &socketPeer{id: hub.seq, ws: ws, closed: make(chan struct{})}
	hub.peers = append(hub.peers, p)
	n := len(hub.peers)
	pingEvery := hub.pingEvery
	close(hub.changed)
	hub.changed = make(chan struct{})
	hub.mu.Unlock()

	defer func() {
		p.close()
		hub.mu.Lock()
		for i, q := range hub.peers {
			if q == p {
				hub.peers = append(hub.peers[:i:i], hub.peers[i+1:]...)
				break
			}
		}
		hub.mu.Unlock()
	}()
	if err := p.write(map[string]any{"type": "hello", "num_connections": n,
		"debug_info":      map[string]any{"host": "slacklocal", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID}}); err != nil {
		return
	}
	go func() { // Slack pings an open connection every few seconds; a muted one goes quiet
		t := time.NewTicker(pingEvery)
		defer t.Stop()
		for {
			select {
			case <-p.closed:
				return
			case <-t.C:
				if p.muted.Load() {
					continue
				}
				p.wmu.Lock()
				err := ws.WriteControl(websocket.PingMessage, []byte("slacklocal"), time.Now().Add(5*time.Second))
				p.wmu.Unlock()
				if err != nil {
					p.close()
					return
				}
			}
		}
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if p.muted.Load() {
			continue // a hung line: nothing gets through
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		hub.mu.Lock()
		ch := hub.pending[ack.EnvelopeID]
		delete(hub.pending, ack.EnvelopeID)
		hub.mu.Unlock()
		if ch != nil {
			ch <- ack.Payload
		}
	}
}

// peer waits up to timeout for a live connection and returns the newest one.
func (h *socketHub) peer(timeout time.Duration) *socketPeer {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		changed := h.changed
		for i := len(h.peers) - 1; i >= 0; i-- {
			if p := h.peers[i]; !p.muted.Load() {
				h.mu.Unlock()
				return p
			}
		}
		h.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return nil
		}
	}
}

// deliverOverSocket sends one envelope and waits for its ack, with Slack's 3 seconds. The ack's
// payload comes back as the body of an HTTP 200 would.
func (s *Server) deliverOverSocket(path, typ string, payload json.RawMessage, accepts bool, retry int) (int, string, []byte, error) {
	hub := s.socket
	p := hub.peer(botTimeout)
	if p == nil {
		return 0, "", nil, &BotError{Path: path, Err: errors.New("appen har ingen Socket Mode-tilkobling åpen")}
	}
	hub.mu.Lock()
	hub.seq++
	id := fmt.Sprintf("%d-%s", hub.seq, randomHex(8))
	ack := make(chan json.RawMessage, 1)
	hub.pending[id] = ack
	hub.mu.Unlock()
	forget := func() {
		hub.mu.Lock()
		delete(hub.pending, id)
		hub.mu.Unlock()
	}
	env := map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": accepts}
	if retry > 0 {
		env["retry_attempt"], env["retry_reason"] = retry, "timeout"
	} else if typ == "events_api" {
		env["retry_attempt"], env["retry_reason"] = 0, ""
	}
	if err := p.write(env); err != nil {
		forget()
		return 0, "", nil, &BotError{Path: path, Err: fmt.Errorf("Socket Mode: %w", err)}
	}
	timer := time.NewTimer(botTimeout)
	defer timer.Stop()
	select {
	case body := <-ack:
		if len(body) == 0 || string(body) == "null" {
			return http.StatusOK, "", nil, nil
		}
		return http.StatusOK, "application/json", body, nil
	case <-p.closed:
		forget()
		return 0, "", nil, &BotError{Path: path, Err: errors.New("Socket Mode-tilkoblingen ble brutt før appen kvitterte")}
	case <-timer.C:
		forget()
		return 0, "", nil, &BotError{Path: path, Timeout: true}
	}
}

// socketPostToBot is postToBot over Socket Mode: a command's form becomes a JSON object of
// strings, an interaction's payload goes as it is.
func (s *Server) socketPostToBot(path string, form url.Values) (int, string, []byte, error) {
	switch path {
	case "/slack/commands":
		fields := map[string]string{}
		for k, v := range form {
			if len(v) > 0 {
				fields[k] = v[0]
			}
		}
		payload, err := marshal(fields)
		if err != nil {
			return 0, "", nil, &BotError{Path: path, Err: err}
		}
		return s.deliverOverSocket(path, "slash_commands", payload, true, 0)
	case "/slack/interactions":
		raw := form.Get("payload")
		var kind struct {
			Type string `json:"type"`
		}
		_ = json.Unmarshal([]byte(raw), &kind)
		// Slack lets the ack carry an answer where HTTP would: a modal's response_action.
		accepts := kind.Type == "view_submission" || kind.Type == "block_suggestion"
		return s.deliverOverSocket(path, "interactive", json.RawMessage(raw), accepts, 0)
	}
	return 0, "", nil, &BotError{Path: path, Err: errors.New("ukjent sti for Socket Mode")}
}

// socketSendEvent is SendEvent over Socket Mode; a redelivery carries retry_attempt.
func (s *Server) socketSendEvent(data []byte, retry int) (int, error) {
	status, _, _, err := s.deliverOverSocket("/slack/events", "events_api", data, false, retry)
	return status, err
}

// ---- test hooks ----

// SocketStats describes the app's Socket Mode connections.
type SocketStats struct {
	Open   int // connections open now, muted ones included
	Muted  int // open, but hung (MuteSockets)
	Opened int // connections opened since the start
}

// SocketStats returns the state of the Socket Mode connections.
func (s *Server) SocketStats() SocketStats {
	hub := s.socket
	hub.mu.Lock()
	defer hub.mu.Unlock()
	st := SocketStats{Open: len(hub.peers), Opened: hub.opened}
	for _, p := range hub.peers {
		if p.muted.Load() {
			st.Muted++
		}
	}
	return st
}

// WaitForSockets polls until the app has at least n open, live (not muted) connections.
func (s *Server) WaitForSockets(n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		st := s.SocketStats()
		if st.Open-st.Muted >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("slacklocal: %d Socket Mode-tilkoblinger åpne (%d hengende) etter %s, venter %d", st.Open, st.Muted, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// MuteSockets makes every open connection hang, as a line that died without closing: no
// more pings, hellos or envelopes, and the app's writes vanish. Connections opened later work.
// It returns how many were muted.
func (s *Server) MuteSockets() int {
	hub := s.socket
	hub.mu.Lock()
	defer hub.mu.Unlock()
	n := 0
	for _, p := range hub.peers {
		if !p.muted.Swap(true) {
			n++
		}
	}
	return n
}

// DropSockets closes every open connection abruptly, without a close frame.
func (s *Server) DropSockets() int {
	hub := s.socket
	hub.mu.Lock()
	peers := append([]*socketPeer(nil), hub.peers...)
	hub.mu.Unlock()
	for _, p := range peers {
		p.close()
	}
	return len(peers)
}

// SocketDisconnect sends Slack's disconnect message (reason such as "refresh_requested" or
// "warning") on every live connection, asking the app to open a new one.
func (s *Server) SocketDisconnect(reason string) int {
	hub := s.socket
	hub.mu.Lock()
	peers := append([]*socketPeer(nil), hub.peers...)
	hub.mu.Unlock()
	n := 0
	for _, p := range peers {
		if p.muted.Load() {
			continue
		}
		if p.write(map[string]any{"type": "disconnect", "reason": reason,
			"debug_info": map[string]any{"host": "slacklocal"}}) == nil {
			n++
		}
	}
	return n
}

// SetSocketPingInterval sets how often connections opened from now on are pinged.
func (s *Server) SetSocketPingInterval(d time.Duration) {
	hub := s.socket
	hub.mu.Lock()
	hub.pingEvery = d
	hub.mu.Unlock()
}
