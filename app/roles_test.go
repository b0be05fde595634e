package app

import (
	"strings"
	"testing"
	"time"
)

const (
	rita = "U_RITA" // revisor
	adam = "U_ADAM" // administrator
)

// TestAuditorReadsButMayNotAct: the auditor sees a case they have no service in, and is
// refused at the click and at every start; the administrator sees no case at all.
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

	// The auditor's click is refused at once, before a modal opens.
	click(t, sl, rita, chHelsestasjon, prompt.TS, "avklaring")
	waitForEphemeral(t, sl, rita, "revisorrollen")
	if v, ok := sl.OpenView(rita); ok {
		t.Fatalf("a modal opened for the auditor: %+v", v.CallbackID)
	}
	// Nor may the auditor start anything: a case, or a request for a coordinator.
	for _, cmd := range []string{"ny", "koordinator"} {
		reply, err := sl.SlashCommand(rita, chHelsestasjon, "/samarbeid", cmd)
		if err != nil || !strings.Contains(reply.Text, "revisorrollen") {
			t.Fatalf("/samarbeid %s by the auditor: %+v %v", cmd, reply, err)
		}
		if v, ok := sl.OpenView(rita); ok {
			t.Fatalf("/samarbeid %s opened a modal for the auditor: %s", cmd, v.CallbackID)
		}
	}
	// The case still waits for its own service.
	if got := status(kari); !strings.Contains(got, "Steg 1") {
		t.Fatalf("the case moved on: %s", got)
	}
}
