package webconsole

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/bot"
	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/overview"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// perPage is how many rows a list page shows.
const perPage = 50

// ---- Oversikt ----

// overviewRow is one overdue or soon-due case on the Oversikt page.
type overviewRow struct {
	Sector, Unit, ServiceID string
	overview.Case
}

// overviewFilter is the Oversikt page's filter: sector, unit and which deadlines.
type overviewFilter struct {
	Sector, Service, Which string // Which: "forfalt", "snart" or ""
}

// rows flattens the report in its order (sector, unit, overdue before soon-due, deadline)
// and keeps the rows the filter lets through.
func (f overviewFilter) rows(rep overview.Report) []overviewRow {
	var out []overviewRow
	for _, u := range rep.Units {
		if (f.Sector != "" && u.Sector != f.Sector) || (f.Service != "" && u.ServiceID != f.Service) {
			continue
		}
		if f.Which != "snart" {
			for _, c := range u.Overdue {
				out = append(out, overviewRow{Sector: u.Sector, Unit: u.Name, ServiceID: u.ServiceID, Case: c})
			}
		}
		if f.Which != "forfalt" {
			for _, c := range u.DueSoon {
				out = append(out, overviewRow{Sector: u.Sector, Unit: u.Name, ServiceID: u.ServiceID, Case: c})
			}
		}
	}
	return out
}

// pager cuts a list into pages of perPage; the page number comes from ?side=.
type pager struct {
	Page, Pages, Total, First, Last int
}

func paginate(r *http.Request, total int) pager {
	p := pager{Total: total, Pages: (total + perPage - 1) / perPage}
	p.Page, _ = strconv.Atoi(r.URL.Query().Get("side"))
	if p.Page < 1 {
		p.Page = 1
	}
	if p.Pages > 0 && p.Page > p.Pages {
		p.Page = p.Pages
	}
	p.First = min((p.Page-1)*perPage, total)
	p.Last = min(p.First+perPage, total)
	return p
}

func (p pager) Prev() string {
	if p.Page <= 1 {
		return ""
	}
	return strconv.Itoa(p.Page - 1)
}

func (p pager) Next() string {
	if p.Page >= p.Pages {
		return ""
	}
	return strconv.Itoa(p.Page + 1)
}

func (c *Console) overviewPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	rep, err := bot.KEOverview(ctx, c.cfg.Temporal, c.cfg.Store, c.now())
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	services, err := c.cfg.Store.Services(ctx)
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	q := r.URL.Query()
	f := overviewFilter{Sector: q.Get("sektor"), Service: q.Get("tjeneste"), Which: q.Get("frister")}
	rows := f.rows(rep)
	p := paginate(r, len(rows))
	c.render(w, r, http.StatusOK, "overview", v, map[string]any{
		"Report": rep, "Rows": rows[p.First:p.Last], "Pager": p, "Filter": f, "Query": q,
		"Sectors": sectors(services), "Services": services,
	})
}

func sectors(services []store.Service) []string {
	var out []string
	for _, s := range services {
		if !slices.Contains(out, s.Sector) {
			out = append(out, s.Sector)
		}
	}
	sort.Strings(out)
	return out
}

// ---- Saker ----

// Steps a case can stand at, over the three kinds, for the step filter.
var steps = []workflows.Step{
	workflows.StepClarify, workflows.StepAssess, workflows.StepContact,
	workflows.CoordStepProvisional, workflows.CoordStepAppealOpen, workflows.CoordStepAppeal,
	workflows.CoordStepAppoint, workflows.CoordStepActive,
	workflows.PlanStepDraft, workflows.PlanStepActive, workflows.StepDone,
}

// kinds are the three kinds of case by workflow type, with their catalogue key.
var kinds = map[string]string{
	"CollaborationDuty":      "konsoll.kind.duty",
	"CoordinatorAppointment": "konsoll.kind.coordinator",
	"IndividualPlan":         "konsoll.kind.plan",
}

// caseRefPattern is what a case reference may look like in a search; anything else is
// refused before it reaches a visibility query.
var caseRefPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,40}$`)

// outcomes a closed collaboration or coordinator case may have, for the outcome filter.
var outcomes = []string{
	workflows.OutcomeNoOtherServices, workflows.OutcomeNotNeeded, workflows.OutcomeContactDone,
	workflows.OutcomeConsentRefused, workflows.OutcomeNobodyResponsible, workflows.OutcomeClosedByDecision,
	workflows.OutcomeCoordinationEnded, workflows.OutcomeRefusalFinal, workflows.OutcomeAppealForwarded,
	workflows.OutcomeWithdrawnUndecided, workflows.OutcomeLateAppealRejected,
}

// maxOutcomeRefs bounds the case references an outcome filter puts in one visibility query.
const maxOutcomeRefs = 1000

// caseFilter is the Saker page's filter.
type caseFilter struct {
	Ref, Step, Service, Sector, Status, Outcome string
	Overdue                                     bool
	From, To                                    time.Time
	Problems                                    []string // catalogue keys of what was not understood
	// OutcomeRefs are the cases the ledger closed with Outcome (checked references only).
	OutcomeRefs []string
}

func parseCaseFilter(q url.Values, services []store.Service) caseFilter {
	f := caseFilter{Ref: strings.ToUpper(strings.TrimSpace(q.Get("sak"))), Step: q.Get("steg"), Service: q.Get("tjeneste"),
		Sector: q.Get("sektor"), Status: q.Get("status"), Overdue: q.Get("forfalt") == "ja"}
	if f.Ref != "" && !caseRefPattern.MatchString(f.Ref) {
		f.Problems, f.Ref = append(f.Problems, "konsoll.cases.bad_ref"), ""
	}
	if f.Step != "" && !slices.Contains(steps, workflows.Step(f.Step)) {
		f.Step = ""
	}
	if f.Service != "" && !slices.ContainsFunc(services, func(s store.Service) bool { return s.ID == f.Service }) {
		f.Service = ""
	}
	if f.Sector != "" && !slices.Contains(sectors(services), f.Sector) {
		f.Sector = ""
	}
	if f.Status != "running" && f.Status != "closed" {
		f.Status = ""
	}
	if f.Outcome = q.Get("utfall"); !slices.Contains(outcomes, f.Outcome) {
		f.Outcome = ""
	}
	for _, d := range []struct {
		param string
		into  *time.Time
	}{{"fra", &f.From}, {"til", &f.To}} {
		if s := q.Get(d.param); s != "" {
			t, err := audit.ParseDate(s)
			if err != nil {
				f.Problems = append(f.Problems, "konsoll.cases.bad_date")
				continue
			}
			*d.into = t
		}
	}
	return f
}

// query is the visibility query for the filter. Every value in it was checked against a
// fixed list, the directory or a pattern, so nothing from the request is quoted raw.
func (f caseFilter) query(services []store.Service) string {
	types := make([]string, 0, len(kinds))
	for t := range kinds {
		types = append(types, "'"+t+"'")
	}
	sort.Strings(types)
	parts := []string{"WorkflowType IN (" + strings.Join(types, ", ") + ")"}
	if f.Ref != "" {
		parts = append(parts, fmt.Sprintf("%s STARTS_WITH '%s'", workflows.AttrCase.GetName(), f.Ref))
	}
	if f.Step != "" {
		parts = append(parts, fmt.Sprintf("%s = '%s'", workflows.AttrStep.GetName(), f.Step))
	}
	if f.Service != "" {
		parts = append(parts, fmt.Sprintf("%s = '%s'", workflows.AttrService.GetName(), f.Service))
	}
	if f.Sector != "" {
		var ids []string
		for _, s := range services {
			if s.Sector == f.Sector {
				ids = append(ids, "'"+s.ID+"'")
			}
		}
		parts = append(parts, fmt.Sprintf("%s IN (%s)", workflows.AttrService.GetName(), strings.Join(ids, ", ")))
	}
	if f.Overdue {
		parts = append(parts, workflows.AttrOverdue.GetName()+" = true")
	}
	if f.Outcome != "" {
		quoted := make([]string, 0, len(f.OutcomeRefs))
		for _, r := range f.OutcomeRefs {
			quoted = append(quoted, "'"+r+"'")
		}
		parts = append(parts, fmt.Sprintf("%s IN (%s)", workflows.AttrCase.GetName(), strings.Join(quoted, ", ")))
	}
	switch f.Status {
	case "running":
		parts = append(parts, "ExecutionStatus = 'Running'")
	case "closed":
		parts = append(parts, "ExecutionStatus != 'Running'")
	}
	if !f.From.IsZero() {
		parts = append(parts, "StartTime >= '"+f.From.UTC().Format(time.RFC3339)+"'")
	}
	if !f.To.IsZero() {
		parts = append(parts, "StartTime < '"+f.To.UTC().Format(time.RFC3339)+"'")
	}
	// No ORDER BY: the SQL visibility store refuses it, and lists the newest first anyway.
	return strings.Join(parts, " AND ")
}

// caseRow is one case on the Saker page.
type caseRow struct {
	Ref, KindKey, Step, Service string
	Deadline, Started, Closed   time.Time
	Overdue, Running            bool
}

func (c *Console) casesPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	services, err := c.cfg.Store.Services(ctx)
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	q := r.URL.Query()
	f := parseCaseFilter(q, services)
	if f.Outcome != "" {
		if f.OutcomeRefs, err = c.closedWith(ctx, f.Outcome); err != nil {
			c.fail(w, r, v, err)
			return
		}
	}
	resp := &workflowservice.ListWorkflowExecutionsResponse{}
	if f.Outcome == "" || len(f.OutcomeRefs) > 0 {
		token, _ := base64.RawURLEncoding.DecodeString(q.Get("neste"))
		if resp, err = c.cfg.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: f.query(services), PageSize: int32(c.cfg.CasesPerPage), NextPageToken: token}); err != nil {
			c.fail(w, r, v, err)
			return
		}
	}
	names := map[string]string{}
	for _, s := range services {
		names[s.ID] = s.Name
	}
	now := c.now()
	var rows []caseRow
	for _, e := range resp.GetExecutions() {
		attrs := e.GetSearchAttributes().GetIndexedFields()
		row := caseRow{KindKey: kinds[e.GetType().GetName()], Started: e.GetStartTime().AsTime(),
			Running: e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING}
		if e.GetCloseTime() != nil {
			row.Closed = e.GetCloseTime().AsTime()
		}
		var service string
		decode(attrs[workflows.AttrCase.GetName()], &row.Ref)
		decode(attrs[workflows.AttrStep.GetName()], &row.Step)
		decode(attrs[workflows.AttrService.GetName()], &service)
		decode(attrs[workflows.AttrDeadline.GetName()], &row.Deadline)
		decode(attrs[workflows.AttrOverdue.GetName()], &row.Overdue)
		row.Service = names[service]
		if row.Service == "" {
			row.Service = service
		}
		if row.Running && !row.Deadline.IsZero() && !row.Deadline.After(now) {
			row.Overdue = true // as the overview counts it: past its deadline before the timer fired
		}
		rows = append(rows, row)
	}
	next := ""
	if t := resp.GetNextPageToken(); len(t) > 0 {
		next = base64.RawURLEncoding.EncodeToString(t)
	}
	back := parsePageStack(q.Get("tidligere"))
	c.render(w, r, http.StatusOK, "cases", v, map[string]any{
		"Rows": rows, "Filter": f, "Query": q, "Next": next, "Paged": q.Get("neste") != "",
		"NextStack": back.push(q.Get("neste")), "Back": back, "PageNo": len(back) + 1,
		"Steps": steps, "Services": services, "Sectors": sectors(services), "Outcomes": outcomes,
		"OutcomeCut": len(f.OutcomeRefs) == maxOutcomeRefs,
	})
}

// pageStack is the way back through the Saker page's pages: Temporal's page tokens only go
// forward, so each link forward carries the tokens of the pages before it in ?tidligere=,
// oldest first, "0" standing for the first page (which has no token).
type pageStack []string

// maxPageStack bounds the stack a link carries; a longer one is dropped (no way back but
// "first page"), not trusted.
const maxPageStack = 200

func parsePageStack(s string) pageStack {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ".")
	if len(parts) > maxPageStack {
		return nil
	}
	for _, p := range parts {
		if _, err := base64.RawURLEncoding.DecodeString(p); p != "0" && (p == "" || err != nil) {
			return nil
		}
	}
	return parts
}

// push is the stack the next page's link carries: this one's, with this page's token on top.
func (s pageStack) push(token string) string {
	if token == "" {
		token = "0"
	}
	return strings.Join(append(slices.Clone(s), token), ".")
}

// Prev is the previous page's token ("" for the first page); Rest the stack its link carries.
func (s pageStack) Prev() string {
	if len(s) == 0 || s[len(s)-1] == "0" {
		return ""
	}
	return s[len(s)-1]
}

func (s pageStack) Rest() string {
	if len(s) == 0 {
		return ""
	}
	return strings.Join(s[:len(s)-1], ".")
}

// closedWith lists the cases the ledger records as closed with outcome (no search attribute
// holds the outcome), the latest first, at most maxOutcomeRefs of them.
func (c *Console) closedWith(ctx context.Context, outcome string) ([]string, error) {
	rows, err := c.cfg.Store.AuditRows(ctx)
	if err != nil {
		return nil, err
	}
	var refs []string
	for i := len(rows) - 1; i >= 0 && len(refs) < maxOutcomeRefs; i-- {
		r := rows[i]
		if r.Action == "sak_avsluttet" && r.Detail["utfall"] == outcome && caseRefPattern.MatchString(r.CaseRef) &&
			!slices.Contains(refs, r.CaseRef) {
			refs = append(refs, r.CaseRef)
		}
	}
	return refs, nil
}

// decode reads one search attribute; a missing one leaves v as it was.
func decode(p *commonpb.Payload, v any) {
	if p == nil || len(p.GetData()) == 0 {
		return
	}
	_ = converter.GetDefaultDataConverter().FromPayload(p, v)
}

// ---- Sak ----

// fact is one line of a case's facts: a catalogue key and its value.
type fact struct{ Key, Value string }

// caseView is one workflow of a case, in the parts every kind has, as far as the viewer's
// scope goes (package access decides it, as it does for the bot's modals).
type caseView struct {
	WorkflowID, KindKey, Step, Outcome string
	Running, Overdue                   bool
	Opened, NextDeadline               time.Time
	Facts                              []fact
	Deadlines                          []deadlineRow             // with the rule and citation each follows
	Services                           []workflows.ServiceStatus // a duty case's other services, filtered
	Scope                              access.Scope
	QueryFailed                        bool
}

// workflowsOf lists every workflow, running or closed, that carries the case reference,
// the case's first workflow first.
func (c *Console) workflowsOf(ctx context.Context, ref string) ([]caseView, error) {
	var out []caseView
	var token []byte
	for {
		resp, err := c.cfg.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("%s = '%s'", workflows.AttrCase.GetName(), ref), PageSize: 100, NextPageToken: token})
		if err != nil {
			return nil, err
		}
		for _, e := range resp.GetExecutions() {
			key, ok := kinds[e.GetType().GetName()]
			if !ok {
				continue
			}
			out = append(out, caseView{WorkflowID: e.GetExecution().GetWorkflowId(), KindKey: key,
				Running: e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			slices.Reverse(out) // visibility lists the newest first
			return out, nil
		}
	}
}

// fill asks the workflow for its status (the bot's "Vis sak" query) and keeps what the
// viewer's scope allows.
func (c *Console) fill(ctx context.Context, cv *caseView, who access.Viewer, ke string, names func(string) string, tr *i18n.Translator) error {
	val, err := c.cfg.Temporal.QueryWorkflow(ctx, cv.WorkflowID, "", workflows.QueryStatus)
	if err != nil {
		return err
	}
	switch cv.KindKey {
	case "konsoll.kind.duty":
		var st workflows.Status
		if err := val.Get(&st); err != nil {
			return err
		}
		view := access.Case(who, st, ke, c.now())
		cv.Scope = view.Scope
		st = access.Filter(st, view)
		cv.Step, cv.Outcome, cv.Overdue, cv.Opened, cv.NextDeadline = string(st.Step), st.Outcome, st.Overdue, st.OpenedAt, st.NextDeadline
		cv.Deadlines, cv.Services = deadlineRows(tr, cv.KindKey, st.PolicyVersion, 0, st.Deadlines), st.Services
		cv.Facts = []fact{{"konsoll.case.initiating", names(st.InitiatingServiceID)}, {"konsoll.case.legal_basis", st.LegalBasis},
			{"konsoll.case.subject", st.Subject}, {"konsoll.case.policy", st.PolicyVersion}}
		if st.Coordinator != nil {
			cv.Facts = append(cv.Facts, fact{"konsoll.case.coordinator", st.Coordinator.Title})
		}
	case "konsoll.kind.coordinator":
		var st workflows.CoordinatorStatus
		if err := val.Get(&st); err != nil {
			return err
		}
		// The KE and auditors, the only ones in the console, see a coordinator case whole.
		if cv.Scope = access.Coordinator(who, st, ke, nil); !cv.Scope.Shows() {
			return nil
		}
		cv.Step, cv.Outcome, cv.Overdue, cv.Opened, cv.NextDeadline = string(st.Step), st.Outcome, st.Overdue, st.OpenedAt, st.NextDeadline
		cv.Deadlines = deadlineRows(tr, cv.KindKey, st.PolicyVersion, st.Policy.ReescalateWorkingDays, st.Deadlines)
		if row, ok := appealWindowRow(tr, st); ok {
			cv.Deadlines = append(cv.Deadlines, row)
		}
		cv.Facts = []fact{{"konsoll.case.kind", st.Title}, {"konsoll.case.legal_basis", st.Citation},
			{"konsoll.case.subject", st.Subject}, {"konsoll.case.waiting", st.Waiting}, {"konsoll.case.policy", st.PolicyVersion}}
	case "konsoll.kind.plan":
		var st workflows.PlanStatus
		if err := val.Get(&st); err != nil {
			return err
		}
		if cv.Scope = access.Plan(who, st, ke, nil); !cv.Scope.Shows() {
			return nil
		}
		cv.Step, cv.Outcome, cv.Overdue, cv.Opened, cv.NextDeadline = string(st.Step), st.Outcome, st.Overdue, st.EstablishedAt, st.NextDeadline
		cv.Facts = []fact{{"konsoll.case.subject", st.Subject}, {"konsoll.case.policy", st.PolicyVersion}}
		for _, rd := range st.RevisionDates {
			cv.Facts = append(cv.Facts, fact{"konsoll.case.revision_due", day(rd.Due)})
		}
	}
	return nil
}

func (c *Console) serviceNames(ctx context.Context) func(string) string {
	names := map[string]string{}
	if services, err := c.cfg.Store.Services(ctx); err == nil {
		for _, s := range services {
			names[s.ID] = s.Name
		}
	}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
}

// keID is the coordinating unit's service ID ("" when the directory has none).
func (c *Console) keID(ctx context.Context) string {
	ke, _ := c.cfg.Store.CoordinatingUnit(ctx)
	return ke.ID
}

func look(v *viewer, ref, workflowID, surface string, scope access.Scope) store.Access {
	return store.Access{Viewer: v.SlackUserID, CaseRef: ref, WorkflowID: workflowID, Surface: surface,
		Allowed: scope.Shows(), Scope: string(scope)}
}

func (c *Console) casePage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	ref := strings.ToUpper(r.PathValue("ref"))
	if !caseRefPattern.MatchString(ref) {
		c.render(w, r, http.StatusNotFound, "message", v, map[string]any{"Title": "konsoll.notfound.title", "Text": "konsoll.case.not_found", "Nav": "cases"})
		return
	}
	who, ke := access.FromStaff(v.Staff), c.keID(ctx)
	timelineScope := access.Timeline(who, ke)
	if !readsCases(v) || !timelineScope.Shows() {
		// Administrators keep the directory and see no case details; the refusal is logged.
		if err := c.cfg.AccessLog.LogAccess(ctx, look(v, ref, "", SurfaceCase, access.None)); err != nil {
			c.log.Error("tilgangslogg", "feil", err)
		}
		c.refuse(w, r, v, "konsoll.refused.admin_no_cases")
		return
	}
	views, err := c.workflowsOf(ctx, ref)
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	timeline, err := audit.Timeline(ctx, c.cfg.Store, ref)
	if err != nil && len(views) == 0 {
		c.render(w, r, http.StatusNotFound, "message", v, map[string]any{"Title": "konsoll.notfound.title", "Text": "konsoll.case.not_found", "Nav": "cases"})
		return
	}
	names := c.serviceNames(ctx)
	looks := []store.Access{look(v, ref, "", SurfaceCase, timelineScope)}
	for i := range views {
		if err := c.fill(ctx, &views[i], who, ke, names, v.tr); err != nil {
			c.log.Warn("statusspørring", "workflow", views[i].WorkflowID, "feil", err)
			views[i].QueryFailed = true
			continue
		}
		looks = append(looks, look(v, ref, views[i].WorkflowID, SurfaceCase, views[i].Scope))
	}
	// The consents' details (form, statutory basis, who recorded them) are the whole case's;
	// the KE's coordinating scope shows each service's basis in the services table instead.
	var consents []store.Consent
	if v.Auditor {
		if consents, err = c.cfg.Store.Consents(ctx, ref); err != nil {
			c.fail(w, r, v, err)
			return
		}
		looks = append(looks, look(v, ref, "", SurfaceAccessLog, access.Whole))
	}
	// Logged before it is shown: a look that cannot be logged is not shown.
	for i := range looks {
		looks[i].At = c.now()
	}
	if err := c.cfg.AccessLog.LogAccess(ctx, looks...); err != nil {
		c.fail(w, r, v, err)
		return
	}
	var accessLog []store.Access
	people := func(id string) string { return id }
	if v.Auditor {
		if accessLog, err = c.cfg.AccessLog.AccessByCase(ctx, ref); err != nil {
			c.fail(w, r, v, err)
			return
		}
		people = c.staffNames(ctx)
	}
	c.render(w, r, http.StatusOK, "case", v, map[string]any{
		"Nav": "cases", "Ref": ref, "Views": views, "Timeline": timeline, "Consents": consents,
		"AccessLog": accessLog, "Names": names, "People": people,
	})
}

// ---- Indikatorer and Revisjon: the period ----

// period reads ?fra= and ?til= (til not included); the default is this year so far.
func (c *Console) period(q url.Values) (from, to time.Time, problem string) {
	now := c.now().In(calendar.Oslo)
	from = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, calendar.Oslo)
	to = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, calendar.Oslo)
	var err error
	if s := q.Get("fra"); s != "" {
		if from, err = audit.ParseDate(s); err != nil {
			return from, to, "konsoll.cases.bad_date"
		}
	}
	if s := q.Get("til"); s != "" {
		if to, err = audit.ParseDate(s); err != nil {
			return from, to, "konsoll.cases.bad_date"
		}
	}
	if !to.After(from) {
		return from, to, "konsoll.period.empty"
	}
	return from, to, ""
}

// ---- Katalog ----

func (c *Console) directoryPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	services, err := c.cfg.Store.Services(ctx)
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	staff, err := c.cfg.Store.StaffList(ctx)
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	c.render(w, r, http.StatusOK, "directory", v, map[string]any{"Services": services, "Staff": staff, "Names": c.serviceNames(ctx)})
}
