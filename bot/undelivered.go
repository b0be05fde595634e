package bot

import (
	"context"
	"strings"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
)

// The words for a notice that could not be delivered (delivery.go): what went wrong, and
// what to do about it, for the KE's alert, the administrators' direct message and the
// digest's line.

// digestKindUndelivered is the digest item of a notice that could not be delivered; its Step
// holds Slack's error code (or problemNoService, problemUnavailable).
const digestKindUndelivered = "ikke-levert"

// textsFor is the translator for a person's language, or the workspace's.
func (m *Messenger) textsFor(lang string) *i18n.Translator {
	if lang == "" {
		lang = m.Language
	}
	return i18n.For(lang)
}

// channelRef names a channel so Slack shows its name.
func channelRef(channel string) string {
	if channel == "" {
		return "–"
	}
	if strings.HasPrefix(channel, "C") || strings.HasPrefix(channel, "G") {
		return "<#" + channel + ">"
	}
	return channel
}

// problemText says what went wrong.
func problemText(tr *i18n.Translator, problem, channel string) string {
	ch := channelRef(channel)
	switch {
	case problem == "is_archived":
		return tr.T("leveranse.problem.is_archived", "Channel", ch)
	case problem == "channel_not_found" || problem == "team_access_not_granted":
		return tr.T("leveranse.problem.channel_not_found", "Channel", ch)
	case problem == "not_in_channel":
		return tr.T("leveranse.problem.not_in_channel", "Channel", ch)
	case strings.HasPrefix(problem, "restricted_action"):
		return tr.T("leveranse.problem.restricted", "Channel", ch)
	case problem == problemNoService:
		return tr.T("leveranse.problem.no_service")
	}
	return tr.T("leveranse.problem."+problemClass(problem), "Code", problem)
}

// fixText says what to do, and who.
func fixText(tr *i18n.Translator, problem, serviceID string) string {
	if problem == problemNoService {
		return tr.T("leveranse.fix.no_service", "Service", serviceID)
	}
	return tr.T("leveranse.fix."+problemClass(problem), "Service", serviceID)
}

// undeliveredLine is the digest's line for a notice that could not be delivered.
func undeliveredLine(ctx context.Context, tr *i18n.Translator, dir Directory, it store.DigestItem) string {
	unit, channel := it.ServiceID, ""
	if svc, err := dir.Service(ctx, it.ServiceID); err == nil {
		unit, channel = svc.Name, svc.SlackChannel
	}
	return tr.T("leveranse.digest_line", "Unit", unit, "Problem", problemText(tr, it.Step, channel),
		"Fix", fixText(tr, it.Step, it.ServiceID))
}
