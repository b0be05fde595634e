package bot

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// A refusal naming two fields marks both inputs of the modal in one answer (issue 14); one
// naming a field the modal lacks falls back to its first input.
func TestErrorBlocksMarksEveryField(t *testing.T) {
	var cb slack.InteractionCallback
	for _, id := range []string{"grunnlag", "hjemmel", "opplysninger", "begrunnelse"} {
		cb.View.Blocks.BlockSet = append(cb.View.Blocks.BlockSet,
			slack.NewInputBlock(id, slack.NewTextBlockObject(slack.PlainTextType, id, false, false), nil, nil))
	}
	refusal := func(details ...any) error {
		return temporal.NewApplicationErrorWithOptions("x", workflows.RefusalType,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: details})
	}
	m := i18n.Msg("refusal.fodselsnummer")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{refusal("begrunnelse", m, []string{"begrunnelse", "hjemmel"}), "hjemmel,begrunnelse"},
		{refusal("opplysninger", m), "opplysninger"},
		{refusal("finnes_ikke", m), "grunnlag"},
	} {
		if got := strings.Join(errorBlocks(cb, tc.err), ","); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.err, got, tc.want)
		}
	}
}
