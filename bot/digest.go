package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// DigestStore keeps the KE's reminders and escalations until the daily digest takes them.
type DigestStore interface {
	EnqueueDigest(ctx context.Context, it store.DigestItem) error
	SendDigest(ctx context.Context, post func([]store.DigestItem) error) (int, error)
}

// digestKinds are the notices to the KE that wait for the daily digest. They tell, and ask
// for no click; a prompt the KE must answer (a request to assess, a provisional answer that
// is due under forvaltningsloven § 11 a) still comes at once.
var digestKinds = map[activities.NoticeKind]bool{
	activities.NoticeEscalation:            true,
	workflows.NoticePlanRevisionEscalation: true,
}

// gathered reports whether the notice waits for the digest instead of being posted.
func (m *Messenger) gathered(n activities.Notice) bool {
	return m.Digest != nil && n.ToCoordinatingUnit && n.Replace == nil && digestKinds[n.Kind]
}

// enqueue keeps the notice for the digest; its key makes an activity retry harmless.
func (m *Messenger) enqueue(ctx context.Context, n activities.Notice) error {
	key := fmt.Sprintf("%s|%s|%s|%s|%s|%d|%d", n.WorkflowID, n.Kind, n.Step, n.ServiceID, n.About, n.Deadline.Unix(), n.Escalations)
	serviceID := n.ServiceID
	if serviceID == "" {
		serviceID = n.About
	}
	return m.Digest.EnqueueDigest(ctx, store.DigestItem{Key: key, WorkflowID: n.WorkflowID, CaseRef: n.CaseRef,
		Kind: string(n.Kind), ServiceID: serviceID, Step: n.Step, Deadline: n.Deadline, Escalations: n.Escalations})
}

// KEDigest is the daily digest's activity: the overview and what was gathered since the
// last digest, in one message to the KE channel.
type KEDigest struct {
	Slack      *slack.Client
	Directory  Directory
	Store      DigestStore
	Visibility overview.Lister
}

// Send posts the digest as of at. Nothing is posted on a day with nothing to tell.
func (d KEDigest) Send(ctx context.Context, at time.Time) (activities.DigestResult, error) {
	ke, err := d.Directory.CoordinatingUnit(ctx)
	if err != nil {
		return activities.DigestResult{}, fmt.Errorf("finner ikke koordinerende enhet i katalogen: %w", err)
	}
	report, err := keOverview(ctx, d.Visibility, d.Directory, at)
	if err != nil {
		return activities.DigestResult{}, err
	}
	res := activities.DigestResult{Overdue: report.Overdue, DueSoon: report.DueSoon}
	res.Items, err = d.Store.SendDigest(ctx, func(items []store.DigestItem) error {
		if len(items) == 0 && report.Overdue == 0 && report.DueSoon == 0 {
			return nil
		}
		blocks, text := d.render(ctx, at, report, items)
		if err := guardOutbound(text, blocks); err != nil {
			return temporal.NewNonRetryableApplicationError(err.Error(), "Personvern", nil)
		}
		_, _, err := d.Slack.PostMessageContext(ctx, ke.SlackChannel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		res.Posted = err == nil
		return retryAfter(err)
	})
	return res, err
}

func (d KEDigest) render(ctx context.Context, at time.Time, report overview.Report, items []store.DigestItem) ([]slack.Block, string) {
	day := at.In(calendar.Oslo).Format("02.01.2006")
	title := "Dagsoversikt for koordinerende enhet · " + day
	blocks := []slack.Block{slack.NewHeaderBlock(plain(title))}
	blocks = append(blocks, overviewBlocks(report)...)
	if len(items) > 0 {
		var sb strings.Builder
		fmt.Fprintf(&sb, "*Siden forrige oversikt* (%d varsler):", len(items))
		for i, it := range items {
			if i == 30 {
				fmt.Fprintf(&sb, "\n… og %d til", len(items)-30)
				break
			}
			fmt.Fprintf(&sb, "\n• %s: %s", it.CaseRef, digestLine(ctx, d.Directory, it))
		}
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(truncate(sb.String(), 2900)), nil, nil))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Påminnelser og eskaleringer samles her én gang hver arbeidsdag. `/samarbeid status <sak>` viser en sak, `/samarbeid oversikt` oversikten nå.")))
	return blocks, fmt.Sprintf("%s: %d forfalt, %d snart, %d nye varsler", title, report.Overdue, report.DueSoon, len(items))
}

func digestLine(ctx context.Context, dir Directory, it store.DigestItem) string {
	unit := it.ServiceID
	if svc, err := dir.Service(ctx, it.ServiceID); err == nil {
		unit = svc.Name
	}
	what := "frist for " + it.Step
	if it.Kind == string(workflows.NoticePlanRevisionEscalation) {
		what = "revisjon av individuell plan"
	}
	line := fmt.Sprintf("%s hos %s gikk ut", what, unit)
	if !it.Deadline.IsZero() {
		line += " " + calendar.FormatDate(it.Deadline)
	}
	if it.Escalations > 1 {
		line += fmt.Sprintf(" (varsel nr. %d)", it.Escalations)
	}
	return line
}
