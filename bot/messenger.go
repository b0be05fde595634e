package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/slack-go/slack"
	"go.temporal.io/sdk/temporal"
	"golang.org/x/time/rate"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/i18n"
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
	// Notices, when set, remembers each notice's Slack message by its key (posted once) and
	// keeps the notices Slack will not take until they can be sent again (delivery.go).
	Notices NoticeStore

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

// Notify implements activities.Messenger. A notice is posted once (delivery.go): its Slack
// message is remembered by its key, so a retried activity updates the message an earlier
// attempt posted. A notice Slack refuses for good, or that Slack's outage kept out for longer
// than slackOutageBound, is parked instead of failing: the case goes on, and the KE (and an
// administrator, for a channel) is told what to fix.
func (m *Messenger) Notify(ctx context.Context, n activities.Notice) (activities.Posted, error) {
	if m.gathered(n) {
		err := m.enqueue(ctx, n)
		m.count(n, "digest", err)
		return activities.Posted{}, err
	}
	opts, err := m.content(ctx, n)
	if err != nil {
		return activities.Posted{}, err
	}
	var posted activities.Posted
	if n.Replace != nil {
		posted, err = m.redraw(ctx, n, opts)
	} else {
		posted, err = m.post(ctx, n, opts, nil)
	}
	if err == nil {
		return posted, nil
	}
	if problem := m.undeliverable(ctx, err); problem != "" {
		return m.park(ctx, n, problem, err)
	}
	return activities.Posted{}, retryAfter(err)
}

// content renders the notice into Slack's message options, with the safe message in its
// place when the outbound guard stops it.
func (m *Messenger) content(ctx context.Context, n activities.Notice) ([]slack.MsgOption, error) {
	blocks, text := m.render(ctx, n)
	if guardOutbound(text, blocks) != nil {
		// Never fail the case for it: a safe message goes in its place, and the KE is told.
		if err := m.alertWithheld(ctx, n); err != nil {
			return nil, err
		}
		blocks, text = m.withheld(n, blocks)
	}
	return []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}, nil
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
	_, ch, err := m.target(ctx, n)
	return ch, err
}

// target is the service whose channel receives the notice, and that channel.
func (m *Messenger) target(ctx context.Context, n activities.Notice) (string, string, error) {
	if n.ToCoordinatingUnit && n.CoordinatorServiceID != "" {
		n.ServiceID, n.ToCoordinatingUnit = n.CoordinatorServiceID, false // a coordinator took the case over
	}
	if n.ToCoordinatingUnit && n.CoordinatingUnitID != "" {
		n.ServiceID, n.ToCoordinatingUnit = n.CoordinatingUnitID, false // another organisation's unit
	}
	if n.ToCoordinatingUnit {
		ke, err := m.Directory.CoordinatingUnit(ctx)
		if err != nil {
			return "", "", fmt.Errorf("finner ikke koordinerende enhet i katalogen: %w", err)
		}
		return ke.ID, ke.SlackChannel, nil
	}
	svc, err := m.Directory.Service(ctx, n.ServiceID)
	if err != nil {
		return n.ServiceID, "", fmt.Errorf("finner ikke tjenesten %q i katalogen: %w", n.ServiceID, err)
	}
	return svc.ID, svc.SlackChannel, nil
}

func (m *Messenger) name(ctx context.Context, id string) string {
	if s, err := m.Directory.Service(ctx, id); err == nil {
		return s.Name
	}
	return id
}

// render returns the blocks and the plain-text fallback for notifications, in the
// workspace's language (a channel message is read by many).
func (m *Messenger) render(ctx context.Context, n activities.Notice) ([]slack.Block, string) {
	if isCoordinatorCase(n.WorkflowID) {
		return m.renderCoordinator(ctx, n)
	}
	if isPlanCase(n.WorkflowID) {
		return m.renderPlan(ctx, n)
	}
	if workflows.IsEvaluation(n.WorkflowID) {
		return m.renderEvaluation(ctx, n)
	}
	tr := m.texts()
	due := ""
	if !n.Deadline.IsZero() {
		due = tr.T("notice.deadline", "Date", n.Deadline)
	}
	details := slack.NewButtonBlockElement(actionDetails, buttonValue(n.WorkflowID, ""), plain(tr.T("notice.show_case")))
	header := func(title string) slack.Block {
		return slack.NewHeaderBlock(plain(tr.T("notice.header", "Ref", n.CaseRef, "Title", title)))
	}
	context := func(lines ...string) []slack.Block {
		var els []slack.MixedElement
		for _, l := range lines {
			if l != "" {
				els = append(els, mrkdwn(l))
			}
		}
		if len(els) == 0 { // Slack refuses a context block without elements
			return nil
		}
		return []slack.Block{slack.NewContextBlock("", els...)}
	}
	summary := tr.T("notice.summary", "Ref", n.CaseRef, "Step", stepTitleIn(tr, n.Step), "Deadline", due)
	// what a reminder or an escalation is about: the step, a contacted service's answer
	// ("svar"), or a suggested service waiting for the initiator ("forslag")
	what := stepTitleIn(tr, n.Step)
	closeCase := slack.NewButtonBlockElement(actionCloseCase, buttonValue(n.WorkflowID, ""), plain(tr.T("samtykke.close_button")))

	switch n.Kind {
	case activities.NoticeClarify:
		answer := slack.NewButtonBlockElement(actionClarify, buttonValue(n.WorkflowID, ""), plain(tr.T("notice.clarify_button")))
		answer.Style = slack.StylePrimary
		blocks := []slack.Block{
			header(stepTitleIn(tr, n.Step)),
			slack.NewSectionBlock(mrkdwn(tr.T("notice.clarify", "Subject", subjectText(tr, n.Subject))), nil, nil),
		}
		blocks = append(blocks, context(due)...)
		return append(blocks, slack.NewActionBlock("svar", answer, details, closeCase)), summary

	case workflows.NoticeStepClosed:
		return m.renderStepClosed(ctx, tr, n, header(stepTitleIn(tr, n.Step)), details)

	case activities.NoticeAssess, activities.NoticeContact:
		blocks := []slack.Block{header(stepTitleIn(tr, n.Step))}
		intro := tr.T("notice.assess_intro")
		if n.Kind == activities.NoticeContact {
			intro = tr.T("notice.contact_intro")
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(intro), nil, nil))
		tail := append(context(due), slack.NewActionBlock("sak", details, closeCase))
		blocks = append(blocks, m.servicesWithin(ctx, tr, n, maxMessageBlocks-len(blocks)-len(tail))...)
		return append(blocks, tail...), summary

	case activities.NoticeContactRequest:
		from := m.name(ctx, n.About)
		accept := slack.NewButtonBlockElement(actionAccept, buttonValue(n.WorkflowID, n.ServiceID), plain(tr.T("notice.accept")))
		accept.Style = slack.StylePrimary
		decline := slack.NewButtonBlockElement(actionDecline, buttonValue(n.WorkflowID, n.ServiceID), plain(tr.T("notice.decline")))
		decline.Style = slack.StyleDanger
		notOurs := slack.NewButtonBlockElement(actionNotOurs, buttonValue(n.WorkflowID, n.ServiceID), plain(tr.T("notice.not_ours")))
		answerBy, text := tr.T("notice.answer_now"), tr.T("notice.request_summary_now", "Ref", n.CaseRef, "From", from)
		if !n.Deadline.IsZero() {
			answerBy, text = tr.T("notice.answer_by", "Date", n.Deadline), tr.T("notice.request_summary", "Ref", n.CaseRef, "From", from, "Date", n.Deadline)
		}
		blocks := []slack.Block{
			header(tr.T("notice.request_header")),
			slack.NewSectionBlock(mrkdwn(tr.T("notice.request", "From", from, "Ref", n.CaseRef, "Subject", subjectText(tr, n.Subject))), nil, nil),
		}
		blocks = append(blocks, context(answerBy)...)
		return append(blocks, slack.NewActionBlock("svar", accept, decline, notOurs, details)), text

	case activities.NoticeContactAnswer:
		key := map[string]string{workflows.AnswerAccepted: "notice.contact_accepted", workflows.AnswerDeclined: "notice.contact_declined",
			workflows.AnswerNotOurs: "notice.contact_not_ours"}[n.Answer]
		if key == "" {
			key = "notice.contact_accepted"
		}
		text := tr.T(key, "Service", m.name(ctx, n.About), "Ref", n.CaseRef, "User", n.By)
		if n.Suggested == "" {
			return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)
		}
		// "Not ours" named the right service: one click sends it a request (consent checked).
		suggested := m.name(ctx, n.Suggested)
		take := slack.NewButtonBlockElement(actionTakeSuggestion, buttonValue(n.WorkflowID, n.Suggested), plain(buttonText(tr.T("samtykke.take_suggestion", "Service", suggested))))
		take.Style = slack.StylePrimary
		drop := slack.NewButtonBlockElement(actionDropSuggestion, buttonValue(n.WorkflowID, n.Suggested), plain(tr.T("samtykke.drop_suggestion")))
		offer := tr.T("samtykke.suggestion_offer", "Service", m.name(ctx, n.About), "Suggested", suggested)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewSectionBlock(mrkdwn(offer), nil, nil),
			slack.NewActionBlock("forslag", take, drop, details)}, stripMarks(text)

	case activities.NoticeConsentWithdrawn:
		// The reference only: never who withdrew or why.
		text := tr.T("samtykke.basis_gone", "Ref", n.CaseRef)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text

	case activities.NoticeNobodyResponsible:
		text := tr.T("samtykke.nobody", "Ref", n.CaseRef, "Services", m.someNames(ctx, tr, n.Services))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case activities.NoticeReminder:
		text := tr.T("notice.reminder", "Ref", n.CaseRef, "What", what, "Date", n.Deadline)
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case activities.NoticeEscalation:
		if n.CoordinatorUserID != "" { // to the coordinator who took the case over
			text := tr.T("oppfolging.escalation_coordinator", "N", n.Escalations, "User", n.CoordinatorUserID, "Ref", n.CaseRef,
				"What", what, "Service", m.name(ctx, n.ServiceID), "Date", n.Deadline)
			return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)
		}
		key := "notice.escalation"
		if n.Escalations > 1 {
			key = "notice.escalation_again"
		}
		text := tr.T(key, "N", n.Escalations, "Ref", n.CaseRef, "What", what, "Service", m.name(ctx, n.ServiceID), "Date", n.Deadline)
		// The KE may close a case that has stalled, by decision (issue 10).
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details, closeCase)}, stripMarks(text)

	case activities.NoticeClosed:
		text := tr.T("notice.closed", "Ref", n.CaseRef, "Outcome", outcomeTextIn(tr, n.Answer))
		switch n.Answer { // not "followed up" when nobody took the need, or a decision ended it
		case workflows.OutcomeNobodyResponsible:
			text = tr.T("samtykke.closed_nobody", "Ref", n.CaseRef)
		case workflows.OutcomeClosedByDecision:
			text = tr.T("samtykke.closed_decision", "Ref", n.CaseRef, "Reason", closeReasonText(tr, n.ReasonCode))
		}
		// The outcome may point to a coordinator: one click asks the KE, from this case.
		ask := slack.NewButtonBlockElement(actionCoordRequest, buttonValue(n.WorkflowID, ""), plain(tr.T("notice.ask_coordinator")))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", ask, details)}, text

	case workflows.NoticeCoordinatorLeftCase:
		text := tr.T("oppfolging.left_case", "Ref", n.CaseRef, "User", n.About, "Title", titleText(tr, n.Answer))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case workflows.NoticeCoordinationTakenOver:
		text := tr.T("notice.taken_over", "Ref", n.CaseRef, "User", n.About, "Title", titleText(tr, n.Answer))
		if n.Step != "" { // to the coordinator's own service: what is now hers to follow up
			text += "\n" + tr.T("oppfolging.taken_over_yours", "Step", stepTitleIn(tr, n.Step))
			if !n.Deadline.IsZero() {
				text += " " + tr.T("notice.deadline", "Date", n.Deadline)
			}
		}
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, text

	case activities.NoticeAnswered:
		text := tr.T("notice.answered", "Ref", n.CaseRef, "Step", stepTitleIn(tr, n.Step), "User", n.By)
		switch {
		case n.Answer == "avsluttet":
			text = tr.T("samtykke.answered_closed", "Ref", n.CaseRef, "User", n.By)
		case strings.HasPrefix(n.Step, "forespørsel:"):
			text = tr.T("notice.answered_request", "Ref", n.CaseRef, "Answer", answerTextIn(tr, n.Answer), "User", n.By)
		}
		return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil), slack.NewActionBlock("sak", details)}, stripMarks(text)
	}
	text := tr.T("notice.unknown", "Ref", n.CaseRef, "Kind", n.Kind)
	return []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}, text
}

// maxMessageBlocks is how many blocks Slack takes in one message.
const maxMessageBlocks = 50

// maxButtonText is how long a button's text may be in Slack.
const maxButtonText = 75

// maxNamesInText is how many service names a one-line notice lists before it counts the rest,
// so the section stays far below Slack's 3,000 characters.
const maxNamesInText = 20

// servicesWithin draws the services of a step prompt in at most budget blocks. When they all
// fit, they come in the case's order. When they do not, the services still waiting for an
// action come first, so the next right action is always in the message, and one section counts
// the rest and says where every one of them is («Vis sak», /samarbeid status). The prompt is
// redrawn after each answer, so a waiting service left out moves in as those above are done.
func (m *Messenger) servicesWithin(ctx context.Context, tr *i18n.Translator, n activities.Notice, budget int) []slack.Block {
	type drawn struct {
		blocks  []slack.Block
		waiting bool
	}
	var all []drawn
	total := 0
	for _, p := range n.Progress {
		if n.Kind == activities.NoticeContact && !p.Needed {
			continue
		}
		d := drawn{m.progressBlocks(ctx, tr, n, p), waitsForAction(n.Kind, p)}
		all = append(all, d)
		total += len(d.blocks)
	}
	if total <= budget {
		var blocks []slack.Block
		for _, d := range all {
			blocks = append(blocks, d.blocks...)
		}
		return blocks
	}
	// Waiting services first, each group in the case's order.
	slices.SortStableFunc(all, func(a, b drawn) int {
		switch {
		case a.waiting == b.waiting:
			return 0
		case a.waiting:
			return -1
		}
		return 1
	})
	budget-- // the section that counts the rest
	var blocks []slack.Block
	shown, open := 0, 0
	for _, d := range all {
		if len(blocks)+len(d.blocks) > budget {
			break
		}
		blocks = append(blocks, d.blocks...)
		shown++
	}
	for _, d := range all[shown:] {
		if d.waiting {
			open++
		}
	}
	more := tr.N("varsler2.more_services", len(all)-shown, "Open", open, "Ref", n.CaseRef)
	return append(blocks, slack.NewSectionBlock(mrkdwn(more), nil, nil))
}

// waitsForAction tells whether a service in a step prompt still waits for the caseworker:
// not yet assessed in step 2, not yet asked in step 3.
func waitsForAction(kind activities.NoticeKind, p activities.ServiceProgress) bool {
	if kind == activities.NoticeAssess {
		return !p.Assessed
	}
	return !p.Requested
}

// someNames lists services by name, the first maxNamesInText of them, and counts the rest.
func (m *Messenger) someNames(ctx context.Context, tr *i18n.Translator, ids []string) string {
	var names []string
	for _, id := range ids[:min(len(ids), maxNamesInText)] {
		names = append(names, m.name(ctx, id))
	}
	list := strings.Join(names, ", ")
	if len(ids) > maxNamesInText {
		return tr.N("varsler2.more_names", len(ids)-maxNamesInText, "Names", list)
	}
	return list
}

// buttonText shortens a text that names a service to what a Slack button takes.
func buttonText(s string) string {
	r := []rune(s)
	if len(r) <= maxButtonText {
		return s
	}
	return string(r[:maxButtonText-1]) + "…"
}

// progressBlocks draws one service's line in a step prompt with the buttons still relevant.
func (m *Messenger) progressBlocks(ctx context.Context, tr *i18n.Translator, n activities.Notice, p activities.ServiceProgress) []slack.Block {
	name := m.name(ctx, p.ServiceID)
	value := buttonValue(n.WorkflowID, p.ServiceID)
	if n.Kind == activities.NoticeAssess {
		if p.Assessed {
			verdict := tr.T("notice.verdict_not_needed")
			if p.Needed {
				verdict = tr.T("notice.verdict_needed")
			}
			return []slack.Block{slack.NewSectionBlock(mrkdwn(tr.T("notice.assessed", "Service", name, "Verdict", verdict)), nil, nil)}
		}
		btn := slack.NewButtonBlockElement(actionAssess, value, plain(tr.T("notice.assess_button")))
		return []slack.Block{slack.NewSectionBlock(mrkdwn(tr.T("notice.not_assessed", "Service", name)), nil, slack.NewAccessory(btn))}
	}
	var state string
	switch {
	case p.Withdrawn:
		state = tr.T("samtykke.state_withdrawn")
	case p.Answer != "":
		state = tr.T("notice.state_answered", "Answer", answerTextIn(tr, p.Answer))
	case p.Requested:
		state = tr.T("notice.state_requested")
	case p.HasBasis:
		state = tr.T("notice.state_basis")
	case p.BasisMissed:
		state = tr.T("notice.state_refused")
	default:
		state = tr.T("notice.state_missing")
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(tr.T("notice.progress", "Service", name, "State", state)), nil, nil)}
	var buttons []slack.BlockElement
	if !p.Requested {
		// The next right action is the primary button: the basis first (a request without
		// one is refused), then the request; once a basis is on record there is nothing
		// more to register for this service.
		send := slack.NewButtonBlockElement(actionContact, value, plain(tr.T("notice.send_request")))
		if p.HasBasis && !p.Withdrawn {
			send.Style = slack.StylePrimary
			buttons = append(buttons, send)
		} else {
			consent := slack.NewButtonBlockElement(actionConsent, value, plain(tr.T("notice.record_consent")))
			consent.Style = slack.StylePrimary
			buttons = append(buttons, consent, send)
		}
	}
	// A consent can be withdrawn at any time, also after the request has gone.
	if p.HasBasis && !p.Withdrawn {
		buttons = append(buttons, slack.NewButtonBlockElement(actionWithdraw, value, plain(tr.T("samtykke.withdraw_button"))))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", buttons...))
	}
	return blocks
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
