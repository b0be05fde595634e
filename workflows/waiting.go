package workflows

import (
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// AttrWaitingOn lists who a running case waits on, so "Mine oppgaver" finds every task with
// one visibility query however many cases are open: `SamarbeidVenterPaa IN ('svc:skole')`.
// The values are service IDs ("svc:<id>") and, where one person must answer, a Slack user
// ID ("user:<id>"): identifiers only, never a name or anything about the person the case is
// about, since anyone with access to the Temporal namespace can read them.
var AttrWaitingOn = temporal.NewSearchAttributeKeyKeywordList("SamarbeidVenterPaa")

// WaitingNobody is the value of a case that waits on no one: it tells a case that keeps the
// attribute from one started before it existed (which has none, and which the bot must still
// look at, see WaitingQuery).
const WaitingNobody = "ingen"

// changeWaitingOn guards the upsert of AttrWaitingOn: cases already running when it came
// replay without it.
const changeWaitingOn = "søkeattributt-venter-på"

// WaitingService and WaitingUser are the attribute's values for a service and a person.
func WaitingService(serviceID string) string { return "svc:" + serviceID }
func WaitingUser(slackUserID string) string  { return "user:" + slackUserID }

// waitingTypes are the workflows that carry AttrWaitingOn: those with steps in "Mine oppgaver".
var waitingTypes = []string{"CollaborationDuty", "CoordinatorAppointment"}

// WaitingQuery is the one visibility query behind "Mine oppgaver": the running cases that
// wait on any of the given values, and those started before the attribute existed (no value
// at all), which the caller looks into as before. Values are quoted for the query language;
// IDs from the directory and Slack never hold a quote, but one would not break out.
func WaitingQuery(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	types := make([]string, len(waitingTypes))
	for i, t := range waitingTypes {
		types[i] = "'" + t + "'"
	}
	q := fmt.Sprintf("ExecutionStatus = 'Running' AND WorkflowType IN (%s) AND (%s IS NULL",
		strings.Join(types, ", "), AttrWaitingOn.GetName())
	if len(quoted) > 0 {
		q += fmt.Sprintf(" OR %s IN (%s)", AttrWaitingOn.GetName(), strings.Join(quoted, ", "))
	}
	return q + ")"
}

// DutyWaitingOn is who a collaboration-duty case waits on, as "Mine oppgaver" lists its
// steps (bot/mine.go): the initiating service for steps 1–3, and each asked service until it
// answers. Sorted and without duplicates, so an unchanged state upserts nothing.
func DutyWaitingOn(st Status) []string {
	if st.Step == StepDone || st.Step == "" {
		return []string{WaitingNobody}
	}
	var out []string
	initiator := WaitingService(st.InitiatingServiceID)
	if st.Step == StepClarify {
		out = append(out, initiator)
	}
	for _, s := range st.Services {
		switch {
		case s.Consent.Blocks():
		case st.Step == StepAssess && s.Assessment == nil:
			out = append(out, initiator)
		case st.Step == StepContact && s.Assessment != nil && s.Assessment.Needed && s.Contact == nil:
			out = append(out, initiator)
		case s.Contact != nil && s.Contact.Answer == "":
			out = append(out, WaitingService(s.ServiceID))
		}
	}
	return waitingList(out)
}

// CoordinatorWaitingOn is who a coordinator case waits on: a nominated coordinator who has
// not answered, and the coordinating unit while the case waits for something before a
// coordinator serves.
func CoordinatorWaitingOn(st CoordinatorStatus, unitID string) []string {
	if st.Step == CoordStepDone || st.Step == "" {
		return []string{WaitingNobody}
	}
	var out []string
	if c := st.Coordinator; c != nil && c.Answer == "" && c.SlackUserID != "" {
		out = append(out, WaitingUser(c.SlackUserID))
	}
	if st.Waiting != "" && st.Step != CoordStepActive {
		out = append(out, WaitingService(unitID))
	}
	return waitingList(out)
}

func waitingList(v []string) []string {
	if len(v) == 0 {
		return []string{WaitingNobody}
	}
	slices.Sort(v)
	return slices.Compact(v)
}

// waitingOnVersion tells whether this run keeps AttrWaitingOn (cases started before it came
// replay without it).
func waitingOnVersion(ctx workflow.Context) bool {
	return workflow.GetVersion(ctx, changeWaitingOn, workflow.DefaultVersion, 1) >= 1
}
