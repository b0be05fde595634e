package app

import (
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/slacklocal"
)

const (
	rita = "U_RITA" // revisor
	adam = "U_ADAM" // administrator
)

// TestAuditorReadsButMayNotAct: the auditor sees a case they have no service in, and the
// workflow refuses their answer inside the modal; the administrator sees no case at all.
func TestAuditorReadsButMayNotAct(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	prompt := waitForButton(t, sl, chHelsestasjon, "avklaring")

	status := func(user string) string {
		t.Helper()
		reply, err := sl.SlashCommand(user, chHelsestasjon, "/samarbeid", "status "+ref)
		if err != nil {
			t.Fatal(err)
		}
		return reply.Text
	}
	var seen string
	for i := 0; i < 100 && !strings.Contains(seen, "Steg 1"); i++ { // visibility may lag a moment
		seen = status(rita)
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(seen, ref) || !strings.Contains(seen, "Steg 1") {
		t.Fatalf("the auditor does not see the case: %s", seen)
	}
	if got := status(adam); !strings.Contains(got, "Fant ingen sak") {
		t.Fatalf("the administrator saw the case: %s", got)
	}

	click(t, sl, rita, chHelsestasjon, prompt.TS, "avklaring")
	openView(t, sl, rita, "avklaring")
	reply, err := sl.SubmitView(rita, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	if err != nil {
		t.Fatal(err)
	}
	var refusal string
	for _, msg := range reply.Errors {
		refusal += msg
	}
	if reply.ResponseAction != "errors" || !strings.Contains(refusal, "revisorrollen") {
		t.Fatalf("the auditor's answer was not refused: %+v", reply)
	}
	// The case still waits for its own service.
	if got := status(kari); !strings.Contains(got, "Steg 1") {
		t.Fatalf("the case moved on: %s", got)
	}
}
