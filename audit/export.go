package audit

import (
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
	"github.com/samarbeid/samarbeid/store"
)

// CaseTimeline is one case in an export.
type CaseTimeline struct {
	Case      string  `json:"sak"`
	Decisions []Entry `json:"beslutninger"`
}

// Exporter is what an export reads.
type Exporter interface {
	Source
	CasesActiveBetween(ctx context.Context, from, to time.Time) ([]string, error)
}

// Export gathers every case with a decision in [from, to), each with its whole timeline, so
// Statsforvalteren sees a case from its opening even if that fell before the period.
func Export(ctx context.Context, src Exporter, from, to time.Time) ([]CaseTimeline, error) {
	if !to.After(from) {
		return nil, fmt.Errorf("perioden er tom: --to (%s) må være etter --from (%s)", to.Format("2006-01-02"), from.Format("2006-01-02"))
	}
	refs, err := src.CasesActiveBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]CaseTimeline, 0, len(refs))
	for _, ref := range refs {
		entries, err := Timeline(ctx, src, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, CaseTimeline{Case: ref, Decisions: entries})
	}
	return out, nil
}

// ExportDoc is an export as handed to an auditor: the period, the ledger's head when it was
// made (an anchor: a later `audit verify --anker` sees rows cut or rewritten since), and
// the cases.
type ExportDoc struct {
	From  string         `json:"fra"`
	To    string         `json:"til"`
	Head  *Anchor        `json:"revisjonslogg,omitempty"`
	Cases []CaseTimeline `json:"saker"`
}

// NewExportDoc puts an export's parts together; head may be nil.
func NewExportDoc(from, to time.Time, head *Anchor, cases []CaseTimeline) ExportDoc {
	return ExportDoc{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"), Head: head, Cases: cases}
}

// ExportSource is what a dated export with the ledger's head reads.
type ExportSource interface {
	Exporter
	LedgerHead(ctx context.Context) (store.LedgerHead, error)
}

// ExportWithHead gathers the export of [from, to) and then reads the ledger's head, so every
// row the export shows is at or before the head it carries. at is when the export is made.
// `samarbeid audit export` and the web console both make their exports here.
func ExportWithHead(ctx context.Context, src ExportSource, from, to, at time.Time) (ExportDoc, error) {
	cases, err := Export(ctx, src, from, to)
	if err != nil {
		return ExportDoc{}, err
	}
	h, err := src.LedgerHead(ctx)
	if err != nil {
		return ExportDoc{}, fmt.Errorf("leser revisjonsloggens hode: %w", err)
	}
	return NewExportDoc(from, to, &Anchor{Seq: h.Seq, Hash: h.Hash, At: at.UTC(), Source: "eksport"}, cases), nil
}

// WriteExportFile writes an export as an auditor is handed it: JSON signed with key when one
// is given (nil: unsigned JSON), or CSV, which is never signed and has no head.
func WriteExportFile(w io.Writer, doc ExportDoc, format string, key ed25519.PrivateKey) error {
	if key == nil || (format != "json" && format != "") {
		return WriteExportDoc(w, doc, format)
	}
	return WriteSignedExport(w, doc, key)
}

// WriteExport renders an export as JSON or CSV (one row per decision, with its case).
func WriteExport(w io.Writer, from, to time.Time, cases []CaseTimeline, format string) error {
	return WriteExportDoc(w, NewExportDoc(from, to, nil, cases), format)
}

// WriteExportDoc renders an export as JSON or CSV. Only JSON carries the ledger's head; the
// CSV is one row per decision, for a spreadsheet.
func WriteExportDoc(w io.Writer, doc ExportDoc, format string) error {
	switch format {
	case "json", "":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"sak", "nr", "tidspunkt", "hvem", "tjeneste", "hva", "handling", "hjemmel", "frist", "fristdato"})
		for _, c := range doc.Cases {
			for _, e := range c.Decisions {
				_ = cw.Write([]string{c.Case, fmt.Sprint(e.Seq), e.When.In(calendar.Oslo).Format(time.RFC3339), e.Who, e.Service, e.What, e.Action, e.LegalBasis, e.Deadline, e.DeadlineDate})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("ukjent format %q; velg json eller csv", format)
}

// ParseDate reads a date given on the command line (YYYY-MM-DD, Oslo midnight).
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, calendar.Oslo)
	if err != nil {
		return t, fmt.Errorf("ugyldig dato %q: bruk ÅÅÅÅ-MM-DD", s)
	}
	return t, nil
}
