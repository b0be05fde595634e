package audit

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/store"
)

type fakeLooker struct {
	looks []store.Access
	err   error
}

func (f *fakeLooker) LogAccess(_ context.Context, looks ...store.Access) error {
	if f.err != nil {
		return f.err
	}
	f.looks = append(f.looks, looks...)
	return nil
}

func TestLogLooksRecordsEveryCaseOrShowsNothing(t *testing.T) {
	f := &fakeLooker{}
	if err := LogLooks(context.Background(), f, "cli:rita", store.SurfaceExport, true, "SAK-2026-0001", "SAK-2026-0002"); err != nil {
		t.Fatal(err)
	}
	if len(f.looks) != 2 || f.looks[1].CaseRef != "SAK-2026-0002" || !f.looks[0].Allowed || f.looks[0].Scope != "hele" || f.looks[0].At.IsZero() {
		t.Fatalf("looks %+v", f.looks)
	}
	f.err = errors.New("databasen svarer ikke")
	if err := LogLooks(context.Background(), f, "cli:rita", store.SurfaceTimeline, true, "SAK-2026-0001"); err == nil {
		t.Fatal("a look that could not be logged was let through")
	}
}

func TestWriteAccessFormats(t *testing.T) {
	at := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	looks := []store.Access{
		{Viewer: "U_OLA", CaseRef: "SAK-2026-0001", WorkflowID: "samarbeidsplikt/SAK-2026-0001/helsestasjon", Surface: store.SurfaceCaseModal, Allowed: true, Scope: "delt", At: at},
		{Viewer: "U_NILS", CaseRef: "SAK-2026-0001", Surface: store.SurfaceStatus, Allowed: false, Scope: "avsluttet", At: at},
	}
	for format, want := range map[string][]string{
		"tekst": {"Tilgangslogg for sak SAK-2026-0001 (2 oppslag)", "27.11.2026 09:00  U_OLA  SAK-2026-0001  Vis sak  vist: delt", "U_NILS  SAK-2026-0001  /samarbeid status  avvist"},
		"json":  {`"hvem": "U_OLA"`, `"tillatt": false`, `"flate": "status"`},
		"csv":   {"tidspunkt,hvem,sak,workflow,flate,tillatt,omfang", "U_NILS,SAK-2026-0001,,status,false,avsluttet"},
	} {
		var buf bytes.Buffer
		if err := WriteAccess(&buf, "sak SAK-2026-0001", looks, format); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s lacks %q:\n%s", format, w, buf.String())
			}
		}
	}
	if err := WriteAccess(&bytes.Buffer{}, "x", looks, "pdf"); err == nil {
		t.Error("an unknown format was accepted")
	}
}
