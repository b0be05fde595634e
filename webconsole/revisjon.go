package webconsole

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/store"
)

// auditPage shows the export forms and, on request, the ledger's verification (it reads
// every workflow's history, so it runs when asked, not on every visit).
func (c *Console) auditPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	from, to, _ := c.period(q)
	data := map[string]any{"From": from, "To": to, "Signed": c.exportKey != nil}
	if q.Get("kontroller") == "ja" {
		rep, err := audit.Verify(r.Context(), c.cfg.Store, c.cfg.Temporal)
		if err != nil {
			c.fail(w, r, v, err)
			return
		}
		data["Verify"] = rep
	}
	c.render(w, r, http.StatusOK, "audit", v, data)
}

// exportDownload writes a case's timeline (?sak=) or a period's cases (?fra=&til=) as CSV,
// JSON or HTML, as `samarbeid audit timeline|export` does: a period's JSON is the command's
// file, with the ledger's head and signed when the key is configured. Each case exported is
// a look, logged before anything is written.
func (c *Console) exportDownload(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	q := r.URL.Query()
	format := q.Get("format")
	if format != "csv" && format != "json" && format != "html" {
		c.render(w, r, http.StatusBadRequest, "message", v, map[string]any{"Title": "konsoll.export.failed", "Text": "konsoll.export.bad_format", "Nav": "audit"})
		return
	}
	var cases []audit.CaseTimeline
	var doc audit.ExportDoc // a period's export: its cases and the ledger's head
	var name string
	ref := strings.ToUpper(strings.TrimSpace(q.Get("sak")))
	from, to, problem := c.period(q)
	switch {
	case ref != "":
		if !caseRefPattern.MatchString(ref) {
			c.render(w, r, http.StatusBadRequest, "message", v, map[string]any{"Title": "konsoll.export.failed", "Text": "konsoll.cases.bad_ref", "Nav": "audit"})
			return
		}
		entries, err := audit.Timeline(ctx, c.cfg.Store, ref)
		if err != nil {
			c.render(w, r, http.StatusNotFound, "message", v, map[string]any{"Title": "konsoll.export.failed", "Text": "konsoll.case.not_found", "Nav": "audit"})
			return
		}
		cases, name = []audit.CaseTimeline{{Case: ref, Decisions: entries}}, "tidslinje-"+ref
	case problem != "":
		c.render(w, r, http.StatusBadRequest, "message", v, map[string]any{"Title": "konsoll.export.failed", "Text": problem, "Nav": "audit"})
		return
	default:
		var err error
		if doc, err = audit.ExportWithHead(ctx, c.cfg.Store, from, to, c.now()); err != nil {
			c.fail(w, r, v, err)
			return
		}
		cases = doc.Cases
		name = fmt.Sprintf("revisjon-%s-%s", from.Format("2006-01-02"), to.Format("2006-01-02"))
	}
	scope := access.Timeline(access.FromStaff(v.Staff), c.keID(ctx))
	if !scope.Shows() {
		c.refuse(w, r, v, "konsoll.refused.admin_no_cases")
		return
	}
	looks := make([]store.Access, 0, len(cases))
	for _, ct := range cases {
		l := look(v, ct.Case, "", SurfaceExport, scope)
		l.At = c.now()
		looks = append(looks, l)
	}
	if err := c.cfg.AccessLog.LogAccess(ctx, looks...); err != nil {
		c.fail(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	var err error
	switch {
	case format == "html":
		err = exportPage.Execute(&buf, map[string]any{"Ref": ref, "From": from, "To": to, "Cases": cases, "Head": doc.Head})
	case ref != "":
		err = audit.Write(&buf, ref, cases[0].Decisions, format)
	default:
		// The same file as `samarbeid audit export`: JSON with the head, signed when the key
		// is configured, so `audit verify --anker` and `audit verify-export` take it.
		err = audit.WriteExportFile(&buf, doc, format, c.exportKey)
	}
	if err != nil {
		c.fail(w, r, v, err)
		return
	}
	types := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json", "html": "text/html; charset=utf-8"}
	w.Header().Set("Content-Type", types[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	_, _ = w.Write(buf.Bytes())
}

// exportPage is an export as one self-contained HTML file: no scripts, no outside styles,
// fit to print or archive. Ledger words stay bokmål, as in `samarbeid audit`.
var exportPage = template.Must(template.New("eksport").Funcs(funcs).Parse(`<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>{{if .Ref}}Tidslinje {{.Ref}}{{else}}Revisjon {{day .From}}–{{day .To}}{{end}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#1d1c1d}
h1{font-size:22px} h2{font-size:18px;margin-top:2em} table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #ddd}
th{background:#f4f4f4}
</style></head><body>
<h1>{{if .Ref}}Tidslinje for sak {{.Ref}}{{else}}Revisjonseksport {{day .From}} til {{day .To}} (til-datoen ikke med){{end}}</h1>
<p>Fra samarbeids revisjonslogg. Hver rad er lenket til den forrige med en hash; kontroller med <code>samarbeid audit verify</code>.</p>
{{with .Head}}<p>Revisjonsloggens hode da eksporten ble laget: rad {{.Seq}}, hash <code>{{.Hash}}</code> ({{when .At}}). Bare JSON-eksporten kan gis til <code>samarbeid audit verify --anker</code>.</p>{{end}}
{{range .Cases}}<h2>Sak {{.Case}}</h2>
<table><thead><tr><th scope="col">Nr.</th><th scope="col">Når</th><th scope="col">Hva</th><th scope="col">Hvem</th><th scope="col">Tjeneste</th><th scope="col">Hjemmel</th><th scope="col">Frist</th></tr></thead><tbody>
{{range .Decisions}}<tr><td>{{.Seq}}</td><td>{{when .When}}</td><td>{{.What}}</td><td>{{.Who}}</td><td>{{.Service}}</td><td>{{.LegalBasis}}</td><td>{{.Deadline}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>Ingen saker har beslutninger i perioden.</p>{{end}}
</body></html>
`))
