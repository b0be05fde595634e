package store

import (
	"context"
	"testing"
	"time"
)

func TestAccessLogListsByCaseAndViewer(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	looks := []Access{
		{Viewer: "U_KARI", CaseRef: "SAK-2026-0001", WorkflowID: "samarbeid/SAK-2026-0001/helsestasjon", Surface: SurfaceCaseModal, Allowed: true, Scope: "hele", At: at},
		{Viewer: "U_OLA", CaseRef: "SAK-2026-0001", Surface: SurfaceStatus, Allowed: false, At: at.Add(time.Minute)},
		{Viewer: "U_KARI", CaseRef: "SAK-2026-0002", Surface: SurfaceHome, Allowed: true, Scope: "hele", At: at.Add(2 * time.Minute)},
	}
	if err := s.LogAccess(ctx, looks...); err != nil {
		t.Fatal(err)
	}
	byCase, err := s.AccessByCase(ctx, "SAK-2026-0001")
	if err != nil || len(byCase) != 2 || byCase[0].Viewer != "U_KARI" || byCase[1].Allowed || !byCase[0].At.Equal(at) {
		t.Fatalf("by case: %+v %v", byCase, err)
	}
	byViewer, err := s.AccessByViewer(ctx, "U_KARI")
	if err != nil || len(byViewer) != 2 || byViewer[1].CaseRef != "SAK-2026-0002" || byViewer[0].WorkflowID == "" {
		t.Fatalf("by viewer: %+v %v", byViewer, err)
	}
	if err := s.LogAccess(ctx, Access{Viewer: "U_KARI", Surface: SurfaceStatus}); err == nil {
		t.Fatal("a look without a case was logged")
	}
}

func TestAppRoleCanAppendButNeverChangeTheAccessLog(t *testing.T) {
	owner, url := open(t)
	ctx := context.Background()
	app := asAppRole(t, url)
	if err := app.LogAccess(ctx, Access{Viewer: "U_RITA", CaseRef: "SAK-2026-0001", Surface: SurfaceTimeline, Allowed: true}); err != nil {
		t.Fatalf("the app role must append: %v", err)
	}
	if got, err := app.AccessByCase(ctx, "SAK-2026-0001"); err != nil || len(got) != 1 {
		t.Fatalf("the app role must read: %v %v", got, err)
	}
	for _, stmt := range []string{`UPDATE access_log SET allowed = false`, `DELETE FROM access_log`, `TRUNCATE access_log`} {
		if _, err := app.pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s: the app role changed the access log", stmt)
		}
	}
	// Not even the owner may change a row: the trigger refuses.
	for _, stmt := range []string{`UPDATE access_log SET allowed = false`, `DELETE FROM access_log`, `TRUNCATE access_log`} {
		if _, err := owner.pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s: the owner changed the access log", stmt)
		}
	}
	if got, _ := owner.AccessByCase(ctx, "SAK-2026-0001"); len(got) != 1 || !got[0].Allowed {
		t.Fatalf("the access log changed: %+v", got)
	}
}
