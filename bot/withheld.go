package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
)

// A notice the outbound guard stops is not an error of the case: the case goes on, the
// channel gets a safe message in its place (the reference, that a message was withheld, and
// the original's buttons, which carry no free text, so a prompt can still be answered), and
// the KE is alerted at once to find where the number came from. What was withheld is never
// posted or logged.

// withheld is the safe message that takes a stopped notice's place.
func (m *Messenger) withheld(n activities.Notice, stopped []slack.Block) ([]slack.Block, string) {
	tr := m.texts()
	ref := safeRef(n.CaseRef)
	body := tr.T("withheld.channel", "Ref", ref)
	var actions []slack.Block
	for _, b := range stopped {
		if b.BlockType() == slack.MBTAction && guardOutbound("", []slack.Block{b}) == nil {
			actions = append(actions, b)
		}
	}
	if len(actions) > 0 {
		body += " " + tr.T("withheld.buttons")
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(tr.T("withheld.title", "Ref", ref))),
		slack.NewSectionBlock(mrkdwn(body), nil, nil),
	}
	return append(blocks, actions...), tr.T("withheld.text", "Ref", ref)
}

// alertWithheld tells the KE channel that a notice to a service was withheld. A notice to
// the KE itself needs no second message: its replacement says the same.
func (m *Messenger) alertWithheld(ctx context.Context, n activities.Notice) error {
	slog.Warn("melding holdt tilbake: den så ut til å inneholde et fødselsnummer",
		"workflow", n.WorkflowID, "kind", n.Kind, "service", n.ServiceID, "ke", n.ToCoordinatingUnit)
	if n.ToCoordinatingUnit {
		return nil
	}
	ke, err := m.Directory.CoordinatingUnit(ctx)
	if err != nil {
		return err
	}
	tr := m.texts()
	ref := safeRef(n.CaseRef)
	text := tr.T("withheld.alert", "Ref", ref, "Unit", m.name(ctx, n.ServiceID))
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(tr.T("withheld.alert_title", "Ref", ref))),
		slack.NewSectionBlock(mrkdwn(text), nil, nil),
	}
	if err := guardOutbound(text, blocks); err != nil {
		return err // a service name with a number in it: the directory refuses those
	}
	if err := m.pace(ctx, ke.SlackChannel); err != nil {
		return err
	}
	_, _, err = m.Slack.PostMessageContext(ctx, ke.SlackChannel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	m.count(activities.Notice{Kind: "withheld"}, "chat.postMessage", err)
	return retryAfter(err)
}

// safeRef is the case reference, unless it is itself what the guard stops (a reference is
// checked against its pattern at the door, so this is the last resort).
func safeRef(ref string) string {
	if guardOutbound(ref, nil) != nil {
		return "–"
	}
	return ref
}

// withheld is the digest that takes the place of one the guard stopped: the day, and that the
// day's digest was withheld; the overview stays on the KE's Home tab.
func (d KEDigest) withheld(at time.Time) ([]slack.Block, string) {
	tr := i18n.For(d.Language)
	title := tr.T("digest.title", "Day", at.In(calendar.Oslo).Format(tr.T("digest.day_layout")))
	text := tr.T("withheld.digest")
	return []slack.Block{slack.NewHeaderBlock(plain(title)), slack.NewSectionBlock(mrkdwn(text), nil, nil)}, title + ": " + text
}
