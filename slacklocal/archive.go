package slacklocal

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
)

// Archived channels and message metadata, as Slack has them: an archived channel can be
// read (conversations.info says is_archived, conversations.history lists its messages), but
// chat.postMessage, chat.update and chat.postEphemeral answer is_archived. A message may
// carry metadata (an event_type and an event_payload object); conversations.history returns
// it only when asked with include_all_metadata.

// archiveMethods are the Web API methods of this file.
func (s *Server) archiveMethods() map[string]func(apiArgs) map[string]any {
	return map[string]func(apiArgs) map[string]any{
		"conversations.history":   s.conversationsHistory,
		"conversations.archive":   s.conversationsArchive,
		"conversations.unarchive": s.conversationsUnarchive,
	}
}

// ArchiveChannel archives a channel, as a person does in Slack; false when there is none.
func (s *Server) ArchiveChannel(id string) bool { return s.setArchived(id, true) }

// UnarchiveChannel brings an archived channel back, as a person does in Slack.
func (s *Server) UnarchiveChannel(id string) bool { return s.setArchived(id, false) }

func (s *Server) setArchived(id string, archived bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channelByID(id)
	if c == nil || c.im {
		return false
	}
	c.archived = archived
	return true
}

// isArchived reports whether the channel is archived; callers hold mu.
func (s *Server) isArchived(channelID string) bool {
	c := s.channelByID(channelID)
	return c != nil && c.archived
}

func (s *Server) conversationsArchive(a apiArgs) map[string]any {
	c := s.channelByID(a.str("channel"))
	switch {
	case c == nil:
		return apiError("channel_not_found")
	case c.im:
		return apiError("method_not_supported_for_channel_type")
	case c.archived:
		return apiError("already_archived")
	}
	c.archived = true
	return map[string]any{"ok": true}
}

func (s *Server) conversationsUnarchive(a apiArgs) map[string]any {
	c := s.channelByID(a.str("channel"))
	switch {
	case c == nil:
		return apiError("channel_not_found")
	case c.im:
		return apiError("method_not_supported_for_channel_type")
	case !c.archived:
		return apiError("not_archived")
	}
	c.archived = false
	return map[string]any{"ok": true}
}

// messageMetadata reads chat.postMessage's and chat.update's metadata argument: a JSON
// object with a string event_type and an object event_payload, or Slack's error.
func messageMetadata(a apiArgs) (json.RawMessage, map[string]any) {
	raw := a.raw("metadata")
	if len(raw) == 0 {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, apiError("invalid_metadata_format")
	}
	var eventType string
	var payload map[string]any
	if json.Unmarshal(m["event_type"], &eventType) != nil || strings.TrimSpace(eventType) == "" ||
		json.Unmarshal(m["event_payload"], &payload) != nil || payload == nil {
		return nil, apiError("invalid_metadata_schema")
	}
	out, _ := json.Marshal(map[string]any{"event_type": eventType, "event_payload": payload})
	return out, nil
}

// historyLimit is Slack's: 100 messages a page unless asked, at most 999.
const historyDefaultLimit, historyMaxLimit = 100, 999

// conversationsHistory lists a channel's messages newest first, within oldest and latest
// (exclusive unless inclusive), a page at a time with a cursor, as Slack does. Replies in
// threads and ephemeral messages are not in a channel's history.
func (s *Server) conversationsHistory(a apiArgs) map[string]any {
	c := s.channelByID(a.str("channel"))
	if c == nil {
		return apiError("channel_not_found")
	}
	for _, name := range []string{"oldest", "latest"} {
		if v := a.str(name); v != "" {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return apiError("invalid_ts_" + name)
			}
		}
	}
	limit := historyDefaultLimit
	if v := a.str("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return apiError("invalid_limit")
		}
		if n > 0 {
			limit = min(n, historyMaxLimit)
		}
	}
	oldest, latest, inclusive := normTS(a.str("oldest")), normTS(a.str("latest")), a.bool("inclusive")
	if cur := a.str("cursor"); cur != "" {
		b, err := base64.StdEncoding.DecodeString(cur)
		if err != nil || !strings.HasPrefix(string(b), "next_ts:") {
			return apiError("invalid_cursor")
		}
		latest, inclusive = strings.TrimPrefix(string(b), "next_ts:"), false
	}
	within := func(ts string) bool {
		if oldest != "" && (tsLess(ts, oldest) || (!inclusive && ts == oldest)) {
			return false
		}
		if latest != "" && (tsLess(latest, ts) || (!inclusive && ts == latest)) {
			return false
		}
		return true
	}
	all := s.messages[c.ID]
	var page []any
	hasMore, next := false, ""
	for i := len(all) - 1; i >= 0; i-- { // newest first
		m := all[i]
		if (m.ThreadTS != "" && m.ThreadTS != m.TS) || !within(m.TS) {
			continue
		}
		if len(page) == limit {
			hasMore = true
			break
		}
		w := s.wireMessage(m)
		if a.bool("include_all_metadata") && len(m.Metadata) > 0 {
			w["metadata"] = m.Metadata
		}
		page = append(page, w)
		next = m.TS
	}
	if page == nil {
		page = []any{}
	}
	out := map[string]any{"ok": true, "messages": page, "has_more": hasMore, "pin_count": 0}
	if hasMore {
		out["response_metadata"] = map[string]any{"next_cursor": base64.StdEncoding.EncodeToString([]byte("next_ts:" + next))}
	}
	return out
}

// normTS writes a timestamp argument as Slack's ts strings are ("1700000000.000100"), so it
// compares with them; "" stays "".
func normTS(v string) string {
	if v == "" {
		return ""
	}
	sec, frac, _ := strings.Cut(v, ".")
	frac = (frac + "000000")[:6]
	return sec + "." + frac
}
