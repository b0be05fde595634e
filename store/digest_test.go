package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestDigestKeepsItemsUntilPosted(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	item := DigestItem{Key: "a", WorkflowID: "w1", CaseRef: "SAK-2026-0001", Kind: "eskalering", ServiceID: "skole",
		Step: "kontakt", Deadline: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Escalations: 1}
	for range 2 { // an activity retry enqueues the same item again
		if err := s.EnqueueDigest(ctx, item); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EnqueueDigest(ctx, DigestItem{Key: "b", WorkflowID: "w2", CaseRef: "SAK-2026-0002", Kind: "eskalering"}); err != nil {
		t.Fatal(err)
	}

	slackDown := errors.New("slack svarer ikke")
	if _, err := s.SendDigest(ctx, func([]DigestItem) error { return slackDown }); !errors.Is(err, slackDown) {
		t.Fatalf("want the post's error, got %v", err)
	}
	var got []DigestItem
	n, err := s.SendDigest(ctx, func(items []DigestItem) error { got = items; return nil })
	if err != nil || n != 2 || len(got) != 2 {
		t.Fatalf("after a failed post: sent %d, %v, items %+v", n, err, got)
	}
	if got[0].Key != "a" || !got[0].Deadline.Equal(item.Deadline) || got[0].Escalations != 1 || !got[1].Deadline.IsZero() {
		t.Fatalf("items read back wrong: %+v", got)
	}
	n, err = s.SendDigest(ctx, func(items []DigestItem) error {
		if len(items) != 0 {
			t.Errorf("sent items offered again: %+v", items)
		}
		return nil
	})
	if err != nil || n != 0 {
		t.Fatalf("second digest: %d, %v", n, err)
	}
}
