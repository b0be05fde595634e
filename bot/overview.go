package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// soonWorkingDays is how far ahead "soon due" looks in the KE's overview.
const soonWorkingDays = 3

// casesPerLine bounds how many case references one unit's line names, so the overview stays
// readable (and within Slack's 3,000 characters a section) with thousands of open cases.
const casesPerLine = 8

// keOverview builds the KE's overview as of now.
func keOverview(ctx context.Context, vis overview.Lister, dir Directory, now time.Time) (overview.Report, error) {
	services, err := dir.Services(ctx)
	if err != nil {
		return overview.Report{}, err
	}
	return overview.Build(ctx, vis, services, now, calendar.AddWorkingDays(now, soonWorkingDays))
}

// KEOverview is the KE's overview as of now, with the Home tab's horizon; the web console
// lists it whole where Slack must cut it short.
func KEOverview(ctx context.Context, vis overview.Lister, dir Directory, now time.Time) (overview.Report, error) {
	return keOverview(ctx, vis, dir, now)
}

// overviewBlocks draws the report in tr's language: a summary line, then a section per
// sector with a line per unit. Channel-safe: case references, steps and service names only.
// The user's language in their Home tab and /samarbeid oversikt, the workspace's in the
// digest posted in the KE channel.
func overviewBlocks(tr *i18n.Translator, r overview.Report) []slack.Block {
	summary := tr.T("overview.summary", "Overdue", r.Overdue, "DueSoon", r.DueSoon, "Days", soonWorkingDays, "Date", r.Horizon)
	if r.Overdue == 0 && r.DueSoon == 0 {
		summary = tr.T("overview.none", "Days", soonWorkingDays)
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(summary), nil, nil)}
	for _, sector := range r.Sectors() {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(sectorText(tr, sector)), nil, nil))
		if len(blocks) >= 45 { // Slack allows 50 blocks in a message or a Home tab
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.T("overview.sectors_cut"))))
			break
		}
	}
	return blocks
}

// sectorText is a sector's heading and a line per unit, within Slack's 3,000 characters a
// section: the units that do not fit are counted ("og 40 til"), not cut mid-line.
func sectorText(tr *i18n.Translator, sector []overview.Unit) string {
	const room = 2900 // Slack's 3,000, less the closing count
	var sb strings.Builder
	fmt.Fprintf(&sb, "*%s*", sector[0].Sector)
	for i, u := range sector {
		line := fmt.Sprintf("\n• %s: %s", u.Name, unitCounts(tr, u))
		if utf8.RuneCountInString(sb.String())+utf8.RuneCountInString(line) > room {
			fmt.Fprintf(&sb, "\n• %s", tr.T("overview.more_cases", "N", len(sector)-i))
			break
		}
		sb.WriteString(line)
	}
	return sb.String()
}

func unitCounts(tr *i18n.Translator, u overview.Unit) string {
	var parts []string
	if n := len(u.Overdue); n > 0 {
		parts = append(parts, tr.N("overview.overdue", n, "Refs", caseRefs(tr, u.Overdue)))
	}
	if n := len(u.DueSoon); n > 0 {
		parts = append(parts, tr.T("overview.soon", "N", n, "Refs", caseRefs(tr, u.DueSoon)))
	}
	return strings.Join(parts, ", ")
}

func caseRefs(tr *i18n.Translator, cases []overview.Case) string {
	var refs []string
	for i, c := range cases {
		if i == casesPerLine {
			refs = append(refs, tr.T("overview.more_cases", "N", len(cases)-casesPerLine))
			break
		}
		ref := c.Ref
		if !c.Deadline.IsZero() {
			ref += " " + c.Deadline.In(calendar.Oslo).Format(tr.T("overview.day_layout"))
		}
		refs = append(refs, ref)
	}
	return strings.Join(refs, ", ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], "\n")
	if cut < 0 {
		cut = n
	}
	return s[:cut] + "\n…"
}

// seesOverview reports whether the user may see the overview of every running case: the KE
// steers by it and auditors read it. References and counts only, but of every case.
func (b *Bot) seesOverview(ctx context.Context, staff store.Staff) bool {
	ke, err := b.dir.CoordinatingUnit(ctx)
	a := workflowActor(staff)
	return a.Has(workflows.RoleAuditor) || (err == nil && a.MemberOf(ke.ID))
}

// overviewCommand answers `/samarbeid oversikt` with the overview, to the user alone.
func (b *Bot) overviewCommand(ctx context.Context, w http.ResponseWriter, userID string) {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		ephemeral(w, b.userMessageIn(b.workspaceTexts(), err))
		return
	}
	tr := b.textsFor(staff)
	if !b.seesOverview(ctx, staff) {
		ephemeral(w, tr.T("overview.not_for_you"))
		return
	}
	r, err := keOverview(ctx, b.temporal, b.dir, b.now())
	if err != nil {
		ephemeral(w, b.userMessageIn(tr, err))
		return
	}
	writeJSON(w, map[string]any{"response_type": "ephemeral", "blocks": overviewBlocks(tr, r),
		"text": tr.T("overview.fallback", "Overdue", r.Overdue, "DueSoon", r.DueSoon)})
}
