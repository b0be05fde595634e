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
	for _, p := range n.Progress {
		if !p.Needed {
			continue
		}
		for _, b := range m.progressBlocks(ctx, tr, line, p) {
			if b.BlockType() != slack.MBTAction { // the service's buttons no longer apply
				blocks = append(blocks, b)
			}
		}
	}
	return append(blocks, slack.NewActionBlock("sak", details)), text
}
