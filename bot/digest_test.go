package bot

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

type fakeDigest struct{ items map[string]store.DigestItem }

func (f *fakeDigest) EnqueueDigest(_ context.Context, it store.DigestItem) error {
	f.items[it.Key] = it
	return nil
}
func (f *fakeDigest) SendDigest(context.Context, func([]store.DigestItem) error) (int, error) {
	return 0, nil
}

// Escalations to the KE wait for the daily digest, once each however often the activity
// runs; prompts the KE must answer, and messages to other channels, are still posted.
func TestMessengerGathersKEEscalations(t *testing.T) {
	digest := &fakeDigest{items: map[string]store.DigestItem{}}
	m := &Messenger{Slack: slack.New("xoxb-test", slack.OptionHTTPClient(&http.Client{Transport: noNetwork{}})),
		Directory: nobody{}, Digest: digest}
	esc := activities.Notice{Kind: activities.NoticeEscalation, ToCoordinatingUnit: true, WorkflowID: "w", CaseRef: "SAK-2026-0001",
		ServiceID: "skole", Step: "kontakt", Deadline: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), Escalations: 1}
	for range 2 {
		if _, err := m.Notify(context.Background(), esc); err != nil {
			t.Fatalf("gathered escalation: %v", err)
		}
	}
	esc.Escalations = 2
	if _, err := m.Notify(context.Background(), esc); err != nil {
		t.Fatal(err)
	}
	if len(digest.items) != 2 {
		t.Fatalf("want 2 digest items, got %+v", digest.items)
	}
	for _, n := range []activities.Notice{
		{Kind: workflows.NoticeCoordinatorProvisionalDue, ToCoordinatingUnit: true, WorkflowID: "koordinator/x", CaseRef: "SAK-2026-0002"},
		{Kind: activities.NoticeEscalation, ServiceID: "skole", WorkflowID: "w", CaseRef: "SAK-2026-0001"},
	} {
		// These go to Slack, which this test has no network for.
		if _, err := m.Notify(context.Background(), n); err == nil {
			t.Errorf("%s was not posted", n.Kind)
		}
	}
	if len(digest.items) != 2 {
		t.Fatalf("a prompt was gathered: %+v", digest.items)
	}
}
