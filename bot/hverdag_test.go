package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
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

type namedServices struct{ nobody }

func (namedServices) Service(_ context.Context, id string) (store.Service, error) {
	if id == "bup" {
		return store.Service{ID: "bup", Name: "BUP (barne- og ungdomspsykiatrisk poliklinikk)"}, nil
	}
	return store.Service{}, store.ErrNotFound
}

func (namedServices) CoordinatingUnit(context.Context) (store.Service, error) {
	return store.Service{ID: "ke", Name: "Koordinerende enhet i Bergen"}, nil
}

// A workflow refuses with service IDs; the user reads the directory's names (issue 14),
// the KE's when the unit is the municipality's own, and an unknown ID as it came.
func TestRefusalSaysServiceNames(t *testing.T) {
	b := &Bot{dir: namedServices{}}
	tr := i18n.For(i18n.Bokmal)
	refusal := func(m i18n.Message) error {
		return temporal.NewApplicationErrorWithOptions("x", workflows.RefusalType,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{"", m}})
	}
	got := b.userMessageIn(tr, refusal(i18n.Msg("refusal.contact_no_basis", "Service", "bup")))
	if !strings.Contains(got, "kontakte BUP (barne- og ungdomspsykiatrisk poliklinikk):") || strings.Contains(got, " bup") {
		t.Fatalf("%q", got)
	}
	got = b.userMessageIn(tr, refusal(i18n.Msg("refusal.ke_only", "Unit", "", "Ref", "SAK-2026-0001")))
	if !strings.Contains(got, "Bare ansatte i Koordinerende enhet i Bergen kan") {
		t.Fatalf("%q", got)
	}
	got = b.userMessageIn(tr, refusal(i18n.Msg("refusal.contact_no_basis", "Service", "ukjent-id")))
	if !strings.Contains(got, "kontakte ukjent-id:") {
		t.Fatalf("%q", got)
	}
}

// The digest names a contacted service's answer in the reader's language, not «svar».
func TestDigestStepAnswerInEnglish(t *testing.T) {
	got := digestStep(i18n.For(i18n.English), store.DigestItem{WorkflowID: "samarbeid/SAK-2026-0001", Step: "svar"})
	if got != "answer to a request for collaboration" {
		t.Fatalf("%q", got)
	}
}

// The details modals name the services, not their IDs (issue 14), without changing the
// status the bot was given.
func TestDetailsViewsSayServiceNames(t *testing.T) {
	b := &Bot{dir: namedServices{}}
	tr := i18n.For(i18n.Bokmal)
	plan := workflows.PlanStatus{CaseRef: "SAK-2026-0001", CoordinatorSlackUserID: "U1", CoordinatorServiceID: "bup", Step: workflows.PlanStepActive}
	raw, _ := json.Marshal(planDetailsView(tr, b.planStatusNamed(context.Background(), plan)))
	if !strings.Contains(string(raw), "(BUP (barne- og ungdomspsykiatrisk poliklinikk))") || !strings.Contains(string(raw), "individuell plan, aktiv") {
		t.Fatalf("%s", raw)
	}
	coord := &workflows.NamedCoordinator{SlackUserID: "U2", ServiceID: "bup"}
	st := workflows.CoordinatorStatus{CaseRef: "SAK-2026-0001", Kind: "barn", Coordinator: coord, Responsibility: "bup"}
	raw, _ = json.Marshal(coordDetailsView(tr, b.coordStatusNamed(context.Background(), st)))
	if strings.Contains(string(raw), "(bup)") || strings.Count(string(raw), "BUP (barne-") != 2 {
		t.Fatalf("%s", raw)
	}
	if coord.ServiceID != "bup" {
		t.Fatal("the status given was changed")
	}
}
