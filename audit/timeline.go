// Package audit serves the auditor: a case's decisions as a timeline a non-engineer can
// read, and a verification of the ledger against itself and against Temporal's history.
package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// Entry is one decision in words.
type Entry struct {
	Seq        int64     `json:"seq"`
	When       time.Time `json:"tidspunkt"`
	Who        string    `json:"hvem"`
	Service    string    `json:"tjeneste"`
	What       string    `json:"hva"`
	Action     string    `json:"handling"`
	LegalBasis string    `json:"hjemmel"`
	// Deadline says whether a deadline was met or missed, where the decision tells.
	Deadline string `json:"frist,omitempty"`
	// DeadlineDate is the day of the deadline the row names, "fredag 04.12.2026": a deadline
	// runs to the end of its day, so no clock time is shown.
	DeadlineDate string `json:"fristdato,omitempty"`
}

// Source is what the timeline reads.
type Source interface {
	AuditTrail(ctx context.Context, caseRef string) ([]store.AuditRow, error)
	Service(ctx context.Context, id string) (store.Service, error)
	Services(ctx context.Context) ([]store.Service, error)
}

// Timeline lists a case's decisions in ledger order.
func Timeline(ctx context.Context, src Source, caseRef string) ([]Entry, error) {
	rows, err := src.AuditTrail(ctx, caseRef)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("fant ingen beslutninger for sak %s i revisjonsloggen", caseRef)
	}
	names := map[string]string{}
	if all, err := src.Services(ctx); err == nil {
		for _, s := range all {
			names[s.ID] = s.Name
		}
	}
	name := func(id string) string {
		if id == "" {
			return ""
		}
		if n, ok := names[id]; ok {
			return n
		}
		n := id
		if svc, err := src.Service(ctx, id); err == nil {
			n = svc.Name
		}
		names[id] = n
		return n
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		who := r.Actor
		if who == "samarbeid" {
			who = "samarbeid (automatisk)"
		}
		out = append(out, Entry{
			Seq: r.Seq, When: r.OccurredAt, Who: who, Service: name(r.ServiceID), What: Readable(r.Summary, names),
			Action: r.Action, LegalBasis: r.LegalBasis, Deadline: deadlineNote(r), DeadlineDate: deadlineDate(r),
		})
	}
	return out, nil
}

// A ledger row's sentence is written by the workflow, which knows services by their IDs
// («Steg 2: behov for samarbeid med bup.»). The row keeps what the workflow recorded (audit
// verify compares it with the history, and the IDs stay true if a service is renamed); the
// timeline says the directory's names where a person reads it (issue 14).

// codeToken is a word of a sentence as IDs and codes are written: letters, digits, - and _.
var codeToken = regexp.MustCompile(`[\p{L}\p{N}_-]+`)

// codeWords say the codes a ledger sentence may quote (a reason for closing a case).
var codeWords = map[string]string{
	"personen_avslår":     "personen avslår samarbeid",
	"tjenester_avsluttet": "tjenestene er avsluttet",
	"slått_sammen":        "slått sammen med en annen sak",
	"plan-aktiv":          "aktiv",
	"plan-utkast":         "utkast",
}

// Readable is a ledger sentence with each service ID said as its name (names: ID → name)
// and each code in words.
func Readable(summary string, names map[string]string) string {
	return codeToken.ReplaceAllStringFunc(summary, func(tok string) string {
		if n, ok := names[tok]; ok && n != "" {
			return n
		}
		if w, ok := codeWords[tok]; ok {
			return w
		}
		return tok
	})
}

// deadlineNote reads what a row says of its deadline.
func deadlineNote(r store.AuditRow) string {
	switch {
	case r.Action == "frist_oversittet":
		return "frist oversittet"
	case r.Detail["innen_frist"] == true:
		return "innen frist"
	case r.Detail["innen_frist"] == false:
		return "etter fristen"
	}
	return ""
}

// deadlineKeys are the detail fields that name a row's deadline, the most telling first.
var deadlineKeys = []string{"frist", "klagefrist", "svarfrist", "vurderingsfrist", "vedtaksfrist", "revisjonsdato"}

// deadlineDate is the day of the deadline a row names, or "".
func deadlineDate(r store.AuditRow) string {
	for _, k := range deadlineKeys {
		switch v := r.Detail[k].(type) {
		case time.Time:
			return calendar.FormatDate(v)
		case string:
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return calendar.FormatDate(t)
			}
		}
	}
	return ""
}

// DeadlineText is the deadline column in words: the note and the day.
func (e Entry) DeadlineText() string {
	switch {
	case e.Deadline != "" && e.DeadlineDate != "":
		return e.Deadline + " (" + e.DeadlineDate + ")"
	case e.DeadlineDate != "":
		return e.DeadlineDate
	}
	return e.Deadline
}

// Formats the timeline can be written in.
var Formats = []string{"tekst", "json", "csv", "html"}

// Write renders the timeline in format.
func Write(w io.Writer, caseRef string, entries []Entry, format string) error {
	switch format {
	case "tekst", "text", "":
		return writeText(w, caseRef, entries)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"sak": caseRef, "beslutninger": entries})
	case "csv":
		return writeCSV(w, entries)
	case "html":
		return page.Execute(w, map[string]any{"Case": caseRef, "Entries": entries})
	}
	return fmt.Errorf("ukjent format %q; velg et av %s", format, strings.Join(Formats, ", "))
}

func when(t time.Time) string { return t.In(calendar.Oslo).Format("02.01.2006 15:04") }

func writeText(w io.Writer, caseRef string, entries []Entry) error {
	fmt.Fprintf(w, "Tidslinje for sak %s (%d beslutninger)\n\n", caseRef, len(entries))
	for _, e := range entries {
		fmt.Fprintf(w, "%s  %s\n", when(e.When), e.What)
		fmt.Fprintf(w, "                  Hvem: %s", e.Who)
		if e.Service != "" {
			fmt.Fprintf(w, " · Tjeneste: %s", e.Service)
		}
		fmt.Fprintf(w, "\n                  Hjemmel: %s", e.LegalBasis)
		if d := e.DeadlineText(); d != "" {
			fmt.Fprintf(w, " · Frist: %s", d)
		}
		fmt.Fprintf(w, "\n\n")
	}
	return nil
}

func writeCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"nr", "tidspunkt", "hvem", "tjeneste", "hva", "handling", "hjemmel", "frist", "fristdato"})
	for _, e := range entries {
		_ = cw.Write([]string{fmt.Sprint(e.Seq), e.When.In(calendar.Oslo).Format(time.RFC3339), e.Who, e.Service, e.What, e.Action, e.LegalBasis, e.Deadline, e.DeadlineDate})
	}
	cw.Flush()
	return cw.Error()
}

// page is a self-contained HTML page: no scripts, no outside styles, fit to print or archive.
var page = template.Must(template.New("tidslinje").Funcs(template.FuncMap{"when": when}).Parse(`<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Tidslinje {{.Case}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:900px;margin:2em auto;color:#1d1c1d}
h1{font-size:22px} table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #ddd}
th{background:#f4f4f4} .late{color:#b00020;font-weight:600} small{color:#666}
</style></head><body>
<h1>Tidslinje for sak {{.Case}}</h1>
<p><small>Fra samarbeids revisjonslogg. Hver rad er lenket til den forrige med en hash; kontroller med <code>samarbeid audit verify</code>.</small></p>
<table><tr><th>Når</th><th>Hva</th><th>Hvem</th><th>Tjeneste</th><th>Hjemmel</th><th>Frist</th></tr>
{{range .Entries}}<tr><td>{{when .When}}</td><td>{{.What}}</td><td>{{.Who}}</td><td>{{.Service}}</td><td>{{.LegalBasis}}</td><td{{if or (eq .Deadline "frist oversittet") (eq .Deadline "etter fristen")}} class="late"{{end}}>{{.DeadlineText}}</td></tr>
{{end}}</table></body></html>
`))
