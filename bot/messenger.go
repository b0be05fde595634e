package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/time/rate"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/metrics"
	"github.com/samarbeid/samarbeid/privacy"
	"github.com/samarbeid/samarbeid/workflows"
)

// Messenger posts the workflows' notices to Slack. Channel messages carry only the case
// reference, the step, service names and buttons: never a person's name, identity number or
// health details, and never the free text of an answer.
type Messenger struct {
	Slack     *slack.Client
	Directory Directory
	Metrics   *metrics.Metrics // optional
	// PerChannel paces posts to one channel (Slack allows about one message a second per
	// channel, with short bursts); zero means no pacing (the local stand-in has no limit).
	PerChannel rate.Limit
	Burst      int
	// Language is the workspace's ("nb", "nn" or "en"; empty means bokmål): channel
	// messages are read by many, so they speak it.
	Language string
	// Digest, when set, keeps the KE's reminders and escalations for the daily digest
	// instead of posting each.
	Digest DigestStore

	mu    sync.Mutex
	paces map[string]*rate.Limiter
}

// pace waits for the channel's turn. A worker process paces its own posts; Slack's 429 with
// Retry-After (retryAfter) covers several processes posting to one channel.
func (m *Messenger) pace(ctx context.Context, channel string) error {
	if m.PerChannel == 0 {
		return nil
	}
	m.mu.Lock()
	if m.paces == nil {
		m.paces = map[string]*rate.Limiter{}
	}
	l := m.paces[channel]
	if l == nil {
		l = rate.NewLimiter(m.PerChannel, max(m.Burst, 1))
		m.paces[channel] = l
	}
	m.mu.Unlock()
	return l.Wait(ctx)
}

// Notify implements activities.Messenger.
func (m *Messenger) Notify(ctx context.Context, n activities.Notice) (activities.Posted, error) {
	if m.gathered(n) {
		err := m.enqueue(ctx, n)
		m.count(n, "digest", err)
		return activities.Posted{}, err
	}
	blocks, text := m.render(ctx, n)
	if err := guardOutbound(text, blocks); err != nil {
		return activities.Posted{}, temporal.NewNonRetryableApplicationError(err.Error(), "Personvern", nil)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}
	if n.Replace != nil {
		if err := m.pace(ctx, n.Replace.Channel); err != nil {
			return activities.Posted{}, err
		}
		_, _, _, err := m.Slack.UpdateMessageContext(ctx, n.Replace.Channel, n.Replace.TS, opts...)
		m.count(n, "chat.update", err)
		return *n.Replace, retryAfter(err)
	}
	channel, err := m.channel(ctx, n)
	if err != nil {
		return activities.Posted{}, err
	}
	if err := m.pace(ctx, channel); err != nil {
		return activities.Posted{}, err
	}
	ch, ts, err := m.Slack.PostMessageContext(ctx, channel, opts...)
	m.count(n, "chat.postMessage", err)
	return activities.Posted{Channel: ch, TS: ts}, retryAfter(err)
}

// retryAfter makes Temporal wait as long as Slack asked when it answers 429, instead of its
// own backoff; the message is retried, never dropped.
func retryAfter(err error) error {
	var limited *slack.RateLimitedError
	if !errors.As(err, &limited) {
		return err
	}
	return temporal.NewApplicationErrorWithOptions(err.Error(), "SlackRateLimited",
		temporal.ApplicationErrorOptions{NextRetryDelay: limited.RetryAfter, Cause: err})
}

// guardOutbound refuses a message that would carry a fødselsnummer into a channel. Free
// text with one is refused at the door already; this is the last check before Slack.
func guardOutbound(text string, blocks []slack.Block) error {
	raw, err := json.Marshal(blocks)
	if err != nil {
		return err
	}
	if privacy.ContainsFodselsnummer(text) || privacy.ContainsFodselsnummer(string(raw)) {
		return errors.New("meldingen ble stanset: den ser ut til å inneholde et fødselsnummer")
	}
	return nil
}

// escalations are the notices that tell the KE a deadline has passed.
var escalations = map[activities.NoticeKind]bool{
	activities.NoticeEscalation: true, workflows.NoticeCoordinatorProvisionalDue: true,
	workflows.NoticePlanRevisionEscalation: true,
}

func (m *Messenger) count(n activities.Notice, method string, err error) {
	if m.Metrics == nil {
		return
	}
	if err != nil {
		m.Metrics.SlackRetries.WithLabelValues(method).Inc()
		return
	}
	m.Metrics.Notices.WithLabelValues(string(n.Kind)).Inc()
	if escalations[n.Kind] && n.Replace == nil {
		m.Metrics.DeadlinesMissed.Inc()
	}
}

func (m *Messenger) channel(ctx context.Context, n activities.Notice) (string, error) {
	if n.ToCoordinatingUnit {
		ke, err := m.Directory.CoordinatingUnit(ctx)
		if err != nil {
			return "", fmt.Errorf("finner ikke koordinerende enhet i katalogen: %w", err)
		}
		return ke.SlackChannel, nil
	}
	svc, err := m.Directory.Service(ctx, n.ServiceID)
	if err != nil {
		return "", fmt.Errorf("finner ikke tjenesten %q i katalogen: %w", n.ServiceID, err)
	}
	return svc.SlackChannel, nil
}

func (m *Messenger) name(ctx context.Context, id string) string {
	if s, err := m.Directory.Service(ctx, id); err == nil {
		return s.Name
	}
	return id
}

// render returns the blocks and the plain-text fallback for notifications.
func (m *Messenger) render(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	if isCoordinatorCase(n.WorkflowID) {
		return m.renderCoordinator(ctx, n)
	}
	if isPlanCase(n.WorkflowID) {
		return m.renderPlan(ctx, n)
	}
	due := ""
	if !n.Deadline.IsZero() {
		due = "Frist: " + calendar.FormatDate(n.Deadline)
	}
	details := slack.NewButtonBlockElement(actionDetails, buttonValue(n.WorkflowID, ""), plain("Vis sak"))
	header := func(title string) slack.Block {
		return slack.NewHeaderBlock(plain(fmt.Sprintf("%s · %s", n.CaseRef, title)))
	}
	context := func(lines ...string) slack.Block {
		var els []slack.MixedElement
		for _, l := range lines {
			if l != "" {
				els = append(els, mrkdwn(l))
			}
		}
		return slack.NewContextBlock("", els...)
	}

	switch n.Kind {
	case activities.NoticeClarify:
		answer := slack.NewButtonBlockElement(actionClarify, buttonValue(n.WorkflowID, ""), plain("Svar på steg 1"))
		answer.Style = slack.StylePrimary
		return []slack.Block{
			header(stepTitle(n.Step)),
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("Ny sak (%s). Gir andre tjenesteytere tjenester til personen? Samarbeidsplikten krever at dere avklarer det.", n.Subject)), nil, nil),
			context(due),
			slack.NewActionBlock("svar", answer, details),
		}, fmt.Sprintf("%s: %s. %s", n.CaseRef, stepTitle(n.Step), due)

	case activities.NoticeAssess, activities.NoticeContact:
		blocks := []slack.Block{header(stepTitle(n.Step))}
		intro := "Vurder for hver tjeneste om samarbeid er nødvendig for å gi personen et helhetlig og samordnet tilbud."
		if n.Kind == activities.NoticeContact {
			intro = "Registrer samtykke (eller lovhjemmel) for hver tjeneste, og send kontaktforespørselen."
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(intro), nil, nil))
		for _, p := range n.Progress {
			if n.Kind == activities.NoticeContact && !p.Needed {
				continue
			}
			blocks = append(blocks, m.progressBlocks(ctx, n, p)...)
		}
		blocks = append(blocks, context(due), slack.NewActionBlock("sak", details))
		return blocks, fmt.Sprintf("%s: %s. %s", n.CaseRef, stepTitle(n.Step), due)

	case activities.NoticeContactRequest:
		from := m.name(ctx, n.About)
		accept := slack.NewButtonBlockElement(actionAccept, buttonValue(n.WorkflowID, n.ServiceID), plain("Godta"))
		accept.Style = slack.StylePrimary
		decline := slack.NewButtonBlockElement(actionDecline, buttonValue(n.WorkflowID, n.ServiceID), plain("Avslå"))
		decline.Style = slack.StyleDanger
		notOurs := slack.NewButtonBlockElement(actionNotOurs, buttonValue(n.WorkflowID, n.ServiceID), plain("Ikke vårt ansvar"))
		return []slack.Block{
			header("Forespørsel om samarbeid"),
			slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s* ber om samarbeid i sak %s (%s). Grunnlag for å dele opplysninger er registrert.", from, n.CaseRef, n.Subject)), nil, nil),
			context("Svar" + lower(due)),
			slack.NewActionBlock("svar", accept, decline, notOurs, details),
		}, fmt.Sprintf("%s: %s ber om samarbeid. Svar%s", n.CaseRef, from, lower(due))

	case activities.NoticeContactAnswer:
		text := fmt.Sprintf("*%s* har %s forespørselen i sak %s (<@%s>).", m.name(ctx, n.About), answerText(n.Answer), n.CaseRef, n.By)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)

	case activities.NoticeReminder:
		what := stepTitle(n.Step)
		if n.About != "" {
			what = "svar på forespørsel om samarbeid"
		}
		text := fmt.Sprintf(":alarm_clock: Påminnelse: sak %s, %s. Fristen er %s.", n.CaseRef, what, calendar.FormatDate(n.Deadline))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case activities.NoticeEscalation:
		what := stepTitle(n.Step)
		if n.About != "" {
			what = "svar på forespørsel om samarbeid"
		}
		again := ""
		if n.Escalations > 1 {
			again = fmt.Sprintf(" (varsel nr. %d)", n.Escalations)
		}
		text := fmt.Sprintf(":warning: Frist oversittet%s: sak %s, %s hos *%s*. Fristen var %s.", again, n.CaseRef, what, m.name(ctx, n.ServiceID), calendar.FormatDate(n.Deadline))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)

	case activities.NoticeClosed:
		text := fmt.Sprintf(":white_check_mark: Sak %s: samarbeidsplikten er fulgt opp: %s.", n.CaseRef, outcomeText(n.Answer))
		// The outcome may point to a coordinator: one click asks the KE, from this case.
		ask := slack.NewButtonBlockElement(actionCoordRequest, buttonValue(n.WorkflowID, ""), plain("Be om koordinator"))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", ask, details)}, text

	case workflows.NoticeCoordinationTakenOver:
		text := fmt.Sprintf(":busts_in_silhouette: Sak %s: <@%s> er %s og koordinerer nå tjenestene i saken.", n.CaseRef, n.About, n.Answer)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case activities.NoticeAnswered:
		text := fmt.Sprintf(":white_check_mark: %s · %s: besvart av <@%s>.", n.CaseRef, stepTitle(n.Step), n.By)
		if n.Step != "" && len(n.Step) > len("forespørsel:") && n.Step[:len("forespørsel:")] == "forespørsel:" {
			text = fmt.Sprintf(":white_check_mark: %s · forespørsel om samarbeid %s av <@%s>.", n.CaseRef, answerText(n.Answer), n.By)
		}
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)
	}
	text := fmt.Sprintf("Sak %s: %s", n.CaseRef, n.Kind)
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text
}

// progressBlocks draws one service's line in a step prompt with the buttons still relevant.
func (m *Messenger) progressBlocks(ctx context.Context, n activities.Notice, p activities.ServiceProgress) []slack.Block {
	name := m.name(ctx, p.ServiceID)
	value := buttonValue(n.WorkflowID, p.ServiceID)
	if n.Kind == activities.NoticeAssess {
		if p.Assessed {
			verdict := "ikke nødvendig"
			if p.Needed {
				verdict = "samarbeid nødvendig"
			}
			return []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(":white_check_mark: *%s*: vurdert (%s)", name, verdict)), nil, nil)}
		}
		btn := slack.NewButtonBlockElement(actionAssess, value, plain("Vurder"))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(":hourglass: *%s*: ikke vurdert", name)), nil, slack.NewAccessory(btn))}
	}
	var state string
	switch {
	case p.Answer != "":
		state = ":white_check_mark: forespørsel " + answerText(p.Answer)
	case p.Requested:
		state = ":outbox_tray: forespørsel sendt, venter på svar"
	case p.HasBasis:
		state = ":white_check_mark: grunnlag registrert, forespørsel ikke sendt"
	case p.BasisMissed:
		state = ":no_entry: samtykke nektet"
	default:
		state = ":hourglass: samtykke mangler"
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s*: %s", name, state)), nil, nil)}
	if !p.Requested {
		send := slack.NewButtonBlockElement(actionContact, value, plain("Send kontaktforespørsel"))
		send.Style = slack.StylePrimary
		blocks = append(blocks, slack.NewActionBlock("", slack.NewButtonBlockElement(actionConsent, value, plain("Registrer samtykke")), send))
	}
	return blocks
}

func lower(s string) string {
	if s == "" {
		return ""
	}
	return "frist: " + s[len("Frist: "):]
}

func stripMarks(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r != '*' {
			out = append(out, r)
		}
	}
	return string(out)
}
