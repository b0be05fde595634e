package app

// A case that involves many services, through the local Slack, which refuses a message of
// more than 50 blocks as Slack does. Run with:
// go test -count=1 -run TestStepPromptsWithManyServices ./app -v

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// TestStepPromptsWithManyServices involves 60 services in one case. Step 2's prompt (a block
// a service) and step 3's (two blocks a service) are posted and redrawn as Slack takes them:
// the waiting services first, the rest counted. Kari assesses all 60 by always clicking the
// first «Vurder» in the prompt, which shows that a service left out moves in as those above
// are done.
func TestStepPromptsWithManyServices(t *testing.T) {
	const services = 60
	a := startApp(t)
	sl := a.SlackLocal
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var ids []string
	for i := range services {
		svc := store.Service{ID: fmt.Sprintf("mange-%02d", i), Name: fmt.Sprintf("Tjeneste nummer %d", i),
			Sector: "Oppvekst", Law: "opplæringslova", Section: "§ 10-1", SlackChannel: chSkole}
		if err := a.Store.UpsertService(ctx, svc); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, svc.ID)
	}

	if _, err := sl.SlashCommand(kari, chHelsestasjon, "/samarbeid", "ny"); err != nil {
		t.Fatal(err)
	}
	ref := initialValue(t, openView(t, sl, kari, "ny_sak"), "saksreferanse")
	submit(t, sl, kari, values{"saksreferanse": {"verdi": {Value: ref}}, "målgruppe": {"verdi": {Value: "barn"}},
		"tjeneste": {"verdi": {Value: "helsestasjon"}}})
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	step1 := waitForButton(t, sl, chHelsestasjon, "avklaring")
	click(t, sl, kari, chHelsestasjon, step1.TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, values{"tjenester": {"verdi": {Selected: ids}}})

	step2 := waitForButton(t, sl, chHelsestasjon, "vurder")
	shown := buttonsNamed(step2, "vurder")
	if len(shown) == 0 || len(shown) >= services || !messageSays(step2, "tjenester til") {
		t.Fatalf("step 2 with %d services shows %d «Vurder» and no count of the rest: %s", services, len(shown), messageJSON(step2))
	}
	firstShown := len(shown)

	// Assess every service from the prompt alone, the first waiting one each time.
	assessed := map[string]bool{}
	for len(assessed) < services {
		prompt := currentMessage(t, sl, chHelsestasjon, step2.TS)
		waiting := buttonsNamed(prompt, "vurder")
		if len(waiting) == 0 {
			t.Fatalf("%d of %d services assessed and the prompt offers none of the rest: %s", len(assessed), services, messageJSON(prompt))
		}
		value := waiting[0]
		if assessed[value] {
			t.Fatalf("the prompt offers %s again after it was assessed", value)
		}
		clickValue(t, sl, kari, chHelsestasjon, prompt.TS, "vurder", value)
		openView(t, sl, kari, "vurdering")
		submit(t, sl, kari, values{"behov": {"verdi": {Value: "ja"}}, "tema": {"verdi": {Value: secretAbout}},
			"begrunnelse": {"verdi": {Value: "behov for felles plan"}}})
		assessed[value] = true
		if len(assessed) == services {
			break
		}
		// The prompt is redrawn without the button just used.
		waitUntil(t, 20*time.Second, "step 2's prompt redrawn after "+value, func() bool {
			for _, v := range buttonsNamed(currentMessage(t, sl, chHelsestasjon, step2.TS), "vurder") {
				if v == value {
					return false
				}
			}
			return true
		})
	}
	for _, id := range ids {
		if !assessed[wfID+"|"+id] {
			t.Errorf("%s was never offered in step 2's prompt", id)
		}
	}

	// Step 3: two blocks a service, so fewer fit; every one is still counted.
	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	consent := buttonsNamed(step3, "samtykke")
	if len(consent) == 0 || len(consent) >= services || !messageSays(step3, "tjenester til") {
		t.Fatalf("step 3 with %d services shows %d «Registrer samtykke» and no count of the rest: %s", services, len(consent), messageJSON(step3))
	}
	var blocks []json.RawMessage
	if err := json.Unmarshal(step3.Blocks, &blocks); err != nil || len(blocks) > 50 {
		t.Fatalf("step 3's prompt has %d blocks: %v", len(blocks), err)
	}
	noChannelHas(t, sl, secretAbout, "behov for felles plan")
	t.Logf("%d tjenester: steg 2 viste %d av dem først, steg 3 viser %d (%d blokker)", services, firstShown, len(consent), len(blocks))
}

// buttonsNamed lists the values of a message's buttons with the action ID, in order.
func buttonsNamed(m slacklocal.Message, actionID string) []string {
	var out []string
	for _, b := range m.Buttons() {
		if b.ActionID == actionID {
			out = append(out, b.Value)
		}
	}
	return out
}

// currentMessage is the message as it stands now, after any redraws.
func currentMessage(t *testing.T, sl *slacklocal.Server, channel, ts string) slacklocal.Message {
	t.Helper()
	for _, m := range sl.Messages(channel) {
		if m.TS == ts {
			return m
		}
	}
	t.Fatalf("no message %s in %s", ts, channel)
	return slacklocal.Message{}
}

func messageJSON(m slacklocal.Message) string { return string(m.Blocks) }

func messageSays(m slacklocal.Message, text string) bool {
	return strings.Contains(messageJSON(m), text)
}
