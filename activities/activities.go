// Package activities holds samarbeid's effects on the outside world: Slack messages, the
// consent register and the audit ledger. Each is a thin adapter over a small interface, so
// workflow tests can put a fake in its place.
package activities

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/activity"
)

// Messenger posts and updates the prompts people answer.
type Messenger interface {
	Notify(ctx context.Context, n Notice) (Posted, error)
}

// Ledger appends decisions to the hash-chained audit ledger. Appending the same Key twice
// must leave one row, since Temporal may retry an activity.
type Ledger interface {
	Append(ctx context.Context, r AuditRecord) error
}

// ConsentRegister stores consents, refusals and statutory bases, idempotent on Key.
type ConsentRegister interface {
	Record(ctx context.Context, c ConsentRecord) error
}

// NoticeKind says what a message is for; the messenger chooses words and buttons from it.
type NoticeKind string

const (
	NoticeClarify        NoticeKind = "avklaring"   // step 1 prompt to the initiating service
	NoticeAssess         NoticeKind = "vurdering"   // step 2 prompt
	NoticeContact        NoticeKind = "kontakt"     // step 3 prompt: consent and contact requests
	NoticeContactRequest NoticeKind = "forespørsel" // to the contacted service
	NoticeContactAnswer  NoticeKind = "svar"        // the contacted service's answer, to the initiator
	NoticeReminder       NoticeKind = "påminnelse"  // before a deadline, to the responsible service
	NoticeEscalation     NoticeKind = "eskalering"  // past a deadline, to the KE
	NoticeClosed         NoticeKind = "avsluttet"   // the case's duty is fulfilled
	NoticeAnswered       NoticeKind = "besvart"     // replaces a prompt once it has been answered
	// NoticeConsentWithdrawn tells a contacted service that the basis for sharing is gone
	// (the reference only, never the reason).
	NoticeConsentWithdrawn NoticeKind = "samtykke-trukket"
	// NoticeNobodyResponsible tells the KE that every contacted service declined or said
	// "not ours", so the person's need is left with nobody.
	NoticeNobodyResponsible NoticeKind = "ingen-tok-ansvar"
	// NoticeEvaluation asks the initiating service to evaluate a collaboration with the person.
	NoticeEvaluation NoticeKind = "evaluering"
)

// Notice is one message about a case. It carries references only: the messenger must never
// put a person's name, identity number or health details into a channel.
type Notice struct {
	Kind       NoticeKind
	WorkflowID string
	CaseRef    string
	Subject    string // "barn" or "voksen"
	// ServiceID is the service whose channel receives the message; empty with ToCoordinatingUnit.
	ServiceID          string
	ToCoordinatingUnit bool
	// Step is the step label the notice concerns ("avklaring", "vurdering", "kontakt", "svar").
	Step string
	// About is the other service the notice concerns (contacted service, escalated service).
	About string
	// Services lists the services a step prompt covers.
	Services []string
	Deadline time.Time
	// Overdue counts how many times this deadline has been escalated.
	Escalations int
	// Answer is a short machine word for what was decided ("godtatt", "avslått", "ikke_vår", ...).
	Answer string
	// By is the Slack user who decided, for "besvart av".
	By string
	// Suggested is the service a "not ours" answer named as the right one (About answered).
	Suggested string `json:",omitempty"`
	// ReasonCode is a machine word from a fixed list (why a case was closed by decision);
	// never free text.
	ReasonCode string `json:",omitempty"`
	// Progress is where each service stands, for step prompts redrawn as answers come in.
	Progress []ServiceProgress
	// Replace, when set, updates that earlier message instead of posting a new one.
	Replace *Posted
	// Key names this notice for as long as it lives (the run and activity that send it): the
	// messenger remembers its Slack message by it, so a retried activity posts it once.
	// Notify sets it; empty outside an activity.
	Key string `json:",omitempty"`
	// CoordinatorUserID and CoordinatorServiceID name the coordinator who has taken over the
	// case's coordination: a notice for the coordinating unit goes to her service instead.
	CoordinatorUserID    string `json:",omitempty"`
	CoordinatorServiceID string `json:",omitempty"`
	// CoordinatingUnitID names the coordinating unit that receives a ToCoordinatingUnit
	// notice when it is not the municipality's KE: a request for a coordinator in
	// specialist care goes to the health trust's unit (sphl § 2-5 a).
	CoordinatingUnitID string `json:",omitempty"`
}

// ServiceProgress is one service's line in a step prompt: what is done, never why.
type ServiceProgress struct {
	ServiceID   string
	Assessed    bool
	Needed      bool
	HasBasis    bool // consent or statutory basis on record
	BasisMissed bool // consent refused or withdrawn
	Withdrawn   bool `json:",omitempty"` // consent withdrawn
	Requested   bool
	Answer      string
}

// Posted identifies a Slack message. A notice Slack would not take has no Channel and TS,
// only its Key: a later redraw is kept with it and goes out when it is sent again.
type Posted struct {
	Channel string
	TS      string
	Key     string `json:",omitempty"`
	// Undelivered is Slack's error when the notice was parked instead of posted.
	Undelivered string `json:",omitempty"`
}

// AuditRecord is one decision for the ledger.
type AuditRecord struct {
	Key        string
	CaseRef    string
	WorkflowID string
	RunID      string
	Actor      string // Slack user ID, or "samarbeid" for the system
	ActorName  string
	ServiceID  string
	Action     string
	Summary    string
	Detail     map[string]any
	LegalBasis string
	OccurredAt time.Time
}

// ConsentRecord is a consent, a refusal, a statutory basis for sharing with one service,
// or the withdrawal of a consent (Basis "trukket", which ends the earlier consent).
type ConsentRecord struct {
	Key                string
	CaseRef            string
	RecipientServiceID string
	Basis              string // "samtykke", "lovhjemmel", "nektet" or "trukket"
	Form               string // "muntlig" or "skriftlig" for samtykke and trukket
	StatutoryBasis     string
	RecordedBy         string
	RecordedAt         time.Time
	// GivenBy is who gave (or refused, or withdrew) it: "personen", "forelder" or "verge".
	GivenBy string `json:",omitempty"`
	// Information is the scope: which information may be shared with the recipient.
	Information string `json:",omitempty"`
	// Reason is why consent was refused or withdrawn, as the person put it.
	Reason string `json:",omitempty"`
	// ExpiresAt is when a consent lapses, where the municipality's policy sets a validity.
	ExpiresAt time.Time `json:",omitempty"`
}

// CaseLinker tells a case's running collaboration-duty workflows that a coordinator has
// taken over their coordination.
type CaseLinker interface {
	HandOver(ctx context.Context, h HandOver) (int, error)
}

// HandOver names the coordinator who now coordinates a case's services.
type HandOver struct {
	CaseRef               string
	CoordinatorWorkflowID string
	Kind                  string // e.g. "barnekoordinator"
	Title                 string
	Citation              string
	SlackUserID           string
	ServiceID             string
	At                    time.Time
	// Left is set when the coordinator stops coordinating (she left, or the coordination
	// ended): the cases go back to the KE until a new coordinator takes over.
	Left bool `json:",omitempty"`
}

// KEDigest posts the coordinating unit's daily digest: the overview of overdue and soon-due
// steps, and the reminders and escalations gathered since the last digest.
type KEDigest interface {
	Send(ctx context.Context, at time.Time) (DigestResult, error)
}

// DigestResult says what one digest carried.
type DigestResult struct {
	Posted           bool // false when there was nothing to tell
	Items            int  // reminders and escalations gathered since the last digest
	Overdue, DueSoon int
}

// Redeliverer sends parked notices again once their cause may be fixed (an administrator
// brought the channel back, or moved the service to another channel).
type Redeliverer interface {
	Redeliver(ctx context.Context, serviceID string) (Redelivery, error)
}

// Redelivery says what one round of sending parked notices again did.
type Redelivery struct {
	Tried, Delivered, StillParked int
}

// Activities is registered with the worker; its methods are the activities.
type Activities struct {
	Messenger Messenger
	Ledger    Ledger
	Consents  ConsentRegister
	Cases     CaseLinker
	Digest    KEDigest
}

// SendKEDigest posts the KE's daily digest as of at (the schedule's time).
func (a *Activities) SendKEDigest(ctx context.Context, at time.Time) (DigestResult, error) {
	if a.Digest == nil {
		return DigestResult{}, errors.New("dagsoversikten er ikke satt opp i denne workeren")
	}
	// The morning's round of parked notices comes first, so the digest lists only those
	// that still cannot be delivered. It never holds the digest back.
	if r, ok := a.Messenger.(Redeliverer); ok {
		// A third of the digest's minute (workflows/ke_digest.go): the digest itself must
		// still go out; what is not tried in time waits, parked, for the next round.
		rctx, cancel := context.WithTimeout(ctx, redeliverInDigest)
		_, err := r.Redeliver(rctx, "")
		cancel()
		if err != nil && activity.IsActivity(ctx) {
			activity.GetLogger(ctx).Warn("parkerte meldinger ble ikke sendt på nytt", "error", err)
		}
	}
	return a.Digest.Send(ctx, at)
}

// redeliverInDigest bounds the morning's round of parked notices before the digest.
const redeliverInDigest = 20 * time.Second

// RedeliverNotices sends the parked notices of a service (all when serviceID is empty) again.
func (a *Activities) RedeliverNotices(ctx context.Context, serviceID string) (Redelivery, error) {
	r, ok := a.Messenger.(Redeliverer)
	if !ok {
		return Redelivery{}, nil
	}
	return r.Redeliver(ctx, serviceID)
}

// Notify posts or updates one message. Its key is the run and the activity: the same on
// every retry of this activity, and never the same for two notices.
func (a *Activities) Notify(ctx context.Context, n Notice) (Posted, error) {
	if n.Key == "" && activity.IsActivity(ctx) {
		info := activity.GetInfo(ctx)
		n.Key = info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID + "/" + info.ActivityID
	}
	return a.Messenger.Notify(ctx, n)
}

// RecordAudit appends one decision to the ledger.
func (a *Activities) RecordAudit(ctx context.Context, r AuditRecord) error {
	return a.Ledger.Append(ctx, r)
}

// HandOverCoordination signals the case's collaboration-duty workflows; it returns how many.
func (a *Activities) HandOverCoordination(ctx context.Context, h HandOver) (int, error) {
	if a.Cases == nil { // a worker without Temporal access to other cases (workflow tests)
		return 0, nil
	}
	return a.Cases.HandOver(ctx, h)
}

// RecordConsent stores a consent record.
func (a *Activities) RecordConsent(ctx context.Context, c ConsentRecord) error {
	return a.Consents.Record(ctx, c)
}
