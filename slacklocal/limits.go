package slacklocal

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Slack's rate limits and its bad days, so tests catch a bot that posts too fast or that
// loses a message when Slack refuses it.
//
// What is modelled. Slack documents that chat.postMessage "generally allows an app to post 1
// message per second to a specific channel, with short bursts of more than 1 allowed", and
// answers a call over the limit with HTTP 429, a Retry-After header in whole seconds and
// {"ok":false,"error":"ratelimited"}; the message is not posted. The stand-in models this as
// a token bucket per channel (RateLimit): a quiet channel takes Burst messages at once, then
// one every 1/PerSecond seconds. SlackRateLimit is 1 a second with a burst of 4: one more
// than the bot's own pacing (bot.Messenger, 1 a second with a burst of 3), so a bot that paces
// itself is never refused for a few milliseconds of network jitter, and a bot that does not
// is. Every call counts, a refused or invalid one included (Slack counts requests). The other
// methods' tiers (per app and workspace, per minute) are not modelled: the bot's volume of
// them is far below their limits.
//
// The limit is off unless Options.RateLimit or SetRateLimit turns it on: existing users of
// the stand-in (the benchmark among them) post faster than Slack allows, into one channel.
//
// Faults (InjectFault, FailWebAPI, FailWebAPIFor, FailMethod) make every Web API call (or
// every call of the methods named) fail before it is carried out, as an outage or Slack's rate limiter in front of the API does: nothing is
// posted, so a retry must not duplicate anything. Response URLs are not affected.
//
// Time is the stand-in's clock (Options.Now), so a test with a fake clock moves the bucket
// and the fault's end by moving the clock.

// RateLimit is chat.postMessage's limit per channel: a token bucket of Burst messages,
// refilled at PerSecond messages a second.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// SlackRateLimit is Slack's chat.postMessage limit as the stand-in models it.
var SlackRateLimit = RateLimit{PerSecond: 1, Burst: 4}

// Fault makes the Web API fail. With neither Calls nor For set, it lasts until ClearFault.
type Fault struct {
	Status     int           // HTTP status of every answer: 429 (with Retry-After), 500, 503, ...
	Calls      int           // fail this many calls, then stop (0: no limit by count)
	For        time.Duration // fail calls for this long from now, then stop (0: no limit by time)
	RetryAfter time.Duration // Retry-After of a 429, rounded up to whole seconds; default 1 s
	// Methods, when set, limits the fault to these Web API methods ("views.open", ...):
	// other calls go through and do not count against Calls. Slack's limits are per
	// method (tiers), so one method can be refused while the others work.
	Methods []string
}

// LimitStats counts the Web API calls the stand-in refused.
type LimitStats struct {
	RateLimited map[string]int // chat.postMessage calls over the channel's limit, by channel ID
	Injected    map[int]int    // calls failed by an injected fault, by HTTP status
}

type activeFault struct {
	Fault
	until time.Time // zero: no end by time
	left  int       // calls still to fail; -1: no end by count
}

// limits is the Server's rate limiting and fault state; the Server's mu guards it.
type limits struct {
	rate     *RateLimit
	buckets  map[string]*rate.Limiter // per channel, on the stand-in's clock
	limited  map[string]int
	fault    *activeFault
	injected map[int]int
}

func (l *limits) setRate(r *RateLimit) {
	l.rate, l.buckets = nil, nil
	if r != nil && r.PerSecond > 0 {
		c := *r
		c.Burst = max(c.Burst, 1)
		l.rate = &c
	}
}

// SetRateLimit turns chat.postMessage's limit per channel on (SlackRateLimit is Slack's) or,
// with nil, off. Every channel starts with a full bucket.
func (s *Server) SetRateLimit(r *RateLimit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits.setRate(r)
}

// InjectFault makes Web API calls fail as f says, replacing any fault already set.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &activeFault{Fault: f, left: -1}
	if f.Calls > 0 {
		a.left = f.Calls
	}
	if f.For > 0 {
		a.until = s.now().Add(f.For)
	}
	if a.RetryAfter <= 0 {
		a.RetryAfter = time.Second
	}
	s.limits.fault = a
}

// FailWebAPI makes the next n Web API calls fail with status (a 429 carries Retry-After: 1).
func (s *Server) FailWebAPI(status, n int) { s.InjectFault(Fault{Status: status, Calls: max(n, 1)}) }

// FailMethod makes the next n calls of one Web API method fail with status (a 429 carries
// Retry-After: 1); other methods go through.
func (s *Server) FailMethod(method string, status, n int) {
	s.InjectFault(Fault{Status: status, Calls: max(n, 1), Methods: []string{method}})
}

// FailWebAPIFor makes every Web API call fail with status for d.
func (s *Server) FailWebAPIFor(status int, d time.Duration) {
	s.InjectFault(Fault{Status: status, For: d})
}

// ClearFault ends an injected fault at once.
func (s *Server) ClearFault() {
	s.mu.Lock()
	s.limits.fault = nil
	s.mu.Unlock()
}

// LimitStats returns how many calls were refused, for the rate limit and by injected faults.
func (s *Server) LimitStats() LimitStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := LimitStats{RateLimited: map[string]int{}, Injected: map[int]int{}}
	for k, v := range s.limits.limited {
		out.RateLimited[k] = v
	}
	for k, v := range s.limits.injected {
		out.Injected[k] = v
	}
	return out
}

// RateLimited is how many chat.postMessage calls were over a channel's limit, in all.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.limits.limited {
		n += v
	}
	return n
}

// refuseCall answers a Web API call that an injected fault or the rate limit refuses, and
// reports whether it did; the call then counts in Calls but is not carried out.
func (s *Server) refuseCall(w http.ResponseWriter, method string, args apiArgs) bool {
	s.mu.Lock()
	status, retryAfter := s.limits.check(method, s.limitKey(method, args), s.now())
	if status != 0 {
		s.calls[method]++
	}
	s.mu.Unlock()
	if status == 0 {
		return false
	}
	code := "ratelimited"
	if status != http.StatusTooManyRequests {
		code = "internal_error"
	} else {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retryAfter.Seconds()))))
	}
	writeJSON(w, status, apiError(code))
	return true
}

// limitKey is the channel a chat.postMessage counts against ("" for other methods): its ID
// when the stand-in knows it by ID or #name, else the argument as given (a user's ID, for a
// direct message). Caller holds mu; nothing is created.
func (s *Server) limitKey(method string, args apiArgs) string {
	if method != "chat.postMessage" {
		return ""
	}
	ref := args.str("channel")
	if c := s.channelByID(ref); c != nil {
		return c.ID
	}
	name := strings.TrimPrefix(ref, "#")
	for _, c := range s.channels {
		if !c.im && c.Name == name {
			return c.ID
		}
	}
	return ref
}

// check decides one call: status 0 lets it through; otherwise the status to answer, and
// for a 429 how long to wait.
func (l *limits) check(method, channel string, now time.Time) (int, time.Duration) {
	if f := l.fault; f != nil {
		if (!f.until.IsZero() && !now.Before(f.until)) || f.left == 0 {
			l.fault = nil
		} else if len(f.Methods) == 0 || slices.Contains(f.Methods, method) {
			if f.left > 0 {
				f.left--
			}
			if l.injected == nil {
				l.injected = map[int]int{}
			}
			l.injected[f.Status]++
			return f.Status, f.RetryAfter
		}
	}
	if l.rate == nil || method != "chat.postMessage" || channel == "" {
		return 0, 0
	}
	if l.buckets == nil {
		l.buckets = map[string]*rate.Limiter{}
	}
	b := l.buckets[channel]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(l.rate.PerSecond), l.rate.Burst)
		l.buckets[channel] = b
	}
	// A reservation tells how long until the channel takes a message again; a refused call
	// gives its reservation back, as Slack does not count it.
	r := b.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	if wait == 0 {
		return 0, 0
	}
	r.CancelAt(now)
	if l.limited == nil {
		l.limited = map[string]int{}
	}
	l.limited[channel]++
	return http.StatusTooManyRequests, max(wait, time.Second)
}
