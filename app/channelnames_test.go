package app

import (
	"regexp"
	"testing"

	"github.com/samarbeid/samarbeid/store"
)

// Slack takes channel names of lower-case letters, digits, hyphens and underscores, at most 80.
var slackChannelName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,79}$`)

func TestLocalChannelNamesReadAsAMunicipalityWouldName(t *testing.T) {
	for id, name := range demoChannelNames {
		if !slackChannelName.MatchString(name) {
			t.Errorf("%s: %q is no Slack channel name", id, name)
		}
	}
	for _, c := range []struct {
		svc  store.Service
		want string
	}{
		{store.Service{ID: "ke", Name: "Koordinerende enhet"}, "koordinerende-enhet"},
		{store.Service{ID: "skole", Name: "Grunnskolen"}, "grunnskolen"},
		// A service an administrator added: its name, not its code.
		{store.Service{ID: "ls", Name: "Læringssenteret (voksenopplæring), Øst"}, "laeringssenteret"},
		{store.Service{ID: "ub", Name: "Ungdomsboliger på Åsen"}, "ungdomsboliger-pa-asen"},
		{store.Service{ID: "x1", Name: "Fysio- og ergoterapi,  team 2"}, "fysio-og-ergoterapi-team-2"},
		{store.Service{ID: "tom", Name: "(?)"}, "tom"},
	} {
		if got := localChannelName(c.svc); got != c.want || !slackChannelName.MatchString(got) {
			t.Errorf("%s: %q, want %q", c.svc.Name, got, c.want)
		}
	}
}
