package workflows

import (
	"time"

	"github.com/samarbeid/samarbeid/activities"
)

// PlanWorkflowID is the business key of one person's individual plan, so establishing the
// same plan twice finds the running one.
func PlanWorkflowID(caseRef string) string {
	return "individuell-plan/" + caseRef
}

// Where a plan stands (the SamarbeidSteg search attribute); StepDone when it has ended.
const (
	PlanStepDraft  Step = "plan-utkast"
	PlanStepActive Step = "plan-aktiv"
)

// Update names of IndividualPlan; the bot sends these. The status query is QueryStatus.
const (
	UpdateEstablishPlan        = "fastsett-plan"
	UpdateRevisePlan           = "revider-plan"
	UpdateChangeCoordinator    = "bytt-koordinator"
	UpdateAssessRehabilitation = "vurder-rehabilitering"
	UpdateCompensatingMeasure  = "varig-kompenserende-tiltak"
	UpdateEndPlan              = "avslutt-plan"
	// UpdatePlanCoordinatorLeft comes from the coordinator case when the plan's coordinator
	// leaves: the plan is without a coordinator until a new one accepts.
	UpdatePlanCoordinatorLeft = "koordinator-sluttet"
)

// Reasons a plan ends (EndPlan.Reason, PlanStatus.Outcome).
const (
	PlanEndWithdrawn       = "trukket"             // the person withdraws from the plan
	PlanEndServicesEnded   = "tjenester-avsluttet" // the person no longer receives the services
	planDefaultRemindDays  = 14                    // "reminded two weeks ahead" (DOMAIN.md, Time limits)
	planDefaultReescalate  = 5                     // working days between escalations to the KE
	planDefaultHistorySize = 2000                  // events in one run before continue-as-new
)

// Notices of IndividualPlan. Like every notice they carry references only (case ref, step,
// dates), never a name or health details.
const (
	NoticePlanEstablished        activities.NoticeKind = "ip-fastsatt"            // to the coordinator's service
	NoticePlanRevisionReminder   activities.NoticeKind = "ip-revisjon-påminnelse" // before a revision date, to the coordinator's service
	NoticePlanRevisionEscalation activities.NoticeKind = "ip-revisjon-eskalering" // a revision date has passed, to the KE
	NoticePlanRevised            activities.NoticeKind = "ip-revidert"            // to the coordinator's service (and the KE if it was escalated)
	NoticePlanCoordinatorChanged activities.NoticeKind = "ip-koordinator-byttet"  // to the new coordinator's service
	NoticePlanClosed             activities.NoticeKind = "ip-avsluttet"           // to the coordinator's service and the KE
	NoticePlanCoordinatorLeft    activities.NoticeKind = "ip-koordinator-sluttet" // to the KE, with the change of coordinator
)

// Legal bases named in the ledger. Kept as data, so a wrong citation is corrected here.
var (
	PlanLegalBasis           = "pbrl § 2-5; hol § 7-1; forskrift om habilitering, rehabilitering, individuell plan og koordinator"
	RehabilitationLegalBasis = "Rundskriv I-5/2017 (rehabilitering før kompensasjon)"
)

// PlanChecklistItem is one element the plan must contain.
type PlanChecklistItem struct {
	ID   string
	Text string
}

// PlanChecklist is the contents of an individual plan by forskrift om individuell plan (2022).
// Establishing a plan requires every item to be done.
var PlanChecklist = []PlanChecklistItem{
	{"mål-ressurser-behov", "personens mål, ressurser og behov"},
	{"deltakere", "hvem som deltar i planarbeidet"},
	{"koordineringsansvar", "hvem som har ansvar for koordinering og fremdrift"},
	{"bidrag", "hva personen, tjenestene og pårørende bidrar med"},
	{"tiltak", "tiltak, omfang og hvem som har ansvar"},
	{"gjennomføring", "hvordan tiltakene gjennomføres"},
	{"planperiode-revisjon", "planperiode og datoer for revisjon"},
	{"samtykke", "samtykke til planen og til informasjonsdeling"},
	{"samarbeid-andre", "nødvendig samarbeid med andre"},
}

// PlanInput starts (or, with Carry, continues) an IndividualPlan workflow.
type PlanInput struct {
	CaseRef string // pseudonymous, e.g. SAK-2026-0042
	Subject string // "barn" or "voksen"
	// The coordinator, and the service whose channel gets the revision reminders.
	CoordinatorSlackUserID string
	CoordinatorServiceID   string
	// CoordinatingUnitID is the KE's service ID: its members may act on every plan.
	CoordinatingUnitID string
	PolicyVersion      string
	// ReminderDaysBefore is calendar days before a revision date; 0 means 14.
	ReminderDaysBefore int
	// ReescalateWorkingDays between escalations of an overdue revision; 0 means 5.
	ReescalateWorkingDays int
	// ContinueAsNewAfterEvents is the history length at which a run hands over to a new one;
	// 0 means 2,000. Tests set it low.
	ContinueAsNewAfterEvents int
	// Carry is the state handed over by continue-as-new; nil on the first run.
	Carry *PlanState `json:",omitempty"`
}

// PlanState is everything a run hands to the next.
type PlanState struct {
	Status PlanStatus
	// AppliedUpdates are the IDs of updates already applied, so an update retried after a
	// continue-as-new is answered without being applied twice.
	AppliedUpdates []string
}

// PlanItem is one checklist item as answered when establishing the plan.
type PlanItem struct {
	ID   string
	Text string `json:",omitempty"` // filled in by the workflow from PlanChecklist
	Done bool
	Note string
}

// EstablishPlan is "fastsett-plan".
type EstablishPlan struct {
	Actor         Actor
	Checklist     []PlanItem
	RevisionDates []time.Time
}

// RevisePlan is "revider-plan": the revision due first is done; NextRevisionDates replace the
// remaining ones.
type RevisePlan struct {
	Actor             Actor
	Summary           string
	NextRevisionDates []time.Time
}

// ChangeCoordinator is "bytt-koordinator", by the KE, or by samarbeid itself
// (Actor System) when a new coordinator accepted in the coordinator case FromCoordinatorCase.
type ChangeCoordinator struct {
	Actor                  Actor
	CoordinatorSlackUserID string
	CoordinatorServiceID   string
	FromCoordinatorCase    string `json:",omitempty"`
}

// PlanCoordinatorLeft is "koordinator-sluttet", from the coordinator case: the plan's
// coordinator no longer serves.
type PlanCoordinatorLeft struct {
	Actor                  Actor
	CoordinatorSlackUserID string
	FromCoordinatorCase    string
}

// AssessRehabilitation is "vurder-rehabilitering": the Rundskriv I-5/2017 checkpoint.
type AssessRehabilitation struct {
	Actor      Actor
	Assessed   bool
	AssessedAt time.Time
	AssessedBy string
	Conclusion string
}

// CompensatingMeasure is "varig-kompenserende-tiltak".
type CompensatingMeasure struct {
	Actor   Actor
	Measure string
}

// EndPlan is "avslutt-plan".
type EndPlan struct {
	Actor  Actor
	Reason string // PlanEndWithdrawn or PlanEndServicesEnded
}

// PlanStatus is what the status query returns.
type PlanStatus struct {
	CaseRef                string
	Subject                string
	PolicyVersion          string
	CoordinatingUnitID     string
	CoordinatorSlackUserID string
	CoordinatorServiceID   string
	Step                   Step
	Checklist              []PlanItem
	EstablishedBy          string
	EstablishedAt          time.Time
	// RevisionDates are the open revision dates, earliest first.
	RevisionDates []RevisionDeadline
	Revisions     []PlanRevision
	// Rehabilitation is the latest assessment of rehabilitation need and potential.
	Rehabilitation       *RehabilitationAssessment `json:",omitempty"`
	CompensatingMeasures []MeasureRecord
	NextDeadline         time.Time
	Overdue              bool
	Outcome              string
	EndedBy              string
	EndedAt              time.Time
	// Runs counts the workflow runs, 1 on the first; it grows with each continue-as-new.
	Runs int
	// WithoutCoordinatorSince is when the coordinator left; zero while one serves.
	WithoutCoordinatorSince time.Time `json:",omitzero"`
}

// RevisionDeadline is one open revision date and its alarms.
type RevisionDeadline struct {
	Due    time.Time
	Remind time.Time
	// Generation is the number of revisions done when the date was set; it keeps ledger
	// keys unique if a later revision sets the same date again.
	Generation     int
	Reminded       bool
	Escalations    int
	NextEscalation time.Time
}

// PlanRevision is one revision done.
type PlanRevision struct {
	Due         time.Time // the revision date it fulfilled
	RevisedAt   time.Time
	By          string
	Summary     string
	OnTime      bool
	Escalations int
	UpdateID    string
}

type RehabilitationAssessment struct {
	Assessed   bool
	AssessedAt time.Time
	AssessedBy string
	Conclusion string
	RecordedBy string
	RecordedAt time.Time
}

type MeasureRecord struct {
	Measure  string
	AddedBy  string
	AddedAt  time.Time
	UpdateID string
}
