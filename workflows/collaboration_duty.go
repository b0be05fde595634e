package workflows

import (
	"fmt"
	"strings"
	"time"

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
	c := &dutyCase{in: in, effectQueue: newEffectQueue(workflow.GetInfo(ctx), in.CaseRef, in.Subject, in.LegalBasis)}
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
			c.takeOver(workflow.Now(ctx), h)
		}
	})

	err := runCase(ctx, c, nil)
	return c.st, err
}

// dutyCase is the workflow's state, driven by runCase.
type dutyCase struct {
	effectQueue
	in     CaseInput
	st     Status
	lastSA searchAttributes
}

type searchAttributes struct {
	step     Step
	deadline time.Time
	overdue  bool
}

func (c *dutyCase) register(ctx workflow.Context) error {
	return registerHandlers(ctx, func() (Status, error) { return c.st, nil }, []updateHandler{
		{UpdateClarify, c.clarify, c.validateClarify},
		{UpdateAssess, c.assess, c.validateAssess},
		{UpdateRecordConsent, c.recordConsent, c.validateConsent},
		{UpdateRequestContact, c.requestContact, c.validateRequestContact},
		{UpdateAnswerContact, c.answerContact, c.validateAnswerContact},
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
		if a.Form != "muntlig" && a.Form != "skriftlig" {
			return refuse("form", "refusal.consent_form")
		}
	case BasisStatutory:
		if strings.TrimSpace(a.StatutoryBasis) == "" {
			return refuse("hjemmel", "refusal.statute_missing")
		}
	case BasisRefused:
	default:
		return refuse("grunnlag", "refusal.basis_required")
	}
	return checkFreeText(map[string]string{"hjemmel": a.StatutoryBasis})
}

func (c *dutyCase) recordConsent(ctx workflow.Context, a ConsentAnswer) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	svc.Consent = &ConsentStatus{Basis: a.Basis, Form: a.Form, StatutoryBasis: a.StatutoryBasis, By: a.Actor.SlackUserID, At: now}
	key := c.updateKey(ctx)
	c.queue = append(c.queue, effect{consent: &activities.ConsentRecord{
		Key: key, CaseRef: c.in.CaseRef, RecipientServiceID: a.ServiceID, Basis: a.Basis, Form: a.Form,
		StatutoryBasis: a.StatutoryBasis, RecordedBy: a.Actor.SlackUserID, RecordedAt: now,
	}})
	legal := "forvaltningsloven § 13 a nr. 1 (samtykke)"
	summary := fmt.Sprintf("Samtykke (%s) til å dele opplysninger med %s registrert.", a.Form, a.ServiceID)
	switch a.Basis {
	case BasisStatutory:
		legal = a.StatutoryBasis
		summary = fmt.Sprintf("Lovhjemmel for å dele opplysninger med %s registrert: %s.", a.ServiceID, a.StatutoryBasis)
	case BasisRefused:
		legal = "forvaltningsloven § 13 (taushetsplikt)"
		summary = fmt.Sprintf("Personen har nektet samtykke til deling med %s.", a.ServiceID)
	}
	c.audit(key, a.Actor, a.ServiceID, "samtykke_registrert", summary,
		map[string]any{"grunnlag": a.Basis, "form": a.Form, "hjemmel": a.StatutoryBasis}, now, legal)
	c.redraw(StepContact)
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
	}
	return nil
}

func (c *dutyCase) requestContact(ctx workflow.Context, a ContactRequest) (Status, error) {
	now := workflow.Now(ctx)
	svc := c.service(a.ServiceID)
	svc.Contact = &ContactStatus{RequestedBy: a.Actor.SlackUserID, RequestedAt: now}
	key := "svar:" + a.ServiceID
	c.startDeadline("svar", a.ServiceID, a.ServiceID, now, c.in.Policy.AnswerWorkingDays)
	c.audit(c.updateKey(ctx), a.Actor, a.ServiceID, "kontakt_forespurt",
		fmt.Sprintf("Steg 3: kontaktforespørsel sendt til %s med svarfrist %s.", a.ServiceID, calendar.FormatDate(c.deadline(key).Due)),
		map[string]any{"svarfrist": c.deadline(key).Due, "grunnlag": svc.Consent.Basis}, now)
	c.notify(activities.Notice{Kind: activities.NoticeContactRequest, ServiceID: a.ServiceID, About: c.in.InitiatingServiceID,
		Step: "svar", Deadline: c.deadline(key).Due}, "forespørsel:"+a.ServiceID, "")
	if c.allRequested() {
		c.finishDeadline(string(StepContact))
	}
	c.redraw(StepContact)
	return c.st, nil
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
	d := c.deadline("svar:" + a.ServiceID)
	onTime := !now.After(d.Due)
	c.finishDeadline(d.Key)
	summaries := map[string]string{
		AnswerAccepted: "%s godtok kontakt; kontaktperson er oppnevnt.",
		AnswerDeclined: "%s avslo kontakt.",
		AnswerNotOurs:  "%s svarte at saken ikke hører til dem.",
	}
	c.audit(c.updateKey(ctx), a.Actor, a.ServiceID, "kontakt_"+a.Answer, fmt.Sprintf(summaries[a.Answer], a.ServiceID),
		map[string]any{"kontaktperson": a.ContactPerson, "begrunnelse": a.Reason, "innen_frist": onTime}, now)
	c.markAnswered("forespørsel:"+a.ServiceID, a.Actor, a.Answer)
	c.notify(activities.Notice{Kind: activities.NoticeContactAnswer, ServiceID: c.in.InitiatingServiceID, About: a.ServiceID,
		Step: "svar", Answer: a.Answer, By: a.Actor.SlackUserID}, "", "")
	c.redraw(StepContact)
	if c.allAnswered() {
		c.close(now, "kontakt_avklart", "Alle kontaktforespørsler er besvart; samarbeidsplikten er fulgt opp.")
	}
	return c.st, nil
}

// takeOver records that a coordinator now coordinates the case's services. The duty's steps
// stay with the initiating service; the coordinator is named in status, ledger and channel.
func (c *dutyCase) takeOver(now time.Time, h activities.HandOver) {
	if c.st.Step == StepDone || (c.st.Coordinator != nil && c.st.Coordinator.SlackUserID == h.SlackUserID) {
		return
	}
	c.st.Coordinator = &CoordinatorRef{Kind: h.Kind, Title: h.Title, SlackUserID: h.SlackUserID, ServiceID: h.ServiceID, At: now}
	c.audit("koordinator-overtar:"+h.CoordinatorWorkflowID+":"+h.SlackUserID, Actor{SlackUserID: System}, h.ServiceID, "koordinering_overtatt",
		fmt.Sprintf("%s i %s koordinerer nå tjenestene i sak %s.", capitalizeFirst(h.Title), h.ServiceID, c.in.CaseRef),
		map[string]any{"koordinator": h.SlackUserID, "tjeneste": h.ServiceID, "koordinatorsak": h.CoordinatorWorkflowID}, now,
		"hol § 3-4 annet ledd; "+h.Citation)
	c.notify(activities.Notice{Kind: NoticeCoordinationTakenOver, ServiceID: c.in.InitiatingServiceID, About: h.SlackUserID,
		Answer: h.Title}, "", "")
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
			d.NextEscalation = calendar.AddWorkingDays(d.NextEscalation, c.in.Policy.ReescalateWorkingDays)
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
	c.st.Step, c.st.Outcome = StepDone, outcome
	for i := range c.st.Deadlines {
		c.st.Deadlines[i].Done = true
	}
	c.refreshSummary()
	c.audit("avsluttet", Actor{SlackUserID: System}, c.in.InitiatingServiceID, "sak_avsluttet", summary,
		map[string]any{"utfall": outcome}, now)
	c.notify(activities.Notice{Kind: activities.NoticeClosed, ServiceID: c.in.InitiatingServiceID, Answer: outcome,
		Progress: c.progress()}, "", "")
}

func (c *dutyCase) publishSearchAttributes(ctx workflow.Context) error {
	now := searchAttributes{step: c.st.Step, deadline: c.st.NextDeadline, overdue: c.st.Overdue}
	if now == c.lastSA {
		return nil
	}
	updates := []temporal.SearchAttributeUpdate{
		AttrCase.ValueSet(c.in.CaseRef), AttrService.ValueSet(c.in.InitiatingServiceID),
		AttrStep.ValueSet(string(now.step)), AttrOverdue.ValueSet(now.overdue),
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
		p.BasisMissed = s.Consent != nil && s.Consent.Basis == BasisRefused
		if s.Contact != nil {
			p.Requested, p.Answer = true, s.Contact.Answer
		}
		out[i] = p
	}
	return out
}

// checkFreeText refuses free text that holds a fødselsnummer; fields are checked in a fixed
// order so the same input always names the same field.
func checkFreeText(fields map[string]string) error {
	for _, name := range []string{"tema", "begrunnelse", "hjemmel", "kontaktperson"} {
		if privacy.ContainsFodselsnummer(fields[name]) {
			return refuse(name, "refusal.fodselsnummer")
		}
	}
	return nil
}
