package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
)

// CoordinatorWorkflowID is the business key of one coordinator request, so recording the
// same request twice finds the running one.
func CoordinatorWorkflowID(caseRef, kind string) string {
	return "koordinator/" + caseRef + "/" + kind
}

// Deadline keys and steps of a coordinator case.
const (
	dlDecision    = "vedtak"
	dlProvisional = "foreløpig-svar"
	dlReassess    = "klagevurdering"
	dlName        = "oppnevning"      // key "oppnevning:<round>"
	dlRename      = "ny-oppnevning"   // step of a naming deadline after a vacancy
	dlAnswer      = "svar-oppnevning" // key "svar-oppnevning:<round>"
)

// CoordinatorAppointment carries one request for a coordinator (hol § 7-2), a child
// coordinator (hol § 7-2 a) or a coordinator in specialist care (sphl § 2-5 a): the KE
// assesses each statutory condition and decides, a provisional answer is forced at one month
// (fvl § 11 a), a refusal can be appealed within four weeks (pbrl § 7-2), and after a grant
// the KE names a coordinator who accepts or declines. The workflow stays open while a
// coordinator serves, as the record of who coordinates, until the KE ends it.
func CoordinatorAppointment(ctx workflow.Context, in CoordinatorInput) (CoordinatorStatus, error) {
	if err := in.Validate(); err != nil {
		return CoordinatorStatus{}, temporal.NewNonRetryableApplicationError(err.Error(), "UgyldigForespørsel", err)
	}
	c := &coordCase{in: in, kind: CoordinatorKinds[in.Kind],
		effectQueue: newEffectQueue(workflow.GetInfo(ctx), in.CaseRef, in.Subject, CoordinatorKinds[in.Kind].Citation)}
	// Deadlines as the law counts them (docs/FRISTER.md). A case started before keeps the
	// old counting for its whole life, so its recorded history replays.
	c.lawDays = workflow.GetVersion(ctx, versionLawDays, workflow.DefaultVersion, 1) >= 1
	c.open(workflow.Now(ctx)) // before the handlers, as in CollaborationDuty
	if err := c.register(ctx); err != nil {
		return CoordinatorStatus{}, err
	}

	err := runCase(ctx, c, nil)
	return c.st, err
}

// versionLawDays guards the counting of docs/FRISTER.md: end-of-day deadlines, reminders on
// working days, the calendar month, the appeal window from notice with late appeals.
const versionLawDays = "frister-som-loven"

// Validate refuses a request the workflow cannot carry; the text is shown to staff.
func (in CoordinatorInput) Validate() error {
	kind, ok := CoordinatorKinds[in.Kind]
	switch {
	case strings.TrimSpace(in.CaseRef) == "":
		return fmt.Errorf("koordinatorforespørselen mangler saksreferanse")
	case !ok:
		return fmt.Errorf("ukjent koordinatortype %q: velg koordinator, barnekoordinator eller spesialist", in.Kind)
	case in.Subject != SubjectChild && in.Subject != SubjectAdult && in.Subject != SubjectExpected:
		return fmt.Errorf("personen må være «barn», «voksen» eller «venter-barn» (er %q)", in.Subject)
	case kind.Kind == KindChildCoordinator && in.Subject == SubjectAdult:
		return fmt.Errorf("barnekoordinator (hol § 7-2 a) gjelder en familie som har eller venter et barn under 18 år")
	case kind.Kind != KindChildCoordinator && in.Subject == SubjectExpected:
		return fmt.Errorf("en familie som venter barn kan be om barnekoordinator (pbrl § 2-5 c), ikke %s", kind.Title)
	case in.Origin != OriginRequest && in.Origin != OriginReport && in.Origin != OriginCollaboration:
		return fmt.Errorf("ukjent opphav %q: velg forespørsel, melding eller samarbeidssak", in.Origin)
	case in.Origin == OriginCollaboration && strings.TrimSpace(in.OriginWorkflowID) == "":
		return fmt.Errorf("forespørsel fra en samarbeidssak må oppgi samarbeidssakens workflow-ID")
	case strings.TrimSpace(in.CoordinatingUnitID) == "":
		return fmt.Errorf("koordinerende enhet mangler")
	case strings.TrimSpace(in.RequestedBy.SlackUserID) == "":
		return fmt.Errorf("det mangler hvem som registrerte forespørselen")
	case strings.TrimSpace(in.PolicyVersion) == "":
		return fmt.Errorf("fristpolicy mangler versjon")
	}
	d := in.Deadlines
	for _, f := range []struct {
		name string
		v    int
	}{{"vedtak", d.DecisionWorkingDays}, {"svar på oppnevning", d.AcceptWorkingDays}, {"ny eskalering", d.ReescalateWorkingDays}} {
		if f.v < 1 {
			return fmt.Errorf("fristpolicy %q: fristen for %s må være minst 1 virkedag (er %d)", in.PolicyVersion, f.name, f.v)
		}
	}
	if d.ReminderPercent < 1 || d.ReminderPercent > 99 {
		return fmt.Errorf("fristpolicy %q: påminnelse må komme mellom 1 og 99 %% av fristen (er %d)", in.PolicyVersion, d.ReminderPercent)
	}
	if d.ProvisionalWarnDays < 0 || d.ProvisionalWarnDays > 27 || d.LateAppealMonths < 0 || d.LateAppealMonths > 12 {
		return fmt.Errorf("fristpolicy %q: varsel før foreløpig svar må være 0–27 dager og åpen for sen klage 0–12 måneder", in.PolicyVersion)
	}
	if w := in.Wish; w != nil && w.By != WishByPerson && w.By != WishByChild && w.By != WishByParents {
		return fmt.Errorf("ukjent hvem som ønsker (%q): velg personen, barnet eller foreldrene", w.By)
	}
	return nil
}

// coordCase is the workflow's state. As in dutyCase, update handlers only change it and
// queue effects; the main loop runs the activities.
type coordCase struct {
	in   CoordinatorInput
	kind CoordinatorKind
	effectQueue
	st     CoordinatorStatus
	lastSA coordSearchAttributes
	saSet  bool
	round  int // naming rounds, for deadline keys
	// lawDays: the case counts deadlines as docs/FRISTER.md says (versionLawDays).
	lawDays bool
}

type coordSearchAttributes struct {
	step               Step
	deadline           time.Time
	overdue            bool
	withoutCoordinator bool
	waiting            string // AttrWaitingOn's values joined; empty in a run without it
}

func (c *coordCase) register(ctx workflow.Context) error {
	return registerHandlers(ctx, func() (CoordinatorStatus, error) { return c.st, nil }, []updateHandler{
		{UpdateCoordinatorAssess, c.assess, c.validateAssessAt},
		{UpdateCoordinatorProvisional, c.provisional, c.validateProvisional},
		{UpdateCoordinatorAppeal, c.appeal, c.validateAppeal},
		{UpdateCoordinatorName, c.name, c.validateName},
		{UpdateCoordinatorAnswer, c.answer, c.validateAnswer},
		{UpdateCoordinatorLeaves, c.leave, c.validateLeave},
		{UpdateCoordinatorEnd, c.end, c.validateEnd},
		{UpdateCoordinatorWish, c.recordWish, c.validateWish},
		{UpdateCoordinatorNotified, c.notified, c.validateNotified},
	})
}

func (c *coordCase) closed() bool { return c.st.Step == CoordStepDone }

func (c *coordCase) open(now time.Time) {
	checklist := make([]ChecklistItem, len(c.kind.Conditions))
	for i, cond := range c.kind.Conditions {
		checklist[i] = ChecklistItem{ID: cond.ID, Text: cond.Text}
	}
	c.st = CoordinatorStatus{
		CaseRef: c.in.CaseRef, Subject: c.in.Subject, Kind: c.kind.Kind, Title: c.kind.Title,
		Citation: c.kind.Citation, RightCitation: c.kind.RightCitation, Origin: c.in.Origin,
		OriginWorkflowID: c.in.OriginWorkflowID, RequestedBy: c.in.RequestedBy.SlackUserID,
		CoordinatingUnitID: c.in.CoordinatingUnitID, PolicyVersion: c.in.PolicyVersion, Policy: c.in.Deadlines,
		OpenedAt: now, Step: CoordStepAssess, Waiting: "venter på vedtak", Checklist: checklist,
		ProvisionalDue: ProvisionalAnswerDue(now),
	}
	if !c.lawDays {
		decision := c.startDeadline(dlDecision, dlDecision, c.in.CoordinatingUnitID, "", now, c.in.Deadlines.DecisionWorkingDays)
		// The provisional answer has no reminder of its own: the decision deadline reminds and
		// escalates long before the month is out.
		due := c.st.ProvisionalDue
		c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: dlProvisional, Step: dlProvisional, Responsible: c.in.CoordinatingUnitID,
			Start: now, Remind: due, Due: due, NextEscalation: due})
		c.refreshSummary()
		c.announce(now, decision, due)
		return
	}
	// The month counts from when the request came in (fvl § 11 a), which may be before it
	// was registered; the KE is warned ProvisionalWarnDays before it runs out, on a working day.
	received := now
	if r := c.in.ReceivedAt; !r.IsZero() && r.Before(now) {
		received = r
	}
	c.st.ReceivedAt = received
	due := ProvisionalAnswerDeadline(received)
	c.st.ProvisionalDue = due
	decision := c.startDeadline(dlDecision, dlDecision, c.in.CoordinatingUnitID, "", received, c.in.Deadlines.DecisionWorkingDays)
	y, m, d := due.Date()
	warn := calendar.OnOrBeforeWorkingDay(time.Date(y, m, d-c.in.Deadlines.provisionalWarnDays(), 8, 0, 0, 0, calendar.Oslo))
	if warn.Before(received) {
		warn = received
	}
	c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: dlProvisional, Step: dlProvisional, Responsible: c.in.CoordinatingUnitID,
		Start: received, Remind: warn, Due: due, NextEscalation: due})
	if w := c.in.Wish; w != nil {
		wish := *w
		c.st.Wish = &wish
	}
	c.refreshSummary()
	c.announce(now, decision, due)
}

// announce writes the request to the ledger and asks the KE to assess it.
func (c *coordCase) announce(now, decision, due time.Time) {
	detail := map[string]any{"type": c.kind.Kind, "opphav": c.in.Origin, "opphav_workflow": c.in.OriginWorkflowID,
		"fristpolicy": c.in.PolicyVersion, "vedtaksfrist": decision, "foreløpig_svar_frist": due}
	if c.lawDays {
		detail["mottatt"] = c.st.ReceivedAt
		if w := c.st.Wish; w != nil {
			detail["ønske_koordinering"] = map[string]any{"hvem": w.By, "tjeneste": w.ServiceID, "merknad": w.Note}
		}
	}
	c.audit("forespørsel", c.in.RequestedBy, c.in.CoordinatingUnitID, "koordinator_forespurt",
		fmt.Sprintf("Forespørsel om %s i sak %s (%s, %s) mottatt; vedtaksfrist %s, foreløpig svar senest %s.",
			c.kind.Title, c.in.CaseRef, c.in.Subject, c.in.Origin, calendar.FormatDate(decision), calendar.FormatDate(due)),
		detail, now)
	c.notify(activities.Notice{Kind: NoticeCoordinatorRequest, ToCoordinatingUnit: true, Step: string(CoordStepAssess),
		About: c.kind.Kind, Deadline: decision}, string(CoordStepAssess), "")
}

// --- the KE's assessment and decision ---

// validateAssessAt is validateAssess with the date of notice checked against now.
func (c *coordCase) validateAssessAt(ctx workflow.Context, a CoordinatorAssessment) error {
	if err := c.validateAssess(a); err != nil {
		return err
	}
	if !a.NotifiedAt.IsZero() && calendar.EndOfDay(workflow.Now(ctx)).Before(a.NotifiedAt) {
		return refuse("kjent", "refusal.coord_notified_future")
	}
	return nil
}

func (c *coordCase) validateAssess(a CoordinatorAssessment) error {
	if err := c.keOnly(a.Actor); err != nil {
		return err
	}
	switch c.st.Step {
	case CoordStepAssess, CoordStepProvisional, CoordStepAppeal:
	case CoordStepAppealOpen, CoordStepAppealLate:
		return refuse("", "refusal.coord_refused_wait", "Date", c.lastDecision().At)
	default:
		return refuse("", "refusal.coord_decided", "Title", c.title(), "Ref", c.in.CaseRef)
	}
	answers := map[string]ConditionAnswer{}
	for _, ans := range a.Conditions {
		if c.condition(ans.ID) == nil {
			return refuse("vilkår", "refusal.coord_unknown_condition", "ID", ans.ID, "Title", c.title())
		}
		if _, dup := answers[ans.ID]; dup {
			return refuse("vilkår", "refusal.coord_condition_twice", "Condition", conditionArg(*c.condition(ans.ID)))
		}
		answers[ans.ID] = ans
	}
	for _, cond := range c.kind.Conditions {
		if _, ok := answers[cond.ID]; !ok {
			return refuse("vilkår", "refusal.coord_condition_missing", "Condition", conditionArg(cond), "Citation", c.kind.Citation)
		}
	}
	if strings.TrimSpace(a.Reasons) == "" {
		return refuse("begrunnelse", "refusal.coord_decision_reason")
	}
	allMet := true
	for _, cond := range c.kind.Conditions {
		if !answers[cond.ID].Met {
			allMet = false
			if a.Granted {
				return refuse("vilkår", "refusal.coord_condition_not_met", "Title", c.title(), "Condition", conditionArg(cond), "Citation", c.kind.Citation)
			}
		}
	}
	// A refusal with every condition met needs a reason that says why: otherwise the record
	// shows a right refused without grounds.
	if !a.Granted && allMet && strings.TrimSpace(a.RefusedAllMet) == "" {
		return refuse("avslag_alle_vilkår", "refusal.coord_refuse_all_met", "Title", c.title(), "Citation", c.kind.RightCitation)
	}
	if !a.NotifiedAt.IsZero() && a.Granted {
		return refuse("kjent", "refusal.coord_notified_granted")
	}
	fields := []string{"begrunnelse", a.Reasons, "avslag_alle_vilkår", a.RefusedAllMet}
	for _, ans := range a.Conditions {
		fields = append(fields, "vilkår:"+ans.ID, ans.Note)
	}
	return checkFields(fields...)
}

func (c *coordCase) assess(ctx workflow.Context, a CoordinatorAssessment) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	reassessment := c.st.Step == CoordStepAppeal
	// Keep the answers in the statute's order, whatever order the form sent them in.
	ordered := make([]ConditionAnswer, 0, len(c.kind.Conditions))
	for i := range c.st.Checklist {
		item := &c.st.Checklist[i]
		for _, ans := range a.Conditions {
			if ans.ID == item.ID {
				item.Answered, item.Met, item.Note = true, ans.Met, ans.Note
				ordered = append(ordered, ans)
			}
		}
	}
	decision := CoordinatorDecision{Granted: a.Granted, Reasons: a.Reasons, Answers: ordered,
		By: a.Actor.SlackUserID, At: now, Reassessment: reassessment, RefusedAllMet: a.RefusedAllMet}
	if !a.Granted && !reassessment {
		decision.NotifiedAt = a.NotifiedAt
		if decision.NotifiedAt.IsZero() {
			decision.NotifiedAt = now // the brief's default: notice the day of the decision
		}
	}
	c.st.Decisions = append(c.st.Decisions, decision)
	for _, key := range []string{dlDecision, dlProvisional, dlReassess} {
		c.finishDeadline(key)
	}
	met := map[string]bool{}
	for _, ans := range ordered {
		met[ans.ID] = ans.Met
	}
	detail := map[string]any{"innvilget": a.Granted, "vilkår": met, "begrunnelse": a.Reasons,
		"rettighet": c.kind.RightCitation, "klagebehandling": reassessment}
	if a.RefusedAllMet != "" {
		detail["avslag_alle_vilkår_oppfylt"] = a.RefusedAllMet
	}
	key := c.updateKey(ctx)
	prompt := string(CoordStepAssess)
	if reassessment {
		prompt = string(CoordStepAppeal)
	}
	switch {
	case a.Granted:
		summary := fmt.Sprintf("Koordinerende enhet innvilget %s i sak %s.", c.kind.Title, c.in.CaseRef)
		if reassessment {
			summary = fmt.Sprintf("Klagen ble tatt til følge: koordinerende enhet innvilget %s i sak %s.", c.kind.Title, c.in.CaseRef)
		}
		c.audit(key, a.Actor, c.in.CoordinatingUnitID, "koordinator_innvilget", summary, detail, now)
		c.markAnswered(prompt, a.Actor, "innvilget")
		c.notify(activities.Notice{Kind: NoticeCoordinatorDecision, ToCoordinatingUnit: true, Step: prompt,
			About: c.kind.Kind, Answer: "innvilget", By: a.Actor.SlackUserID}, "", "")
		c.st.AppealDeadline, c.st.AppealRight = time.Time{}, ""
		c.enterAppointment(now)
	case reassessment:
		c.audit(key, a.Actor, c.in.CoordinatingUnitID, "avslag_opprettholdt",
			fmt.Sprintf("Koordinerende enhet vurderte klagen og opprettholdt avslaget på %s i sak %s.", c.kind.Title, c.in.CaseRef), detail, now)
		c.audit("klage-oversendt", a.Actor, c.in.CoordinatingUnitID, "klage_oversendt_statsforvalteren",
			fmt.Sprintf("Klagen på avslaget på %s i sak %s er oversendt Statsforvalteren.", c.kind.Title, c.in.CaseRef),
			map[string]any{"klage_mottatt": c.st.Appeal.At}, now, AppealRightCitation)
		c.markAnswered(prompt, a.Actor, "avslag_opprettholdt")
		c.notify(activities.Notice{Kind: NoticeCoordinatorDecision, ToCoordinatingUnit: true, Step: prompt,
			About: c.kind.Kind, Answer: OutcomeAppealForwarded, By: a.Actor.SlackUserID}, "", "")
		c.close(now, OutcomeAppealForwarded, "Saken er avsluttet hos koordinerende enhet: klagen er oversendt Statsforvalteren.")
	default:
		c.st.AppealRight = AppealRightTextBefore
		c.st.AppealDeadline = now.AddDate(0, 0, AppealDays)
		if c.lawDays {
			c.st.AppealRight = AppealRightText
			c.st.NotifiedAt = decision.NotifiedAt
			c.st.AppealDeadline = AppealWindowEnd(decision.NotifiedAt)
			detail["vedtak_kjent"] = decision.NotifiedAt
		}
		c.st.Step, c.st.Waiting = CoordStepAppealOpen, "venter på eventuell klage"
		detail["klagefrist"] = c.st.AppealDeadline
		c.audit(key, a.Actor, c.in.CoordinatingUnitID, "koordinator_avslått",
			fmt.Sprintf("Koordinerende enhet avslo %s i sak %s; klagefrist %s.", c.kind.Title, c.in.CaseRef, calendar.FormatDate(c.st.AppealDeadline)),
			detail, now)
		c.markAnswered(prompt, a.Actor, "avslått")
		c.notify(activities.Notice{Kind: NoticeCoordinatorDecision, ToCoordinatingUnit: true, Step: prompt,
			About: c.kind.Kind, Answer: "avslått", By: a.Actor.SlackUserID, Deadline: c.st.AppealDeadline}, "", "")
		c.refreshSummary()
	}
	return c.st, nil
}

// --- the provisional answer, fvl § 11 a ---

func (c *coordCase) validateProvisional(ctx workflow.Context, p ProvisionalAnswer) error {
	if err := c.keOnly(p.Actor); err != nil {
		return err
	}
	if c.st.Step != CoordStepAssess && c.st.Step != CoordStepProvisional {
		return refuse("", "refusal.coord_provisional_decided", "Title", c.title(), "Ref", c.in.CaseRef)
	}
	if !c.st.ProvisionalSentAt.IsZero() {
		return refuse("", "refusal.coord_provisional_done", "User", c.st.ProvisionalBy, "Date", c.st.ProvisionalSentAt)
	}
	if strings.TrimSpace(p.Reason) == "" {
		return refuse("begrunnelse", "refusal.coord_provisional_reason")
	}
	if p.ExpectedBy.IsZero() || !p.ExpectedBy.After(workflow.Now(ctx)) {
		return refuse("forventet", "refusal.coord_provisional_date")
	}
	return checkFields("begrunnelse", p.Reason)
}

func (c *coordCase) provisional(ctx workflow.Context, p ProvisionalAnswer) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	c.st.ProvisionalSentAt, c.st.ProvisionalExpectedBy, c.st.ProvisionalReason, c.st.ProvisionalBy = now, p.ExpectedBy, p.Reason, p.Actor.SlackUserID
	c.finishDeadline(dlProvisional)
	if c.st.Step == CoordStepProvisional {
		c.st.Step = CoordStepAssess
	}
	c.audit(c.updateKey(ctx), p.Actor, c.in.CoordinatingUnitID, "foreløpig_svar_sendt",
		fmt.Sprintf("Foreløpig svar er sendt i sak %s; svar kan ventes innen %s.", c.in.CaseRef, calendar.FormatDate(p.ExpectedBy)),
		map[string]any{"forventet_svar": p.ExpectedBy, "begrunnelse": p.Reason}, now, ProvisionalAnswerCitation)
	c.notify(activities.Notice{Kind: NoticeCoordinatorProvisional, ToCoordinatingUnit: true, Step: dlProvisional,
		Deadline: p.ExpectedBy, By: p.Actor.SlackUserID}, "", "")
	return c.st, nil
}

// --- appeal: the right, pbrl § 7-2; the window, pbrl § 7-5; a late one, fvl § 31 ---

func (c *coordCase) validateAppeal(ctx workflow.Context, a CoordinatorAppeal) error {
	return c.checkAppeal(workflow.Now(ctx), a)
}

// checkAppeal is validateAppeal at the moment now. Before versionLawDays the workflow ended
// when the window closed and refused a late appeal; now a late one is recorded with the KE's
// decision whether to consider it (fvl § 31).
func (c *coordCase) checkAppeal(now time.Time, a CoordinatorAppeal) error {
	if err := c.keOnly(a.Actor); err != nil {
		return err
	}
	if c.st.Step != CoordStepAppealOpen && c.st.Step != CoordStepAppealLate {
		if c.st.Appeal != nil {
			return refuse("", "refusal.coord_appeal_done", "User", c.st.Appeal.By, "Date", c.st.Appeal.At)
		}
		return refuse("", "refusal.coord_appeal_nothing", "Ref", c.in.CaseRef)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return refuse("begrunnelse", "refusal.coord_appeal_reason")
	}
	if !c.lawDays {
		if now.After(c.st.AppealDeadline) {
			return refuse("", "refusal.coord_appeal_late", "Date", c.st.AppealDeadline)
		}
		return checkFields("begrunnelse", a.Reason)
	}
	received := c.appealReceived(now, a)
	if received.After(calendar.EndOfDay(now)) {
		return refuse("mottatt", "refusal.coord_appeal_received_future")
	}
	if received.Before(calendar.EndOfDay(c.lastDecision().At).Add(-24 * time.Hour)) {
		return refuse("mottatt", "refusal.coord_appeal_received_early", "Date", c.lastDecision().At)
	}
	if received.After(c.st.AppealDeadline) {
		switch {
		case a.Late != LateAppealConsider && a.Late != LateAppealReject:
			return refuse("for_sent", "refusal.coord_appeal_late_decide", "Date", c.st.AppealDeadline)
		case strings.TrimSpace(a.LateReason) == "":
			return refuse("for_sent_begrunnelse", "refusal.coord_appeal_late_reason")
		case a.Late == LateAppealConsider && received.After(c.lastDecision().At.AddDate(1, 0, 0)):
			// fvl § 31 third paragraph: never considered more than a year after the decision.
			return refuse("for_sent", "refusal.coord_appeal_year", "Date", c.lastDecision().At)
		}
	}
	return checkFields("begrunnelse", a.Reason, "for_sent_begrunnelse", a.LateReason)
}

// appealReceived is the day the complaint came in: the one recorded, or now.
func (c *coordCase) appealReceived(now time.Time, a CoordinatorAppeal) time.Time {
	if a.ReceivedAt.IsZero() {
		return now
	}
	return a.ReceivedAt
}

func (c *coordCase) appeal(ctx workflow.Context, a CoordinatorAppeal) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	c.st.Appeal = &AppealRecord{Reason: a.Reason, By: a.Actor.SlackUserID, At: now}
	late := false
	if c.lawDays {
		received := c.appealReceived(now, a)
		late = received.After(c.st.AppealDeadline)
		c.st.Appeal.ReceivedAt = received
		if late {
			c.st.Appeal.Late, c.st.Appeal.LateReason = a.Late, a.LateReason
		}
	}
	detail := map[string]any{"begrunnelse": a.Reason, "klagefrist": c.st.AppealDeadline}
	if late {
		detail["mottatt"], detail["for_sent"], detail["for_sent_begrunnelse"] = c.st.Appeal.ReceivedAt, a.Late, a.LateReason
		if a.Late == LateAppealReject {
			c.audit(c.updateKey(ctx), a.Actor, c.in.CoordinatingUnitID, "klage_avvist_for_sent",
				fmt.Sprintf("Klage på avslaget på %s i sak %s kom etter klagefristen (%s); koordinerende enhet avviser den.", c.kind.Title, c.in.CaseRef, calendar.FormatDate(c.st.AppealDeadline)),
				detail, now, LateAppealCitation)
			c.notify(activities.Notice{Kind: NoticeCoordinatorDecision, ToCoordinatingUnit: true, Step: string(CoordStepAppeal),
				About: c.kind.Kind, Answer: OutcomeLateAppealRejected, By: a.Actor.SlackUserID}, "", "")
			c.close(now, OutcomeLateAppealRejected, fmt.Sprintf("Saken er avsluttet: klagen på avslaget på %s kom for sent og ble avvist.", c.kind.Title))
			return c.st, nil
		}
	}
	c.st.Step, c.st.Waiting = CoordStepAppeal, "venter på ny vurdering etter klage"
	due := c.startDeadline(dlReassess, dlReassess, c.in.CoordinatingUnitID, "", now, c.in.Deadlines.DecisionWorkingDays)
	detail["vurderingsfrist"] = due
	if late {
		c.audit(c.updateKey(ctx), a.Actor, c.in.CoordinatingUnitID, "klage_mottatt_for_sent",
			fmt.Sprintf("Klage på avslaget på %s i sak %s kom etter klagefristen (%s); koordinerende enhet behandler den likevel; ny vurdering innen %s.", c.kind.Title, c.in.CaseRef, calendar.FormatDate(c.st.AppealDeadline), calendar.FormatDate(due)),
			detail, now, LateAppealCitation)
	} else {
		c.audit(c.updateKey(ctx), a.Actor, c.in.CoordinatingUnitID, "klage_mottatt",
			fmt.Sprintf("Klage på avslaget på %s i sak %s er mottatt innen fristen; ny vurdering innen %s.", c.kind.Title, c.in.CaseRef, calendar.FormatDate(due)),
			detail, now, AppealCitation)
	}
	c.notify(activities.Notice{Kind: NoticeCoordinatorRequest, ToCoordinatingUnit: true, Step: string(CoordStepAppeal),
		About: c.kind.Kind, Deadline: due}, string(CoordStepAppeal), "")
	return c.st, nil
}

// --- naming a coordinator and their answer ---

func (c *coordCase) validateName(n CoordinatorNomination) error {
	if err := c.keOnly(n.Actor); err != nil {
		return err
	}
	if c.st.Step == CoordStepActive {
		return refuse("", "refusal.coord_has_coordinator", "Ref", c.in.CaseRef, "User", c.st.Coordinator.SlackUserID)
	}
	if c.st.Step != CoordStepAppoint {
		return refuse("", "refusal.coord_not_granted", "Title", c.title())
	}
	switch {
	case strings.TrimSpace(n.CoordinatorSlackUserID) == "":
		return refuse("koordinator", "refusal.coord_pick")
	case strings.TrimSpace(n.CoordinatorName) == "":
		return refuse("navn", "refusal.coord_name")
	case strings.TrimSpace(n.ServiceID) == "":
		return refuse("tjeneste", "refusal.coord_service")
	case c.kind.HealthPersonnel && !n.HealthPersonnel:
		return refuse("helsepersonell", "refusal.coord_health", "Citation", c.kind.Citation)
	case c.st.Wish != nil && c.st.Wish.ServiceID != "" && n.ServiceID != c.st.Wish.ServiceID && strings.TrimSpace(n.ResponsibilityReason) == "":
		// hol § 3-4 second paragraph: the person may say which service coordinates; the KE
		// decides, and says why when it decides otherwise.
		return refuse("ansvar_begrunnelse", "refusal.coord_wish_reason", "Service", c.st.Wish.ServiceID)
	}
	return checkFields("navn", n.CoordinatorName, "ansvar_begrunnelse", n.ResponsibilityReason)
}

// --- the day the refusal reached the person, pbrl § 7-5 ---

func (c *coordCase) validateNotified(ctx workflow.Context, n DecisionNotified) error {
	if err := c.keOnly(n.Actor); err != nil {
		return err
	}
	if !c.lawDays || (c.st.Step != CoordStepAppealOpen && c.st.Step != CoordStepAppealLate) {
		return refuse("", "refusal.coord_notified_no_refusal", "Ref", c.in.CaseRef)
	}
	// No lower bound: a decision may be registered here after it was made and sent.
	if n.NotifiedAt.IsZero() || calendar.EndOfDay(workflow.Now(ctx)).Before(n.NotifiedAt) {
		return refuse("kjent", "refusal.coord_notified_future")
	}
	return nil
}

// notified moves the appeal window to count from the day of notice; a window that had run
// out opens again if the new end is still ahead.
func (c *coordCase) notified(ctx workflow.Context, n DecisionNotified) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	before := c.st.AppealDeadline
	c.st.NotifiedAt = n.NotifiedAt
	c.st.Decisions[len(c.st.Decisions)-1].NotifiedAt = n.NotifiedAt
	c.st.AppealDeadline = AppealWindowEnd(n.NotifiedAt)
	if c.st.Step == CoordStepAppealLate && c.st.AppealDeadline.After(now) {
		c.st.Step, c.st.Waiting, c.st.LateAppealUntil = CoordStepAppealOpen, "venter på eventuell klage", time.Time{}
	}
	if c.st.Step == CoordStepAppealLate {
		c.st.LateAppealUntil = calendar.EndOfDay(calendar.AddMonths(c.st.AppealDeadline, c.in.Deadlines.lateAppealMonths()))
	}
	c.refreshSummary()
	c.audit(c.updateKey(ctx), n.Actor, c.in.CoordinatingUnitID, "vedtak_kjent_registrert",
		fmt.Sprintf("Avslaget i sak %s ble gjort kjent %s; klagefristen er %s.", c.in.CaseRef, calendar.FormatDate(n.NotifiedAt), calendar.FormatDate(c.st.AppealDeadline)),
		map[string]any{"vedtak_kjent": n.NotifiedAt, "klagefrist": c.st.AppealDeadline, "klagefrist_før": before}, now, AppealCitation)
	return c.st, nil
}

// --- the person's wish for who coordinates, hol § 3-4 second paragraph ---

func (c *coordCase) validateWish(w WishUpdate) error {
	if err := refuseReadOnly(w.Actor); err != nil {
		return err
	}
	if !w.Actor.MemberOf(c.in.CoordinatingUnitID) && w.Actor.SlackUserID != c.in.RequestedBy.SlackUserID {
		return refuse("", "refusal.ke_only", "Unit", c.in.CoordinatingUnitID, "Ref", c.in.CaseRef)
	}
	if c.closed() {
		return refuse("", "refusal.coord_closed", "Ref", c.in.CaseRef)
	}
	if b := w.Wish.By; b != WishByPerson && b != WishByChild && b != WishByParents {
		return refuse("ønske_hvem", "refusal.coord_wish_by")
	}
	if strings.TrimSpace(w.Wish.ServiceID) == "" && strings.TrimSpace(w.Wish.Note) == "" {
		return refuse("ønske_tjeneste", "refusal.coord_wish_empty")
	}
	return checkFields("ønske_merknad", w.Wish.Note)
}

func (c *coordCase) recordWish(ctx workflow.Context, w WishUpdate) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	wish := w.Wish
	c.st.Wish = &wish
	c.audit(c.updateKey(ctx), w.Actor, c.in.CoordinatingUnitID, "koordineringsønske_registrert",
		fmt.Sprintf("Ønske om hvilken tjeneste som skal ha koordineringen i sak %s er registrert (%s).", c.in.CaseRef, wish.By),
		map[string]any{"hvem": wish.By, "tjeneste": wish.ServiceID, "merknad": wish.Note}, now, "hol § 3-4 andre ledd")
	return c.st, nil
}

func (c *coordCase) name(ctx workflow.Context, n CoordinatorNomination) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	if prev := c.st.Coordinator; prev != nil {
		if prev.Answer == "" {
			prev.Answer, prev.AnsweredAt = NominationReplaced, now
			c.finishDeadline(fmt.Sprintf("%s:%d", dlAnswer, c.round))
		}
		c.st.Previous = append(c.st.Previous, *prev)
	}
	c.finishDeadline(fmt.Sprintf("%s:%d", dlName, c.round))
	c.round++
	c.st.Coordinator = &NamedCoordinator{SlackUserID: n.CoordinatorSlackUserID, Name: n.CoordinatorName, ServiceID: n.ServiceID,
		HealthPersonnel: n.HealthPersonnel, NamedBy: n.Actor.SlackUserID, NamedAt: now, ResponsibilityReason: n.ResponsibilityReason}
	c.st.Waiting = "venter på svar fra koordinator"
	key := fmt.Sprintf("%s:%d", dlAnswer, c.round)
	due := c.startDeadline(key, dlAnswer, n.ServiceID, n.CoordinatorSlackUserID, now, c.in.Deadlines.AcceptWorkingDays)
	c.audit(c.updateKey(ctx), n.Actor, n.ServiceID, "koordinator_oppnevnt",
		fmt.Sprintf("Koordinerende enhet oppnevnte %s i %s som %s i sak %s; svarfrist %s.", n.CoordinatorName, n.ServiceID, c.kind.Title, c.in.CaseRef, calendar.FormatDate(due)),
		c.nominationDetail(n, due), now)
	c.notify(activities.Notice{Kind: NoticeCoordinatorNamed, ServiceID: n.ServiceID, Step: dlAnswer, About: n.CoordinatorSlackUserID,
		Deadline: due, By: n.Actor.SlackUserID}, key, "")
	return c.st, nil
}

// nominationDetail is the ledger's detail of a nomination: with the person's wish and the
// KE's reason when the coordination goes elsewhere (hol § 3-4 second paragraph).
func (c *coordCase) nominationDetail(n CoordinatorNomination, due time.Time) map[string]any {
	detail := map[string]any{"koordinator": n.CoordinatorSlackUserID, "tjeneste": n.ServiceID, "helsepersonell": n.HealthPersonnel, "svarfrist": due}
	if w := c.st.Wish; w != nil {
		detail["ønsket_tjeneste"] = w.ServiceID
		detail["som_ønsket"] = w.ServiceID == "" || w.ServiceID == n.ServiceID
	}
	if n.ResponsibilityReason != "" {
		detail["ansvar_begrunnelse"] = n.ResponsibilityReason
	}
	return detail
}

func (c *coordCase) validateAnswer(a NominationAnswer) error {
	co := c.st.Coordinator
	if c.st.Step != CoordStepAppoint || co == nil || co.Answer != "" {
		return refuse("", "refusal.coord_no_nomination", "Ref", c.in.CaseRef)
	}
	if err := refuseReadOnly(a.Actor); err != nil {
		return err
	}
	if a.Actor.SlackUserID != co.SlackUserID {
		return refuse("", "refusal.coord_only_nominee", "User", co.SlackUserID)
	}
	if !a.Accept && strings.TrimSpace(a.Reason) == "" {
		return refuse("begrunnelse", "refusal.coord_decline_reason")
	}
	return checkFields("begrunnelse", a.Reason)
}

func (c *coordCase) answer(ctx workflow.Context, a NominationAnswer) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	co := c.st.Coordinator
	key := fmt.Sprintf("%s:%d", dlAnswer, c.round)
	d := c.deadline(key)
	onTime := !now.After(d.Due)
	c.finishDeadline(key)
	co.AnswerReason, co.AnsweredAt = a.Reason, now
	detail := map[string]any{"koordinator": co.SlackUserID, "tjeneste": co.ServiceID, "begrunnelse": a.Reason, "innen_frist": onTime}
	if a.Accept {
		co.Answer = NominationAccepted
		c.st.Responsibility = co.ServiceID
		c.st.Step, c.st.Waiting = CoordStepActive, "koordinator oppnevnt"
		c.st.WithoutCoordinatorSince = time.Time{}
		c.audit(c.updateKey(ctx), a.Actor, co.ServiceID, "oppnevning_godtatt",
			fmt.Sprintf("%s godtok oppnevningen som %s i sak %s.", co.Name, c.kind.Title, c.in.CaseRef), detail, now)
		if c.in.Kind == KindChildCoordinator {
			// The child coordinator takes over the coordination of the case's collaboration
			// duties (hol § 3-4 second paragraph).
			c.queue = append(c.queue, effect{handOver: &activities.HandOver{
				CaseRef: c.in.CaseRef, CoordinatorWorkflowID: c.info.WorkflowExecution.ID, Kind: c.kind.Kind,
				Title: c.kind.Title, Citation: c.kind.Citation, SlackUserID: co.SlackUserID, ServiceID: co.ServiceID, At: now,
			}})
		}
	} else {
		co.Answer = NominationDeclined
		c.audit(c.updateKey(ctx), a.Actor, co.ServiceID, "oppnevning_avslått",
			fmt.Sprintf("%s avslo oppnevningen som %s i sak %s.", co.Name, c.kind.Title, c.in.CaseRef), detail, now)
	}
	c.markAnswered(key, a.Actor, co.Answer)
	c.notify(activities.Notice{Kind: NoticeCoordinatorAnswer, ToCoordinatingUnit: true, Step: dlAnswer, About: co.ServiceID,
		Answer: co.Answer, By: a.Actor.SlackUserID}, "", "")
	if !a.Accept {
		c.vacate(now, NominationDeclined)
	}
	c.refreshSummary()
	return c.st, nil
}

// --- a coordinator leaving, and the end ---

func (c *coordCase) validateLeave(l CoordinatorLeaving) error {
	if c.st.Step != CoordStepActive {
		return refuse("", "refusal.coord_none_accepted", "Ref", c.in.CaseRef)
	}
	if err := refuseReadOnly(l.Actor); err != nil {
		return err
	}
	if l.Actor.SlackUserID != c.st.Coordinator.SlackUserID && !l.Actor.MemberOf(c.in.CoordinatingUnitID) {
		return refuse("", "refusal.coord_leave_who", "User", c.st.Coordinator.SlackUserID)
	}
	if strings.TrimSpace(l.Reason) == "" {
		return refuse("begrunnelse", "refusal.coord_leave_reason")
	}
	return checkFields("begrunnelse", l.Reason)
}

func (c *coordCase) leave(ctx workflow.Context, l CoordinatorLeaving) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	co := c.st.Coordinator
	co.LeftAt, co.LeftReason = now, l.Reason
	c.st.WithoutCoordinatorSince = now
	c.audit(c.updateKey(ctx), l.Actor, co.ServiceID, "koordinator_sluttet",
		fmt.Sprintf("Koordinatoren i sak %s slutter; saken er uten koordinator til en ny har godtatt oppnevning.", c.in.CaseRef),
		map[string]any{"koordinator": co.SlackUserID, "tjeneste": co.ServiceID, "begrunnelse": l.Reason}, now)
	c.vacate(now, "sluttet")
	c.handOverLeaving(ctx, now) // the duty cases and the plan learn of the gap (takeover.go)
	return c.st, nil
}

func (c *coordCase) validateEnd(e CoordinationEnd) error {
	if err := c.keOnly(e.Actor); err != nil {
		return err
	}
	if c.st.Step == CoordStepDone {
		return refuse("", "refusal.coord_closed", "Ref", c.in.CaseRef)
	}
	if strings.TrimSpace(e.Reason) == "" {
		return refuse("begrunnelse", "refusal.coord_end_reason")
	}
	return checkFields("begrunnelse", e.Reason)
}

func (c *coordCase) end(ctx workflow.Context, e CoordinationEnd) (CoordinatorStatus, error) {
	now := workflow.Now(ctx)
	outcome := OutcomeCoordinationEnded
	if len(c.st.Decisions) == 0 {
		outcome = OutcomeWithdrawnUndecided
	}
	if c.st.Step == CoordStepAppealLate { // ended while only a late appeal could still come: the refusal stands
		outcome = OutcomeRefusalFinal
	}
	if co := c.st.Coordinator; co != nil && co.Answer == "" {
		co.Answer, co.AnsweredAt = NominationReplaced, now
	}
	c.handOverLeaving(ctx, now) // a coordinator still serving stops with the coordination (takeover.go)
	c.audit(c.updateKey(ctx), e.Actor, c.in.CoordinatingUnitID, "koordinering_avsluttet",
		fmt.Sprintf("Koordinerende enhet avsluttet koordineringen i sak %s.", c.in.CaseRef),
		map[string]any{"begrunnelse": e.Reason, "utfall": outcome}, now)
	c.close(now, outcome, fmt.Sprintf("Saken om %s er avsluttet.", c.kind.Title))
	return c.st, nil
}

// --- transitions ---

// enterAppointment starts naming after a grant.
func (c *coordCase) enterAppointment(now time.Time) {
	c.st.Step, c.st.Waiting = CoordStepAppoint, "venter på oppnevning"
	c.startDeadline(fmt.Sprintf("%s:%d", dlName, c.round), dlName, c.in.CoordinatingUnitID, "", now, c.in.Deadlines.AcceptWorkingDays)
}

// vacate sends the case back to the KE to name someone (after a decline, no answer, or the
// coordinator leaving): escalated the same moment, and again every ReescalateWorkingDays
// until someone is named.
func (c *coordCase) vacate(now time.Time, why string) {
	c.st.Step, c.st.Waiting = CoordStepAppoint, "venter på ny oppnevning"
	c.round++
	key := fmt.Sprintf("%s:%d", dlName, c.round)
	c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: key, Step: dlRename, Responsible: c.in.CoordinatingUnitID,
		Start: now, Remind: now, Due: now, Reminded: true, Escalations: 1,
		NextEscalation: c.reescalateFrom(now, now)})
	c.refreshSummary()
	reasons := map[string]string{
		NominationDeclined: "den oppnevnte avslo",
		NominationLapsed:   "den oppnevnte svarte ikke innen fristen",
		"sluttet":          "koordinatoren slutter",
	}
	c.audit(fmt.Sprintf("eskalering:%s:1", key), Actor{SlackUserID: System}, c.in.CoordinatingUnitID, "ny_oppnevning_eskalert",
		fmt.Sprintf("Sak %s trenger ny %s (%s); eskalert til koordinerende enhet.", c.in.CaseRef, c.kind.Title, reasons[why]),
		map[string]any{"årsak": why}, now)
	c.notify(activities.Notice{Kind: NoticeCoordinatorVacant, ToCoordinatingUnit: true, Step: dlRename, About: c.kind.Kind,
		Answer: why, Deadline: now, Escalations: 1}, "", "")
}

func (c *coordCase) close(now time.Time, outcome, summary string) {
	c.st.Step, c.st.Waiting, c.st.Outcome, c.st.ClosedAt = CoordStepDone, "", outcome, now
	for i := range c.st.Deadlines {
		c.st.Deadlines[i].Done = true
	}
	c.refreshSummary()
	c.audit("avsluttet", Actor{SlackUserID: System}, c.in.CoordinatingUnitID, "sak_avsluttet", summary,
		map[string]any{"utfall": outcome}, now)
	c.notify(activities.Notice{Kind: activities.NoticeClosed, ToCoordinatingUnit: true, Answer: outcome, About: c.kind.Kind}, "", "")
}

// --- deadlines (the same mechanism as dutyCase) ---

func (c *coordCase) startDeadline(key, step, responsible, about string, now time.Time, workingDays int) time.Time {
	due := calendar.AddWorkingDays(now, workingDays)
	remind := now.Add(due.Sub(now) * time.Duration(c.in.Deadlines.ReminderPercent) / 100)
	if c.lawDays { // to the end of the day, the reminder on a working day
		due = calendar.WorkingDayDeadline(now, workingDays)
		remind = calendar.ReminderBetween(now, due, c.in.Deadlines.ReminderPercent)
	}
	c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: key, Step: step, Responsible: responsible, About: about,
		Start: now, Remind: remind, Due: due, NextEscalation: due})
	c.refreshSummary()
	return due
}

// reescalateFrom is the next escalation after one due at last that fired at now. Under
// lawDays a case waking after an outage escalates once and counts on from now, instead of
// sending every repeat it slept through.
func (c *coordCase) reescalateFrom(last, now time.Time) time.Time {
	n := c.in.Deadlines.ReescalateWorkingDays
	if !c.lawDays {
		return calendar.AddWorkingDays(last, n)
	}
	next := calendar.WorkingDayDeadline(last, n)
	if !next.After(now) {
		next = calendar.WorkingDayDeadline(now, n)
	}
	return next
}

func (c *coordCase) deadline(key string) *Deadline { return c.st.Deadlines.find(key) }

func (c *coordCase) finishDeadline(key string) {
	c.deadline(key).Done = true
	c.refreshSummary()
}

func (c *coordCase) refreshSummary() {
	c.st.NextDeadline, c.st.Overdue = c.st.Deadlines.summary()
	if c.st.Step == CoordStepAppealOpen && (c.st.NextDeadline.IsZero() || c.st.AppealDeadline.Before(c.st.NextDeadline)) {
		c.st.NextDeadline = c.st.AppealDeadline
	}
}

// nextAlarm adds the end of the appeal window, which closes a refusal not appealed (or,
// under lawDays, opens the time for a late appeal), and the end of that time.
func (c *coordCase) nextAlarm() time.Time {
	next := c.st.Deadlines.nextAlarm()
	if c.st.Step == CoordStepAppealOpen && (next.IsZero() || c.st.AppealDeadline.Before(next)) {
		next = c.st.AppealDeadline
	}
	if c.st.Step == CoordStepAppealLate && (next.IsZero() || c.st.LateAppealUntil.Before(next)) {
		next = c.st.LateAppealUntil
	}
	return next
}

// fireAlarms sends what is due: reminders before a deadline, escalation to the KE at it and
// every ReescalateWorkingDays after; the forced provisional answer at one month; a named
// coordinator's silence sends the case back to the KE; a refusal not appealed in time ends it.
func (c *coordCase) fireAlarms(now time.Time) {
	if c.lawDays && c.st.Step == CoordStepAppealOpen && !now.Before(c.st.AppealDeadline) {
		// The refusal stands, but the case stays open a while so that a late appeal can be
		// recorded in it with the KE's decision whether to consider it (fvl § 31).
		c.st.LateAppealUntil = calendar.EndOfDay(calendar.AddMonths(c.st.AppealDeadline, c.in.Deadlines.lateAppealMonths()))
		c.st.Step, c.st.Waiting = CoordStepAppealLate, "klagefristen er ute; en for sen klage kan fortsatt registreres"
		c.audit("klagefrist-ute", Actor{SlackUserID: System}, c.in.CoordinatingUnitID, "klagefrist_utløpt",
			fmt.Sprintf("Klagefristen gikk ut %s uten klage; avslaget på %s i sak %s står. En for sen klage kan registreres til %s.",
				calendar.FormatDate(c.st.AppealDeadline), c.kind.Title, c.in.CaseRef, calendar.FormatDate(c.st.LateAppealUntil)),
			map[string]any{"klagefrist": c.st.AppealDeadline, "vedtak_kjent": c.st.NotifiedAt, "åpen_for_sen_klage_til": c.st.LateAppealUntil},
			now, AppealCitation+"; "+LateAppealCitation)
		c.refreshSummary()
		return
	}
	if c.st.Step == CoordStepAppealLate && !now.Before(c.st.LateAppealUntil) {
		c.audit("avslag-endelig", Actor{SlackUserID: System}, c.in.CoordinatingUnitID, "avslag_endelig",
			fmt.Sprintf("Ingen klage kom innen klagefristen %s eller senere; avslaget på %s i sak %s er endelig.", calendar.FormatDate(c.st.AppealDeadline), c.kind.Title, c.in.CaseRef),
			map[string]any{"klagefrist": c.st.AppealDeadline, "åpen_for_sen_klage_til": c.st.LateAppealUntil}, now, AppealCitation)
		c.close(now, OutcomeRefusalFinal, fmt.Sprintf("Saken er avsluttet: avslaget på %s ble ikke påklaget.", c.kind.Title))
		return
	}
	if c.st.Step == CoordStepAppealOpen && !now.Before(c.st.AppealDeadline) {
		c.audit("avslag-endelig", Actor{SlackUserID: System}, c.in.CoordinatingUnitID, "avslag_endelig",
			fmt.Sprintf("Klagefristen gikk ut %s uten klage; avslaget på %s i sak %s er endelig.", calendar.FormatDate(c.st.AppealDeadline), c.kind.Title, c.in.CaseRef),
			map[string]any{"klagefrist": c.st.AppealDeadline}, now, AppealCitation)
		c.close(now, OutcomeRefusalFinal, fmt.Sprintf("Saken er avsluttet: avslaget på %s ble ikke påklaget innen fristen.", c.kind.Title))
		return
	}
	for i := range c.st.Deadlines {
		d := &c.st.Deadlines[i]
		if d.Done {
			continue
		}
		if !d.Reminded && !now.Before(d.Remind) {
			d.Reminded = true
			if now.Before(d.Due) {
				n := activities.Notice{Kind: activities.NoticeReminder, Step: d.Step, About: d.About, Deadline: d.Due}
				if d.Responsible == c.in.CoordinatingUnitID {
					n.ToCoordinatingUnit = true
				} else {
					n.ServiceID = d.Responsible
				}
				c.audit(fmt.Sprintf("påminnelse:%s", d.Key), Actor{SlackUserID: System}, d.Responsible, "påminnelse_sendt",
					fmt.Sprintf("Påminnelse til %s: %s har frist %s.", d.Responsible, d.Step, calendar.FormatDate(d.Due)),
					map[string]any{"frist": d.Due}, now)
				c.notify(n, "", "")
			}
		}
		if !d.Reminded || now.Before(d.NextEscalation) {
			continue
		}
		if d.Step == dlAnswer {
			// No answer in time: the nomination lapses and the KE must name someone.
			d.Done, d.Escalations = true, 1
			if co := c.st.Coordinator; co != nil && co.Answer == "" {
				co.Answer, co.AnsweredAt = NominationLapsed, now
			}
			c.audit(fmt.Sprintf("eskalering:%s:1", d.Key), Actor{SlackUserID: System}, d.Responsible, "oppnevning_utløpt",
				fmt.Sprintf("Den oppnevnte koordinatoren i sak %s svarte ikke innen %s.", c.in.CaseRef, calendar.FormatDate(d.Due)),
				map[string]any{"frist": d.Due, "koordinator": d.About}, now, "lokal fristpolicy "+c.in.PolicyVersion+"; "+c.kind.Citation)
			c.vacate(now, NominationLapsed)
			return // vacate appended to the slice d points into
		}
		d.Escalations++
		d.NextEscalation = c.reescalateFrom(d.NextEscalation, now)
		if d.Key == dlProvisional {
			if c.st.Step == CoordStepAssess {
				c.st.Step = CoordStepProvisional
			}
			c.audit(fmt.Sprintf("eskalering:%s:%d", d.Key, d.Escalations), Actor{SlackUserID: System}, d.Responsible, "foreløpig_svar_påkrevd",
				fmt.Sprintf("Sak %s er ikke avgjort innen en måned (%s): foreløpig svar må sendes (%d. varsel).", c.in.CaseRef, calendar.FormatDate(d.Due), d.Escalations),
				map[string]any{"frist": d.Due, "eskaleringer": d.Escalations}, now, ProvisionalAnswerCitation)
			c.notify(activities.Notice{Kind: NoticeCoordinatorProvisionalDue, ToCoordinatingUnit: true, Step: d.Step,
				Deadline: d.Due, Escalations: d.Escalations}, "", "")
		} else {
			c.audit(fmt.Sprintf("eskalering:%s:%d", d.Key, d.Escalations), Actor{SlackUserID: System}, d.Responsible, "frist_oversittet",
				fmt.Sprintf("Frist for %s i sak %s gikk ut %s; eskalert til koordinerende enhet (%d. gang).", d.Step, c.in.CaseRef, calendar.FormatDate(d.Due), d.Escalations),
				map[string]any{"frist": d.Due, "eskaleringer": d.Escalations}, now, "lokal fristpolicy "+c.in.PolicyVersion+"; hol § 7-3")
			c.notify(activities.Notice{Kind: activities.NoticeEscalation, ToCoordinatingUnit: true, Step: d.Step, About: d.About,
				Deadline: d.Due, Escalations: d.Escalations}, "", "")
		}
		c.refreshSummary()
	}
}

// --- effects ---

// markAnswered replaces a prompt's buttons with who answered.
func (c *coordCase) markAnswered(key string, by Actor, answer string) {
	c.notify(activities.Notice{Kind: activities.NoticeAnswered, Step: key, By: by.SlackUserID, Answer: answer}, "", key)
}

func (c *coordCase) publishSearchAttributes(ctx workflow.Context) error {
	now := coordSearchAttributes{step: c.st.Step, deadline: c.st.NextDeadline, overdue: c.st.Overdue,
		withoutCoordinator: !c.st.WithoutCoordinatorSince.IsZero()}
	var waiting []string
	if waitingOnVersion(ctx) {
		waiting = CoordinatorWaitingOn(c.st, c.in.CoordinatingUnitID)
		now.waiting = strings.Join(waiting, ",")
	}
	if c.saSet && now == c.lastSA {
		return nil
	}
	updates := []temporal.SearchAttributeUpdate{
		AttrCase.ValueSet(c.in.CaseRef), AttrStep.ValueSet(string(now.step)), AttrOverdue.ValueSet(now.overdue),
		AttrWithoutCoordinator.ValueSet(now.withoutCoordinator),
	}
	if waiting != nil {
		updates = append(updates, AttrWaitingOn.ValueSet(waiting))
	}
	if now.deadline.IsZero() {
		updates = append(updates, AttrDeadline.ValueUnset())
	} else {
		updates = append(updates, AttrDeadline.ValueSet(now.deadline))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		return err
	}
	c.lastSA, c.saSet = now, true
	return nil
}

// --- helpers ---

func (c *coordCase) keOnly(a Actor) error {
	if err := refuseReadOnly(a); err != nil {
		return err
	}
	if !a.MemberOf(c.in.CoordinatingUnitID) {
		return refuse("", "refusal.ke_only", "Unit", c.in.CoordinatingUnitID, "Ref", c.in.CaseRef)
	}
	return nil
}

func (c *coordCase) updateKey(ctx workflow.Context) string {
	return "oppdatering:" + workflow.GetCurrentUpdateInfo(ctx).ID
}

func (c *coordCase) condition(id string) *Condition {
	for i := range c.kind.Conditions {
		if c.kind.Conditions[i].ID == id {
			return &c.kind.Conditions[i]
		}
	}
	return nil
}

func (c *coordCase) lastDecision() CoordinatorDecision {
	if len(c.st.Decisions) == 0 {
		return CoordinatorDecision{}
	}
	return c.st.Decisions[len(c.st.Decisions)-1]
}
