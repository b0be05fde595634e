package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// AccessLog is where the bot records every look at a case's details, and where an auditor
// or the KE lists them (store.Store).
type AccessLog interface {
	LogAccess(ctx context.Context, looks ...store.Access) error
	AccessByCase(ctx context.Context, caseRef string) ([]store.Access, error)
	AccessByViewer(ctx context.Context, viewer string) ([]store.Access, error)
}

// logLooks records looks before their details are shown; a look that cannot be recorded is
// not shown (the error says so). Without an access log (some unit tests) it does nothing.
func (b *Bot) logLooks(ctx context.Context, looks ...store.Access) error {
	if b.access == nil || len(looks) == 0 {
		return nil
	}
	now := b.now()
	for i := range looks {
		if looks[i].At.IsZero() {
			looks[i].At = now
		}
	}
	if err := b.access.LogAccess(ctx, looks...); err != nil {
		return fmt.Errorf("kunne ikke føre tilgangsloggen: %w", err)
	}
	return nil
}

func look(staff store.Staff, ref, workflowID, surface string, scope access.Scope) store.Access {
	return store.Access{Viewer: staff.SlackUserID, CaseRef: ref, WorkflowID: workflowID, Surface: surface,
		Allowed: scope.Shows(), Scope: string(scope)}
}

// caseView is what staff may see of a collaboration case.
func (b *Bot) caseView(ctx context.Context, staff store.Staff, st workflows.Status) access.CaseView {
	ke, _ := b.dir.CoordinatingUnit(ctx)
	return access.Case(access.FromStaff(staff), st, ke.ID, b.now())
}

// openCaseDetails logs the look and returns the modal for it: the case as far as the
// viewer's basis goes, or a refusal that says only what the viewer may know.
func (b *Bot) openCaseDetails(ctx context.Context, tr *i18n.Translator, staff store.Staff, workflowID string, st workflows.Status) (slack.ModalViewRequest, error) {
	view := b.caseView(ctx, staff, st)
	if err := b.logLooks(ctx, look(staff, st.CaseRef, workflowID, store.SurfaceCaseModal, view.Scope)); err != nil {
		return slack.ModalViewRequest{}, err
	}
	if !view.Scope.Shows() {
		return slack.ModalViewRequest{}, b.noAccess(ctx, st.CaseRef, view)
	}
	return detailsView(tr, access.Filter(st, view), view.Scope, b.serviceName, b.now()), nil
}

// noAccess is the refusal for a look that shows nothing: for a service whose contact was
// closed, the reference and that the contact was closed; for anyone else, no more.
func (b *Bot) noAccess(ctx context.Context, ref string, view access.CaseView) error {
	if view.Scope == access.Closed {
		var names []string
		for _, id := range view.Services {
			names = append(names, b.serviceName(ctx, id))
		}
		return refuse("", "access.closed", "Ref", ref, "Service", strings.Join(names, ", "))
	}
	return refuse("", "access.none")
}

// requesterServices are the services of the person who asked for a coordinator.
func (b *Bot) requesterServices(ctx context.Context, st workflows.CoordinatorStatus) []string {
	if st.RequestedBy == "" {
		return nil
	}
	s, err := b.dir.StaffBySlackUser(ctx, st.RequestedBy)
	if err != nil {
		return nil
	}
	return s.ServiceIDs
}

// coordinatorScope is what staff may see of a coordinator case.
func (b *Bot) coordinatorScope(ctx context.Context, staff store.Staff, st workflows.CoordinatorStatus) access.Scope {
	unit := st.CoordinatingUnitID // the unit that handles the request (the KE, or a health trust's)
	if unit == "" {
		ke, _ := b.dir.CoordinatingUnit(ctx)
		unit = ke.ID
	}
	return access.Coordinator(access.FromStaff(staff), st, unit, b.requesterServices(ctx, st))
}

// planScope is what staff may see of an individual plan. The participating services come
// from the person's collaboration cases, read only when the role alone does not decide.
func (b *Bot) planScope(ctx context.Context, staff store.Staff, st workflows.PlanStatus) access.Scope {
	ke, _ := b.dir.CoordinatingUnit(ctx)
	v := access.FromStaff(staff)
	if s := access.Plan(v, st, ke.ID, nil); s.Shows() || !access.PlanConsent(st) {
		return s
	}
	var cases []workflows.Status
	ids, _ := b.caseWorkflowIDs(ctx, st.CaseRef, nil)
	for _, id := range ids {
		if isCoordinatorCase(id) || isPlanCase(id) {
			continue
		}
		if c, err := b.status(ctx, id); err == nil {
			cases = append(cases, c)
		}
	}
	return access.Plan(v, st, ke.ID, access.PlanParticipants(st, cases, b.now()))
}

// mayAct refuses, at the click and before any modal opens, whoever the directory alone
// shows may not act: an auditor anywhere, and anyone outside the service that must answer.
// The workflow's validator still decides; this only spares a modal filled in for nothing.
func mayAct(staff store.Staff, serviceID string) error {
	a := workflowActor(staff)
	if a.Has(workflows.RoleAuditor) {
		return refuse("", "access.auditor_acts")
	}
	if serviceID != "" && !a.MemberOf(serviceID) {
		return refuse("", "access.not_your_service")
	}
	return nil
}

// mayStart refuses a start (a new case, a coordinator request) to an auditor, and to
// someone who works in no service (an administrator by that role alone).
func mayStart(staff store.Staff) error {
	if workflowActor(staff).Has(workflows.RoleAuditor) {
		return refuse("", "access.auditor_starts")
	}
	if len(staff.ServiceIDs) == 0 {
		return refuse("", "access.no_service")
	}
	return nil
}

// accessLogCommand answers `/samarbeid tilgang SAK-…` and `/samarbeid tilgang @person`:
// the looks at a case, or by a person, for an auditor or the KE; everyone else is refused.
func (b *Bot) accessLogCommand(ctx context.Context, tr *i18n.Translator, userID string, args []string) (string, error) {
	staff, err := b.actor(ctx, userID)
	if err != nil {
		return "", err
	}
	if len(args) == 0 {
		return tr.T("access.usage"), nil
	}
	ke, _ := b.dir.CoordinatingUnit(ctx)
	allowed := access.AccessLog(access.FromStaff(staff), ke.ID)
	arg := args[0]
	var looks []store.Access
	var title string
	if ref := strings.ToUpper(arg); caseRefPattern.MatchString(ref) {
		scope := access.None
		if allowed {
			scope = access.Whole
		}
		if err := b.logLooks(ctx, look(staff, ref, "", store.SurfaceAccessLog, scope)); err != nil {
			return "", err
		}
		if !allowed {
			return "", refuse("", "access.log_refused")
		}
		if b.access == nil {
			return "", fmt.Errorf("ingen tilgangslogg")
		}
		if looks, err = b.access.AccessByCase(ctx, ref); err != nil {
			return "", err
		}
		title = tr.T("access.log_case", "Ref", ref, "Count", len(looks))
	} else {
		person, err := mentionedUser(arg)
		if err != nil {
			return "", err
		}
		if !allowed {
			return "", refuse("", "access.log_refused")
		}
		if b.access == nil {
			return "", fmt.Errorf("ingen tilgangslogg")
		}
		if looks, err = b.access.AccessByViewer(ctx, person); err != nil {
			return "", err
		}
		title = tr.T("access.log_person", "User", mention(person), "Count", len(looks))
	}
	if len(looks) == 0 {
		return title + "\n" + tr.T("access.log_empty"), nil
	}
	lines := []string{title}
	first := 0
	if len(looks) > accessLogLines {
		first = len(looks) - accessLogLines
		lines = append(lines, tr.T("access.log_cut", "Count", accessLogLines))
	}
	for _, l := range looks[first:] {
		lines = append(lines, accessLine(tr, l))
	}
	return strings.Join(lines, "\n"), nil
}

// accessLogLines is how many looks a Slack answer lists (the newest); the command line
// lists them all.
const accessLogLines = 40

// accessLine is one look in words: when, who, which case, where, and the answer.
func accessLine(tr *i18n.Translator, l store.Access) string {
	key := "access.line_refused"
	if l.Allowed {
		key = "access.line_allowed"
	}
	who := mention(l.Viewer)
	return tr.T(key, "Date", l.At, "User", who, "Ref", l.CaseRef, "Surface", surfaceText(tr, l.Surface), "Scope", scopeText(tr, l.Scope))
}

var surfaceWords = words{
	store.SurfaceCaseModal: "access.surface_case", store.SurfacePlanModal: "access.surface_plan",
	store.SurfaceCoordModal: "access.surface_coord", store.SurfaceStatus: "access.surface_status",
	store.SurfaceHome: "access.surface_home", store.SurfaceTimeline: "access.surface_timeline",
	store.SurfaceExport: "access.surface_export", store.SurfaceAccessLog: "access.surface_log",
}

var scopeWords = words{
	string(access.Whole): "access.scope_whole", string(access.Shared): "access.scope_shared",
	string(access.Coordinate): "access.scope_coordinate", string(access.Closed): "access.scope_closed",
	homeLineScope: "access.scope_line",
}

func surfaceText(tr *i18n.Translator, s string) string { return surfaceWords.in(tr, s) }
func scopeText(tr *i18n.Translator, s string) string   { return scopeWords.in(tr, s) }

// mention is a Slack user as Slack shows them; a look from the command line as it is.
func mention(viewer string) string {
	if strings.HasPrefix(viewer, store.CLIViewerPrefix) {
		return viewer
	}
	return "<@" + viewer + ">"
}
