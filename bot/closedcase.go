package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// A closed case stays readable (issue 14): the caseworker still needs the contact person the
// other service named. While Temporal keeps the closed workflow's history, its status query
// answers as for a running case. Once the namespace's retention has removed the history, the
// ledger is the lasting record (docs/RETENTION.md), and the case's status is rebuilt from its
// rows, so the same access rules (access.Case, access.Filter) decide what is shown.

// Ledger is the audit ledger the bot reads a closed case from (store.Store).
type Ledger interface {
	AuditTrail(ctx context.Context, caseRef string) ([]store.AuditRow, error)
}

// caseForReading is a duty case's status to read: from the workflow, or from the ledger when
// Temporal no longer has the workflow.
func (b *Bot) caseForReading(ctx context.Context, workflowID string) (workflows.Status, error) {
	st, err := b.status(ctx, workflowID)
	var r refusal
	if err == nil || b.ledger == nil || !errors.As(err, &r) || r.text.Key != "err.case_not_found" {
		return st, err
	}
	ref := caseRefOfWorkflow(workflowID)
	if ref == "" {
		return st, err
	}
	rows, lerr := b.ledger.AuditTrail(ctx, ref)
	if lerr != nil {
		return st, lerr
	}
	if rec, ok := statusFromLedger(rows, workflowID); ok {
		return rec, nil
	}
	return st, err
}

// withRecordedCases adds to ids the duty cases the ledger has for ref: once Temporal's
// retention has removed a closed case, visibility no longer lists it, and only the ledger
// knows it was there.
func (b *Bot) withRecordedCases(ctx context.Context, ref string, ids []string) []string {
	if b.ledger == nil {
		return ids
	}
	rows, err := b.ledger.AuditTrail(ctx, ref)
	if err != nil {
		b.log.Warn("kunne ikke lese revisjonsloggen for saken", "sak", ref, "feil", err)
		return ids
	}
	for _, r := range rows {
		if r.Action == "sak_opprettet" && caseRefOfWorkflow(r.WorkflowID) == ref && !slices.Contains(ids, r.WorkflowID) {
			ids = append(ids, r.WorkflowID)
		}
	}
	return ids
}

// caseRefOfWorkflow is the reference in a duty case's workflow ID (workflows.WorkflowID).
func caseRefOfWorkflow(workflowID string) string {
	parts := strings.Split(workflowID, "/")
	if len(parts) != 3 || parts[0] != strings.Split(workflows.WorkflowID("", ""), "/")[0] {
		return ""
	}
	return parts[1]
}

// statusFromLedger rebuilds the last run of a duty case from its ledger rows: who decided
// what and when, each service's assessment, basis and answer with its contact person. It
// reports false when the ledger has no opening row for the workflow. A reference opened
// again has several runs under one workflow ID; the last opening starts the one shown.
func statusFromLedger(rows []store.AuditRow, workflowID string) (workflows.Status, bool) {
	start := -1
	for i, r := range rows {
		if r.WorkflowID == workflowID && r.Action == "sak_opprettet" {
			start = i
		}
	}
	if start < 0 {
		return workflows.Status{}, false
	}
	open := rows[start]
	st := workflows.Status{CaseRef: open.CaseRef, InitiatingServiceID: open.ServiceID, LegalBasis: open.LegalBasis,
		OpenedBy: ledgerUser(open.Actor), OpenedAt: open.OccurredAt, Step: workflows.StepClarify,
		Subject: subjectOfOpening(open.Summary)}
	service := func(id string) *workflows.ServiceStatus {
		for i := range st.Services {
			if st.Services[i].ServiceID == id {
				return &st.Services[i]
			}
		}
		st.Services = append(st.Services, workflows.ServiceStatus{ServiceID: id})
		return &st.Services[len(st.Services)-1]
	}
	for _, r := range rows[start+1:] {
		if r.WorkflowID != workflowID {
			continue
		}
		by, at, d := ledgerUser(r.Actor), r.OccurredAt, r.Detail
		switch r.Action {
		case "steg1_avklart":
			st.ClarifiedBy, st.ClarifiedAt = by, at
			st.NoOtherServices = d["ingen"] == true
			for _, id := range detailStrings(d["tjenester"]) {
				service(id)
			}
			st.Step = workflows.StepAssess
		case "steg2_vurdert":
			s := service(r.ServiceID)
			s.Assessment = &workflows.Assessment{Needed: d["behov"] == true, About: detailString(d, "tema"),
				Reason: detailString(d, "begrunnelse"), By: by, At: at}
		case "forslag_fulgt":
			s := service(r.ServiceID)
			s.SuggestedBy = detailString(d, "foreslått_av")
			s.Assessment = &workflows.Assessment{Needed: true, By: by, At: at}
		case "samtykke_registrert":
			service(r.ServiceID).Consent = &workflows.ConsentStatus{Basis: detailString(d, "grunnlag"), Form: detailString(d, "form"),
				StatutoryBasis: detailString(d, "hjemmel"), By: by, At: at, GivenBy: detailString(d, "gitt_av"),
				Information: detailString(d, "opplysninger"), Reason: detailString(d, "begrunnelse")}
			st.Step = workflows.StepContact
		case "samtykke_trukket":
			if s := service(r.ServiceID); s.Consent != nil {
				s.Consent.Withdrawn = &workflows.Withdrawal{Form: detailString(d, "form"), GivenBy: detailString(d, "gitt_av"),
					Reason: detailString(d, "begrunnelse"), By: by, At: at}
			}
		case "kontakt_forespurt":
			service(r.ServiceID).Contact = &workflows.ContactStatus{RequestedBy: by, RequestedAt: at}
			st.Step = workflows.StepContact
		case "kontakt_" + workflows.AnswerAccepted, "kontakt_" + workflows.AnswerDeclined, "kontakt_" + workflows.AnswerNotOurs:
			s := service(r.ServiceID)
			if s.Contact == nil {
				s.Contact = &workflows.ContactStatus{}
			}
			s.Contact.Answer = strings.TrimPrefix(r.Action, "kontakt_")
			s.Contact.ContactPerson, s.Contact.Reason = detailString(d, "kontaktperson"), detailString(d, "begrunnelse")
			s.Contact.Suggested = detailString(d, "foreslått_tjeneste")
			s.Contact.AnsweredBy, s.Contact.AnsweredAt = by, at
		case "sak_avsluttet_ved_beslutning":
			st.Closed = &workflows.ClosedByDecision{Reason: detailString(d, "grunn"), Text: detailString(d, "begrunnelse"), By: by, At: at}
		case "sak_avsluttet":
			st.Step, st.Outcome = workflows.StepDone, detailString(d, "utfall")
		}
	}
	return st, true
}

// ledgerUser is the Slack user ID in a ledger row's actor, which the worker writes as
// "Name (service), U123" (worker.StoreLedger).
func ledgerUser(actor string) string {
	if i := strings.LastIndex(actor, ", "); i >= 0 {
		return actor[i+2:]
	}
	return actor
}

// subjectOfOpening reads "barn" or "voksen" from the opening row's sentence, "Sak REF (barn)
// opprettet; ...", the only place the ledger says it; "" when it does not.
func subjectOfOpening(summary string) string {
	for _, s := range []string{"barn", "voksen"} {
		if strings.Contains(summary, "("+s+")") {
			return s
		}
	}
	return ""
}

func detailString(d map[string]any, key string) string {
	s, _ := d[key].(string)
	return s
}

func detailStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
