package slacklocal

import (
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

//go:embed page.html
var page []byte

// The page's icon. Browsers ask for /favicon.ico whatever the page names, so that answers too.
//
//go:embed favicon.svg
var favicon []byte

func (s *Server) registerUI(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(page)
	})
	for _, path := range []string{"GET /favicon.svg", "GET /favicon.ico"} {
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Header().Set("Cache-Control", "max-age=86400")
			_, _ = w.Write(favicon)
		})
	}
	mux.HandleFunc("GET /ui/state", s.uiState)
	mux.HandleFunc("POST /ui/command", s.uiCommand)
	mux.HandleFunc("POST /ui/click", s.uiClick)
	mux.HandleFunc("POST /ui/viewclick", s.uiViewClick)
	mux.HandleFunc("POST /ui/submit", s.uiSubmit)
	mux.HandleFunc("POST /ui/close", s.uiClose)
	mux.HandleFunc("POST /ui/home", s.uiHome)
	mux.HandleFunc("POST /ui/dismiss", s.uiDismiss)
}

type uiMessage struct {
	Message
	UserName string `json:"user_name"`
	IsBot    bool   `json:"is_bot"`
	Time     string `json:"time"`
}

type uiChannel struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	IM    bool   `json:"im,omitempty"`
	Count int    `json:"count"`
}

type uiStateJSON struct {
	Team     string      `json:"team"`
	Bot      string      `json:"bot"`
	User     string      `json:"user"`
	Users    []User      `json:"users"`
	Channels []uiChannel `json:"channels"`
	Channel  string      `json:"channel"`
	Messages []uiMessage `json:"messages"`
	View     *View       `json:"view"`
	Depth    int         `json:"depth"`
	Home     *View       `json:"home"`
	Errors   []botError  `json:"errors"`
}

// uiState is everything the page draws for one user in one channel.
func (s *Server) uiState(w http.ResponseWriter, r *http.Request) {
	user, chID := r.URL.Query().Get("user"), r.URL.Query().Get("channel")
	s.mu.Lock()
	defer s.mu.Unlock()
	st := uiStateJSON{Team: TeamName, Bot: BotName, User: user, Users: append([]User{}, s.users...), Channel: chID,
		Messages: []uiMessage{}, Channels: []uiChannel{}, Errors: []botError{}}
	for _, c := range s.channels {
		if c.im && c.imUser != user {
			continue
		}
		n := len(s.messages[c.ID])
		for _, m := range s.ephemerals[user] {
			if m.Channel == c.ID {
				n++
			}
		}
		st.Channels = append(st.Channels, uiChannel{ID: c.ID, Name: c.Name, IM: c.im, Count: n})
	}
	var msgs []Message
	for _, m := range s.messages[chID] {
		msgs = append(msgs, *m)
	}
	for _, m := range s.ephemerals[user] {
		if m.Channel == chID {
			msgs = append(msgs, *m)
		}
	}
	sortByTS(msgs) // ephemerals interleave with channel messages by time, as in Slack
	for _, m := range msgs {
		st.Messages = append(st.Messages, uiMessage{Message: m, UserName: s.userName(m.User), IsBot: m.User == BotUserID, Time: tsClock(m.TS)})
	}
	st.View = copyView(s.topModal(user))
	st.Depth = len(s.modals[user])
	st.Home = copyView(s.homes[user])
	for _, e := range s.botErrors {
		if e.User == user || e.User == "" {
			st.Errors = append(st.Errors, e)
		}
	}
	writeJSON(w, http.StatusOK, st)
}

// tsClock is the wall clock time of a Slack timestamp, in Norway.
func tsClock(ts string) string {
	sec, _, _ := strings.Cut(ts, ".")
	var n int64
	for _, r := range sec {
		n = n*10 + int64(r-'0')
	}
	return time.Unix(n, 0).In(oslo()).Format("15:04")
}

var oslo = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Oslo"); err == nil {
		return loc
	}
	return time.Local
})

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "ugyldig forespørsel: " + err.Error()})
		return false
	}
	return true
}

// uiReply answers the page: 200 with the reply, or 502 with the error (a failing bot) and the reply.
func uiReply(w http.ResponseWriter, reply any, err error) {
	if err != nil {
		status := http.StatusBadGateway
		var be *BotError
		if !errors.As(err, &be) && strings.HasPrefix(err.Error(), "slacklocal:") {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, map[string]any{"ok": false, "error": err.Error(), "reply": reply})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "reply": reply})
}

func (s *Server) uiCommand(w http.ResponseWriter, r *http.Request) {
	var req struct{ User, Channel, Text string }
	if !decode(w, r, &req) {
		return
	}
	text := strings.TrimSpace(req.Text)
	if !strings.HasPrefix(text, "/") {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false,
			"error": "Her kan du bare sende kommandoer. Skriv en som begynner med /, for eksempel /samarbeid hjelp."})
		return
	}
	command, args, _ := strings.Cut(text, " ")
	reply, err := s.SlashCommand(req.User, req.Channel, command, strings.TrimSpace(args))
	uiReply(w, reply, err)
}

func (s *Server) uiClick(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User, Channel, TS string
		ActionID          string `json:"action_id"`
		Value             string
	}
	if !decode(w, r, &req) {
		return
	}
	reply, err := s.ClickButtonWithValue(req.User, req.Channel, req.TS, req.ActionID, req.Value)
	uiReply(w, reply, err)
}

func (s *Server) uiViewClick(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User     string
		ViewID   string `json:"view_id"`
		ActionID string `json:"action_id"`
		Value    string
		Values   map[string]map[string]Value
	}
	if !decode(w, r, &req) {
		return
	}
	reply, err := s.ClickViewButton(req.User, req.ViewID, req.ActionID, req.Value, req.Values)
	uiReply(w, reply, err)
}

func (s *Server) uiSubmit(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User   string
		Values map[string]map[string]Value
	}
	if !decode(w, r, &req) {
		return
	}
	reply, err := s.SubmitView(req.User, req.Values)
	uiReply(w, reply, err)
}

func (s *Server) uiClose(w http.ResponseWriter, r *http.Request) {
	var req struct{ User string }
	if !decode(w, r, &req) {
		return
	}
	uiReply(w, nil, s.CloseView(req.User))
}

func (s *Server) uiDismiss(w http.ResponseWriter, r *http.Request) {
	var req struct{ User, TS string }
	if !decode(w, r, &req) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": s.DismissEphemeral(req.User, req.TS)})
}

// uiHome is the page opening the Home tab: the bot hears app_home_opened and publishes it.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User string `json:"user"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "ugyldig forespørsel", http.StatusBadRequest)
		return
	}
	if err := s.OpenHome(req.User); err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]any{"ok": false, "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}
