package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/samarbeid/samarbeid/i18n"
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

var (
	userMention    = regexp.MustCompile(`^<@([UW][A-Z0-9_]+)(\|[^>]*)?>$|^([UW][A-Z0-9_]+)$`)
	channelMention = regexp.MustCompile(`^<#([CG][A-Z0-9_]+)(\|[^>]*)?>$|^([CG][A-Z0-9_]+)$`)
)

// mentionedUser is the Slack user ID in an @mention (or a bare ID), or a refusal.
func mentionedUser(arg string) (string, error) {
	if id := mentioned(userMention, arg); id != "" {
		return id, nil
	}
	return "", refuse("", "directory.not_user", "Arg", arg)
}

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

// directoryCommand answers `/samarbeid katalog ...` in the user's language: admins change the
// directory, and the KE and admins may read it. Refusals are said by the caller.
func (b *Bot) directoryCommand(ctx context.Context, userID string, args []string) (string, error) {
	admin, ok := b.dir.(DirectoryAdmin)
	if !ok {
		return "", refuse("", "directory.not_here")
	}
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	tr := b.textsFor(staff)
	actor := workflowActor(staff)
	isAdmin := actor.Has(workflows.RoleAdmin)
	if len(args) == 0 || args[0] == "side" {
		ke, _ := b.dir.CoordinatingUnit(ctx)
		if !isAdmin && !actor.MemberOf(ke.ID) {
			return "", refuse("", "directory.readers")
		}
		return b.listDirectory(ctx, tr, admin, pageArg(args))
	}
	if !isAdmin {
		return "", refuse("", "directory.admins_only")
	}
	switch args[0] {
	case "ansatt":
		if len(args) < 4 {
			return "", refuse("", "directory.staff_usage")
		}
		person, err := mentionedUser(args[1])
		if err != nil {
			return "", err
		}
		services := strings.Split(args[2], ",")
		for _, id := range services {
			if _, err := b.dir.Service(ctx, id); err != nil {
				return "", refuse("", "directory.no_service", "Service", id)
			}
		}
		name := strings.Join(args[3:], " ")
		if privacy.ContainsFodselsnummer(name) {
			return "", refuse("", "directory.fodselsnummer")
		}
		existing, err := b.dir.StaffBySlackUser(ctx, person)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
		st := store.Staff{SlackUserID: person, Name: name, ServiceIDs: services, Roles: existing.Roles, Language: existing.Language}
		if err := admin.AdminSetStaff(ctx, userID, st); err != nil {
			return "", err
		}
		return tr.T("directory.staff_set", "User", person, "Name", name, "Services", strings.Join(services, ", ")), nil
	case "rolle":
		if len(args) != 3 {
			return "", refuse("", "directory.role_usage")
		}
		person, err := mentionedUser(args[1])
		if err != nil {
			return "", err
		}
		var roles []string
		if args[2] != "ingen" {
			roles = strings.Split(args[2], ",")
		}
		for _, r := range roles {
			if r != workflows.RoleAuditor && r != workflows.RoleAdmin {
				return "", refuse("", "directory.unknown_role", "Role", r)
			}
		}
		if person == userID && !slices.Contains(roles, workflows.RoleAdmin) {
			return "", refuse("", "directory.own_admin")
		}
		if err := admin.AdminSetRoles(ctx, userID, person, roles); errors.Is(err, store.ErrNotFound) {
			return "", refuse("", "directory.not_listed", "User", person)
		} else if err != nil {
			return "", err
		}
		if len(roles) == 0 {
			return tr.T("directory.no_roles", "User", person), nil
		}
		return tr.N("directory.roles", len(roles), "User", person, "Roles", strings.Join(roles, tr.T("directory.and"))), nil
	case "kanal":
		if len(args) != 3 {
			return "", refuse("", "directory.channel_usage")
		}
		channel := mentioned(channelMention, args[2])
		if channel == "" {
			return "", refuse("", "directory.not_channel", "Arg", args[2])
		}
		if err := admin.AdminSetChannel(ctx, userID, args[1], channel); errors.Is(err, store.ErrNotFound) {
			return "", refuse("", "directory.no_service", "Service", args[1])
		} else if err != nil {
			return "", err
		}
		// Notices the old channel would not take go to the new one (bot/delivery.go).
		_ = b.startRedelivery(ctx, args[1])
		return tr.T("directory.channel_set", "Service", args[1], "Channel", channel), nil
	case "send-igjen": // notices Slack would not take, once their cause is fixed (bot/delivery.go)
		if len(args) > 2 {
			return "", refuse("", "directory.help")
		}
		if len(args) == 1 {
			if err := b.startRedelivery(ctx, ""); err != nil {
				return "", err
			}
			return tr.T("leveranse.resend_all"), nil
		}
		if _, err := b.dir.Service(ctx, args[1]); err != nil {
			return "", refuse("", "directory.no_service", "Service", args[1])
		}
		if err := b.startRedelivery(ctx, args[1]); err != nil {
			return "", err
		}
		return tr.T("leveranse.resend_started", "Service", args[1]), nil
	}
	return tr.T("directory.help"), nil
}

func (b *Bot) listDirectory(ctx context.Context, tr *i18n.Translator, admin DirectoryAdmin, page int) (string, error) {
	services, err := b.dir.Services(ctx)
	if err != nil {
		return "", err
	}
	people, err := admin.StaffList(ctx)
	if err != nil {
		return "", err
	}
	// One line a service and a person, in pages: hundreds of each would pass Slack's 40,000
	// characters in one message.
	lines := []string{tr.T("directory.services")}
	for _, s := range services {
		lines = append(lines, fmt.Sprintf("• `%s` %s (%s) · <#%s>", s.ID, s.Name, s.Sector, s.SlackChannel))
	}
	lines = append(lines, "", tr.T("directory.staff"))
	for _, p := range people {
		line := fmt.Sprintf("• <@%s> %s · %s", p.SlackUserID, p.Name, strings.Join(p.ServiceIDs, ", "))
		if len(p.Roles) > 0 {
			line += tr.T("directory.staff_roles", "Roles", strings.Join(p.Roles, ", "))
		}
		lines = append(lines, line)
	}
	shown, at, pages := onePage(lines, page, directoryPageSize)
	text := strings.Join(shown, "\n")
	if footer := pageFooter(tr, "/samarbeid katalog", at, pages, len(services)+len(people)); footer != "" {
		text += "\n\n" + footer
	}
	return text + "\n\n" + tr.T("directory.help"), nil
}

// directoryPageSize is how many lines one page of `/samarbeid katalog` shows.
const directoryPageSize = 50
