package app

import (
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/slacklocal"
)

// SAMARBEID_LANGUAGE sets the workspace's language: bokmål by default, and nothing but
// nb, nn or en.
func TestWorkspaceLanguageFromEnv(t *testing.T) {
	t.Setenv("SAMARBEID_LANGUAGE", "")
	if cfg := FromEnv(); cfg.Language != "" && cfg.Language != "nb" {
		t.Fatalf("unset: %q", cfg.Language)
	}
	t.Setenv("SAMARBEID_LANGUAGE", "nn")
	cfg := FromEnv()
	if cfg.Language != "nn" {
		t.Fatalf("nn: %q", cfg.Language)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg.Language = "se"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "SAMARBEID_LANGUAGE") {
		t.Fatalf("%v", err)
	}
}

func slash(t *testing.T, a *App, user, text string) string {
	t.Helper()
	reply, err := a.SlackLocal.SlashCommand(user, chHelsestasjon, "/samarbeid", text)
	if err != nil {
		t.Fatal(err)
	}
	return reply.Text
}

// TestUserChoosesNynorskOrEnglish: `/samarbeid språk nn` answers in nynorsk, and from then
// on the help, the modals and a workflow validator's refusal speak nynorsk to that user;
// `språk en` does the same in English. Channel messages stay in the workspace's bokmål.
func TestUserChoosesNynorskOrEnglish(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	prompt := waitForButton(t, sl, chHelsestasjon, "avklaring")

	// Bokmål by default; an unknown language is explained, not recorded.
	if got := slash(t, a, rita, "hjelp"); !strings.Contains(got, "Svar på stegene gjør du") || !strings.Contains(got, "/samarbeid språk") {
		t.Fatalf("default help: %s", got)
	}
	if got := slash(t, a, rita, "språk tysk"); !strings.Contains(got, "Velg språk med") || !strings.Contains(got, "Nå: bokmål") {
		t.Fatalf("unknown language: %s", got)
	}

	// Rita (auditor) chooses nynorsk: the answer, the help and the refusal are nynorsk.
	if got := slash(t, a, rita, "språk nn"); !strings.Contains(got, "Språket ditt er no nynorsk") {
		t.Fatalf("språk nn: %s", got)
	}
	if got := slash(t, a, rita, "hjelp"); !strings.Contains(got, "Stega svarar du på med knappane") {
		t.Fatalf("nynorsk help: %s", got)
	}
	// Her click is refused at once, in nynorsk; the case she may read opens in nynorsk.
	click(t, sl, rita, chHelsestasjon, prompt.TS, "avklaring")
	waitForEphemeral(t, sl, rita, "Du har revisorrolla og kan lese sakene, men ikkje svare")
	click(t, sl, rita, chHelsestasjon, prompt.TS, "detaljer")
	if v := openView(t, sl, rita, "detaljer"); !strings.Contains(string(v.Blocks), "Teneste:") || v.Close != "Lukk" {
		t.Fatalf("nynorsk modal: %s / %q", v.Blocks, v.Close)
	}
	sl.CloseView(rita)

	// Kari chooses English (`sprak`, without å, works too): the help and her own refusal
	// are English, while the step prompt in the channel stays bokmål.
	if got := slash(t, a, kari, "sprak en"); !strings.Contains(got, "Your language is now English") {
		t.Fatalf("sprak en: %s", got)
	}
	if got := slash(t, a, kari, "hjelp"); !strings.Contains(got, "You answer the steps with the buttons") {
		t.Fatalf("English help: %s", got)
	}
	if got := slash(t, a, kari, "status "+ref); !strings.Contains(got, "Step 1 of 3: identify other services") {
		t.Fatalf("English status: %s", got)
	}
	click(t, sl, kari, chHelsestasjon, prompt.TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	reply, err := sl.SubmitView(kari, map[string]map[string]slacklocal.Value{
		"tjenester": {"verdi": {Selected: []string{"skole"}}}, "ingen": {"verdi": {Selected: []string{"ingen"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if reply.ResponseAction != "errors" || !containsAny(reply.Errors, "Choose either services or “No other service providers …”, not both.") {
		t.Fatalf("English refusal: %+v", reply)
	}
	if !strings.Contains(prompt.Text, "Steg 1 av 3") {
		t.Fatalf("the channel prompt is not in the workspace's bokmål: %q", prompt.Text)
	}
	// Back to the workspace's language for Ola, who chose nothing: bokmål.
	if got := slash(t, a, ola, "status "+ref); !strings.Contains(got, "Fant ingen sak") {
		t.Fatalf("Ola got English: %s", got)
	}
}

// TestUserChoosesLanguageForOverviewAndDirectory: after `språk en` the KE's overview (and
// the KE line of `/samarbeid mine`) comes in English; after `språk nn` the directory, and
// its refusals, come in nynorsk.
func TestUserChoosesLanguageForOverviewAndDirectory(t *testing.T) {
	a := startApp(t)

	if got := slash(t, a, kim, "språk en"); !strings.Contains(got, "Your language is now English") {
		t.Fatalf("språk en: %s", got)
	}
	if got := slash(t, a, kim, "oversikt"); !strings.HasPrefix(got, "Overview: 0 overdue") {
		t.Fatalf("English overview text: %s", got)
	}
	reply, err := a.SlackLocal.SlashCommand(kim, chHelsestasjon, "/samarbeid", "oversikt")
	if err != nil {
		t.Fatal(err)
	}
	if raw := string(reply.Blocks); !strings.Contains(raw, "working days") || strings.Contains(raw, "arbeidsdager") {
		t.Fatalf("English overview blocks: %s", raw)
	}
	if got := slash(t, a, kim, "mine"); !strings.Contains(got, "Coordinating unit: 0 steps have passed their deadline") {
		t.Fatalf("English /samarbeid mine: %s", got)
	}

	if got := slash(t, a, adam, "språk nn"); !strings.Contains(got, "Språket ditt er no nynorsk") {
		t.Fatalf("språk nn: %s", got)
	}
	got := slash(t, a, adam, "katalog")
	for _, want := range []string{"*Tenester*", "*Tilsette*", "*Katalogen* (for administratorar)", "Det blir registrert kven som gjorde kvar endring."} {
		if !strings.Contains(got, want) {
			t.Errorf("nynorsk directory lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "*Ansatte*") || strings.Contains(got, "Hver endring") {
		t.Errorf("the directory is still in bokmål:\n%s", got)
	}
	if got := slash(t, a, adam, "katalog rolle <@U_ADAM> ingen"); !strings.Contains(got, "Du kan ikkje fjerne di eiga administratorrolle") {
		t.Fatalf("nynorsk directory refusal: %s", got)
	}
}
