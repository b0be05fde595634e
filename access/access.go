// Package access decides how much of a case a person may see (need to know). It is pure:
// given the viewer, the case's status, the coordinating unit and the time of the look (from
// the caller: a consent lapses at its expiry), it returns a scope, and
// Filter keeps only what that scope allows. The bot and the web console show details
// only through it, and log every look (store.Access) with the scope it gave.
//
// The rules (DOMAIN.md, "Confidentiality and consent"): information about a person is
// shared with another service only with consent or a statutory basis for that service.
// So a contacted service sees its own part of a case once a basis is on record and the
// request has been sent; a service judged not needed, or whose consent was refused or
// withdrawn, learns only that the contact was closed; one service never sees another's
// reasons, answers or consent. Auditors read everything and act on nothing; an
// administrator sees no case details by that role alone.
package access

import (
	"slices"
	"time"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Viewer is the person who looks.
type Viewer struct {
	SlackUserID string
	ServiceIDs  []string
	Roles       []string
}

// FromStaff is the viewer a directory entry describes.
func FromStaff(st store.Staff) Viewer {
	return Viewer{SlackUserID: st.SlackUserID, ServiceIDs: st.ServiceIDs, Roles: st.Roles}
}

// Auditor reports whether the viewer audits (reads every case, acts on none).
func (v Viewer) Auditor() bool { return slices.Contains(v.Roles, workflows.RoleAuditor) }

// MemberOf reports whether the viewer works in service ("" is no service).
func (v Viewer) MemberOf(service string) bool {
	return service != "" && slices.Contains(v.ServiceIDs, service)
}

func (v Viewer) memberOfAny(services []string) bool {
	for _, s := range services {
		if v.MemberOf(s) {
			return true
		}
	}
	return false
}

// Scope is how much of a case a viewer sees. Its value is what the access log records.
type Scope string

const (
	// None: nothing; the look is refused.
	None Scope = ""
	// Closed: the reference, and that the contact with the viewer's service was closed
	// (judged not needed, or consent refused or withdrawn). No details.
	Closed Scope = "avsluttet"
	// Shared: what the case shares with the viewer's service: the reference, the initiating
	// service, what it wants to collaborate about with this service, and this service's own
	// request and answer.
	Shared Scope = "delt"
	// Coordinate: what the KE needs to coordinate: steps, deadlines and each service's
	// state, without free text (reasons, topics, contact persons, consent details).
	Coordinate Scope = "koordinering"
	// Whole: every detail of the case.
	Whole Scope = "hele"
)

// Shows reports whether the scope shows any of the case's details.
func (s Scope) Shows() bool { return s == Shared || s == Coordinate || s == Whole }

// CaseView is a viewer's scope in one collaboration case.
type CaseView struct {
	Scope Scope
	// Services are the viewer's own services among those the case contacts: for Shared
	// the ones whose part the viewer sees, for Closed the ones whose contact was closed.
	Services []string
}

// Case decides what viewer may see of a collaboration case at now. coordinatingUnit is the
// KE's service ID.
func Case(v Viewer, st workflows.Status, coordinatingUnit string, now time.Time) CaseView {
	if v.Auditor() || v.MemberOf(st.InitiatingServiceID) ||
		(st.Coordinator != nil && st.Coordinator.SlackUserID != "" && st.Coordinator.SlackUserID == v.SlackUserID && st.Coordinator.LeftAt.IsZero()) {
		return CaseView{Scope: Whole} // a coordinator who has left no longer needs to know
	}
	if v.MemberOf(coordinatingUnit) {
		return CaseView{Scope: Coordinate}
	}
	var shared, closed []string
	for _, s := range st.Services {
		if !v.MemberOf(s.ServiceID) {
			continue
		}
		switch ContactBasis(s, now) {
		case Shared:
			shared = append(shared, s.ServiceID)
		case Closed:
			closed = append(closed, s.ServiceID)
		}
	}
	switch {
	case len(shared) > 0:
		return CaseView{Scope: Shared, Services: shared}
	case len(closed) > 0:
		return CaseView{Scope: Closed, Services: closed}
	}
	return CaseView{Scope: None}
}

// ContactBasis is what a contacted service may see of the case at now: Shared once a basis
// that permits sharing is on record and the request has been sent; Closed when it was judged
// not needed or its consent was refused or withdrawn; None while nothing is decided yet, and
// once a consent has expired (ExpiresAt at or before now): the basis has lapsed, but the
// contact is not closed, since the service that has the case may record a new consent.
func ContactBasis(s workflows.ServiceStatus, now time.Time) Scope {
	switch {
	case s.Assessment != nil && !s.Assessment.Needed:
		return Closed
	case s.Consent != nil && !s.Consent.Permits():
		return Closed
	case s.Consent.PermitsAt(now) && s.Contact != nil:
		return Shared
	}
	return None
}

// Filter keeps of st only what view allows, so a renderer cannot show more by mistake.
func Filter(st workflows.Status, view CaseView) workflows.Status {
	switch view.Scope {
	case Whole:
		return st
	case Coordinate:
		out := st
		out.Services = make([]workflows.ServiceStatus, len(st.Services))
		for i, s := range st.Services {
			f := workflows.ServiceStatus{ServiceID: s.ServiceID}
			if a := s.Assessment; a != nil {
				f.Assessment = &workflows.Assessment{Needed: a.Needed, At: a.At}
			}
			if c := s.Consent; c != nil {
				f.Consent = &workflows.ConsentStatus{Basis: c.Basis, At: c.At, ExpiresAt: c.ExpiresAt}
				if w := c.Withdrawn; w != nil { // that it was withdrawn and when, not by whom or why
					f.Consent.Withdrawn = &workflows.Withdrawal{At: w.At}
				}
			}
			if c := s.Contact; c != nil {
				f.Contact = &workflows.ContactStatus{RequestedAt: c.RequestedAt, Answer: c.Answer, AnsweredAt: c.AnsweredAt}
			}
			out.Services[i] = f
		}
		if c := st.Closed; c != nil { // who closed it and when, not the free text why
			out.Closed = &workflows.ClosedByDecision{Reason: c.Reason, By: c.By, At: c.At}
		}
		return out
	case Shared:
		out := workflows.Status{CaseRef: st.CaseRef, InitiatingServiceID: st.InitiatingServiceID, Step: st.Step}
		for _, s := range st.Services {
			if !slices.Contains(view.Services, s.ServiceID) {
				continue
			}
			f := workflows.ServiceStatus{ServiceID: s.ServiceID, Contact: s.Contact}
			if a := s.Assessment; a != nil {
				f.Assessment = &workflows.Assessment{Needed: a.Needed, About: a.About}
			}
			if s.Consent.Permits() { // the basis it was shared on, not who recorded it or how
				f.Consent = &workflows.ConsentStatus{Basis: s.Consent.Basis}
			}
			out.Services = append(out.Services, f)
			for _, d := range st.Deadlines {
				if d.About == s.ServiceID && !d.Done && (out.NextDeadline.IsZero() || d.Due.Before(out.NextDeadline)) {
					out.NextDeadline = d.Due
				}
			}
		}
		return out
	case Closed:
		out := workflows.Status{CaseRef: st.CaseRef}
		for _, id := range view.Services {
			out.Services = append(out.Services, workflows.ServiceStatus{ServiceID: id})
		}
		return out
	}
	return workflows.Status{}
}

// Plan decides whether viewer may open an individual plan and its revisions: its
// coordinator, the KE and auditors may; so may the plan's participating services once the
// plan records consent to share it (the checklist item "samtykke"). participants are the
// services taking part (PlanParticipants).
func Plan(v Viewer, st workflows.PlanStatus, coordinatingUnit string, participants []string) Scope {
	if v.Auditor() || v.MemberOf(coordinatingUnit) || v.MemberOf(st.CoordinatingUnitID) ||
		(st.CoordinatorSlackUserID != "" && v.SlackUserID == st.CoordinatorSlackUserID) {
		return Whole
	}
	if PlanConsent(st) && v.memberOfAny(participants) {
		return Whole
	}
	return None
}

// PlanConsent reports whether the plan records consent to the plan and to sharing it.
func PlanConsent(st workflows.PlanStatus) bool {
	for _, it := range st.Checklist {
		if it.ID == "samtykke" {
			return it.Done
		}
	}
	return false
}

// PlanParticipants are the services taking part in a plan: the coordinator's, and from the
// person's collaboration cases the initiating services and every service that accepted a
// contact request sent on a basis that still permits sharing at now (not expired).
func PlanParticipants(st workflows.PlanStatus, cases []workflows.Status, now time.Time) []string {
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	add(st.CoordinatorServiceID)
	for _, c := range cases {
		if c.CaseRef != st.CaseRef {
			continue
		}
		add(c.InitiatingServiceID)
		for _, s := range c.Services {
			if ContactBasis(s, now) == Shared && s.Contact.Answer == workflows.AnswerAccepted {
				add(s.ServiceID)
			}
		}
	}
	return out
}

// Coordinator decides whether viewer may open a coordinator case: the KE, the requesting
// service (requesterServices, the services of the person who asked) and auditors may.
func Coordinator(v Viewer, st workflows.CoordinatorStatus, coordinatingUnit string, requesterServices []string) Scope {
	if v.Auditor() || v.MemberOf(coordinatingUnit) || v.MemberOf(st.CoordinatingUnitID) ||
		(st.RequestedBy != "" && v.SlackUserID == st.RequestedBy) || v.memberOfAny(requesterServices) {
		return Whole
	}
	return None
}

// AccessLog reports whether viewer may list the access log: auditors and the KE only.
func AccessLog(v Viewer, coordinatingUnit string) bool {
	return v.Auditor() || v.MemberOf(coordinatingUnit)
}

// Timeline decides whether viewer may read a case's audit timeline or export: auditors and
// the KE. The timeline names every service's decisions, so no single service reads it.
func Timeline(v Viewer, coordinatingUnit string) Scope {
	if v.Auditor() || v.MemberOf(coordinatingUnit) {
		return Whole
	}
	return None
}

// CaseLine reports whether a collaboration case may stand as a line in the viewer's Home
// tab (reference, step, deadline): for the services that must act in it, never for an
// auditor, who acts on nothing. A contacted service's line lasts while its basis does (now).
func CaseLine(v Viewer, st workflows.Status, now time.Time) bool {
	if v.Auditor() {
		return false
	}
	if v.MemberOf(st.InitiatingServiceID) {
		return true
	}
	for _, s := range st.Services {
		if v.MemberOf(s.ServiceID) && ContactBasis(s, now) == Shared {
			return true
		}
	}
	return false
}

// CoordinatorLine reports whether a coordinator case may stand as a line in the viewer's
// Home tab: for the person named (to answer) and the KE (to follow it up).
func CoordinatorLine(v Viewer, st workflows.CoordinatorStatus, coordinatingUnit string) bool {
	if v.Auditor() {
		return false
	}
	return (st.Coordinator != nil && st.Coordinator.SlackUserID == v.SlackUserID) || v.MemberOf(coordinatingUnit)
}
