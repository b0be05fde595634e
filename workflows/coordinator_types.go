package workflows

import (
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
)

// AttrWithoutCoordinator marks a coordinator case whose coordinator has left and no new one
// has accepted yet, so the KE can find them: `SamarbeidUtenKoordinator = true`.
var AttrWithoutCoordinator = temporal.NewSearchAttributeKeyBool("SamarbeidUtenKoordinator")

// CoordinatorSearchAttributes lists the search attributes CoordinatorAppointment adds to
// SearchAttributes(); the worker registers both lists.
func CoordinatorSearchAttributes() map[string]enums.IndexedValueType {
	return map[string]enums.IndexedValueType{
		AttrWithoutCoordinator.GetName(): enums.INDEXED_VALUE_TYPE_BOOL,
	}
}

// Coordinator kinds (DOMAIN.md, "Coordinators").
const (
	KindCoordinator      = "koordinator"
	KindChildCoordinator = "barnekoordinator"
	KindSpecialist       = "spesialist"
)

// Where a coordinator request came from.
const (
	OriginRequest       = "forespørsel"   // the person's request, recorded by staff
	OriginReport        = "melding"       // health personnel reported a need to the KE
	OriginCollaboration = "samarbeidssak" // raised in a collaboration-duty case
)

// Condition is one statutory condition the KE must assess concretely.
type Condition struct {
	ID   string
	Text string
}

// CoordinatorKind is the law of one kind of coordinator, as data.
type CoordinatorKind struct {
	Kind  string
	Title string
	// Citation is the duty to appoint; RightCitation the person's right ("" when the
	// duty's own section is cited for it).
	Citation      string
	RightCitation string
	Conditions    []Condition
	// HealthPersonnel: the coordinator must be health personnel (sphl § 2-5 a).
	HealthPersonnel bool
}

// CoordinatorKinds are the three kinds, with their conditions in the order of the statute.
var CoordinatorKinds = map[string]CoordinatorKind{
	KindCoordinator: {
		Kind: KindCoordinator, Title: "koordinator", Citation: "hol § 7-2", RightCitation: "pbrl § 2-5 b",
		Conditions: []Condition{
			{ID: "langvarige-koordinerte", Text: "behov for langvarige og koordinerte helse- og omsorgstjenester"},
		},
	},
	KindChildCoordinator: {
		Kind: KindChildCoordinator, Title: "barnekoordinator", Citation: "hol § 7-2 a", RightCitation: "pbrl § 2-5 c",
		Conditions: []Condition{
			{ID: "alvorlig-tilstand", Text: "barnet er under 18 år og har eller ventes å få alvorlig sykdom, skade eller nedsatt funksjonsevne"},
			{ID: "langvarige-sammensatte", Text: "behov for langvarige og sammensatte eller koordinerte helse- og omsorgstjenester"},
			{ID: "andre-velferdstjenester", Text: "behov for andre velferdstjenester"},
			{ID: "familiens-onske", Text: "familien ønsker barnekoordinator"},
		},
	},
	KindSpecialist: {
		Kind: KindSpecialist, Title: "koordinator i spesialisthelsetjenesten", Citation: "sphl § 2-5 a",
		Conditions: []Condition{
			{ID: "komplekse-langvarige", Text: "behov for komplekse, eller langvarige og koordinerte, spesialisthelsetjenester"},
		},
		HealthPersonnel: true,
	},
}

// Statutory rules, fixed in code.
const (
	// ProvisionalAnswerCitation: a provisional answer is due when a decision cannot be given
	// within one month (forvaltningsloven § 11 a); the month is counted by calendar.
	ProvisionalAnswerCitation = "fvl § 11 a"
	// AppealCitation: coordinator decisions can be appealed within four weeks of notice.
	AppealCitation = "pbrl § 7-2"
	AppealDays     = 28
	// AppealRightText is shown with a refusal.
	AppealRightText = "Avslaget kan påklages, jf. pasient- og brukerrettighetsloven § 7-2. Klagen sendes til koordinerende enhet innen fire uker etter at vedtaket ble gjort kjent. Opprettholdes avslaget, sendes klagen til Statsforvalteren."
)

// ProvisionalAnswerDue is one calendar month after the request was received (fvl § 11 a).
func ProvisionalAnswerDue(received time.Time) time.Time {
	return received.AddDate(0, 1, 0)
}

// CoordinatorDeadlines is the municipality's local policy for coordinator requests, in
// Norwegian working days (DOMAIN.md, "Suggested default policy"); no statute sets them.
type CoordinatorDeadlines struct {
	// DecisionWorkingDays: the KE decides within this, counted from the request (and from an
	// appeal, for the reassessment).
	DecisionWorkingDays int
	// AcceptWorkingDays: the KE names a coordinator, and the named one answers, within this.
	AcceptWorkingDays int
	// ReminderPercent: a reminder goes out when this share of a period has passed.
	ReminderPercent int
	// ReescalateWorkingDays: after the first escalation the KE is told again this often.
	ReescalateWorkingDays int
}

// DefaultCoordinatorDeadlines is the suggested default policy of DOMAIN.md.
func DefaultCoordinatorDeadlines() CoordinatorDeadlines {
	return CoordinatorDeadlines{DecisionWorkingDays: 10, AcceptWorkingDays: 10, ReminderPercent: 60, ReescalateWorkingDays: 5}
}

// CoordinatorInput starts a CoordinatorAppointment workflow: one request for one coordinator.
type CoordinatorInput struct {
	CaseRef string // pseudonymous
	Subject string // "barn" or "voksen"
	Kind    string // KindCoordinator, KindChildCoordinator or KindSpecialist
	Origin  string // OriginRequest, OriginReport or OriginCollaboration
	// OriginWorkflowID is the collaboration-duty workflow, for OriginCollaboration.
	OriginWorkflowID string
	RequestedBy      Actor
	// CoordinatingUnitID is the KE's service ID: only its members assess, decide and name.
	CoordinatingUnitID string
	PolicyVersion      string
	Deadlines          CoordinatorDeadlines
}

// Coordinator steps, the values of AttrStep.
const (
	CoordStepAssess      Step = "vurdering"         // the KE assesses the request
	CoordStepProvisional Step = "foreløpig-svar"    // one month passed, no provisional answer yet
	CoordStepAppealOpen  Step = "klagefrist"        // refused; the appeal window runs
	CoordStepAppeal      Step = "klage"             // appealed; the KE reassesses
	CoordStepAppoint     Step = "oppnevning"        // granted; a coordinator is named and answers
	CoordStepActive      Step = "koordinator-aktiv" // a coordinator serves
	CoordStepDone        Step = "avsluttet"
)

// Answers of a named coordinator.
const (
	NominationAccepted = "godtatt"
	NominationDeclined = "avslått"
	NominationLapsed   = "utløpt"    // no answer within AcceptWorkingDays
	NominationReplaced = "erstattet" // the KE named someone else before an answer
)

// Outcomes.
const (
	OutcomeCoordinationEnded  = "koordinering_avsluttet"
	OutcomeRefusalFinal       = "avslag_ikke_påklaget"
	OutcomeAppealForwarded    = "oversendt_statsforvalteren"
	OutcomeWithdrawnUndecided = "avsluttet_uten_vedtak"
)

// Update names; the bot sends these. The query is QueryStatus ("status").
const (
	UpdateCoordinatorAssess      = "vurder-koordinator"
	UpdateCoordinatorProvisional = "foreløpig-svar-sendt"
	UpdateCoordinatorAppeal      = "klage"
	UpdateCoordinatorName        = "oppnevn-koordinator"
	UpdateCoordinatorAnswer      = "svar-oppnevning"
	UpdateCoordinatorLeaves      = "koordinator-slutter"
	UpdateCoordinatorEnd         = "avslutt-koordinering"
)

// Notice kinds of coordinator cases. Like every notice they carry references only.
const (
	// NoticeCoordinatorRequest asks the KE to assess a new request (ToCoordinatingUnit).
	NoticeCoordinatorRequest activities.NoticeKind = "koordinator-forespørsel"
	// NoticeCoordinatorProvisionalDue: one month has passed without a decision, "foreløpig
	// svar må sendes" (ToCoordinatingUnit; Escalations counts; Deadline is the month's end).
	NoticeCoordinatorProvisionalDue activities.NoticeKind = "foreløpig-svar-påkrevd"
	// NoticeCoordinatorProvisional: the provisional answer is recorded (Deadline: expected by).
	NoticeCoordinatorProvisional activities.NoticeKind = "foreløpig-svar"
	// NoticeCoordinatorDecision: the KE decided (Answer "innvilget", "avslått",
	// "klage_mottatt" or "oversendt_statsforvalteren"; Deadline is the appeal deadline on refusal).
	NoticeCoordinatorDecision activities.NoticeKind = "koordinator-vedtak"
	// NoticeCoordinatorNamed asks the named coordinator to answer; sent to their service
	// (ServiceID), About is their Slack user ID, Deadline their answer deadline.
	NoticeCoordinatorNamed activities.NoticeKind = "koordinator-oppnevnt"
	// NoticeCoordinatorAnswer: the named coordinator's answer, to the KE (Answer "godtatt"/"avslått").
	NoticeCoordinatorAnswer activities.NoticeKind = "koordinator-svar"
	// NoticeCoordinatorVacant: the case has no coordinator (decline, no answer, or the
	// coordinator left) and the KE must name one: an escalation (ToCoordinatingUnit,
	// Answer is "avslått", "utløpt" or "sluttet").
	NoticeCoordinatorVacant activities.NoticeKind = "ny-oppnevning"
)

// ConditionAnswer is the KE's answer to one condition of the checklist.
type ConditionAnswer struct {
	ID   string
	Met  bool
	Note string
}

// CoordinatorAssessment is the KE's decision on the request ("vurder-koordinator").
type CoordinatorAssessment struct {
	Actor      Actor
	Conditions []ConditionAnswer
	Granted    bool
	Reasons    string
}

// ProvisionalAnswer records that the provisional answer was sent ("foreløpig-svar-sendt").
type ProvisionalAnswer struct {
	Actor      Actor
	ExpectedBy time.Time
	Reason     string
}

// CoordinatorAppeal records an appeal against a refusal ("klage").
type CoordinatorAppeal struct {
	Actor  Actor
	Reason string
}

// CoordinatorNomination names a coordinator ("oppnevn-koordinator").
type CoordinatorNomination struct {
	Actor                  Actor
	CoordinatorSlackUserID string
	CoordinatorName        string
	ServiceID              string
	HealthPersonnel        bool
}

// NominationAnswer is the named coordinator's answer ("svar-oppnevning").
type NominationAnswer struct {
	Actor  Actor
	Accept bool
	Reason string
}

// CoordinatorLeaving records that the serving coordinator stops ("koordinator-slutter").
type CoordinatorLeaving struct {
	Actor  Actor
	Reason string
}

// CoordinationEnd closes the case ("avslutt-koordinering").
type CoordinationEnd struct {
	Actor  Actor
	Reason string
}

// CoordinatorStatus is what the status query returns.
type CoordinatorStatus struct {
	CaseRef            string
	Subject            string
	Kind               string
	Title              string
	Citation           string
	RightCitation      string
	Origin             string
	OriginWorkflowID   string
	RequestedBy        string
	CoordinatingUnitID string
	PolicyVersion      string
	Policy             CoordinatorDeadlines
	OpenedAt           time.Time
	Step               Step
	// Waiting says in words what the case waits for, e.g. "venter på ny oppnevning".
	Waiting string
	// Checklist is every condition with the latest assessment's answer.
	Checklist []ChecklistItem
	// Decisions in order: the first decision, then any reassessment after an appeal.
	Decisions []CoordinatorDecision
	// Provisional answer (fvl § 11 a).
	ProvisionalDue        time.Time
	ProvisionalSentAt     time.Time
	ProvisionalExpectedBy time.Time
	ProvisionalReason     string
	ProvisionalBy         string
	// Appeal, after a refusal.
	AppealRight    string
	AppealDeadline time.Time
	Appeal         *AppealRecord `json:",omitempty"`
	// Coordinator is the latest named coordinator; Previous those before.
	Coordinator             *NamedCoordinator `json:",omitempty"`
	Previous                []NamedCoordinator
	WithoutCoordinatorSince time.Time
	NextDeadline            time.Time
	Overdue                 bool
	Deadlines               Deadlines
	Outcome                 string
	ClosedAt                time.Time
}

// ChecklistItem is one statutory condition and how it was answered.
type ChecklistItem struct {
	ID       string
	Text     string
	Answered bool
	Met      bool
	Note     string
}

// CoordinatorDecision is one decision of the KE.
type CoordinatorDecision struct {
	Granted      bool
	Reasons      string
	Answers      []ConditionAnswer
	By           string
	At           time.Time
	Reassessment bool // after an appeal
}

// AppealRecord is an appeal against a refusal.
type AppealRecord struct {
	Reason string
	By     string
	At     time.Time
}

// NamedCoordinator is a person named as coordinator and their answer.
type NamedCoordinator struct {
	SlackUserID     string
	Name            string
	ServiceID       string
	HealthPersonnel bool
	NamedBy         string
	NamedAt         time.Time
	Answer          string // "", NominationAccepted, NominationDeclined, NominationLapsed, NominationReplaced
	AnswerReason    string
	AnsweredAt      time.Time
	LeftAt          time.Time
	LeftReason      string
}
