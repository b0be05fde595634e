package store

import (
	"context"
	"errors"
	"testing"
)

func TestAdminChangesAreRecordedAndKept(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if err := s.Seed(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.AdminSetStaff(ctx, "U_ADAM", Staff{SlackUserID: "U_NY", Name: "Nora", ServiceIDs: []string{"skole", "ppt"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AdminSetRoles(ctx, "U_ADAM", "U_NY", []string{"revisor"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AdminSetChannel(ctx, "U_ADAM", "skole", "C_SKOLE_NY"); err != nil {
		t.Fatal(err)
	}
	// A change that fails leaves no record.
	if err := s.AdminSetRoles(ctx, "U_ADAM", "U_FINNES_IKKE", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("roles for an unknown person: %v", err)
	}
	if err := s.AdminSetRoles(ctx, "U_ADAM", "U_NY", []string{"sjef"}); err == nil {
		t.Fatal("an unknown role was accepted")
	}
	st, err := s.StaffBySlackUser(ctx, "U_NY")
	if err != nil || len(st.ServiceIDs) != 2 || len(st.Roles) != 1 || st.Roles[0] != "revisor" {
		t.Fatalf("staff: %+v, %v", st, err)
	}
	if svc, _ := s.Service(ctx, "skole"); svc.SlackChannel != "C_SKOLE_NY" {
		t.Fatalf("channel: %+v", svc)
	}
	changes, err := s.DirectoryChanges(ctx)
	if err != nil || len(changes) != 3 {
		t.Fatalf("want 3 recorded changes, got %+v, %v", changes, err)
	}
	if c := changes[0]; c.ChangedBy != "U_ADAM" || c.Change != ChangeStaff || c.Subject != "U_NY" {
		t.Fatalf("first change: %+v", c)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM directory_changes`); err == nil {
		t.Fatal("a directory change record could be deleted")
	}
}
