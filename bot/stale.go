package bot

import (
	"fmt"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/workflows"
)

// staleClick explains what already happened when a button on an older message is clicked
// (a prompt scrolled up, a second person answering the same request), instead of opening a
// modal whose answer the workflow would only refuse. It returns "" when the click is current.
func staleClick(st workflows.Status, actionID, serviceID string, name func(string) string) string {
	by := func(user string) string {
		if user == "" {
			return ""
		}
		return fmt.Sprintf(" av <@%s>", user)
	}
	if st.Step == workflows.StepDone {
		return fmt.Sprintf("Sak %s er avsluttet, så knappen på denne meldingen gjelder ikke lenger. `/samarbeid status %s` viser hva som ble avgjort.", st.CaseRef, st.CaseRef)
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
			return fmt.Sprintf("Steg 1 i sak %s er allerede besvart%s %s. Saken står nå på %s.",
				st.CaseRef, by(st.ClarifiedBy), calendar.FormatDate(st.ClarifiedAt), stepTitle(string(st.Step)))
		}
	case actionAssess:
		if svc != nil && svc.Assessment != nil {
			return fmt.Sprintf("Behovet for samarbeid med %s i sak %s er allerede vurdert%s %s.",
				name(serviceID), st.CaseRef, by(svc.Assessment.By), calendar.FormatDate(svc.Assessment.At))
		}
	case actionConsent:
		if svc != nil && svc.Consent.Permits() {
			return fmt.Sprintf("Grunnlaget for å dele opplysninger med %s i sak %s er allerede registrert%s %s.",
				name(serviceID), st.CaseRef, by(svc.Consent.By), calendar.FormatDate(svc.Consent.At))
		}
	case actionAccept, actionDecline:
		if svc != nil && svc.Contact != nil && svc.Contact.Answer != "" {
			return fmt.Sprintf("Forespørselen i sak %s er allerede besvart (%s)%s %s.",
				st.CaseRef, answerText(svc.Contact.Answer), by(svc.Contact.AnsweredBy), calendar.FormatDate(svc.Contact.AnsweredAt))
		}
	}
	return ""
}
