package bot

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// NonceStore remembers the signed Slack requests already seen, so a correctly signed request
// that arrives a second time (a replay by whoever caught it) is refused. Shared by every bot
// process: store.Store keeps them in PostgreSQL.
type NonceStore interface {
	// FirstUse records nonce until expires and reports whether it was new; now prunes.
	FirstUse(ctx context.Context, nonce string, expires, now time.Time) (bool, error)
}

// slackWindow is how far a request's timestamp may be from the clock (slack-go's check); a
// nonce is kept a minute longer, for clocks that differ between bot processes.
const (
	slackWindow = 5 * time.Minute
	nonceMargin = time.Minute
)

// firstDelivery reports whether the verified request is new. A request seen before is
// answered here: an Events API redelivery (X-Slack-Retry-Num) is acknowledged, since Slack
// retries until it gets a 2xx and the first delivery did the work; anything else is refused
// with 401. Slack re-signs each retry with a fresh timestamp, so a retry seldom comes here at
// all; one that does, or a forged copy with the header added, does nothing but get its 200.
// Commands and interactions are never retried by Slack, so a second copy is a replay.
func (b *Bot) firstDelivery(w http.ResponseWriter, r *http.Request) bool {
	ts := r.Header.Get("X-Slack-Request-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil { // the signature check parsed it already
		http.Error(w, b.workspaceTexts().T("http.bad_signature"), http.StatusUnauthorized)
		return false
	}
	expires := time.Unix(sec, 0).Add(slackWindow + nonceMargin)
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	first, err := b.nonces.FirstUse(ctx, ts+":"+r.Header.Get("X-Slack-Signature"), expires, b.now())
	if err != nil {
		b.log.Error("kan ikke kontrollere om forespørselen er sett før", "sti", r.URL.Path, "feil", err)
		http.Error(w, b.workspaceTexts().T("replay.unavailable"), http.StatusServiceUnavailable)
		return false
	}
	if first {
		return true
	}
	if r.URL.Path == "/slack/events" && r.Header.Get("X-Slack-Retry-Num") != "" {
		w.WriteHeader(http.StatusOK)
		return false
	}
	b.log.Warn("avviste en gjentatt Slack-forespørsel (samme tidsstempel og signatur)", "sti", r.URL.Path)
	http.Error(w, b.workspaceTexts().T("replay.refused"), http.StatusUnauthorized)
	return false
}

// memoryNonces is a NonceStore for one process, when no shared store is configured.
type memoryNonces struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

func (m *memoryNonces) FirstUse(_ context.Context, nonce string, expires, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = map[string]time.Time{}
	}
	for k, exp := range m.seen {
		if exp.Before(now) {
			delete(m.seen, k)
		}
	}
	if _, ok := m.seen[nonce]; ok {
		return false, nil
	}
	m.seen[nonce] = expires
	return true, nil
}
