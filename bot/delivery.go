package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/activity"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// Delivery of the workflows' notices: each is posted once, and one Slack will not take never
// stalls its case.
//
// Once: before chat.postMessage the notice's key is written 'pending' in PostgreSQL, and the
// message carries the key in its metadata; after, Slack's ts is written. A retry (the worker
// died after Slack took the message, before Temporal heard) that finds a ts updates that
// message; one that finds 'pending' without a ts reads the channel's history for a message
// carrying the key before it posts. chat.postMessage has no idempotency key of its own, so
// the metadata is what makes this exact: the lost attempt's request has ended before Temporal
// retries it (its start-to-close timeout has passed), so the message is either in the
// history or was never posted.
//
// Never stalls: an error that will not clear by itself (an archived channel, a revoked token,
// blocks Slack refuses, a service gone from the directory) parks the notice with the error,
// and Notify succeeds, so the case's workflow moves on. So does a Slack outage that outlasts
// slackOutageBound. The KE is told (at once when someone must act on the notice before a
// deadline, else in the daily digest), and an administrator at once for a channel or token
// problem, with what to fix. Parked notices are sent again by Redeliver: each morning before
// the digest, and when an administrator asks (`/samarbeid katalog send-igjen`) or moves the
// service to another channel.

// NoticeStore remembers each notice's Slack message by its key (store/notices.go).
type NoticeStore interface {
	SentNotice(ctx context.Context, key string) (store.SentNotice, error)
	NoticeSending(ctx context.Context, n store.SentNotice) error
	NoticeSent(ctx context.Context, key, channel, ts string) error
	NoticeRefused(ctx context.Context, key string) error
	NoticeMoved(ctx context.Context, key string) error
	ParkNotice(ctx context.Context, n store.SentNotice) (store.SentNotice, bool, error)
	ParkedNotices(ctx context.Context, serviceID string, maxAttempts int) ([]store.SentNotice, error)
	NoticeRetried(ctx context.Context, key, problem string) error
	ClaimNotice(ctx context.Context, key, kind string) (bool, error)
	ReleaseNotice(ctx context.Context, key string) error
}

// noticeEventType is the metadata event_type of samarbeid's notices; the payload's "key" is
// the notice's key.
const noticeEventType = "samarbeid_notice"

// Bounds, each with its reason.
const (
	// slackOutageBound: how long a notice is retried while Slack answers 5xx, 429 or not at
	// all, counted from the activity's first attempt. Slack's longest outages have lasted
	// hours, not days; six hours keeps a prompt on its way through a bad morning, and after
	// that the KE should know (a step's deadline is running) instead of waiting in silence.
	// Temporal's own backoff (at most a minute, workflows/engine.go) paces the attempts.
	slackOutageBound = 6 * time.Hour
	// historyPageSize and historyPages bound the look-up of a message a lost attempt may have
	// posted: 5 pages of 200 (Slack's recommended page) is 1,000 messages since the first
	// attempt, while the retry comes within minutes of it and samarbeid posts at most one
	// message a second to a channel; conversations.history is Tier 3 (50 calls a minute).
	historyPageSize, historyPages = 200, 5
	// historySkew reads the history from a little before the pending row was written: the
	// database's clock and Slack's are not the same clock.
	historySkew = 5 * time.Minute
	// redeliverMaxAttempts: a parked notice is tried again each working morning (and when an
	// administrator asks). Fifteen tries is three working weeks, longer than any step's
	// deadline; by then the case has moved on, the KE has been told every morning, and the
	// notice stays in the database for the record.
	redeliverMaxAttempts = 15
	// stalePending: a notice left 'pending' this long by a redelivery that died is picked up
	// by the next one (a live attempt finishes well within it).
	stalePending = 10 * time.Minute
)

// deliveryCallError marks an error of a Slack Web API call, as against one of the database.
type deliveryCallError struct{ err error }

func (e deliveryCallError) Error() string { return e.err.Error() }
func (e deliveryCallError) Unwrap() error { return e.err }

func slackCall(err error) error {
	if err == nil {
		return nil
	}
	return deliveryCallError{err}
}

// Problems that are not Slack's error codes.
const (
	problemUnavailable = "slack_unavailable"        // Slack's outage outlasted slackOutageBound
	problemNoService   = "service_not_in_directory" // the notice's service is gone from the directory
)

// lastingProblems are Slack's errors that no retry clears, by what must be fixed: a channel
// (an administrator), samarbeid's access to Slack (the operator), or the message itself (a
// fault in samarbeid).
var lastingProblems = map[string]string{
	"channel_not_found": "channel", "not_in_channel": "channel", "is_archived": "channel",
	"restricted_action": "channel", "restricted_action_read_only_channel": "channel",
	"restricted_action_thread_only_channel": "channel", "restricted_action_non_threadable_channel": "channel",
	"team_access_not_granted": "channel", problemNoService: "channel",

	"invalid_auth": "access", "not_authed": "access", "account_inactive": "access", "token_revoked": "access",
	"token_expired": "access", "no_permission": "access", "missing_scope": "access", "not_allowed_token_type": "access",
	"ekm_access_denied": "access", "org_login_required": "access",

	"invalid_blocks": "message", "invalid_blocks_format": "message", "msg_too_long": "message", "no_text": "message",
	"too_many_attachments": "message", "invalid_attachments": "message", "invalid_metadata_format": "message",
	"invalid_metadata_schema": "message", "metadata_too_large": "message", "message_not_found": "message",
	"cant_update_message": "message", "edit_window_closed": "message", "invalid_arguments": "message",
	"as_user_not_supported": "message",
}

// problemClass says what must be fixed for a problem: "channel", "access", "message" or
// "outage".
func problemClass(problem string) string {
	if c, ok := lastingProblems[problem]; ok {
		return c
	}
	return "outage"
}

// slackCode is Slack's error code in err, if it is one.
func slackCode(err error) string {
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) {
		return resp.Err
	}
	return ""
}

// undeliverable says why the notice cannot be delivered now or by retrying soon: a lasting
// Slack error, a service gone from the directory, or an outage past slackOutageBound. ""
// means retry.
func (m *Messenger) undeliverable(ctx context.Context, err error) string {
	if errors.Is(err, store.ErrNotFound) {
		return problemNoService
	}
	var call deliveryCallError
	if !errors.As(err, &call) {
		return "" // the database: retried like the ledger
	}
	if code := slackCode(err); code != "" {
		if _, lasting := lastingProblems[code]; lasting {
			return code
		}
	}
	if activity.IsActivity(ctx) && time.Since(activity.GetInfo(ctx).ScheduledTime) > slackOutageBound {
		return problemUnavailable
	}
	return ""
}

// definite reports whether Slack answered the call (with an error), so a message it was to
// post is certainly not in the channel; a 5xx, a cut connection or a timeout may have posted.
func definite(err error) bool {
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) || slackCode(err) != "" {
		return true
	}
	var netErr *net.OpError
	return errors.As(err, &netErr) && netErr.Op == "dial" // never reached Slack
}

func noticeMetadata(key string) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: noticeEventType, EventPayload: map[string]any{"key": key}})
}

// post posts a new notice once. rec is its record when the caller has read it already.
func (m *Messenger) post(ctx context.Context, n activities.Notice, opts []slack.MsgOption, rec *store.SentNotice) (activities.Posted, error) {
	if m.Notices == nil || n.Key == "" { // no record to keep: at least once, as before
		channel, err := m.channel(ctx, n)
		if err != nil {
			return activities.Posted{}, err
		}
		if err := m.pace(ctx, channel); err != nil {
			return activities.Posted{}, err
		}
		ch, ts, err := m.Slack.PostMessageContext(ctx, channel, opts...)
		m.count(n, "chat.postMessage", err)
		return activities.Posted{Channel: ch, TS: ts}, slackCall(err)
	}
	if rec == nil {
		r, err := m.Notices.SentNotice(ctx, n.Key)
		switch {
		case err == nil:
			rec = &r
		case !errors.Is(err, store.ErrNotFound):
			return activities.Posted{}, err
		}
	}
	if rec != nil && rec.TS != "" { // an earlier attempt posted it: bring that message up to date
		return m.update(ctx, n, activities.Posted{Channel: rec.Channel, TS: rec.TS, Key: n.Key}, opts)
	}
	if rec != nil && rec.Channel != "" && rec.State != store.NoticeUnsent {
		// An earlier attempt may have posted it without living to record the ts.
		// From the first attempt of a pending notice; a parked one was last tried when it
		// was parked (or tried again), and every try before looked up the ones before it.
		since := rec.CreatedAt
		if rec.State == store.NoticeParked {
			since = rec.UpdatedAt
		}
		ts, err := m.findPosted(ctx, rec.Channel, n.Key, since)
		if err != nil {
			return activities.Posted{}, err
		}
		if ts != "" {
			if err := m.Notices.NoticeSent(ctx, n.Key, rec.Channel, ts); err != nil {
				return activities.Posted{}, err
			}
			return m.update(ctx, n, activities.Posted{Channel: rec.Channel, TS: ts, Key: n.Key}, opts)
		}
	}
	serviceID, channel, err := m.target(ctx, n)
	if err != nil {
		return activities.Posted{}, err
	}
	if err := m.pace(ctx, channel); err != nil {
		return activities.Posted{}, err
	}
	if err := m.Notices.NoticeSending(ctx, m.record(n, n.Key, serviceID, channel)); err != nil {
		return activities.Posted{}, err
	}
	ch, ts, err := m.Slack.PostMessageContext(ctx, channel, append(opts, noticeMetadata(n.Key))...)
	m.count(n, "chat.postMessage", err)
	if err != nil {
		if definite(err) {
			if rerr := m.Notices.NoticeRefused(ctx, n.Key); rerr != nil {
				slog.Warn("kunne ikke merke meldingen som ikke sendt", "key", n.Key, "error", rerr)
			}
		}
		return activities.Posted{}, slackCall(err)
	}
	// If this write fails, the retry finds the message by its key in the channel's history.
	if err := m.Notices.NoticeSent(ctx, n.Key, ch, ts); err != nil {
		return activities.Posted{}, err
	}
	return activities.Posted{Channel: ch, TS: ts, Key: n.Key}, nil
}

func (m *Messenger) record(n activities.Notice, key, serviceID, channel string) store.SentNotice {
	return store.SentNotice{Key: key, WorkflowID: n.WorkflowID, CaseRef: n.CaseRef, Kind: string(n.Kind), ServiceID: serviceID, Channel: channel}
}

// update redraws a posted message.
func (m *Messenger) update(ctx context.Context, n activities.Notice, at activities.Posted, opts []slack.MsgOption) (activities.Posted, error) {
	if err := m.pace(ctx, at.Channel); err != nil {
		return activities.Posted{}, err
	}
	if at.Key != "" {
		opts = append(opts, noticeMetadata(at.Key))
	}
	_, _, _, err := m.Slack.UpdateMessageContext(ctx, at.Channel, at.TS, opts...)
	m.count(n, "chat.update", err)
	return at, slackCall(err)
}

// redraw updates the message n.Replace names. One that was parked, not posted, keeps the
// new version for when it is sent again.
func (m *Messenger) redraw(ctx context.Context, n activities.Notice, opts []slack.MsgOption) (activities.Posted, error) {
	at := *n.Replace
	if at.TS == "" {
		if m.Notices == nil || at.Key == "" {
			return at, nil // never posted: nothing to redraw
		}
		rec, err := m.Notices.SentNotice(ctx, at.Key)
		if err != nil {
			return activities.Posted{}, err
		}
		if rec.TS == "" { // still parked: this version is the one to send
			return m.park(ctx, n, rec.Problem, nil)
		}
		at = activities.Posted{Channel: rec.Channel, TS: rec.TS, Key: at.Key}
	}
	posted, err := m.update(ctx, n, at, opts)
	if err == nil && m.Notices != nil && at.Key != "" {
		// A redraw parked earlier is superseded by this one.
		err = m.Notices.NoticeSent(ctx, at.Key, at.Channel, at.TS)
	}
	return posted, err
}

// findPosted looks for the message with the notice's key in the channel's history since
// since (less historySkew); "" when it is not there.
func (m *Messenger) findPosted(ctx context.Context, channel, key string, since time.Time) (string, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: historyPageSize, IncludeAllMetadata: true,
		Oldest: strconv.FormatInt(since.Add(-historySkew).Unix(), 10) + ".000000"}
	for page := 0; page < historyPages; page++ {
		resp, err := m.Slack.GetConversationHistoryContext(ctx, params)
		if err != nil {
			m.count(activities.Notice{}, "conversations.history", err)
			switch code := slackCode(err); {
			case problemClass(code) == "channel":
				// A channel samarbeid may post in but not read (chat:write.public without
				// being invited) cannot be searched: the notice is posted, at least once.
				// The directory asks administrators to invite samarbeid to each channel.
				slog.Warn("kan ikke lese kanalen for å finne en melding som kan være sendt; sender den", "kanal", channel, "error", err)
				return "", nil
			case code == "missing_scope":
				// An installation without channels:history (the manifest asks for it): at
				// least once rather than not at all.
				slog.Warn("mangler tillatelsen channels:history; meldingen kan komme to ganger", "kanal", channel)
				return "", nil
			}
			return "", slackCall(err)
		}
		for _, msg := range resp.Messages {
			if msg.Metadata.EventType == noticeEventType && msg.Metadata.EventPayload["key"] == key {
				return msg.Timestamp, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", nil
}

// park keeps a notice Slack will not take, tells whoever must fix it (the first time), and
// lets the case go on. A redraw of a parked notice is kept under the original's key.
func (m *Messenger) park(ctx context.Context, n activities.Notice, problem string, cause error) (activities.Posted, error) {
	key, at := n.Key, activities.Posted{}
	if n.Replace != nil {
		at = *n.Replace
		if at.Key != "" {
			key = at.Key
		}
	}
	if m.Notices == nil || key == "" {
		return activities.Posted{}, retryAfter(cause) // nowhere to keep it: retried as before
	}
	serviceID, channel, _ := m.target(ctx, n)
	if at.Channel != "" {
		channel = at.Channel
	}
	kept := n
	kept.Key, kept.Replace = key, nil
	raw, err := json.Marshal(kept)
	if err != nil {
		return activities.Posted{}, err
	}
	rec := m.record(n, key, serviceID, channel)
	rec.TS, rec.Problem, rec.Notice = at.TS, problem, raw
	rec, first, err := m.Notices.ParkNotice(ctx, rec)
	if err != nil {
		return activities.Posted{}, err
	}
	serviceID, channel = rec.ServiceID, rec.Channel // a redraw names neither: its original's
	slog.Warn("melding kunne ikke leveres; saken går videre", "key", key, "sak", n.CaseRef, "tjeneste", serviceID,
		"kanal", channel, "problem", problem, "error", cause)
	if first {
		m.tellUndelivered(ctx, n, key, serviceID, channel, problem)
	}
	at.Key, at.Undelivered = key, problem
	return at, nil
}

// undeliveredItem is the digest's item for an undelivered notice: one a day, so a notice
// still parked is listed each morning, and once however often it is tried that day.
func undeliveredItem(key, workflowID, caseRef, serviceID, problem string) store.DigestItem {
	return store.DigestItem{Key: "ikke-levert|" + key + "|" + time.Now().In(calendar.Oslo).Format("2006-01-02"), WorkflowID: workflowID,
		CaseRef: caseRef, Kind: digestKindUndelivered, ServiceID: serviceID, Step: problem}
}

// urgent notices ask someone to act before a deadline: the KE hears of them at once.
func urgent(n activities.Notice) bool {
	return n.Replace == nil && (!n.Deadline.IsZero() || escalations[n.Kind] || n.Kind == activities.NoticeContactRequest)
}

// tellUndelivered tells the KE of a notice that could not be delivered (at once when
// urgent, else in the daily digest) and the administrators at once of a channel or access
// problem. It never fails the notice: what it cannot say at once goes to the digest, and
// the log has it.
func (m *Messenger) tellUndelivered(ctx context.Context, n activities.Notice, key, serviceID, channel, problem string) {
	item := undeliveredItem(key, n.WorkflowID, n.CaseRef, serviceID, problem)
	toldAtOnce := false
	if urgent(n) {
		if err := m.alertKE(ctx, n.CaseRef, serviceID, channel, problem); err != nil {
			slog.Warn("KE kunne ikke varsles med en gang om en melding som ikke kom fram", "key", key, "error", err)
		} else {
			toldAtOnce = true
		}
	}
	if !toldAtOnce && m.Digest != nil {
		if err := m.Digest.EnqueueDigest(ctx, item); err != nil {
			slog.Error("melding som ikke kom fram, ble ikke lagt i dagsoversikten", "key", key, "error", err)
		}
	}
	if c := problemClass(problem); c == "channel" || c == "access" {
		m.alertAdmins(ctx, serviceID, channel, problem)
	}
}

// alertKE posts the undelivered notice's alert in the KE channel.
func (m *Messenger) alertKE(ctx context.Context, ref, serviceID, channel, problem string) error {
	ke, err := m.Directory.CoordinatingUnit(ctx)
	if err != nil {
		return err
	}
	tr := m.texts()
	text := tr.T("leveranse.ke_alert", "Ref", safeRef(ref), "Unit", m.name(ctx, serviceID), "Problem",
		problemText(tr, problem, channel), "Fix", fixText(tr, problem, serviceID))
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
	if err := guardOutbound(text, blocks); err != nil {
		return err
	}
	if err := m.pace(ctx, ke.SlackChannel); err != nil {
		return err
	}
	_, _, err = m.Slack.PostMessageContext(ctx, ke.SlackChannel, slack.MsgOptionText(stripMarks(text), false), slack.MsgOptionBlocks(blocks...))
	m.count(activities.Notice{Kind: "ikke-levert"}, "chat.postMessage", err)
	return err
}

// staffLister is the part of the directory that names the administrators.
type staffLister interface {
	StaffList(ctx context.Context) ([]store.Staff, error)
}

// alertAdmins tells every administrator, in a direct message in their language, of a channel
// or access problem: once a day per channel and problem, however many notices it stops.
func (m *Messenger) alertAdmins(ctx context.Context, serviceID, channel, problem string) {
	dir, ok := m.Directory.(staffLister)
	if !ok || m.Notices == nil {
		return
	}
	staff, err := dir.StaffList(ctx)
	if err != nil {
		slog.Warn("fant ikke administratorene", "error", err)
		return
	}
	day := time.Now().In(calendar.Oslo).Format("2006-01-02")
	for _, st := range staff {
		if !hasRole(st, "admin") {
			continue
		}
		key := fmt.Sprintf("admin-varsel|%s|%s|%s|%s|%s", st.SlackUserID, serviceID, channel, problem, day)
		if fresh, err := m.Notices.ClaimNotice(ctx, key, "admin-varsel"); err != nil || !fresh {
			continue
		}
		tr := m.textsFor(st.Language)
		text := tr.T("leveranse.admin_alert", "Unit", m.name(ctx, serviceID), "Problem", problemText(tr, problem, channel),
			"Fix", fixText(tr, problem, serviceID))
		_, _, err := m.Slack.PostMessageContext(ctx, st.SlackUserID, slack.MsgOptionText(stripMarks(text), false),
			slack.MsgOptionBlocks(slack.NewSectionBlock(mrkdwn(text), nil, nil)))
		m.count(activities.Notice{Kind: "admin-varsel"}, "chat.postMessage", err)
		if err != nil {
			slog.Warn("administrator kunne ikke varsles", "user", st.SlackUserID, "error", err)
			_ = m.Notices.ReleaseNotice(ctx, key)
		}
	}
}

func hasRole(st store.Staff, role string) bool {
	for _, r := range st.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// Redeliver implements activities.Redeliverer: it sends the parked notices of a service
// (all when serviceID is empty) again, each once, into the channel the directory names now.
// One that still fails stays parked and is listed in the next digest.
func (m *Messenger) Redeliver(ctx context.Context, serviceID string) (activities.Redelivery, error) {
	var res activities.Redelivery
	if m.Notices == nil {
		return res, nil
	}
	parked, err := m.Notices.ParkedNotices(ctx, serviceID, redeliverMaxAttempts)
	if err != nil {
		return res, err
	}
	for _, rec := range parked {
		if ctx.Err() != nil {
			break // out of time: the rest wait for the next round, still parked
		}
		if rec.State == store.NoticePending && time.Since(rec.UpdatedAt) < stalePending {
			continue // another round is sending it
		}
		res.Tried++
		problem, err := m.redeliver(ctx, rec)
		if err == nil && problem == "" {
			res.Delivered++
			continue
		}
		if problem == "" {
			problem = slackCode(err)
		}
		if problem == "" {
			problem = problemUnavailable
		}
		res.StillParked++
		if err := m.Notices.NoticeRetried(ctx, rec.Key, problem); err != nil {
			return res, err
		}
		// Still undelivered: the KE's digest says so again today.
		if m.Digest != nil {
			if err := m.Digest.EnqueueDigest(ctx, undeliveredItem(rec.Key, rec.WorkflowID, rec.CaseRef, rec.ServiceID, problem)); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// redeliver sends one parked notice: it updates the message it had where that is still the
// service's channel, or posts it there. It returns Slack's problem when it is still
// undeliverable.
func (m *Messenger) redeliver(ctx context.Context, rec store.SentNotice) (string, error) {
	var n activities.Notice
	if err := json.Unmarshal(rec.Notice, &n); err != nil {
		return "", err
	}
	n.Key, n.Replace = rec.Key, nil
	if n.ServiceID == "" && !n.ToCoordinatingUnit {
		n.ServiceID = rec.ServiceID // a redraw names no service: its original's record does
	}
	_, channel, err := m.target(ctx, n)
	if err != nil {
		return m.undeliverable(ctx, err), err
	}
	opts, err := m.content(ctx, n)
	if err != nil {
		return "", err
	}
	if rec.TS != "" && rec.Channel != channel {
		// The service has moved: its message in the old channel cannot be redrawn; a new one
		// goes to the new channel.
		if err := m.Notices.NoticeMoved(ctx, rec.Key); err != nil {
			return "", err
		}
		rec.TS, rec.Channel, rec.State = "", "", store.NoticeUnsent
	}
	_, err = m.post(ctx, n, opts, &rec)
	if err == nil && rec.TS != "" {
		err = m.Notices.NoticeSent(ctx, rec.Key, rec.Channel, rec.TS) // the update brought it up to date
	}
	if err != nil {
		return m.undeliverable(ctx, err), err
	}
	return "", nil
}
