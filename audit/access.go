package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// Looker records looks at cases in the access log (store.Store).
type Looker interface {
	LogAccess(ctx context.Context, looks ...store.Access) error
}

// LogLooks records that viewer read the given cases on surface (store.SurfaceTimeline,
// store.SurfaceExport, ...), before they are shown: a look that cannot be recorded is not
// shown. allowed is false for a refused look.
func LogLooks(ctx context.Context, l Looker, viewer, surface string, allowed bool, caseRefs ...string) error {
	scope := ""
	if allowed {
		scope = "hele"
	}
	looks := make([]store.Access, 0, len(caseRefs))
	for _, ref := range caseRefs {
		looks = append(looks, store.Access{Viewer: viewer, CaseRef: ref, Surface: surface, Allowed: allowed, Scope: scope, At: time.Now()})
	}
	if err := l.LogAccess(ctx, looks...); err != nil {
		return fmt.Errorf("kunne ikke føre tilgangsloggen, så ingenting vises: %w", err)
	}
	return nil
}

// surfaceNames say where a look happened, in bokmål (an auditor's record, like the ledger).
var surfaceNames = map[string]string{
	store.SurfaceCaseModal: "Vis sak", store.SurfacePlanModal: "Vis plan", store.SurfaceCoordModal: "koordinatorsak",
	store.SurfaceStatus: "/samarbeid status", store.SurfaceHome: "Hjem-fanen / mine oppgaver", store.SurfaceTimeline: "revisjonstidslinje",
	store.SurfaceExport: "revisjonseksport", store.SurfaceAccessLog: "tilgangslogg",
}

// AccessFormats are the formats WriteAccess writes.
var AccessFormats = []string{"tekst", "json", "csv"}

// WriteAccess writes looks from the access log under a title such as "sak SAK-2026-0042".
func WriteAccess(w io.Writer, title string, looks []store.Access, format string) error {
	switch format {
	case "tekst", "text", "":
		fmt.Fprintf(w, "Tilgangslogg for %s (%d oppslag)\n\n", title, len(looks))
		for _, l := range looks {
			answer := "avvist"
			if l.Allowed {
				answer = "vist: " + l.Scope
			}
			where := surfaceNames[l.Surface]
			if where == "" {
				where = l.Surface
			}
			fmt.Fprintf(w, "%s  %s  %s  %s  %s", when(l.At), l.Viewer, l.CaseRef, where, answer)
			if l.WorkflowID != "" {
				fmt.Fprintf(w, "  (%s)", l.WorkflowID)
			}
			fmt.Fprintln(w)
		}
		return nil
	case "json":
		type row struct {
			When       time.Time `json:"tidspunkt"`
			Viewer     string    `json:"hvem"`
			Case       string    `json:"sak"`
			WorkflowID string    `json:"workflow,omitempty"`
			Surface    string    `json:"flate"`
			Allowed    bool      `json:"tillatt"`
			Scope      string    `json:"omfang,omitempty"`
		}
		rows := make([]row, 0, len(looks))
		for _, l := range looks {
			rows = append(rows, row{l.At, l.Viewer, l.CaseRef, l.WorkflowID, l.Surface, l.Allowed, l.Scope})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"gjelder": title, "oppslag": rows})
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"tidspunkt", "hvem", "sak", "workflow", "flate", "tillatt", "omfang"})
		for _, l := range looks {
			_ = cw.Write([]string{l.At.In(calendar.Oslo).Format(time.RFC3339), l.Viewer, l.CaseRef, l.WorkflowID, l.Surface, fmt.Sprint(l.Allowed), l.Scope})
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("ukjent format %q; velg et av %s", format, strings.Join(AccessFormats, ", "))
}
