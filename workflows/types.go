package workflows

import (
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/policy"
)

// TaskQueue is where samarbeid's workflows and activities run.
const TaskQueue = "samarbeid"

// Typed search attributes, so the KE can filter running cases in the Temporal UI, e.g.
// `SamarbeidForfalt = true` or `SamarbeidFrist < "2026-12-01T00:00:00Z"`.
var (
	AttrCase     = temporal.NewSearchAttributeKeyKeyword("SamarbeidSak")
	AttrStep     = temporal.NewSearchAttributeKeyKeyword("SamarbeidSteg")
	AttrService  = temporal.NewSearchAttributeKeyKeyword("SamarbeidTjeneste")
	AttrDeadline = temporal.NewSearchAttributeKeyTime("SamarbeidFrist")
	AttrOverdue  = temporal.NewSearchAttributeKeyBool("SamarbeidForfalt")
)

// CaseSearchAttributes are a new case's search attributes, set when it starts so the case
// can be found before its first workflow task has run.
func CaseSearchAttributes(in CaseInput) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		AttrCase.ValueSet(in.CaseRef), AttrService.ValueSet(in.InitiatingServiceID),
		AttrStep.ValueSet(string(StepClarify)), AttrOverdue.ValueSet(false),
	)
}

// SearchAttributes lists what must be registered in the namespace before workflows start.
func SearchAttributes() map[string]enums.IndexedValueType {
	return map[string]enums.IndexedValueType{
		AttrCase.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrStep.GetName():     enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrService.GetName():  enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrDeadline.GetName(): enums.INDEXED_VALUE_TYPE_DATETIME,
		AttrOverdue.GetName():  enums.INDEXED_VALUE_TYPE_BOOL,
		// Who the case waits on (waiting.go).
		AttrWaitingOn.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD_LIST,
	}
}

// Actor is the staff member behind an answer, as the bot found them in the directory.
// The bot is trusted to have verified the Slack signature; the workflow checks membership.
type Actor struct {
	SlackUserID string
	Name        string
	ServiceIDs  []string
	// Roles are the directory's roles beyond membership of services (RoleAuditor, RoleAdmin).
	Roles []string `json:",omitempty"`
}

// Roles given in the directory. The other roles follow from the case: a caseworker works in
// the service that has the case, a service contact in a service asked to collaborate, a
// coordinator is named in the case, and the KE works in the coordinating unit.
const (
	// RoleAuditor reads every case and the ledger and may do nothing in a case, even when
	// they also work in a service: whoever audits must not have decided.
	RoleAuditor = "revisor"
	// RoleAdmin keeps the directory (services, staff, channels) and by that role alone may
	// neither read case details nor act in a case.
	RoleAdmin = "admin"
)

// Has reports whether the directory gives the actor role.
func (a Actor) Has(role string) bool {
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// refuseReadOnly is the first check of every validator that lets someone act in a case.
func refuseReadOnly(a Actor) error {
	if a.Has(RoleAuditor) {
		return refuse("", "refusal.auditor")
	}
	return nil
}

// MemberOf reports whether the actor works in service.
func (a Actor) MemberOf(service string) bool {
	for _, s := range a.ServiceIDs {
		if s == service {
			return true
		}
	}
	return false
}

// Step is where a case stands.
type Step string

const (
	StepClarify Step = "avklaring" // 1: which other services give services
	StepAssess  Step = "vurdering" // 2: is collaboration needed with each
	StepContact Step = "kontakt"   // 3: consent and contact, then the answers
	StepDone    Step = "avsluttet"
)

// Number is the step's number in DOMAIN.md's three steps (0 when done).
func (s Step) Number() int {
	switch s {
	case StepClarify:
		return 1
	case StepAssess:
		return 2
	case StepContact:
		return 3
	}
	return 0
}

// CaseInput starts a CollaborationDuty workflow.
type CaseInput struct {
	CaseRef string // pseudonymous, e.g. SAK-2026-0042
	Subject string // "barn" or "voksen"
	// InitiatingServiceID is the service whose duty this is.
	InitiatingServiceID string
	// LegalBasis is the initiating service's collaboration section, e.g. "barnevernsloven § 15-8".
	LegalBasis string
	OpenedBy   Actor
	Policy     policy.Deadlines
}

// Consent bases.
const (
	BasisConsent   = "samtykke"
	BasisStatutory = "lovhjemmel"
	BasisRefused   = "nektet"
	// BasisWithdrawn is a consent the person has taken back (in the consent register).
	BasisWithdrawn = "trukket"
)

// Who gave a consent, and its form.
const (
	GiverPerson   = "personen"
	GiverParent   = "forelder" // a parent with parental responsibility, for a child
	GiverGuardian = "verge"
	FormOral      = "muntlig"
	FormWritten   = "skriftlig"
)

// Givers are the accepted values of ConsentAnswer.GivenBy, in the order the modal shows them.
var Givers = []string{GiverPerson, GiverParent, GiverGuardian}

// Outcomes of a duty case.
const (
	OutcomeNoOtherServices = "ingen_andre_tjenester"
	OutcomeNotNeeded       = "samarbeid_ikke_nødvendig"
	OutcomeContactDone     = "kontakt_avklart"
	// OutcomeConsentRefused: every needed service was left uncontacted because the person
	// refused or withdrew consent. A legitimate end: consent is voluntary.
	OutcomeConsentRefused = "samtykke_nektet"
	// OutcomeNobodyResponsible: every contacted service declined or said "not ours", so the
	// person's need is left with nobody; the KE is told. Not "followed up".
	OutcomeNobodyResponsible = "ingen_tok_ansvar"
	// OutcomeClosedByDecision: the caseworker or the KE closed the case (CloseCase).
	OutcomeClosedByDecision = "avsluttet_ved_beslutning"
)

// Reasons for closing a case by decision (CloseCase.Reason).
const (
	CloseDeclined      = "personen_avslår"     // the person declines collaboration
	CloseMoved         = "flyttet"             // the person has moved
	CloseServicesEnded = "tjenester_avsluttet" // the services have ended
	CloseMerged        = "slått_sammen"        // merged with another case
)

// CloseReasons are the reasons a case may be closed by decision, in the modal's order.
var CloseReasons = []string{CloseDeclined, CloseMoved, CloseServicesEnded, CloseMerged}

// Legal citations the duty case writes into the ledger. Fixed statutory rules, kept here
// as data (DOMAIN.md: "Confidentiality and consent"); local rules live in policy/.
const (
	// CiteConsent: consent lifts the duty of confidentiality.
	CiteConsent = "forvaltningsloven § 13 a nr. 1 (samtykke)"
	// CiteConfidentiality: without consent or statutory basis, nothing is shared.
	CiteConfidentiality = "forvaltningsloven § 13 (taushetsplikt)"
	// CiteWithdrawal: consent must be voluntary, so it can be withdrawn at any time; from
	// then on the basis in fvl § 13 a nr. 1 is gone (DOMAIN.md: informed, voluntary, documented).
	CiteWithdrawal = "forvaltningsloven § 13 a nr. 1 (samtykket er frivillig og kan trekkes tilbake)"
	// CiteDuty: the duty to collaborate, which the case follows up.
	CiteDuty = "hol § 3-4 første ledd"
	// CiteKE: the coordinating unit keeps the overview across services.
	CiteKE = "hol § 7-3"
)

// Contact answers.
const (
	AnswerAccepted = "godtatt"
	AnswerDeclined = "avslått"
	AnswerNotOurs  = "ikke_vår"
)

// Update names; the bot sends these.
const (
	UpdateClarify         = "avklar-tjenester"
	UpdateAssess          = "vurder-samarbeid"
	UpdateRecordConsent   = "registrer-samtykke"
	UpdateRequestContact  = "send-kontaktforespørsel"
	UpdateAnswerContact   = "svar-på-kontakt"
	UpdateCloseCase       = "avslutt-sak"
	UpdateTakeSuggestion  = "følg-forslag"
	UpdateDropSuggestion  = "avvis-forslag"
	UpdateWithdrawConsent = "trekk-samtykke"
	QueryStatus           = "status"
)

// ClarifyAnswer is step 1: the other services that give services, or none.
type ClarifyAnswer struct {
	Actor      Actor
	ServiceIDs []string
	None       bool
}

// AssessAnswer is step 2 for one service.
type AssessAnswer struct {
	Actor     Actor
	ServiceID string
	Needed    bool
	About     string // what to collaborate about, how much, for how long, how
	Reason    string // why collaboration is or is not needed
}

// ConsentAnswer records the basis for sharing information with one service.
type ConsentAnswer struct {
	Actor          Actor
	ServiceID      string
	Basis          string // BasisConsent, BasisStatutory or BasisRefused
	Form           string // "muntlig" or "skriftlig" for a consent
	StatutoryBasis string // the cited provision for BasisStatutory
	// GivenBy is who consented (or refused): GiverPerson, GiverParent or GiverGuardian.
	GivenBy string `json:",omitempty"`
	// Information is the consent's scope beyond the recipient service: which information
	// may be shared. Empty means what step 2 found they must collaborate about.
	Information string `json:",omitempty"`
	// Reason is why the person refused, as they put it (required with BasisRefused).
	Reason string `json:",omitempty"`
}

// WithdrawConsent records that the person took back a consent, orally or in writing.
type WithdrawConsent struct {
	Actor     Actor
	ServiceID string
	Form      string // FormOral or FormWritten
	GivenBy   string // who withdrew it
	Reason    string // optional; stored, never sent to the other service
}

// CloseCase closes a case by decision, at any step.
type CloseCase struct {
	Actor  Actor
	Reason string // one of CloseReasons
	Text   string // free text: why, and for CloseMerged the other case
	// CoordinatingUnitID is the KE's service ID as the bot found it in the directory; a
	// member of it may close any case.
	CoordinatingUnitID string
}

// Suggestion is the initiating service's answer to a "not ours" that named another service:
// send that service a request (UpdateTakeSuggestion) or let it be (UpdateDropSuggestion).
type Suggestion struct {
	Actor Actor
	// ServiceID is the suggested service.
	ServiceID string
	// Reason is why the suggestion is let be (UpdateDropSuggestion).
	Reason string `json:",omitempty"`
}

// ContactRequest is step 3: send the contact request to one service.
type ContactRequest struct {
	Actor     Actor
	ServiceID string
}

// ContactAnswer is the contacted service's reply.
type ContactAnswer struct {
	Actor         Actor
	ServiceID     string
	Answer        string // AnswerAccepted, AnswerDeclined or AnswerNotOurs
	ContactPerson string // required when accepted
	Reason        string // required when declined or not ours
	// SuggestedServiceID is the service the answerer believes is right, with "not ours".
	SuggestedServiceID string `json:",omitempty"`
}

// SignalCoordinatorTakeover tells a CollaborationDuty that a coordinator now coordinates the
// case's services (hol § 3-4 second paragraph: when a child coordinator is appointed, that
// person does the coordinating). Its payload is an activities.HandOver.
const SignalCoordinatorTakeover = "koordinator-overtar"

// NoticeCoordinationTakenOver tells the initiating service who coordinates now (About is the
// coordinator's Slack user ID, Answer the coordinator's title).
const NoticeCoordinationTakenOver activities.NoticeKind = "koordinering-overtatt"

// CoordinatorRef is the coordinator who has taken over a case's coordination.
type CoordinatorRef struct {
	Kind        string
	Title       string
	SlackUserID string
	ServiceID   string
	At          time.Time
	// LeftAt is when she stopped coordinating the case (left, or replaced and the new one
	// not yet accepted); zero while she coordinates.
	LeftAt time.Time `json:",omitzero"`
}

// Status is what the status query returns.
type Status struct {
	CaseRef             string
	Subject             string
	InitiatingServiceID string
	LegalBasis          string
	PolicyVersion       string
	OpenedBy            string
	OpenedAt            time.Time
	Step                Step
	// NextDeadline is the earliest open deadline; zero when nothing is pending.
	NextDeadline    time.Time
	Overdue         bool
	NoOtherServices bool
	ClarifiedBy     string
	ClarifiedAt     time.Time
	Services        []ServiceStatus
	Deadlines       Deadlines
	Outcome         string
	// Closed is the decision that closed the case, when one did.
	Closed *ClosedByDecision `json:",omitempty"`
	// Coordinator is set once a coordinator has taken over the coordination.
	Coordinator *CoordinatorRef `json:",omitempty"`
}

// ClosedByDecision is why and by whom a case was closed before its steps were done.
type ClosedByDecision struct {
	Reason string
	Text   string
	By     string
	At     time.Time
}

// ServiceStatus is everything decided about one other service.
type ServiceStatus struct {
	ServiceID  string
	Assessment *Assessment    `json:",omitempty"`
	Consent    *ConsentStatus `json:",omitempty"`
	Contact    *ContactStatus `json:",omitempty"`
	// SuggestedBy is the service whose "not ours" named this one, when that added it.
	SuggestedBy string `json:",omitempty"`
}

type Assessment struct {
	Needed bool
	About  string
	Reason string
	By     string
	At     time.Time
}

type ConsentStatus struct {
	Basis          string
	Form           string
	StatutoryBasis string
	By             string
	At             time.Time
	GivenBy        string `json:",omitempty"`
	Information    string `json:",omitempty"`
	Reason         string `json:",omitempty"` // why it was refused
	// ExpiresAt is when the consent lapses, where the municipality's policy sets a validity.
	ExpiresAt time.Time `json:",omitempty"`
	// Withdrawn is set once the person has taken the consent back.
	Withdrawn *Withdrawal `json:",omitempty"`
}

// Withdrawal is a consent taken back.
type Withdrawal struct {
	Form    string
	GivenBy string
	Reason  string
	By      string
	At      time.Time
}

// Permits reports whether information may be shared under this record.
func (c *ConsentStatus) Permits() bool {
	return c != nil && c.Withdrawn == nil && (c.Basis == BasisConsent || c.Basis == BasisStatutory)
}

// PermitsAt is Permits, and the consent has not expired by now.
func (c *ConsentStatus) PermitsAt(now time.Time) bool {
	return c.Permits() && (c.ExpiresAt.IsZero() || now.Before(c.ExpiresAt))
}

// Blocks reports whether the person said no to sharing with the service: refused, or
// withdrew the consent.
func (c *ConsentStatus) Blocks() bool {
	return c != nil && (c.Basis == BasisRefused || c.Withdrawn != nil)
}

type ContactStatus struct {
	RequestedBy   string
	RequestedAt   time.Time
	Answer        string
	ContactPerson string
	Reason        string
	AnsweredBy    string
	AnsweredAt    time.Time
	// Suggested is the service a "not ours" named; SuggestionDone once the initiating
	// service has sent it a request or let the suggestion be.
	Suggested      string `json:",omitempty"`
	SuggestionDone bool   `json:",omitempty"`
}

// Deadline is one running clock: a step for the initiating service, or a contacted
// service's answer.
type Deadline struct {
	Key         string // "avklaring", "vurdering", "kontakt", "svar:<service>"
	Step        string
	Responsible string // the service that must act
	About       string // the contacted service, for answers
	Start       time.Time
	Remind      time.Time
	Due         time.Time
	Reminded    bool
	Escalations int
	// NextEscalation is Due until the first escalation, then moves on by the policy.
	NextEscalation time.Time
	Done           bool
}

// Deadlines are a case's clocks, in the order they started.
type Deadlines []Deadline

// find returns the deadline with key, or a detached zero one when there is none.
func (ds Deadlines) find(key string) *Deadline {
	for i := range ds {
		if ds[i].Key == key {
			return &ds[i]
		}
	}
	return &Deadline{}
}

// summary is the earliest open deadline, and whether any open one has been escalated.
func (ds Deadlines) summary() (next time.Time, overdue bool) {
	for _, d := range ds {
		if d.Done {
			continue
		}
		if next.IsZero() || d.Due.Before(next) {
			next = d.Due
		}
		if d.Escalations > 0 {
			overdue = true
		}
	}
	return next, overdue
}

// nextAlarm is the earliest reminder or escalation still to fire; zero when none is.
func (ds Deadlines) nextAlarm() time.Time {
	var next time.Time
	for i := range ds {
		if ds[i].Done {
			continue
		}
		if a := ds[i].nextAlarm(); next.IsZero() || a.Before(next) {
			next = a
		}
	}
	return next
}
