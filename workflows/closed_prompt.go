package workflows

import (
	"time"

	"github.com/samarbeid/samarbeid/activities"
)

// NoticeStepClosed redraws the step-3 prompt once the case has closed: where each service
// ended up, and no button that no longer applies (consent, request, withdraw, close), only
// «Vis sak» (issue 14 item 2).
const NoticeStepClosed activities.NoticeKind = "steg-lukket"

// versionClosedPromptRedrawn redraws the step-3 prompt when the case closes. Cases that
// closed before it have no such redraw in their histories, so it goes behind GetVersion.
const versionClosedPromptRedrawn = "lukket-sak-tegner-steg-3-uten-knapper"

// redrawClosed queues the redraw of the step-3 prompt as closed, if the case got that far.
// A case closed by decision has had that prompt redrawn already, with who closed it.
func (c *dutyCase) redrawClosed(reachedContact bool) {
	if !reachedContact || c.st.Closed != nil {
		return
	}
	n := c.stepPrompt(StepContact)
	n.Kind, n.Deadline = NoticeStepClosed, time.Time{}
	c.notify(n, "", string(StepContact))
	c.queue[len(c.queue)-1].version = versionClosedPromptRedrawn
}
