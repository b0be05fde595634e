package workflows

import (
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/calendar"
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
			{ID: "alvorlig-tilstand", Text: "familien har eller venter et barn under 18 år med alvorlig sykdom, skade eller nedsatt funksjonsevne"},
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

// Statutory rules, fixed in code (docs/FRISTER.md says how each is counted).
const (
	// ProvisionalAnswerCitation: a provisional answer is due when a decision cannot be given
	// within one month (forvaltningsloven § 11 a); the month is counted by calendar.
	ProvisionalAnswerCitation = "fvl § 11 a"
	// AppealCitation: the four-week appeal window runs from notice of the decision (pbrl
	// § 7-5); the right to complain is AppealRightCitation.
	AppealCitation      = "pbrl § 7-5"
	AppealRightCitation = "pbrl § 7-2"
	// LateAppealCitation: a complaint after the window may still be considered.
	LateAppealCitation = "fvl § 31"
	AppealWeeks        = 4
	AppealDays         = 7 * AppealWeeks
	// AppealRightText is shown with a refusal.
	AppealRightText = "Avslaget kan påklages, jf. pasient- og brukerrettighetsloven § 7-2. Klagefristen er fire uker fra vedtaket ble gjort kjent (§ 7-5). Klagen sendes til koordinerende enhet; opprettholdes avslaget, sendes klagen til Statsforvalteren."
	// AppealRightTextBefore is the text cases started before 2026-11 carry.
	AppealRightTextBefore = "Avslaget kan påklages, jf. pasient- og brukerrettighetsloven § 7-2. Klagen sendes til koordinerende enhet innen fire uker etter at vedtaket ble gjort kjent. Opprettholdes avslaget, sendes klagen til Statsforvalteren."
)

// ProvisionalAnswerDue is one calendar month after the request was received, by
// AddDate, as cases started before 2026-11 count it (31 January became 3 March).
func ProvisionalAnswerDue(received time.Time) time.Time {
	return received.AddDate(0, 1, 0)
}

// ProvisionalAnswerDeadline is the end of the day one calendar month after the request was
// received: the same date, or the last day of a shorter month (fvl § 11 a; calendar.RuleMonth).
// Unlike a deadline counted in working days, it is not moved off a day off: the law asks for
// an answer "within one month", and moving it later would give less than the law asks.
func ProvisionalAnswerDeadline(received time.Time) time.Time {
	return calendar.EndOfDay(calendar.AddMonths(received, 1))
}

// AppealWindowEnd is the end of the last day to appeal a decision the person got notice of
// on notified: four weeks (pbrl § 7-5), to the end of the day, and to the end of the next
// working day when that day is a Saturday, Sunday or public holiday (calendar.RuleNextWorkingDay).
func AppealWindowEnd(notified time.Time) time.Time {
	return calendar.EndOfDay(calendar.OnOrAfterWorkingDay(notified.In(calendar.Oslo).AddDate(0, 0, AppealDays)))
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
	// ProvisionalWarnDays: the KE is warned this many calendar days before the month for a
	// provisional answer runs out (moved to the working day before); 0 means 7.
	ProvisionalWarnDays int
	// LateAppealMonths: after the appeal window a refused case stays open this many months,
	// so a late appeal (fvl § 31) can still be recorded in it; 0 means 3.
	LateAppealMonths int
}

// DefaultCoordinatorDeadlines is the suggested default policy of DOMAIN.md.
func DefaultCoordinatorDeadlines() CoordinatorDeadlines {
	return CoordinatorDeadlines{DecisionWorkingDays: 10, AcceptWorkingDays: 10, ReminderPercent: 60, ReescalateWorkingDays: 5,
		ProvisionalWarnDays: defaultProvisionalWarnDays, LateAppealMonths: defaultLateAppealMonths}
}

const (
	defaultProvisionalWarnDays = 7
	defaultLateAppealMonths    = 3
)

func (d CoordinatorDeadlines) provisionalWarnDays() int {
	if d.ProvisionalWarnDays > 0 {
		return d.ProvisionalWarnDays
	}
	return defaultProvisionalWarnDays
}

func (d CoordinatorDeadlines) lateAppealMonths() int {
	if d.LateAppealMonths > 0 {
		return d.LateAppealMonths
	}
	return defaultLateAppealMonths
}

// Subjects of a coordinator request: a child, an adult, or a family that expects a child
// (the child coordinator's right covers a family that "has or expects" such a child, pbrl
// § 2-5 c).
const (
	SubjectChild    = "barn"
	SubjectAdult    = "voksen"
	SubjectExpected = "venter-barn"
)

// Who may state a wish for which service carries the coordination (hol § 3-4 second paragraph).
const (
	WishByPerson  = "personen"
	WishByChild   = "barnet"
	WishByParents = "foreldrene"
)

// CoordinationWish is the person's (or the child's and parents') wish for which service
// should carry the coordination (hol § 3-4 second paragraph).
type CoordinationWish struct {
	By        string // WishByPerson, WishByChild or WishByParents
	ServiceID string // the wished service, from the directory; "" when the wish is only in Note
	Note      string
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
	// ReceivedAt is when the request reached the municipality, which the provisional answer's
	// month counts from (fvl § 11 a); zero means when it was registered.
	ReceivedAt time.Time `json:",omitempty"`
	// Wish is who the person wants to carry the coordination, if they said.
	Wish *CoordinationWish `json:",omitempty"`
}

// Coordinator steps, the values of AttrStep.
const (
	CoordStepAssess      Step = "vurdering"         // the KE assesses the request
	CoordStepProvisional Step = "foreløpig-svar"    // one month passed, no provisional answer yet
	CoordStepAppealOpen  Step = "klagefrist"        // refused; the appeal window runs
	CoordStepAppealLate  Step = "klagefrist-ute"    // the window has run out; a late appeal can still be recorded
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
	OutcomeLateAppealRejected = "klage_avvist_for_sent"
)

// The KE's decision on a late appeal (fvl § 31).
const (
	LateAppealConsider = "behandles"
	LateAppealReject   = "avvises"
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
	UpdateCoordinatorWish        = "koordineringsønske"
	UpdateCoordinatorNotified    = "vedtak-kjent"
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
	// RefusedAllMet says why the request is refused although every condition is met; a
	// refusal with every condition met is refused without it.
	RefusedAllMet string `json:",omitempty"`
	// NotifiedAt is the day the decision reached the person, which the appeal window counts
	// from (pbrl § 7-5); zero means the day of the decision.
	NotifiedAt time.Time `json:",omitempty"`
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
	// ReceivedAt is the day the complaint came in; zero means now. A complaint after the
	// window needs the KE's decision whether to consider it (fvl § 31): Late and LateReason.
	ReceivedAt time.Time `json:",omitempty"`
	Late       string    `json:",omitempty"` // LateAppealConsider or LateAppealReject
	LateReason string    `json:",omitempty"`
}

// DecisionNotified records the day a refusal reached the person, when it was not known at
// the decision ("vedtak-kjent"): the appeal window (pbrl § 7-5) counts from it.
type DecisionNotified struct {
	Actor      Actor
	NotifiedAt time.Time
}

// WishUpdate records or changes the person's wish for who coordinates ("koordineringsønske").
type WishUpdate struct {
	Actor Actor
	Wish  CoordinationWish
}

// CoordinatorNomination names a coordinator ("oppnevn-koordinator").
type CoordinatorNomination struct {
	Actor                  Actor
	CoordinatorSlackUserID string
	CoordinatorName        string
	ServiceID              string
	HealthPersonnel        bool
	// ResponsibilityReason says why the coordination goes to another service than the one
	// the person wished (hol § 3-4 second paragraph); required then.
	ResponsibilityReason string `json:",omitempty"`
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
	// ReceivedAt is when the request came in (the provisional answer counts from it).
	ReceivedAt time.Time `json:",omitempty"`
	// Wish is the person's wish for who carries the coordination; Responsibility the KE's
	// decision (the service of the coordinator who accepted, and why, if not the wished one).
	Wish           *CoordinationWish `json:",omitempty"`
	Responsibility string            `json:",omitempty"`
	Step           Step
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
	// NotifiedAt is the day the refusal reached the person; LateAppealUntil when the case
	// closes if no late appeal comes (local policy).
	NotifiedAt      time.Time     `json:",omitempty"`
	LateAppealUntil time.Time     `json:",omitempty"`
	Appeal          *AppealRecord `json:",omitempty"`
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
	// RefusedAllMet: why refused although every condition was met.
	RefusedAllMet string    `json:",omitempty"`
	NotifiedAt    time.Time `json:",omitempty"`
}

// AppealRecord is an appeal against a refusal.
type AppealRecord struct {
	Reason string
	By     string
	At     time.Time
	// ReceivedAt: when the complaint came in. Late: after the window, with the KE's decision
	// whether to consider it (fvl § 31) and why.
	ReceivedAt time.Time `json:",omitempty"`
	Late       string    `json:",omitempty"`
	LateReason string    `json:",omitempty"`
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
	// ResponsibilityReason: why this service and not the one the person wished.
	ResponsibilityReason string `json:",omitempty"`
}
