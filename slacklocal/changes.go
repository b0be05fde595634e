package slacklocal

import (
	"net/http"
	"sync"
)

// changeFeed tells watchers that the stand-in's state may have changed: a Web API call
// (a post, an update, a view) or a response_url answer was served. A watcher that must time
// what a person waits for (the benchmark's click-to-visible figure) waits on it instead of
// polling, so the figure is not rounded up to a polling interval.
type changeFeed struct {
	mu sync.Mutex
	ch chan struct{}
}

// Changes returns a channel that is closed at the next change. Take it before looking at
// the state, then wait on it if the state is not yet as wanted: no change is missed.
func (s *Server) Changes() <-chan struct{} {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.ch == nil {
		s.feed.ch = make(chan struct{})
	}
	return s.feed.ch
}

func (s *Server) changed() {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	if s.feed.ch != nil {
		close(s.feed.ch)
		s.feed.ch = nil
	}
}

// notifying calls changed after h has served a request, when its effect is in place.
func (s *Server) notifying(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r)
		s.changed()
	}
}
