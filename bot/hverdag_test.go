package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
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

// At step 3 the next right action is the primary button: «Registrer samtykke» until a basis
// is on record for the service, then «Send kontaktforespørsel», with no consent button left.
func TestContactStepPrimaryIsNextAction(t *testing.T) {
	m := &Messenger{Directory: oneService{}}
	n := activities.Notice{Kind: activities.NoticeContact, WorkflowID: "w", CaseRef: "SAK-2026-0001", Step: "kontakt"}
	buttons := func(p activities.ServiceProgress) string {
		var out []string
		for _, b := range m.progressBlocks(context.Background(), i18n.For(i18n.Bokmal), n, p) {
			a, ok := b.(*slack.ActionBlock)
			if !ok {
				continue
			}
			for _, el := range a.Elements.ElementSet {
				btn := el.(*slack.ButtonBlockElement)
				word := btn.Text.Text
				if btn.Style == slack.StylePrimary {
					word += "*"
				}
				out = append(out, word)
			}
		}
		return strings.Join(out, " | ")
	}
	for _, tc := range []struct {
		p    activities.ServiceProgress
		want string
	}{
		{activities.ServiceProgress{ServiceID: "skole", Needed: true},
			"Registrer samtykke* | Send kontaktforespørsel"},
		{activities.ServiceProgress{ServiceID: "skole", Needed: true, HasBasis: true},
			"Send kontaktforespørsel* | Trekk samtykke"},
		{activities.ServiceProgress{ServiceID: "skole", Needed: true, BasisMissed: true, Withdrawn: true},
			"Registrer samtykke* | Send kontaktforespørsel"},
		{activities.ServiceProgress{ServiceID: "skole", Needed: true, HasBasis: true, Requested: true},
			"Trekk samtykke"},
	} {
		if got := buttons(tc.p); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.p, got, tc.want)
		}
	}
}
