package bot

import (
	"time"

	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/workflows"
)

// staleClick is staleClickIn in bokmål.
func staleClick(st workflows.Status, now time.Time, actionID, serviceID string, name func(string) string) string {
	return staleClickIn(i18n.For(i18n.Default), st, now, actionID, serviceID, name)
}

// staleClickIn explains, in tr's language, what already happened when a button on an older
// message is clicked (a prompt scrolled up, a second person answering the same request),
// instead of opening a modal whose answer the workflow would only refuse. It returns "" when
// the click is current. A consent past its expiry date may be given again, so its button is
// current as of now.
func staleClickIn(tr *i18n.Translator, st workflows.Status, now time.Time, actionID, serviceID string, name func(string) string) string {
	by := func(user string) string {
		if user == "" {
			return ""
		}
		return tr.T("stale.by", "User", user)
	}
	if st.Step == workflows.StepDone {
		return tr.T("stale.closed", "Ref", st.CaseRef)
	}
	var svc *workflows.ServiceStatus
	for i := range st.Services {
		if st.Services[i].ServiceID == serviceID {
			svc = &st.Services[i]
		}
	}
	switch actionID {
	case actionClarify:
		if st.Step != workflows.StepClarify {
			return tr.T("stale.clarified", "Ref", st.CaseRef, "By", by(st.ClarifiedBy), "Date", st.ClarifiedAt,
				"Step", stepTitleIn(tr, string(st.Step)))
		}
	case actionAssess:
		if svc != nil && svc.Assessment != nil {
			return tr.T("stale.assessed", "Service", name(serviceID), "Ref", st.CaseRef, "By", by(svc.Assessment.By), "Date", svc.Assessment.At)
		}
	case actionConsent:
		if svc != nil && svc.Consent.PermitsAt(now) {
			return tr.T("stale.consent", "Service", name(serviceID), "Ref", st.CaseRef, "By", by(svc.Consent.By), "Date", svc.Consent.At)
		}
	case actionAccept, actionDecline:
		if svc != nil && svc.Contact != nil && svc.Contact.Answer != "" {
			return tr.T("stale.answered", "Ref", st.CaseRef, "Answer", answerTextIn(tr, svc.Contact.Answer),
				"By", by(svc.Contact.AnsweredBy), "Date", svc.Contact.AnsweredAt)
		}
	}
	return ""
}
