package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/privacy"
)

// WorkflowID is the business key of a case's duty for one initiating service, so starting
// the same case twice finds the running one instead of opening a duplicate.
func WorkflowID(caseRef, serviceID string) string {
	return "samarbeidsplikt/" + caseRef + "/" + serviceID
}

// RefusalType marks an update refused for the user's input, as opposed to a technical error.
const RefusalType = "Avvist"

// System is the actor named in the ledger for what the workflow does by itself.
const System = "samarbeid"

// CollaborationDuty carries one service's duty to collaborate for one person (hol § 3-4
// first paragraph and its twins in the other welfare laws) through its three steps: clarify
// which other services give services, assess the need to collaborate with each, and
// establish contact with consent on record. Every step has a deadline with a reminder and
// escalation to the coordinating unit, so a case never stalls silently.
func CollaborationDuty(ctx workflow.Context, in CaseInput) (Status, error) {
	if err := in.Policy.Validate(); err != nil {
		return Status{}, temporal.NewNonRetryableApplicationError(err.Error(), "UgyldigPolicy", err)
	}
	c := &dutyCase{in: in, effectQueue: newEffectQueue(workflow.GetInfo(ctx), in.CaseRef, in.Subject, in.LegalBasis),
		clock: func() time.Time { return workflow.Now(ctx) }}
	// Open first: an answer can arrive with the very first workflow task, and its validator
	// must see step 1 (neither line issues a command, so the order is replay-safe).
	c.open(workflow.Now(ctx))
	if err := c.register(ctx); err != nil {
		return Status{}, err
	}
	// A coordinator's takeover can arrive at any time; the main loop flushes what it queues.
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, SignalCoordinatorTakeover)
		for {
			var h activities.HandOver
			ch.Receive(ctx, &h)
			c.takeOver(ctx, h)
		}
	})

	err := runCase(ctx, c, nil)
	if err == nil && c.evaluation != nil {
		// The evaluation outlives the case (ParentClosePolicy abandon), but must have
		// started before the case closes, or it would never start.
		if serr := c.evaluation.GetChildWorkflowExecution().Get(ctx, nil); serr != nil {
			workflow.GetLogger(ctx).Warn("evalueringen kunne ikke startes", "feil", serr)
		}
	}
	return c.st, err
}

// dutyCase is the workflow's state, driven by runCase.
type dutyCase struct {
	effectQueue
	in     CaseInput
	st     Status
	lastSA searchAttributes
	// clock is the workflow's time, for validators (which get no context).
	clock func() time.Time
	// evaluation is the collaboration's evaluation, started as the case closes.
	evaluation workflow.ChildWorkflowFuture
}

// now is the workflow's time; a case built outside a workflow (tests) has none and reads zero.
func (c *dutyCase) now() time.Time {
	if c.clock == nil {
		return time.Time{}
	}
	return c.clock()
}

type searchAttributes struct {
	step     Step
	deadline time.Time
	overdue  bool
	waiting  string // AttrWaitingOn's values joined; empty in a run without it
}

func (c *dutyCase) register(ctx workflow.Context) error {
	return registerHandlers(ctx, func() (Status, error) { return c.st, nil }, []updateHandler{
		{UpdateClarify, c.clarify, c.validateClarify},
		{UpdateAssess, c.assess, c.validateAssess},
		{UpdateRecordConsent, c.recordConsent, c.validateConsent},
		{UpdateRequestContact, c.requestContact, c.validateRequestContact},
		{UpdateAnswerContact, c.answerContact, c.validateAnswerContact},
		{UpdateCloseCase, c.closeByDecision, c.validateCloseCase},
		{UpdateTakeSuggestion, c.takeSuggestion, c.validateTakeSuggestion},
		{UpdateDropSuggestion, c.dropSuggestion, c.validateDropSuggestion},
		{UpdateWithdrawConsent, c.withdrawConsent, c.validateWithdrawConsent},
	})
}

func (c *dutyCase) closed() bool { return c.st.Step == StepDone }

func (c *dutyCase) open(now time.Time) {
	c.st = Status{
		CaseRef: c.in.CaseRef, Subject: c.in.Subject, InitiatingServiceID: c.in.InitiatingServiceID,
		LegalBasis: c.in.LegalBasis, PolicyVersion: c.in.Policy.Version,
		OpenedBy: c.in.OpenedBy.SlackUserID, OpenedAt: now, Step: StepClarify,
	}
	c.startDeadline(StepClarify, "", c.in.InitiatingServiceID, now, c.in.Policy.ClarifyWorkingDays)
	c.audit("sak_opens:"+c.info.WorkflowExecution.ID, c.in.OpenedBy, c.in.InitiatingServiceID, "sak_opprettet",
		fmt.Sprintf("Sak %s (%s) opprettet; steg 1 avklaring med frist %s.", c.in.CaseRef, c.in.Subject, calendar.FormatDate(c.deadline(string(StepClarify)).Due)),
		map[string]any{"fristpolicy": c.in.Policy.Version, "frist": c.deadline(string(StepClarify)).Due}, now)
	c.notify(activities.Notice{Kind: activities.NoticeClarify, ServiceID: c.in.InitiatingServiceID,
		Step: string(StepClarify), Deadline: c.deadline(string(StepClarify)).Due}, string(StepClarify), "")
}

// --- step 1: which other services give services ---

func (c *dutyCase) validateClarify(a ClarifyAnswer) error {
	if err := c.initiatorOnly(a.Actor, StepClarify); err != nil {
		return err
	}
	if a.None && len(a.ServiceIDs) > 0 {
		return refuse("tjenester", "refusal.services_both")
	}
	if !a.None && len(a.ServiceIDs) == 0 {
		return refuse("tjenester", "refusal.services_none")
	}
	seen := map[string]bool{}
	for _, s := range a.ServiceIDs {
		if s == c.in.InitiatingServiceID {
			return refuse("tjenester", "refusal.own_service")
		}
		if seen[s] {
			return refuse("tjenester", "refusal.service_twice", "Service", s)
		}
		seen[s] = true
	}
	return nil
}

func (c *dutyCase) clarify(ctx workflow.Context, a ClarifyAnswer) (Status, error) {
	now := workflow.Now(ctx)
	c.finishDeadline(string(StepClarify))
	c.st.ClarifiedBy, c.st.ClarifiedAt = a.Actor.SlackUserID, now
	answer := "ingen"
	summary := "Steg 1: ingen andre tjenester gir tjenester til personen."
	if !a.None {
		answer = strings.Join(a.ServiceIDs, ", ")
		summary = "Steg 1: andre tjenester som gir tjenester: " + answer + "."
		for _, s := range a.ServiceIDs {
			c.st.Services = append(c.st.Services, ServiceStatus{ServiceID: s})
		}
	}
	c.audit(c.updateKey(ctx), a.Actor, c.in.InitiatingServiceID, "steg1_avklart", summary,
		map[string]any{"tjenester": a.ServiceIDs, "ingen": a.None}, now)
	c.markAnswered(string(StepClarify), a.Actor, answer)
	if a.None {
		c.st.NoOtherServices = true
		c.close(now, "ingen_andre_tjenester", "Saken er avsluttet: ingen andre tjenester gir tjenester, så samarbeid er ikke aktuelt nå.")
		return c.st, nil
	}
	c.enterStep(StepAssess, now, c.in.Policy.AssessWorkingDays)
	return c.st, nil
}

// --- step 2: is collaboration needed with each ---

func (c *dutyCase) validateAssess(a AssessAnswer) error {
	if err := c.initiatorOnly(a.Actor, StepAssess); err != nil {
		return err
	}
	svc := c.service(a.ServiceID)
	if svc == nil {
		return refuse("", "refusal.service_not_in_case", "Service", a.ServiceID)
	}
	if svc.Assessment != nil {
		return refuse("", "refusal.already_assessed", "Service", a.ServiceID, "User", svc.Assessment.By)
	}
	if strings.TrimSpace(a.Reason) == "" {
		return refuse("begrunnelse", "refusal.assess_reason")
	}
	if a.Needed && strings.TrimSpace(a.About) == "" {
		return refuse("tema", "refusal.assess_about")
	}
	return checkFreeText(map[string]string{"tema": a.About, "begrunnelse": a.Reason})
}

func (c *dutyCase) assess(ctx workflow.Context, a AssessAnswer) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	svc.Assessment = &Assessment{Needed: a.Needed, About: a.About, Reason: a.Reason, By: a.Actor.SlackUserID, At: now}
	verdict := "ikke behov for samarbeid"
	if a.Needed {
		verdict = "behov for samarbeid"
	}
	c.audit(c.updateKey(ctx), a.Actor, a.ServiceID, "steg2_vurdert",
		fmt.Sprintf("Steg 2: %s med %s.", verdict, a.ServiceID),
		map[string]any{"behov": a.Needed, "tema": a.About, "begrunnelse": a.Reason}, now)
	if !c.allAssessed() {
		c.redraw(StepAssess)
		return c.st, nil
	}
	c.finishDeadline(string(StepAssess))
	c.markAnswered(string(StepAssess), a.Actor, "vurdert")
	if len(c.neededServices()) == 0 {
		c.close(now, "samarbeid_ikke_nødvendig", "Saken er avsluttet: samarbeid er vurdert som ikke nødvendig med noen av tjenestene.")
		return c.st, nil
	}
	c.enterStep(StepContact, now, c.in.Policy.ContactWorkingDays)
	return c.st, nil
}

// --- step 3: consent on record, then the contact request ---

func (c *dutyCase) validateConsent(a ConsentAnswer) error {
	svc, err := c.stepThreeService(a.Actor, a.ServiceID)
	if err != nil {
		return err
	}
	if svc.Contact != nil {
		return refuse("", "refusal.basis_locked", "Service", a.ServiceID)
	}
	switch a.Basis {
	case BasisConsent:
		if a.Form != FormOral && a.Form != FormWritten {
			return refuse("form", "refusal.consent_form")
		}
		if !slices.Contains(Givers, a.GivenBy) {
			return refuse("gitt_av", "refusal.consent_giver")
		}
	case BasisStatutory:
		if strings.TrimSpace(a.StatutoryBasis) == "" {
			return refuse("hjemmel", "refusal.statute_missing")
		}
	case BasisRefused:
		if !slices.Contains(Givers, a.GivenBy) {
			return refuse("gitt_av", "refusal.consent_giver")
		}
		if strings.TrimSpace(a.Reason) == "" {
			return refuse("begrunnelse", "refusal.consent_refused_reason")
		}
	default:
		return refuse("grunnlag", "refusal.basis_required")
	}
	return checkFreeText(map[string]string{"hjemmel": a.StatutoryBasis, "opplysninger": a.Information, "begrunnelse": a.Reason})
}

func (c *dutyCase) recordConsent(ctx workflow.Context, a ConsentAnswer) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	svc.Consent = &ConsentStatus{Basis: a.Basis, Form: a.Form, StatutoryBasis: a.StatutoryBasis, By: a.Actor.SlackUserID, At: now,
		GivenBy: a.GivenBy, Information: a.Information, Reason: a.Reason}
	if a.Basis == BasisConsent && c.in.Policy.ConsentValidMonths > 0 {
		svc.Consent.ExpiresAt = calendar.AddMonths(now, c.in.Policy.ConsentValidMonths)
	}
	key := c.updateKey(ctx)
	c.queue = append(c.queue, effect{consent: &activities.ConsentRecord{
		Key: key, CaseRef: c.in.CaseRef, RecipientServiceID: a.ServiceID, Basis: a.Basis, Form: a.Form,
		StatutoryBasis: a.StatutoryBasis, RecordedBy: a.Actor.SlackUserID, RecordedAt: now,
		GivenBy: a.GivenBy, Information: a.Information, Reason: a.Reason, ExpiresAt: svc.Consent.ExpiresAt,
	}})
	legal := CiteConsent
	summary := fmt.Sprintf("Samtykke (%s) til å dele opplysninger med %s registrert.", a.Form, a.ServiceID)
	switch a.Basis {
	case BasisStatutory:
		legal = a.StatutoryBasis
		summary = fmt.Sprintf("Lovhjemmel for å dele opplysninger med %s registrert: %s.", a.ServiceID, a.StatutoryBasis)
	case BasisRefused:
		legal = CiteConfidentiality
		summary = fmt.Sprintf("Personen har nektet samtykke til deling med %s.", a.ServiceID)
	}
	detail := map[string]any{"grunnlag": a.Basis, "form": a.Form, "hjemmel": a.StatutoryBasis}
	if a.GivenBy != "" { // recorded since consent says who gave it (issue 10)
		detail["gitt_av"], detail["opplysninger"], detail["begrunnelse"] = a.GivenBy, a.Information, a.Reason
		if !svc.Consent.ExpiresAt.IsZero() {
			detail["utløper"] = svc.Consent.ExpiresAt
		}
	}
	c.audit(key, a.Actor, a.ServiceID, "samtykke_registrert", summary, detail, now, legal)
	c.redraw(StepContact)
	if newRules(ctx) {
		// A refusal settles the service; a later consent opens its contact again.
		c.contactClock(a.ServiceID, now)
		c.closeIfResolved(ctx, now)
	}
	return c.st, nil
}

func (c *dutyCase) validateRequestContact(a ContactRequest) error {
	svc, err := c.stepThreeService(a.Actor, a.ServiceID)
	if err != nil {
		return err
	}
	if svc.Contact != nil {
		return refuse("", "refusal.contact_already_sent", "Service", a.ServiceID, "User", svc.Contact.RequestedBy)
	}
	switch {
	case svc.Consent == nil:
		return refuse("", "refusal.contact_no_basis", "Service", a.ServiceID)
	case svc.Consent.Basis == BasisRefused:
		return refuse("", "refusal.contact_consent_refused", "Service", a.ServiceID)
	case svc.Consent.Withdrawn != nil:
		return refuse("", "refusal.contact_consent_withdrawn", "Service", a.ServiceID)
	case !svc.Consent.PermitsAt(c.now()):
		return refuse("", "refusal.contact_consent_expired", "Service", a.ServiceID, "Date", svc.Consent.ExpiresAt)
	}
	return nil
}

func (c *dutyCase) requestContact(ctx workflow.Context, a ContactRequest) (Status, error) {
	c.sendRequest(ctx, a, workflow.Now(ctx), c.updateKey(ctx))
	c.redraw(StepContact)
	return c.st, nil
}

// sendRequest sends one contact request, with its answer deadline.
func (c *dutyCase) sendRequest(ctx workflow.Context, a ContactRequest, now time.Time, auditKey string) {
	svc := c.service(a.ServiceID)
	svc.Contact = &ContactStatus{RequestedBy: a.Actor.SlackUserID, RequestedAt: now}
	key := "svar:" + a.ServiceID
	c.startDeadline("svar", a.ServiceID, a.ServiceID, now, c.in.Policy.AnswerWorkingDays)
	c.audit(auditKey, a.Actor, a.ServiceID, "kontakt_forespurt",
		fmt.Sprintf("Steg 3: kontaktforespørsel sendt til %s med svarfrist %s.", a.ServiceID, calendar.FormatDate(c.deadline(key).Due)),
		map[string]any{"svarfrist": c.deadline(key).Due, "grunnlag": svc.Consent.Basis}, now)
	c.notify(activities.Notice{Kind: activities.NoticeContactRequest, ServiceID: a.ServiceID, About: c.in.InitiatingServiceID,
		Step: "svar", Deadline: c.deadline(key).Due}, "forespørsel:"+a.ServiceID, "")
	if newRules(ctx) {
		c.finishDeadline(contactClockKey(a.ServiceID))
		if c.allSettledOrRequested() {
			c.finishDeadline(string(StepContact))
		}
	} else if c.allRequested() {
		c.finishDeadline(string(StepContact))
	}
}

func (c *dutyCase) validateAnswerContact(a ContactAnswer) error {
	svc := c.service(a.ServiceID)
	if svc == nil || svc.Contact == nil {
		return refuse("", "refusal.no_open_request", "Service", a.ServiceID, "Ref", c.in.CaseRef)
	}
	if svc.Contact.Answer != "" {
		return refuse("", "refusal.request_answered", "Answer", orRaw(AnswerKey(svc.Contact.Answer), svc.Contact.Answer), "User", svc.Contact.AnsweredBy)
	}
	if err := refuseReadOnly(a.Actor); err != nil {
		return err
	}
	if !a.Actor.MemberOf(a.ServiceID) {
		return refuse("", "refusal.only_answering_service", "Service", a.ServiceID)
	}
	if svc.Consent.Blocks() {
		return refuse("", "refusal.answer_consent_withdrawn", "Ref", c.in.CaseRef)
	}
	if a.SuggestedServiceID != "" && a.Answer != AnswerNotOurs {
		return refuse("forslag", "refusal.suggestion_only_not_ours")
	}
	switch a.Answer {
	case AnswerAccepted:
		if strings.TrimSpace(a.ContactPerson) == "" {
			return refuse("kontaktperson", "refusal.contact_person")
		}
	case AnswerDeclined:
		if strings.TrimSpace(a.Reason) == "" {
			return refuse("begrunnelse", "refusal.decline_reason")
		}
	case AnswerNotOurs:
		// "Not ours" must say why, and may name the service the answerer believes is right.
		if strings.TrimSpace(a.Reason) == "" {
			return refuse("begrunnelse", "refusal.not_ours_reason")
		}
		if a.SuggestedServiceID == a.ServiceID || (a.SuggestedServiceID != "" && a.SuggestedServiceID == c.in.InitiatingServiceID) {
			return refuse("forslag", "refusal.suggestion_self")
		}
	default:
		return refuse("", "refusal.unknown_answer", "Answer", a.Answer)
	}
	return checkFreeText(map[string]string{"kontaktperson": a.ContactPerson, "begrunnelse": a.Reason})
}

func (c *dutyCase) answerContact(ctx workflow.Context, a ContactAnswer) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	ct := svc.Contact
	ct.Answer, ct.ContactPerson, ct.Reason, ct.AnsweredBy, ct.AnsweredAt = a.Answer, a.ContactPerson, a.Reason, a.Actor.SlackUserID, now
	ct.Suggested = a.SuggestedServiceID
	d := c.deadline("svar:" + a.ServiceID)
	onTime := !now.After(d.Due)
	c.finishDeadline(d.Key)
	summaries := map[string]string{
		AnswerAccepted: "%s godtok kontakt; kontaktperson er oppgitt.",
		AnswerDeclined: "%s avslo kontakt.",
		AnswerNotOurs:  "%s svarte at saken ikke hører til dem.",
	}
	summary := fmt.Sprintf(summaries[a.Answer], a.ServiceID)
	detail := map[string]any{"kontaktperson": a.ContactPerson, "begrunnelse": a.Reason, "innen_frist": onTime}
	if a.SuggestedServiceID != "" {
		summary += fmt.Sprintf(" Foreslår %s som rett tjeneste.", a.SuggestedServiceID)
		detail["foreslått_tjeneste"] = a.SuggestedServiceID
	}
	c.audit(c.updateKey(ctx), a.Actor, a.ServiceID, "kontakt_"+a.Answer, summary, detail, now)
	c.markAnswered("forespørsel:"+a.ServiceID, a.Actor, a.Answer)
	c.notify(activities.Notice{Kind: activities.NoticeContactAnswer, ServiceID: c.in.InitiatingServiceID, About: a.ServiceID,
		Step: "svar", Answer: a.Answer, By: a.Actor.SlackUserID, Suggested: a.SuggestedServiceID}, "", "")
	c.redraw(StepContact)
	if !newRules(ctx) {
		if c.allAnswered() {
			c.close(now, OutcomeContactDone, "Alle kontaktforespørsler er besvart; samarbeidsplikten er fulgt opp.")
		}
		return c.st, nil
	}
	if a.SuggestedServiceID != "" {
		// The initiating service decides on the suggestion, within the step-3 period.
		c.startDeadline(StepSuggestion, a.ServiceID, c.in.InitiatingServiceID, now, c.in.Policy.ContactWorkingDays)
	}
	c.closeIfResolved(ctx, now)
	return c.st, nil
}

// takeOver records that a coordinator now coordinates the case's services (or, h.Left,
// that she has left). The duty's steps 1-3 stay with the initiating service; the
// coordinator is named in status, ledger and channel, and the case's escalations go to her
// (takeover.go).
func (c *dutyCase) takeOver(ctx workflow.Context, h activities.HandOver) {
	now := workflow.Now(ctx)
	if c.st.Step == StepDone {
		return
	}
	if h.Left {
		c.coordinatorLeft(ctx, now, h)
		return
	}
	if c.st.Coordinator != nil && c.st.Coordinator.SlackUserID == h.SlackUserID && c.st.Coordinator.LeftAt.IsZero() {
		return
	}
	c.st.Coordinator = &CoordinatorRef{Kind: h.Kind, Title: h.Title, SlackUserID: h.SlackUserID, ServiceID: h.ServiceID, At: now}
	c.audit("koordinator-overtar:"+h.CoordinatorWorkflowID+":"+h.SlackUserID, Actor{SlackUserID: System}, h.ServiceID, "koordinering_overtatt",
		fmt.Sprintf("%s i %s koordinerer nå tjenestene i sak %s.", capitalizeFirst(h.Title), h.ServiceID, c.in.CaseRef),
		map[string]any{"koordinator": h.SlackUserID, "tjeneste": h.ServiceID, "koordinatorsak": h.CoordinatorWorkflowID}, now,
		"hol § 3-4 annet ledd; "+h.Citation)
	c.notify(activities.Notice{Kind: NoticeCoordinationTakenOver, ServiceID: c.in.InitiatingServiceID, About: h.SlackUserID,
		Answer: h.Title}, "", "")
	c.handOverDeadlines(ctx, now, h)
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// --- deadlines ---

func (c *dutyCase) startDeadline(step Step, about, responsible string, now time.Time, workingDays int) {
	key := string(step)
	if about != "" {
		key += ":" + about
	}
	p := c.in.Policy.NewPeriod(now, workingDays)
	c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: key, Step: string(step), Responsible: responsible, About: about,
		Start: p.Start, Remind: p.Remind, Due: p.Due, NextEscalation: p.Due})
	c.refreshSummary()
}

func (c *dutyCase) deadline(key string) *Deadline { return c.st.Deadlines.find(key) }

func (c *dutyCase) finishDeadline(key string) {
	c.deadline(key).Done = true
	c.refreshSummary()
}

func (c *dutyCase) refreshSummary() {
	c.st.NextDeadline, c.st.Overdue = c.st.Deadlines.summary()
}

func (d *Deadline) nextAlarm() time.Time {
	if !d.Reminded {
		return d.Remind
	}
	return d.NextEscalation
}

func (c *dutyCase) nextAlarm() time.Time { return c.st.Deadlines.nextAlarm() }

// fireAlarms sends what is due: a reminder to the responsible service before the deadline,
// then escalation to the KE at it and again every ReescalateWorkingDays until the step is done.
func (c *dutyCase) fireAlarms(now time.Time) {
	for i := range c.st.Deadlines {
		d := &c.st.Deadlines[i]
		if d.Done {
			continue
		}
		if !d.Reminded && !now.Before(d.Remind) {
			d.Reminded = true
			if now.Before(d.Due) {
				c.audit(fmt.Sprintf("påminnelse:%s", d.Key), Actor{SlackUserID: System}, d.Responsible, "påminnelse_sendt",
					fmt.Sprintf("Påminnelse til %s: %s har frist %s.", d.Responsible, d.Step, calendar.FormatDate(d.Due)),
					map[string]any{"frist": d.Due}, now)
				c.notify(activities.Notice{Kind: activities.NoticeReminder, ServiceID: d.Responsible, Step: d.Step,
					About: d.About, Deadline: d.Due}, "", "")
			}
		}
		if d.Reminded && !now.Before(d.NextEscalation) {
			d.Escalations++
			d.NextEscalation = c.in.Policy.NextEscalation(d.NextEscalation, now) // from now after an outage (policy.CountingDays)
			c.audit(fmt.Sprintf("eskalering:%s:%d", d.Key, d.Escalations), Actor{SlackUserID: System}, d.Responsible, "frist_oversittet",
				fmt.Sprintf("Frist for %s hos %s gikk ut %s; eskalert til koordinerende enhet (%d. gang).", d.Step, d.Responsible, calendar.FormatDate(d.Due), d.Escalations),
				map[string]any{"frist": d.Due, "eskaleringer": d.Escalations}, now, "lokal fristpolicy "+c.in.Policy.Version+"; hol § 7-3")
			c.notify(activities.Notice{Kind: activities.NoticeEscalation, ToCoordinatingUnit: true, ServiceID: d.Responsible,
				Step: d.Step, About: d.About, Deadline: d.Due, Escalations: d.Escalations}, "", "")
			c.refreshSummary()
		}
	}
}

// --- effects ---

// enterStep moves the case to step 2 or 3, starts its deadline and posts its prompt.
func (c *dutyCase) enterStep(step Step, now time.Time, workingDays int) {
	c.st.Step = step
	c.startDeadline(step, "", c.in.InitiatingServiceID, now, workingDays)
	c.notify(c.stepPrompt(step), string(step), "")
}

// redraw updates a step prompt in place so its buttons show what is already done.
func (c *dutyCase) redraw(step Step) {
	c.notify(c.stepPrompt(step), "", string(step))
}

// stepPrompt is the prompt of step 2 (every service) or step 3 (the needed ones).
func (c *dutyCase) stepPrompt(step Step) activities.Notice {
	kind, services := activities.NoticeAssess, c.serviceIDs()
	if step == StepContact {
		kind, services = activities.NoticeContact, c.neededServices()
	}
	return activities.Notice{Kind: kind, ServiceID: c.in.InitiatingServiceID, Step: string(step), Services: services,
		Deadline: c.deadline(string(step)).Due, Progress: c.progress()}
}

// markAnswered replaces a prompt's buttons with who answered, so nobody answers it twice.
func (c *dutyCase) markAnswered(key string, by Actor, answer string) {
	c.notify(activities.Notice{Kind: activities.NoticeAnswered, Step: key, By: by.SlackUserID, Answer: answer}, "", key)
}

func (c *dutyCase) close(now time.Time, outcome, summary string) {
	reachedContact := c.st.Step == StepContact
	c.st.Step, c.st.Outcome = StepDone, outcome
	for i := range c.st.Deadlines {
		c.st.Deadlines[i].Done = true
	}
	c.refreshSummary()
	c.audit("avsluttet", Actor{SlackUserID: System}, c.in.InitiatingServiceID, "sak_avsluttet", summary,
		map[string]any{"utfall": outcome}, now)
	n := activities.Notice{Kind: activities.NoticeClosed, ServiceID: c.in.InitiatingServiceID, Answer: outcome, Progress: c.progress()}
	if c.st.Closed != nil {
		n.ReasonCode = c.st.Closed.Reason
	}
	c.notify(n, "", "")
	c.redrawClosed(reachedContact)
}

func (c *dutyCase) publishSearchAttributes(ctx workflow.Context) error {
	now := searchAttributes{step: c.st.Step, deadline: c.st.NextDeadline, overdue: c.st.Overdue}
	var waiting []string
	if waitingOnVersion(ctx) {
		waiting = DutyWaitingOn(c.st)
		now.waiting = strings.Join(waiting, ",")
	}
	if now == c.lastSA {
		return nil
	}
	updates := []temporal.SearchAttributeUpdate{
		AttrCase.ValueSet(c.in.CaseRef), AttrService.ValueSet(c.in.InitiatingServiceID),
		AttrStep.ValueSet(string(now.step)), AttrOverdue.ValueSet(now.overdue),
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
	c.lastSA = now
	return nil
}

// --- helpers ---

func (c *dutyCase) initiatorOnly(a Actor, step Step) error {
	if err := refuseReadOnly(a); err != nil {
		return err
	}
	if !a.MemberOf(c.in.InitiatingServiceID) {
		return refuse("", "refusal.initiator_only", "Service", c.in.InitiatingServiceID)
	}
	if c.st.Step != step {
		if c.st.Step.Number() > step.Number() || c.st.Step == StepDone {
			return refuse("", "refusal.step_done", "N", step.Number(), "Step", orRaw(StepNameKey(step), string(step)), "Ref", c.in.CaseRef)
		}
		return refuse("", "refusal.step_not_reached", "Ref", c.in.CaseRef, "N", step.Number(),
			"Step", orRaw(StepNameKey(step), string(step)), "Current", orRaw(StepNameKey(c.st.Step), string(c.st.Step)))
	}
	return nil
}

func (c *dutyCase) updateKey(ctx workflow.Context) string {
	return "oppdatering:" + workflow.GetCurrentUpdateInfo(ctx).ID
}

func (c *dutyCase) service(id string) *ServiceStatus {
	for i := range c.st.Services {
		if c.st.Services[i].ServiceID == id {
			return &c.st.Services[i]
		}
	}
	return nil
}

// stepThreeService checks that the actor may act in step 3 and that collaboration with the
// service was found necessary in step 2.
func (c *dutyCase) stepThreeService(a Actor, id string) (*ServiceStatus, error) {
	if err := c.initiatorOnly(a, StepContact); err != nil {
		return nil, err
	}
	return c.neededService(id)
}

func (c *dutyCase) neededService(id string) (*ServiceStatus, error) {
	svc := c.service(id)
	if svc == nil || svc.Assessment == nil || !svc.Assessment.Needed {
		return nil, refuse("", "refusal.not_needed", "Service", id, "Ref", c.in.CaseRef)
	}
	return svc, nil
}

func (c *dutyCase) serviceIDs() []string {
	ids := make([]string, len(c.st.Services))
	for i, s := range c.st.Services {
		ids[i] = s.ServiceID
	}
	return ids
}

func (c *dutyCase) neededServices() []string {
	var ids []string
	for _, s := range c.st.Services {
		if s.Assessment != nil && s.Assessment.Needed {
			ids = append(ids, s.ServiceID)
		}
	}
	return ids
}

func (c *dutyCase) allAssessed() bool {
	for _, s := range c.st.Services {
		if s.Assessment == nil {
			return false
		}
	}
	return true
}

func (c *dutyCase) allRequested() bool {
	for _, s := range c.st.Services {
		if s.Assessment != nil && s.Assessment.Needed && s.Contact == nil {
			return false
		}
	}
	return true
}

func (c *dutyCase) allAnswered() bool {
	for _, s := range c.st.Services {
		if s.Assessment != nil && s.Assessment.Needed && (s.Contact == nil || s.Contact.Answer == "") {
			return false
		}
	}
	return true
}

func (c *dutyCase) progress() []activities.ServiceProgress {
	out := make([]activities.ServiceProgress, len(c.st.Services))
	for i, s := range c.st.Services {
		p := activities.ServiceProgress{ServiceID: s.ServiceID, Assessed: s.Assessment != nil}
		p.Needed = p.Assessed && s.Assessment.Needed
		p.HasBasis = s.Consent.Permits()
		p.BasisMissed = s.Consent.Blocks()
		p.Withdrawn = s.Consent != nil && s.Consent.Withdrawn != nil
		if s.Contact != nil {
			p.Requested, p.Answer = true, s.Contact.Answer
		}
		out[i] = p
	}
	return out
}

// checkFreeText refuses free text that holds a fødselsnummer; fields are checked in a fixed
// order, and every field that holds one is named in the same refusal, so the user fixes them
// all in one go.
func checkFreeText(fields map[string]string) error {
	var pairs []string
	for _, name := range []string{"tema", "begrunnelse", "hjemmel", "kontaktperson", "opplysninger", "tekst"} {
		pairs = append(pairs, name, fields[name])
	}
	return checkFields(pairs...)
}

// checkFields refuses free text that holds a fødselsnummer, given as (field, text) pairs in
// order; every field that holds one is named in the one refusal.
func checkFields(pairs ...string) error {
	var bad []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if privacy.ContainsFodselsnummer(pairs[i+1]) {
			bad = append(bad, pairs[i])
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return refuseFields(bad, "refusal.fodselsnummer")
}

// --- no dead ends (issue 10): refusal, withdrawal, close by decision, "not ours" ---

// changeNoDeadEnds guards what issue 10 changed in handlers that running cases already
// had: a refused consent settles its service, "not ours" may name the right service, and the
// case closes with an outcome that says whether anybody took responsibility. Histories from
// before replay with the old rules.
const changeNoDeadEnds = "samarbeidsplikt-uten-blindveier"

func newRules(ctx workflow.Context) bool {
	return workflow.GetVersion(ctx, changeNoDeadEnds, workflow.DefaultVersion, 1) >= 1
}

// changeEvaluation guards the evaluation a case with an accepted contact starts as it closes.
const changeEvaluation = "samarbeidsplikt-evaluering"

// startEvaluation offers the evaluation date (the local policy's interval) and starts the
// evaluation workflow, which outlives the case.
func (c *dutyCase) startEvaluation(ctx workflow.Context, now time.Time, accepted []string) {
	due := ProposedEvaluation(now, c.in.Policy)
	id := EvaluationWorkflowID(c.in.CaseRef, c.in.InitiatingServiceID)
	c.audit("evaluering-foreslått", Actor{SlackUserID: System}, c.in.InitiatingServiceID, "evaluering_foreslått",
		fmt.Sprintf("Samarbeidet med %s evalueres med personen; foreslått dato %s (lokal policy %s: %d måneder).",
			strings.Join(accepted, ", "), calendar.FormatDate(due), c.in.Policy.Version, c.in.Policy.EvaluationMonths),
		map[string]any{"dato": due, "evaluering": id, "tjenester": accepted}, now, CiteEvaluation)
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id,
		ParentClosePolicy: enums.PARENT_CLOSE_POLICY_ABANDON})
	c.evaluation = workflow.ExecuteChildWorkflow(cctx, CollaborationEvaluation, EvaluationInput{
		CaseRef: c.in.CaseRef, Subject: c.in.Subject, InitiatingServiceID: c.in.InitiatingServiceID, LegalBasis: c.in.LegalBasis,
		DutyWorkflowID: c.info.WorkflowExecution.ID, Services: accepted, Due: due, Policy: c.in.Policy,
	})
}

// StepSuggestion is the initiating service's decision on a service a "not ours" named.
const StepSuggestion Step = "forslag"

// contactClockKey is the deadline for sending a request to one service that was settled
// once (refused) and is open again (a later consent, a suggestion taken up).
func contactClockKey(serviceID string) string { return "kontakt-igjen:" + serviceID }

// contactClock starts the initiating service's clock for sending the request to a service
// that waits for one after step 3's own deadline has been met, so it cannot stall silently.
func (c *dutyCase) contactClock(serviceID string, now time.Time) {
	svc := c.service(serviceID)
	if svc == nil || svc.Contact != nil || svc.Consent.Blocks() {
		c.finishDeadline(contactClockKey(serviceID))
		if c.allSettledOrRequested() {
			c.finishDeadline(string(StepContact))
		}
		return
	}
	if !c.deadline(string(StepContact)).Done {
		return // step 3's own deadline still runs
	}
	if d := c.deadline(contactClockKey(serviceID)); d.Key != "" && !d.Done {
		return
	}
	key := contactClockKey(serviceID)
	p := c.in.Policy.NewPeriod(now, c.in.Policy.ContactWorkingDays)
	c.st.Deadlines = slices.DeleteFunc(c.st.Deadlines, func(d Deadline) bool { return d.Key == key })
	c.st.Deadlines = append(c.st.Deadlines, Deadline{Key: key, Step: string(StepContact), Responsible: c.in.InitiatingServiceID,
		Start: p.Start, Remind: p.Remind, Due: p.Due, NextEscalation: p.Due})
	c.refreshSummary()
}

// settled reports whether a needed service waits for nothing more: its request is answered
// or the person said no (refused or withdrew consent), and any service its "not ours" named
// has been dealt with by the initiating service.
func (s ServiceStatus) settled() bool {
	if s.Contact != nil && s.Contact.Suggested != "" && !s.Contact.SuggestionDone {
		return false
	}
	if s.Consent.Blocks() {
		return true
	}
	return s.Contact != nil && s.Contact.Answer != ""
}

func (c *dutyCase) needed(s ServiceStatus) bool { return s.Assessment != nil && s.Assessment.Needed }

// allSettledOrRequested: the initiating service has nothing left to send in step 3.
func (c *dutyCase) allSettledOrRequested() bool {
	for _, s := range c.st.Services {
		if c.needed(s) && s.Contact == nil && !s.Consent.Blocks() {
			return false
		}
	}
	return true
}

// closeIfResolved closes the case once every needed service is settled, with an outcome
// that says what became of the person's need.
func (c *dutyCase) closeIfResolved(ctx workflow.Context, now time.Time) {
	if c.closed() || c.st.Step != StepContact {
		return
	}
	var accepted, turnedAway, saidNo []string
	for _, s := range c.st.Services {
		if !c.needed(s) {
			continue
		}
		if !s.settled() {
			return
		}
		switch {
		case s.Consent.Blocks():
			saidNo = append(saidNo, s.ServiceID)
		case s.Contact.Answer == AnswerAccepted:
			accepted = append(accepted, s.ServiceID)
		default:
			turnedAway = append(turnedAway, s.ServiceID)
		}
	}
	switch {
	case len(accepted) > 0:
		if c.in.Policy.EvaluationMonths > 0 && workflow.GetVersion(ctx, changeEvaluation, workflow.DefaultVersion, 1) >= 1 {
			c.startEvaluation(ctx, now, accepted)
		}
		c.close(now, OutcomeContactDone, "Alle nødvendige tjenester er kontaktet og har svart, eller personen har sagt nei til deling; samarbeidsplikten er fulgt opp.")
	case len(turnedAway) > 0:
		// Nobody took the person's need: not "followed up". The KE keeps the overview.
		c.audit("ingen-tok-ansvar", Actor{SlackUserID: System}, c.in.InitiatingServiceID, "ingen_tok_ansvar",
			fmt.Sprintf("Ingen av de kontaktede tjenestene (%s) tok ansvar; koordinerende enhet er varslet.", strings.Join(turnedAway, ", ")),
			map[string]any{"avslått_eller_ikke_vår": turnedAway, "samtykke_nektet": saidNo}, now, CiteDuty+"; "+CiteKE)
		c.notify(activities.Notice{Kind: activities.NoticeNobodyResponsible, ToCoordinatingUnit: true,
			ServiceID: c.in.InitiatingServiceID, Services: turnedAway}, "", "")
		c.close(now, OutcomeNobodyResponsible, "Saken er avsluttet uten at noen tjeneste tok ansvar for personens behov; koordinerende enhet er varslet.")
	default:
		c.close(now, OutcomeConsentRefused, "Saken er avsluttet: personen har nektet eller trukket samtykke til deling med tjenestene det var behov for å samarbeide med.")
	}
}

// --- close by decision ---

func (c *dutyCase) validateCloseCase(a CloseCase) error {
	if err := refuseReadOnly(a.Actor); err != nil {
		return err
	}
	if c.closed() {
		return refuse("", "refusal.case_closed", "Ref", c.in.CaseRef)
	}
	ke := c.mayCoordinate(a.Actor, a.CoordinatingUnitID) // the KE, or the coordinator who took the case over
	if !a.Actor.MemberOf(c.in.InitiatingServiceID) && !ke {
		return refuse("", "refusal.close_who", "Service", c.in.InitiatingServiceID)
	}
	if !slices.Contains(CloseReasons, a.Reason) {
		return refuse("grunn", "refusal.close_reason")
	}
	if strings.TrimSpace(a.Text) == "" {
		return refuse("tekst", "refusal.close_text")
	}
	return checkFreeText(map[string]string{"tekst": a.Text})
}

// closeByDecision closes the case at any step: the ledger holds the reason and the text,
// every open deadline stops, and a contacted service's open request is marked closed.
func (c *dutyCase) closeByDecision(ctx workflow.Context, a CloseCase) (Status, error) {
	now := workflow.Now(ctx)
	c.st.Closed = &ClosedByDecision{Reason: a.Reason, Text: a.Text, By: a.Actor.SlackUserID, At: now}
	var open []string
	for _, d := range c.st.Deadlines {
		if !d.Done {
			open = append(open, d.Key)
		}
	}
	c.audit(c.updateKey(ctx), a.Actor, c.in.InitiatingServiceID, "sak_avsluttet_ved_beslutning",
		fmt.Sprintf("Sak %s avsluttet ved beslutning (%s) på %s.", c.in.CaseRef, a.Reason, c.st.Step),
		map[string]any{"grunn": a.Reason, "begrunnelse": a.Text, "steg": string(c.st.Step), "stoppede_frister": open}, now, CiteDuty)
	for _, s := range c.st.Services {
		if s.Contact != nil && s.Contact.Answer == "" && !s.Consent.Blocks() {
			c.markAnswered("forespørsel:"+s.ServiceID, a.Actor, "avsluttet")
		}
	}
	c.markAnswered(string(c.st.Step), a.Actor, "avsluttet")
	c.close(now, OutcomeClosedByDecision, fmt.Sprintf("Saken er avsluttet ved beslutning: %s.", a.Reason))
	return c.st, nil
}

// --- "not ours" with a suggested service ---

// suggestionFrom finds the answered request whose "not ours" named serviceID and is open.
func (c *dutyCase) suggestionFrom(serviceID string) *ServiceStatus {
	for i := range c.st.Services {
		ct := c.st.Services[i].Contact
		if ct != nil && ct.Suggested == serviceID && !ct.SuggestionDone {
			return &c.st.Services[i]
		}
	}
	return nil
}

func (c *dutyCase) validateTakeSuggestion(a Suggestion) error {
	if err := c.initiatorOnly(a.Actor, StepContact); err != nil {
		return err
	}
	if c.suggestionFrom(a.ServiceID) == nil {
		return refuse("", "refusal.no_suggestion", "Service", a.ServiceID, "Ref", c.in.CaseRef)
	}
	if s := c.service(a.ServiceID); s != nil && s.Contact != nil {
		return refuse("", "refusal.contact_already_sent", "Service", a.ServiceID, "User", s.Contact.RequestedBy)
	}
	return nil
}

// takeSuggestion makes the suggested service a needed service of the case (recording who
// suggested it) and, when a basis for sharing with it is on record, sends the request at
// once; otherwise step 3 waits for its consent, on a clock.
func (c *dutyCase) takeSuggestion(ctx workflow.Context, a Suggestion) (Status, error) {
	now := workflow.Now(ctx)
	from := c.suggestionFrom(a.ServiceID)
	from.Contact.SuggestionDone = true
	c.finishDeadline(string(StepSuggestion) + ":" + from.ServiceID)
	svc := c.service(a.ServiceID)
	if svc == nil {
		c.st.Services = append(c.st.Services, ServiceStatus{ServiceID: a.ServiceID})
		svc = &c.st.Services[len(c.st.Services)-1]
	}
	svc.SuggestedBy = from.ServiceID
	svc.Assessment = &Assessment{Needed: true, About: "foreslått av " + from.ServiceID + " (ikke vårt ansvar)",
		Reason: "foreslått av " + from.ServiceID, By: a.Actor.SlackUserID, At: now}
	key := c.updateKey(ctx)
	c.audit(key, a.Actor, a.ServiceID, "forslag_fulgt",
		fmt.Sprintf("Steg 3: %s er lagt til i saken etter forslag fra %s («ikke vårt ansvar»).", a.ServiceID, from.ServiceID),
		map[string]any{"foreslått_av": from.ServiceID}, now)
	if svc.Consent.PermitsAt(now) {
		c.sendRequest(ctx, ContactRequest{Actor: a.Actor, ServiceID: a.ServiceID}, now, key+":forespørsel")
	} else {
		c.contactClock(a.ServiceID, now)
	}
	c.redraw(StepContact)
	return c.st, nil
}

func (c *dutyCase) validateDropSuggestion(a Suggestion) error {
	if err := c.initiatorOnly(a.Actor, StepContact); err != nil {
		return err
	}
	if c.suggestionFrom(a.ServiceID) == nil {
		return refuse("", "refusal.no_suggestion", "Service", a.ServiceID, "Ref", c.in.CaseRef)
	}
	return checkFreeText(map[string]string{"begrunnelse": a.Reason})
}

func (c *dutyCase) dropSuggestion(ctx workflow.Context, a Suggestion) (Status, error) {
	now := workflow.Now(ctx)
	from := c.suggestionFrom(a.ServiceID)
	from.Contact.SuggestionDone = true
	c.finishDeadline(string(StepSuggestion) + ":" + from.ServiceID)
	c.audit(c.updateKey(ctx), a.Actor, a.ServiceID, "forslag_ikke_fulgt",
		fmt.Sprintf("Steg 3: forslaget fra %s om å kontakte %s er ikke fulgt.", from.ServiceID, a.ServiceID),
		map[string]any{"foreslått_av": from.ServiceID, "begrunnelse": a.Reason}, now)
	c.closeIfResolved(ctx, now)
	return c.st, nil
}

// --- withdrawal of a consent ---

func (c *dutyCase) validateWithdrawConsent(a WithdrawConsent) error {
	svc, err := c.stepThreeService(a.Actor, a.ServiceID)
	if err != nil {
		return err
	}
	switch {
	case svc.Consent == nil || svc.Consent.Basis == BasisRefused:
		return refuse("", "refusal.withdraw_nothing", "Service", a.ServiceID)
	case svc.Consent.Basis == BasisStatutory:
		return refuse("", "refusal.withdraw_statutory", "Service", a.ServiceID, "Statute", svc.Consent.StatutoryBasis)
	case svc.Consent.Withdrawn != nil:
		return refuse("", "refusal.withdraw_done", "Service", a.ServiceID, "User", svc.Consent.Withdrawn.By, "Date", svc.Consent.Withdrawn.At)
	}
	if a.Form != FormOral && a.Form != FormWritten {
		return refuse("form", "refusal.withdraw_form")
	}
	if !slices.Contains(Givers, a.GivenBy) {
		return refuse("gitt_av", "refusal.consent_giver")
	}
	return checkFreeText(map[string]string{"begrunnelse": a.Reason})
}

// withdrawConsent records that the person took the consent back: from now on nothing more is
// shared with the service. A service already contacted is told that the basis is gone (the
// reference only, never the reason), its open request stops, and the case closes if nothing
// else waits.
func (c *dutyCase) withdrawConsent(ctx workflow.Context, a WithdrawConsent) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	svc.Consent.Withdrawn = &Withdrawal{Form: a.Form, GivenBy: a.GivenBy, Reason: a.Reason, By: a.Actor.SlackUserID, At: now}
	key := c.updateKey(ctx)
	c.queue = append(c.queue, effect{consent: &activities.ConsentRecord{
		Key: key, CaseRef: c.in.CaseRef, RecipientServiceID: a.ServiceID, Basis: BasisWithdrawn, Form: a.Form,
		RecordedBy: a.Actor.SlackUserID, RecordedAt: now, GivenBy: a.GivenBy, Reason: a.Reason,
	}})
	c.audit(key, a.Actor, a.ServiceID, "samtykke_trukket",
		fmt.Sprintf("Samtykket til å dele opplysninger med %s er trukket tilbake (%s, av %s); ingen flere opplysninger deles.", a.ServiceID, a.Form, a.GivenBy),
		map[string]any{"form": a.Form, "gitt_av": a.GivenBy, "begrunnelse": a.Reason, "samtykke_fra": svc.Consent.At}, now, CiteWithdrawal)
	if svc.Contact != nil {
		if svc.Contact.Answer == "" {
			c.finishDeadline("svar:" + a.ServiceID)
		}
		// The contacted service stops sharing: its request loses its buttons, and it is told.
		n := activities.Notice{Kind: activities.NoticeConsentWithdrawn, ServiceID: a.ServiceID, About: c.in.InitiatingServiceID}
		c.notify(n, "", "forespørsel:"+a.ServiceID)
		c.notify(n, "", "")
	}
	c.contactClock(a.ServiceID, now)
	c.redraw(StepContact)
	c.closeIfResolved(ctx, now)
	return c.st, nil
}
