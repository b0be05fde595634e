package app

// The web console (issue 13) end to end over HTTP: Sign in with Slack through the stand-in's
// OpenID Connect provider, who gets in, what each sees, the access log, exports, logout and
// CSRF. The browser test (console_browser_test.go) drives the same in headless Chromium.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/policy"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/webconsole"
	"github.com/samarbeid/samarbeid/workflows"
)

// startSoonDueCase starts a helsestasjon case whose step 1 falls due in one working day, so
// it is in the KE's overview at once.
func startSoonDueCase(ctx context.Context, a *App, ref string) error {
	p := policy.Default()
	p.Version, p.ClarifyWorkingDays = "konsoll-test", 1
	in := workflows.CaseInput{CaseRef: ref, Subject: "voksen", InitiatingServiceID: "helsestasjon",
		LegalBasis: "helse- og omsorgstjenesteloven § 3-4", OpenedBy: faultActor, Policy: p}
	_, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.WorkflowID(ref, "helsestasjon"), TaskQueue: workflows.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: workflows.CaseSearchAttributes(in),
	}, workflows.CollaborationDuty, in)
	return err
}

// consoleCases starts n soon-due cases and closes the first (step 1: no other services),
// and waits until the overview lists the open ones.
func consoleCases(t *testing.T, a *App, n int) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	refs := faultRefs(900, n)
	each(t, refs, func(ref string) error { return startSoonDueCase(ctx, a, ref) })
	if err := answerNone(ctx, a, refs[0]); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, time.Minute, "the open cases in visibility with their deadline", func() bool {
		resp, err := a.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: fmt.Sprintf(
			"ExecutionStatus = 'Running' AND %s IS NOT NULL", workflows.AttrDeadline.GetName())})
		if err != nil || int(resp.GetCount()) != n-1 {
			return false
		}
		resp, err = a.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: fmt.Sprintf(
			"ExecutionStatus != 'Running' AND %s = '%s'", workflows.AttrCase.GetName(), refs[0])})
		return err == nil && resp.GetCount() == 1
	})
	return refs
}

// startConsoleCoordinator starts a coordinator request for ref at the KE, as the bot's
// modal would, and waits until visibility lists it: its case page shows the statutory
// month for the provisional answer beside the local decision deadline.
func startConsoleCoordinator(t *testing.T, a *App, ref string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	in := workflows.CoordinatorInput{CaseRef: ref, Subject: workflows.SubjectAdult, Kind: workflows.KindCoordinator,
		Origin: workflows.OriginRequest, RequestedBy: kimActor, CoordinatingUnitID: "ke", PolicyVersion: "konsoll-test",
		Deadlines: workflows.DefaultCoordinatorDeadlines()}
	if _, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.CoordinatorWorkflowID(ref, workflows.KindCoordinator), TaskQueue: workflows.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrCase.ValueSet(ref), workflows.AttrService.ValueSet("ke"),
			workflows.AttrStep.ValueSet(string(workflows.CoordStepAssess)), workflows.AttrOverdue.ValueSet(false)),
	}, workflows.CoordinatorAppointment, in); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, time.Minute, "the coordinator request in visibility", func() bool {
		resp, err := a.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: fmt.Sprintf(
			"WorkflowType = 'CoordinatorAppointment' AND %s = '%s'", workflows.AttrCase.GetName(), ref)})
		return err == nil && resp.GetCount() == 1
	})
}

// consoleLooks are the access log's looks at ref through the console.
func consoleLooks(t *testing.T, a *App, ref string) []store.Access {
	t.Helper()
	all, err := a.Store.AccessByCase(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Access
	for _, l := range all {
		if strings.HasPrefix(l.Surface, "konsoll-") {
			out = append(out, l)
		}
	}
	return out
}

// browser is one person's cookie jar.
type browser struct {
	t      *testing.T
	a      *App
	client *http.Client
	base   string // the console's server; "" is the app's
}

func (b *browser) url() string {
	if b.base != "" {
		return b.base
	}
	return b.a.URL
}

func newBrowser(t *testing.T, a *App) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, a: a, client: &http.Client{Jar: jar, Timeout: time.Minute}}
}

// login signs in through the stand-in: the console sends the browser to the authorize page,
// the person picks who they are, and the stand-in sends them back with a code.
func (b *browser) login(user string) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.url() + "/konsoll/auth/start")
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	authorize := resp.Request.URL // the stand-in's authorize page, with the console's parameters
	if !strings.HasSuffix(authorize.Path, "/openid/connect/authorize") {
		b.t.Fatalf("login did not reach the authorize page: %s", authorize)
	}
	form := authorize.Query()
	form.Set("user", user)
	resp, err = b.client.PostForm(authorize.Scheme+"://"+authorize.Host+authorize.Path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.Get(b.url() + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) csrf() string {
	_, body, _ := b.get("/konsoll/katalog")
	i := strings.Index(body, `name="csrf" value="`)
	if i < 0 {
		b.t.Fatalf("no CSRF token on the page")
	}
	rest := body[i+len(`name="csrf" value="`):]
	return rest[:strings.Index(rest, `"`)]
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			if i := strings.Index(body, "<main"); i >= 0 {
				body = body[i:]
			}
			t.Errorf("%s: missing %q in %.3000s", what, w, body)
		}
	}
}

func TestConsoleSignInAndNeedToKnow(t *testing.T) {
	a := startApp(t)
	refs := consoleCases(t, a, 4)
	open, closed := refs[1], refs[0]

	// Not signed in: every page sends the browser to the login page.
	anon := newBrowser(t, a)
	status, body, _ := anon.get("/konsoll/saker")
	if status != http.StatusOK || !strings.Contains(body, `href="/konsoll/auth/start"`) {
		t.Fatalf("anonymous: %d %s", status, body)
	}
	// A callback that this browser did not start is refused.
	if status, _, _ := anon.get("/konsoll/auth/callback?state=falsk&code=falsk"); status != http.StatusBadRequest {
		t.Errorf("forged callback: %d", status)
	}

	// The KE: Oversikt lists every open case, soon due, by sector and unit.
	ke := newBrowser(t, a)
	status, body = ke.login(kim)
	if status != http.StatusOK {
		t.Fatalf("KE login: %d %s", status, body)
	}
	mustContain(t, "KE Oversikt", body, "<h1>Oversikt</h1>", open, refs[2], refs[3], "Helsestasjon", "snart")
	if strings.Contains(body, closed+"<") {
		t.Errorf("the closed case %s is in the overview", closed)
	}
	u, _ := url.Parse(a.URL)
	for _, c := range ke.client.Jar.Cookies(u.JoinPath("/konsoll/")) {
		if c.Name == "samarbeid_konsoll" && c.Value == "" {
			t.Errorf("empty session cookie")
		}
	}
	// Filters: an unknown sector shows nothing rather than everything.
	_, body, _ = ke.get("/konsoll/?frister=forfalt")
	mustContain(t, "overdue only", body, "Ingen steg har oversittet frist")

	// Saker: every case, also the closed one; search by reference; the closed filter.
	_, body, _ = ke.get("/konsoll/saker")
	mustContain(t, "Saker", body, open, closed, "Samarbeidsplikt")
	_, body, _ = ke.get("/konsoll/saker?sak=" + strings.ToLower(closed))
	mustContain(t, "search", body, closed)
	if strings.Contains(body, open+"<") {
		t.Errorf("search for %s also lists %s", closed, open)
	}
	_, body, _ = ke.get("/konsoll/saker?status=closed")
	mustContain(t, "closed filter", body, closed)
	if strings.Contains(body, open+"<") {
		t.Errorf("closed filter lists the open case")
	}
	_, body, _ = ke.get("/konsoll/saker?utfall=ingen_andre_tjenester")
	mustContain(t, "outcome filter", body, closed)
	if strings.Contains(body, open+"<") {
		t.Errorf("outcome filter lists the open case")
	}
	_, body, _ = ke.get("/konsoll/saker?utfall=samtykke_nektet")
	mustContain(t, "outcome nobody has", body, "Ingen saker passer med filteret")
	_, body, _ = ke.get("/konsoll/saker?sak=" + url.QueryEscape("x' OR '1'='1"))
	mustContain(t, "bad reference", body, "Saksreferansen kan bare ha")

	// Sak: the status from the workflow, the timeline from the ledger; the look is logged.
	status, body, _ = ke.get("/konsoll/sak/" + closed)
	if status != http.StatusOK {
		t.Fatalf("case page: %d", status)
	}
	mustContain(t, "Sak", body, "Sak "+closed, "avsluttet", "Tidslinje fra revisjonsloggen", "helse- og omsorgstjenesteloven § 3-4", "konsoll-test",
		// Each deadline with its rule and citation: step 1 under the case's local policy.
		"<td>1 virkedag</td><td>lokal fristpolicy konsoll-test: samarbeidsplikt.avklaring_virkedager</td>")
	if strings.Contains(body, "Tilgangslogg for saken") || strings.Contains(body, "Samtykker per tjeneste") {
		t.Errorf("the KE sees the access log or the consents' details; only auditors do")
	}
	// Two looks: the timeline (the case as a whole, every decision) and the workflow, which
	// the KE sees in the coordinating scope (no free text), as in Slack.
	looks := consoleLooks(t, a, closed)
	if len(looks) != 2 || looks[0].Viewer != kim || !looks[0].Allowed || looks[0].Surface != webconsole.SurfaceCase ||
		looks[0].Scope != string(access.Whole) || looks[1].WorkflowID != workflows.WorkflowID(closed, "helsestasjon") ||
		looks[1].Scope != string(access.Coordinate) {
		t.Errorf("access log after the KE's look: %+v", looks)
	}

	// A coordinator request's deadlines: the provisional answer's month by statute, the
	// decision by the local policy, each with its citation.
	coordRef := faultRefs(950, 1)[0]
	startConsoleCoordinator(t, a, coordRef)
	_, body, _ = ke.get("/konsoll/sak/" + coordRef)
	mustContain(t, "coordinator deadlines", body,
		"<td>10 virkedager</td><td>lokal fristpolicy konsoll-test: koordinator.vedtak_virkedager</td>",
		"<td>én måned fra forespørselen kom inn</td><td>"+workflows.ProvisionalAnswerCitation+"; domstolloven § 148 andre ledd</td>")

	// Indikatorer: charts with their tables.
	_, body, _ = ke.get("/konsoll/indikatorer")
	mustContain(t, "Indikatorer", body, `<img src="data:image/svg`, "Utfall av avsluttede saker", "<caption>Tabell:")

	// Export of the case as CSV: the ledger's rows, and the export is a look too.
	status, body, hdr := ke.get("/konsoll/revisjon/eksport?sak=" + closed + "&format=csv")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") ||
		!strings.Contains(hdr.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(body, "nr,tidspunkt,hvem") {
		t.Errorf("CSV export: %d %v %q", status, hdr, body)
	}
	looks = consoleLooks(t, a, closed)
	if len(looks) != 3 || looks[2].Surface != webconsole.SurfaceExport || !looks[2].Allowed || looks[2].Scope != string(access.Whole) {
		t.Errorf("access log after the export: %+v", looks)
	}

	// Revisjon: the ledger verified against Temporal's histories, and a period's export.
	_, body, _ = ke.get("/konsoll/revisjon?kontroller=ja")
	mustContain(t, "verify", body, "Ingen avvik")
	status, body, hdr = ke.get("/konsoll/revisjon/eksport?fra=2026-01-01&til=2030-01-01&format=html")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Errorf("period export: %d %v", status, hdr)
	}
	mustContain(t, "period export", body, "Revisjonseksport", "Sak "+closed, "Sak "+open)
	status, body, _ = ke.get("/konsoll/revisjon/eksport?fra=2026-01-01&til=2030-01-01&format=json")
	mustContain(t, "period export JSON", body, `"saker"`, closed)

	// The auditor, who chose nynorsk in Slack, reads the case and its access log (with the
	// KE's looks in it) and the consents' details, in nynorsk.
	if err := a.Store.SetLanguage(context.Background(), rita, "nn"); err != nil {
		t.Fatal(err)
	}
	rev := newBrowser(t, a)
	if status, body := rev.login(rita); status != http.StatusOK || !strings.Contains(body, "<h1>Oversikt</h1>") || !strings.Contains(body, `lang="nn"`) {
		t.Fatalf("auditor login: %d", status)
	}
	_, body, _ = rev.get("/konsoll/sak/" + closed)
	// Who looked by name, and where, in words (issue 14): not "U_KE", not "konsoll-eksport".
	mustContain(t, "auditor's case page", body, "Tilgangslogg for saka", "Kim (koordinerende enhet)", "eksport frå nettkonsollet", "Samtykke per teneste")

	// The administrator gets the directory, and no case details (the refusal is logged).
	adm := newBrowser(t, a)
	status, body = adm.login(adam)
	if status != http.StatusForbidden {
		t.Errorf("admin on Oversikt: %d", status)
	}
	mustContain(t, "admin refused", body, "ser ikke saksdetaljer")
	status, body, _ = adm.get("/konsoll/katalog")
	if status != http.StatusOK {
		t.Errorf("admin on Katalog: %d", status)
	}
	mustContain(t, "Katalog", body, "Helsestasjon", "Rita (revisor)")
	if status, body, _ := adm.get("/konsoll/sak/" + open); status != http.StatusForbidden || strings.Contains(body, "Tidslinje") {
		t.Errorf("admin on a case page: %d", status)
	}
	looks = slices.DeleteFunc(consoleLooks(t, a, open), func(l store.Access) bool { return l.Viewer != adam })
	if len(looks) != 1 || looks[0].Allowed || looks[0].Scope != "" {
		t.Errorf("the admin's refused look: %+v", looks)
	}

	// A caseworker is refused, with what to do instead.
	cw := newBrowser(t, a)
	status, body = cw.login(kari)
	if status != http.StatusForbidden {
		t.Errorf("caseworker: %d", status)
	}
	mustContain(t, "caseworker refused", body, "Konsollet er bare for koordinerende enhet", "/samarbeid mine")
	if status, _, _ := cw.get("/konsoll/sak/" + open); status != http.StatusForbidden {
		t.Errorf("caseworker on a case page: %d", status)
	}

	// Logout: a form from another site is refused; without the token too; with it, the
	// session ends on the server.
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/konsoll/logg-ut", strings.NewReader("csrf="+ke.csrf()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := ke.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site logout: %d", resp.StatusCode)
	}
	resp, err = ke.client.PostForm(a.URL+"/konsoll/logg-ut", url.Values{"csrf": {"feil"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("logout with a wrong token: %d", resp.StatusCode)
	}
	resp, err = ke.client.PostForm(a.URL+"/konsoll/logg-ut", url.Values{"csrf": {ke.csrf()}})
	if err != nil {
		t.Fatal(err)
	}
	body2, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	mustContain(t, "logged out", string(body2), "Du er logget ut")
	_, body, _ = ke.get("/konsoll/saker")
	mustContain(t, "after logout", body, `href="/konsoll/auth/start"`)
}
