package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
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
	return m.Digest != nil && n.ToCoordinatingUnit && n.CoordinatorServiceID == "" && n.CoordinatingUnitID == "" && n.Replace == nil && digestKinds[n.Kind]
}

// enqueue keeps the notice for the digest; its key makes an activity retry harmless.
func (m *Messenger) enqueue(ctx context.Context, n activities.Notice) error {
	key := fmt.Sprintf("%s|%s|%s|%s|%s|%d|%d", n.WorkflowID, n.Kind, n.Step, n.ServiceID, n.About, n.Deadline.Unix(), n.Escalations)
	// The unit is the service that missed the deadline; a coordinator case's notice names
	// none (its About is a person or a kind), and the digest names the KE for it.
	serviceID := n.ServiceID
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
	// Language is the workspace's ("nb", "nn" or "en"; empty means bokmål): the digest is
	// posted in the KE channel, read by many.
	Language string
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
		if guardOutbound(text, blocks) != nil {
			// Never a failed digest every morning: the KE is told one was withheld, and why.
			blocks, text = d.withheld(at)
		}
		_, _, err := d.Slack.PostMessageContext(ctx, ke.SlackChannel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		res.Posted = err == nil
		return retryAfter(err)
	})
	return res, err
}

func (d KEDigest) render(ctx context.Context, at time.Time, report overview.Report, items []store.DigestItem) ([]slack.Block, string) {
	tr := i18n.For(d.Language)
	title := tr.T("digest.title", "Day", at.In(calendar.Oslo).Format(tr.T("digest.day_layout")))
	blocks := []slack.Block{slack.NewHeaderBlock(plain(title))}
	blocks = append(blocks, overviewBlocks(tr, report)...)
	if len(items) > 0 {
		var sb strings.Builder
		sb.WriteString(tr.N("digest.since", len(items)))
		for i, it := range items {
			if i == 30 {
				sb.WriteString("\n" + tr.T("digest.more", "N", len(items)-30))
				break
			}
			fmt.Fprintf(&sb, "\n• %s: %s", it.CaseRef, digestLine(ctx, tr, d.Directory, it))
		}
		blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn(truncate(sb.String(), 2900)), nil, nil))
	}
	blocks = append(blocks, slack.NewContextBlock("", mrkdwn(tr.T("digest.footer"))))
	return blocks, tr.N("digest.text", len(items), "Title", title, "Overdue", report.Overdue, "DueSoon", report.DueSoon)
}

// digestLine says what one gathered notice told: whose deadline passed, and when.
func digestLine(ctx context.Context, tr *i18n.Translator, dir Directory, it store.DigestItem) string {
	if it.Kind == digestKindUndelivered { // a notice Slack would not take (undelivered.go)
		return undeliveredLine(ctx, tr, dir, it)
	}
	unit := it.ServiceID
	if svc, err := dir.Service(ctx, it.ServiceID); err == nil {
		unit = svc.Name
	} else if it.ServiceID == "" {
		// A coordinator case's deadlines are the KE's to follow up, whoever missed them.
		if ke, err := dir.CoordinatingUnit(ctx); err == nil {
			unit = ke.Name
		}
	}
	key, args := "digest.deadline", []any{"Step", digestStep(tr, it), "Unit", unit}
	if it.Kind == string(workflows.NoticePlanRevisionEscalation) {
		key, args = "digest.revision", []any{"Unit", unit}
	}
	var line string
	if it.Deadline.IsZero() {
		line = tr.T(key+"_undated", args...)
	} else {
		line = tr.T(key, append(args, "Date", it.Deadline)...)
	}
	if it.Escalations > 1 {
		line += tr.T("digest.again", "N", it.Escalations)
	}
	return line
}

// digestStep names the step whose deadline passed: a coordinator case's step, or a
// collaboration step's short name.
func digestStep(tr *i18n.Translator, it store.DigestItem) string {
	if isCoordinatorCase(it.WorkflowID) {
		return coordStepTitleIn(tr, it.Step)
	}
	if key := workflows.StepNameKey(workflows.Step(it.Step)); key != "" {
		return tr.T(string(key))
	}
	// a contacted service's answer ("svar"), a suggestion or an evaluation, in the reader's
	// language; a step it does not know as it came
	return stepTitleIn(tr, it.Step)
}
