package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/samarbeid/samarbeid/privacy"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// DirectoryAdmin is what `/samarbeid katalog` changes. The store has it; a directory
// without it (the bot's unit tests) simply offers no administration.
type DirectoryAdmin interface {
	StaffList(ctx context.Context) ([]store.Staff, error)
	AdminSetStaff(ctx context.Context, by string, st store.Staff) error
	AdminSetRoles(ctx context.Context, by, slackUserID string, roles []string) error
	AdminSetChannel(ctx context.Context, by, serviceID, channel string) error
}

const adminHelp = "*Katalogen* (for administratorer):\n" +
	"• `/samarbeid katalog`: tjenestene med kanal, og de ansatte med tjenester og roller\n" +
	"• `/samarbeid katalog ansatt @person tjeneste1,tjeneste2 Navn`: legg til en ansatt, eller endre tjenestene\n" +
	"• `/samarbeid katalog rolle @person revisor|admin|ingen`: gi eller fjern roller\n" +
	"• `/samarbeid katalog kanal tjeneste #kanal`: flytt en tjeneste til en annen kanal\n" +
	"Hver endring blir registrert med hvem som gjorde den."

var (
	userMention    = regexp.MustCompile(`^<@([UW][A-Z0-9_]+)(\|[^>]*)?>$|^([UW][A-Z0-9_]+)$`)
	channelMention = regexp.MustCompile(`^<#([CG][A-Z0-9_]+)(\|[^>]*)?>$|^([CG][A-Z0-9_]+)$`)
)

func mentioned(re *regexp.Regexp, s string) string {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	if m[1] != "" {
		return m[1]
	}
	return m[3]
}

// directoryCommand answers `/samarbeid katalog ...`: admins change the directory, and the KE
// and admins may read it.
func (b *Bot) directoryCommand(ctx context.Context, userID string, args []string) (string, error) {
	admin, ok := b.dir.(DirectoryAdmin)
	if !ok {
		return "", refusal{msg: "Katalogen kan ikke endres fra Slack i denne installasjonen."}
	}
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	actor := workflowActor(staff)
	isAdmin := actor.Has(workflows.RoleAdmin)
	if len(args) == 0 {
		ke, _ := b.dir.CoordinatingUnit(ctx)
		if !isAdmin && !actor.MemberOf(ke.ID) {
			return "", refusal{msg: "Katalogen er for administratorer og koordinerende enhet."}
		}
		return b.listDirectory(ctx, admin)
	}
	if !isAdmin {
		return "", refusal{msg: "Bare administratorer kan endre katalogen. Be en administrator i kommunen."}
	}
	switch args[0] {
	case "ansatt":
		if len(args) < 4 {
			return "", refusal{msg: "Skriv `/samarbeid katalog ansatt @person tjeneste1,tjeneste2 Navn`."}
		}
		person := mentioned(userMention, args[1])
		if person == "" {
			return "", refusal{msg: fmt.Sprintf("«%s» er ikke en Slack-bruker; nevn personen med @.", args[1])}
		}
		services := strings.Split(args[2], ",")
		for _, id := range services {
			if _, err := b.dir.Service(ctx, id); err != nil {
				return "", refusal{msg: fmt.Sprintf("Finner ikke tjenesten «%s». `/samarbeid katalog` viser tjenestene.", id)}
			}
		}
		name := strings.Join(args[3:], " ")
		if privacy.ContainsFodselsnummer(name) {
			return "", refusal{msg: "Navnet ser ut til å inneholde et fødselsnummer. Skriv bare navnet."}
		}
		existing, err := b.dir.StaffBySlackUser(ctx, person)
		if err != nil && err != store.ErrNotFound {
			return "", err
		}
		st := store.Staff{SlackUserID: person, Name: name, ServiceIDs: services, Roles: existing.Roles, Language: existing.Language}
		if err := admin.AdminSetStaff(ctx, userID, st); err != nil {
			return "", err
		}
		return fmt.Sprintf("Registrert: <@%s> (%s) arbeider i %s.", person, name, strings.Join(services, ", ")), nil
	case "rolle":
		if len(args) != 3 {
			return "", refusal{msg: "Skriv `/samarbeid katalog rolle @person revisor|admin|ingen`."}
		}
		person := mentioned(userMention, args[1])
		if person == "" {
			return "", refusal{msg: fmt.Sprintf("«%s» er ikke en Slack-bruker; nevn personen med @.", args[1])}
		}
		var roles []string
		if args[2] != "ingen" {
			roles = strings.Split(args[2], ",")
		}
		for _, r := range roles {
			if r != workflows.RoleAuditor && r != workflows.RoleAdmin {
				return "", refusal{msg: fmt.Sprintf("Ukjent rolle «%s». Rollene er revisor og admin (eller ingen).", r)}
			}
		}
		if person == userID && !slices.Contains(roles, workflows.RoleAdmin) {
			return "", refusal{msg: "Du kan ikke fjerne din egen administratorrolle. Be en annen administrator."}
		}
		if err := admin.AdminSetRoles(ctx, userID, person, roles); err == store.ErrNotFound {
			return "", refusal{msg: fmt.Sprintf("<@%s> er ikke i katalogen ennå; legg personen til med `katalog ansatt` først.", person)}
		} else if err != nil {
			return "", err
		}
		if len(roles) == 0 {
			return fmt.Sprintf("Registrert: <@%s> har ingen roller utover tjenestene sine.", person), nil
		}
		return fmt.Sprintf("Registrert: <@%s> har rollen %s.", person, strings.Join(roles, " og ")), nil
	case "kanal":
		if len(args) != 3 {
			return "", refusal{msg: "Skriv `/samarbeid katalog kanal tjeneste #kanal`."}
		}
		channel := mentioned(channelMention, args[2])
		if channel == "" {
			return "", refusal{msg: fmt.Sprintf("«%s» er ikke en Slack-kanal; nevn kanalen med #.", args[2])}
		}
		if err := admin.AdminSetChannel(ctx, userID, args[1], channel); err == store.ErrNotFound {
			return "", refusal{msg: fmt.Sprintf("Finner ikke tjenesten «%s». `/samarbeid katalog` viser tjenestene.", args[1])}
		} else if err != nil {
			return "", err
		}
		return fmt.Sprintf("Registrert: %s får nye meldinger i <#%s>. Husk å invitere samarbeid til kanalen.", args[1], channel), nil
	}
	return adminHelp, nil
}

func (b *Bot) listDirectory(ctx context.Context, admin DirectoryAdmin) (string, error) {
	services, err := b.dir.Services(ctx)
	if err != nil {
		return "", err
	}
	people, err := admin.StaffList(ctx)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("*Tjenester*")
	for _, s := range services {
		fmt.Fprintf(&sb, "\n• `%s` %s (%s) · <#%s>", s.ID, s.Name, s.Sector, s.SlackChannel)
	}
	sb.WriteString("\n\n*Ansatte*")
	for _, p := range people {
		fmt.Fprintf(&sb, "\n• <@%s> %s · %s", p.SlackUserID, p.Name, strings.Join(p.ServiceIDs, ", "))
		if len(p.Roles) > 0 {
			fmt.Fprintf(&sb, " · roller: %s", strings.Join(p.Roles, ", "))
		}
	}
	sb.WriteString("\n\n" + adminHelp)
	return sb.String(), nil
}
