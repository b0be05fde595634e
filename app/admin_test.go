package app

import (
	"context"
	"strings"
	"testing"
)

// TestAdministratorKeepsTheDirectory: an administrator adds a person, gives a role and moves
// a channel from Slack, each change recorded with who made it; nobody else may, and an
// administrator cannot lock themselves out.
func TestAdministratorKeepsTheDirectory(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	run := func(user, text string) string {
		t.Helper()
		reply, err := sl.SlashCommand(user, chHelsestasjon, "/samarbeid", text)
		if err != nil {
			t.Fatal(err)
		}
		return reply.Text
	}
	expect := func(got, want string) {
		t.Helper()
		if !strings.Contains(got, want) {
			t.Fatalf("got %q, want it to contain %q", got, want)
		}
	}
	expect(run(adam, "katalog ansatt <@U_NORA|nora> skole,ppt Nora Nordmann"), "Registrert: <@U_NORA> (Nora Nordmann) arbeider i skole, ppt")
	expect(run(adam, "katalog ansatt <@U_NORA|nora> skolen Nora"), "Finner ikke tjenesten «skolen»")
	expect(run(adam, "katalog rolle <@U_NORA> revisor"), "har rollen revisor")
	expect(run(adam, "katalog rolle <@U_ADAM> ingen"), "Du kan ikke fjerne din egen administratorrolle")
	expect(run(adam, "katalog kanal ppt <#C_PPT_NY|ppt-ny>"), "<#C_PPT_NY>")
	expect(run(kari, "katalog rolle <@U_KARI> admin"), "Bare administratorer kan endre katalogen")
	expect(run(kari, "katalog"), "for administratorer og koordinerende enhet")
	expect(run(kim, "katalog"), "<@U_NORA> Nora Nordmann · ppt, skole · roller: revisor")

	ctx := context.Background()
	nora, err := a.Store.StaffBySlackUser(ctx, "U_NORA")
	if err != nil || len(nora.Roles) != 1 || nora.Roles[0] != "revisor" {
		t.Fatalf("Nora in the directory: %+v, %v", nora, err)
	}
	changes, err := a.Store.DirectoryChanges(ctx)
	if err != nil || len(changes) != 3 {
		t.Fatalf("want 3 recorded changes, got %+v, %v", changes, err)
	}
	for _, c := range changes {
		if c.ChangedBy != adam {
			t.Fatalf("change recorded without its author: %+v", c)
		}
	}
}
