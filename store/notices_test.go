package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// A notice's record goes pending → posted, a refused post is 'unsent', and a parked notice
// keeps the ts and channel of the version that was posted, is parked "first" only once, and
// is listed for sending again until it is posted or has used its attempts.
func TestNoticeRecordLifecycle(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	if _, err := s.SentNotice(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown key: %v", err)
	}
	rec := SentNotice{Key: "k1", WorkflowID: "wf", CaseRef: "SAK-2026-0001", Kind: "avklaring", ServiceID: "helsestasjon", Channel: "C1"}
	if err := s.NoticeSending(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SentNotice(ctx, "k1"); got.State != NoticePending || got.TS != "" || got.Channel != "C1" {
		t.Fatalf("pending: %+v", got)
	}
	if err := s.NoticeRefused(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SentNotice(ctx, "k1"); got.State != NoticeUnsent {
		t.Fatalf("refused: %+v", got)
	}
	if err := s.NoticeSending(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.NoticeSent(ctx, "k1", "C1", "1.000100"); err != nil {
		t.Fatal(err)
	}
	// Once posted, a later "sending" leaves the record alone: the message is updated instead.
	if err := s.NoticeSending(ctx, SentNotice{Key: "k1", Channel: "C2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SentNotice(ctx, "k1"); got.State != NoticePosted || got.TS != "1.000100" || got.Channel != "C1" {
		t.Fatalf("posted: %+v", got)
	}

	// A redraw that cannot be delivered: parked with the new version, keeping ts, channel
	// and service (a redraw names none).
	raw, _ := json.Marshal(map[string]string{"Kind": "besvart"})
	kept, first, err := s.ParkNotice(ctx, SentNotice{Key: "k1", Kind: "besvart", Problem: "is_archived", Notice: raw})
	if err != nil || !first || kept.TS != "1.000100" || kept.Channel != "C1" || kept.ServiceID != "helsestasjon" {
		t.Fatalf("parked: %+v first=%v %v", kept, first, err)
	}
	if _, first, err := s.ParkNotice(ctx, SentNotice{Key: "k1", Problem: "is_archived", Notice: raw}); err != nil || first {
		t.Fatalf("parked again: first=%v %v", first, err)
	}
	parked, err := s.ParkedNotices(ctx, "helsestasjon", 2)
	if err != nil || len(parked) != 1 || parked[0].Problem != "is_archived" || len(parked[0].Notice) == 0 {
		t.Fatalf("parked list: %+v %v", parked, err)
	}
	for range 2 {
		if err := s.NoticeRetried(ctx, "k1", "is_archived"); err != nil {
			t.Fatal(err)
		}
	}
	if parked, _ := s.ParkedNotices(ctx, "", 2); len(parked) != 0 {
		t.Fatalf("a notice past its attempts is still listed: %+v", parked)
	}
	if err := s.NoticeSent(ctx, "k1", "C1", "1.000100"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SentNotice(ctx, "k1"); got.State != NoticePosted || got.Notice != nil || got.Problem != "" {
		t.Fatalf("delivered at last: %+v", got)
	}

	// One-off alerts: claimed once, released when their sending failed.
	if ok, err := s.ClaimNotice(ctx, "varsel", "admin-varsel"); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if ok, _ := s.ClaimNotice(ctx, "varsel", "admin-varsel"); ok {
		t.Fatal("claimed twice")
	}
	if err := s.ReleaseNotice(ctx, "varsel"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimNotice(ctx, "varsel", "admin-varsel"); !ok {
		t.Fatal("a released alert could not be claimed again")
	}
}
