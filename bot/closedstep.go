package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
)

// renderStepClosed redraws the step-3 prompt of a closed case: where each needed service
// ended up, and only «Vis sak», since registering consent, sending a request, withdrawing
// a consent or closing the case no longer applies.
func (m *Messenger) renderStepClosed(ctx context.Context, tr *i18n.Translator, n activities.Notice, header slack.Block, details *slack.ButtonBlockElement) ([]slack.Block, string) {
	text := tr.T("hverdag3.step_closed", "Ref", n.CaseRef)
	blocks := []slack.Block{header, slack.NewSectionBlock(mrkdwn(text), nil, nil)}
	line := n
	line.Kind = activities.NoticeContact
	var services [][]slack.Block
	total := 0
	for _, p := range n.Progress {
		if !p.Needed {
			continue
		}
		var drawn []slack.Block
		for _, b := range m.progressBlocks(ctx, tr, line, p) {
			if b.BlockType() != slack.MBTAction { // the service's buttons no longer apply
				drawn = append(drawn, b)
			}
		}
		services = append(services, drawn)
		total += len(drawn)
	}
	// Slack takes 50 blocks: with more services than fit, the first are drawn and one section
	// counts the rest and says where each of them is. Nothing waits any more, so the order
	// stays the case's.
	budget := maxMessageBlocks - len(blocks) - 1 // «Vis sak»
	if total > budget {
		budget-- // the section that counts the rest
	}
	shown, used := 0, 0
	for _, drawn := range services {
		if used+len(drawn) > budget {
			break
		}
		blocks = append(blocks, drawn...)
		shown, used = shown+1, used+len(drawn)
	}
	if shown < len(services) {
		more := tr.N("hverdag3.step_closed_more", len(services)-shown, "Ref", n.CaseRef)
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(more), nil, nil))
	}
	return append(blocks, slack.NewActionBlock("sak", details)), text
}
