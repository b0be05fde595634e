// Package bot is samarbeid's Slack surface. It verifies each request, maps the Slack user to
// a staff member, turns the interaction into a Temporal Update, and answers Slack within its
// 3 seconds. It owns no business state: the workflow decides, and its validators refuse.
package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/client"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/metrics"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Directory is what the bot reads from the service directory.
type Directory interface {
	Services(ctx context.Context) ([]store.Service, error)
	Service(ctx context.Context, id string) (store.Service, error)
	CoordinatingUnit(ctx context.Context) (store.Service, error)
	// CoordinatingUnitFor is the coordinating unit of the service's own organisation, or
	// the KE; SpecialistCoordinatingUnit the one of the organisation running specialist
	// care (store.ErrNotFound when none).
	CoordinatingUnitFor(ctx context.Context, serviceID string) (store.Service, error)
	SpecialistCoordinatingUnit(ctx context.Context) (store.Service, error)
	StaffBySlackUser(ctx context.Context, slackUserID string) (store.Staff, error)
	NextCaseRef(ctx context.Context, year int) (string, error)
	// SetLanguage records the language a person chose ("nb", "nn", "en", or "" for the
	// workspace's); store.ErrNotFound when they are not in the directory.
	SetLanguage(ctx context.Context, slackUserID, language string) error
}

// Bot serves /slack/commands, /slack/interactions and /slack/events.
type Bot struct {
	temporal      client.Client
	slack         *slack.Client
	dir           Directory
	signingSecret string
	log           *slog.Logger
	now           func() time.Time
	// answerWithin is how long a request may wait for Temporal before the bot answers Slack
	// and finishes the work in the background; Slack gives up after 3 seconds.
	answerWithin time.Duration
	municipality policy.Municipality
	metrics      *metrics.Metrics
	// inflight tracks work finished after Slack got its answer, so shutdown waits for it.
	inflight   sync.WaitGroup
	httpClient *http.Client
	// language is the workspace's ("nb", "nn" or "en"): channel messages use it, and so does
	// a user who chose none. See texts.go.
	language string
	// access records every look at a case's details (access.go); nil records nothing.
	access AccessLog
	nonces NonceStore
	// ledger is where a closed case is read once Temporal no longer keeps it; nil reads none.
	ledger Ledger
}

// Config for New.
type Config struct {
	Temporal      client.Client
	Slack         *slack.Client
	Directory     Directory
	SigningSecret string
	Logger        *slog.Logger
	// Policy is the municipality's deadline policy new cases start with; zero means the default.
	Policy policy.Municipality
	// Metrics counts answers; optional.
	Metrics *metrics.Metrics
	// Language is the workspace's language ("nb", "nn" or "en"); empty or unknown means
	// bokmål. A user's own choice (store.Staff.Language) wins for what only they see.
	Language string
	// Access is the access log every look at a case's details goes to (store.Store).
	Access AccessLog
	// Nonces remembers the signed requests already seen, to refuse a replay; share one
	// (store.Store) between bot processes. Nil keeps them in this process only.
	Nonces NonceStore
	// Ledger is the audit ledger (store.Store): a closed case whose history Temporal no longer
	// keeps is read from it. Optional.
	Ledger Ledger
}

// New builds a bot.
func New(cfg Config) *Bot {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Policy.Version == "" {
		cfg.Policy = policy.DefaultMunicipality()
	}
	if cfg.Nonces == nil {
		cfg.Nonces = &memoryNonces{}
	}
	return &Bot{temporal: cfg.Temporal, slack: cfg.Slack, dir: cfg.Directory, signingSecret: cfg.SigningSecret,
		log: cfg.Logger, now: time.Now, answerWithin: 2500 * time.Millisecond, municipality: cfg.Policy, metrics: cfg.Metrics,
		httpClient: &http.Client{Timeout: 10 * time.Second}, language: i18n.Resolve("", cfg.Language), access: cfg.Access,
		nonces: cfg.Nonces, ledger: cfg.Ledger}
}

// policy is the collaboration-duty policy a new case starts with (and keeps).
func (b *Bot) policy() policy.Deadlines { return b.municipality.CollaborationDeadlines() }

// coordinatorDeadlines is the local policy a new coordinator request starts with.
func (b *Bot) coordinatorDeadlines() workflows.CoordinatorDeadlines {
	c := b.municipality.Coordinator
	return workflows.CoordinatorDeadlines{DecisionWorkingDays: c.Decision, AcceptWorkingDays: c.Accept,
		ReminderPercent: c.Reminder, ReescalateWorkingDays: c.Reescalate,
		ProvisionalWarnDays: c.ProvisionalWarn, LateAppealMonths: c.LateAppealMonths}
}

// Wait blocks until the work the bot acknowledged to Slack is done (or ctx ends), so a
// shutdown never drops an answer Slack was told was received.
func (b *Bot) Wait(ctx context.Context) {
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// Register mounts the bot's endpoints on mux.
func (b *Bot) Register(mux *http.ServeMux) {
	mux.Handle("POST /slack/commands", b.verified(b.handleCommand))
	mux.Handle("POST /slack/interactions", b.verified(b.handleInteraction))
	mux.Handle("POST /slack/events", b.verified(b.handleEvent))
}

// maxBody bounds what the bot reads from Slack; Slack's payloads are far smaller.
const maxBody = 1 << 20

// verified checks Slack's v0 signature and its 5-minute window before anything else runs,
// and that the signed request was not seen before (a replay; see firstDelivery).
func (b *Bot) verified(next func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			http.Error(w, b.workspaceTexts().T("http.unreadable"), http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, b.signingSecret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			b.log.Warn("avviste forespørsel med ugyldig Slack-signatur", "sti", r.URL.Path, "feil", err)
			http.Error(w, b.workspaceTexts().T("http.bad_signature"), http.StatusUnauthorized)
			return
		}
		if !b.firstDelivery(w, r) {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	})
}

func (b *Bot) handleEvent(w http.ResponseWriter, r *http.Request) {
	var ev struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		Event     struct {
			Type string `json:"type"`
			User string `json:"user"`
			Tab  string `json:"tab"`
		} `json:"event"`
	}
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, b.workspaceTexts().T("http.bad_event"), http.StatusBadRequest)
		return
	}
	if ev.Type == "url_verification" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, ev.Challenge)
		return
	}
	// Slack redelivers an event it thinks we missed; the first delivery did the work.
	if r.Header.Get("X-Slack-Retry-Num") != "" {
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == "event_callback" && ev.Event.Type == "app_home_opened" && ev.Event.Tab == "home" {
		// Acknowledge at once; the Home tab is drawn in the background.
		b.inflight.Add(1)
		go func() {
			defer b.inflight.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := b.publishHome(ctx, ev.Event.User); err != nil {
				b.homeNotDrawn(ctx, ev.Event.User, err)
			}
		}()
	}
	w.WriteHeader(http.StatusOK)
}

// actor resolves the Slack user to a staff member, or explains why they cannot act.
func (b *Bot) actor(ctx context.Context, slackUserID string) (store.Staff, error) {
	st, err := b.dir.StaffBySlackUser(ctx, slackUserID)
	if errors.Is(err, store.ErrNotFound) {
		return st, refuse("", "err.not_registered")
	}
	return st, err
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// ephemeral answers a command or button with a message only the user sees.
func ephemeral(w http.ResponseWriter, text string) {
	writeJSON(w, map[string]any{"response_type": "ephemeral", "text": text})
}

// userMessage is userMessageIn in the workspace's language, for callers without the user's
// translator; prefer userMessageIn(b.texts(ctx, userID), err).
func (b *Bot) userMessage(err error) string { return b.userMessageIn(b.workspaceTexts(), err) }

// userMessageIn turns an error into words for the user, in tr's language: refusals (the
// bot's and the workflows' validators') as they are, anything else as a general apology
// (the details go to the log).
func (b *Bot) userMessageIn(tr *i18n.Translator, err error) string {
	var r refusal
	if errors.As(err, &r) {
		return r.in(tr)
	}
	if text, r, ok := workflows.RefusalOf(err); ok {
		if r.Message.IsZero() { // from an older worker: its words are all there are
			return text
		}
		return tr.Render(b.withNames(r.Message))
	}
	b.log.Error("feil under behandling av Slack-forespørsel", "feil", err)
	return tr.T("err.general")
}

// serviceArgs are the refusal arguments that carry a service's ID; people read names.
var serviceArgs = []string{"Service", "Unit"}

// withNames is a refusal with the service IDs in its arguments said as the directory's
// names (issue 14): the workflows refuse with IDs, which is what they know; the bot is
// where a person reads them. An empty Unit is the municipality's coordinating unit. An ID
// the directory does not know is said as it is.
func (b *Bot) withNames(m i18n.Message) i18n.Message {
	if b.dir == nil {
		return m
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var args map[string]string
	for _, name := range serviceArgs {
		id, ok := m.Args[name]
		if !ok {
			continue
		}
		var svc store.Service
		var err error
		if id == "" && name == "Unit" {
			svc, err = b.dir.CoordinatingUnit(ctx)
		} else {
			svc, err = b.dir.Service(ctx, id)
		}
		if err != nil || svc.Name == "" {
			continue
		}
		if args == nil {
			args = maps.Clone(m.Args)
		}
		args[name] = svc.Name
	}
	if args != nil {
		m.Args = args
	}
	return m
}
