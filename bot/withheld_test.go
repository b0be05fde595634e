package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/samarbeid/samarbeid/activities"
	"github.com/samarbeid/samarbeid/privacy"
	"github.com/samarbeid/samarbeid/store"
)

type withKE struct{ oneService }

func (withKE) CoordinatingUnit(context.Context) (store.Service, error) {
	return store.Service{ID: "ke", Name: "Koordinerende enhet", SlackChannel: "C_KE"}, nil
}

// A notice that would carry a fødselsnummer (here, written with a dash, in the reference) is
// not posted and is no error for the case: the service's channel gets a safe message with the
// prompt's buttons, and the KE channel an alert, neither with the number.
func TestWithheldNoticeIsReplacedAndTheKEAlerted(t *testing.T) {
	var mu sync.Mutex
	posts := map[string][]string{} // channel -> form bodies
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		posts[r.Form.Get("channel")] = append(posts[r.Form.Get("channel")], r.Form.Encode())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"channel":"` + r.Form.Get("channel") + `","ts":"1.000001"}`))
	}))
	defer slackAPI.Close()
	m := &Messenger{Slack: slack.New("xoxb-1", slack.OptionAPIURL(slackAPI.URL+"/")), Directory: withKE{}}
	n := activities.Notice{Kind: activities.NoticeClarify, CaseRef: "150765-00565", ServiceID: "skole",
		WorkflowID: "samarbeid-SAK-2026-0001-helsestasjon", Step: "avklaring"}
	posted, err := m.Notify(context.Background(), n)
	if err != nil {
		t.Fatalf("the guard failed the notice: %v", err)
	}
	if posted.Channel != "C_SKOLE" {
		t.Fatalf("the safe message went to %q", posted.Channel)
	}
	if len(posts["C_SKOLE"]) != 1 || len(posts["C_KE"]) != 1 {
		t.Fatalf("want one message to the service and one alert to the KE, got %v", posts)
	}
	for ch, bodies := range posts {
		form, _ := url.ParseQuery(bodies[0])
		all := form.Get("text") + form.Get("blocks")
		if privacy.ContainsFodselsnummer(all) {
			t.Fatalf("%s got the number: %s", ch, all)
		}
		if !strings.Contains(all, "holdt tilbake") {
			t.Fatalf("%s was not told a message was withheld: %s", ch, all)
		}
	}
	form, _ := url.ParseQuery(posts["C_SKOLE"][0])
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(form.Get("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	hasButtons := false
	for _, b := range blocks.BlockSet {
		hasButtons = hasButtons || b.BlockType() == slack.MBTAction
	}
	if !hasButtons {
		t.Fatalf("the prompt's buttons were lost: %s", form.Get("blocks"))
	}
	if ke, _ := url.ParseQuery(posts["C_KE"][0]); !strings.Contains(ke.Get("text"), "Grunnskolen") {
		t.Fatalf("the alert does not name the service: %s", ke.Get("text"))
	}
}

type noCases struct{}

func (noCases) ListWorkflow(context.Context, *workflowservice.ListWorkflowExecutionsRequest) (*workflowservice.ListWorkflowExecutionsResponse, error) {
	return &workflowservice.ListWorkflowExecutionsResponse{}, nil
}

// oneItem hands the digest one gathered item, and keeps whether the post succeeded.
type oneItem struct {
	item store.DigestItem
	sent bool
}

func (*oneItem) EnqueueDigest(context.Context, store.DigestItem) error { return nil }
func (o *oneItem) SendDigest(_ context.Context, post func([]store.DigestItem) error) (int, error) {
	if err := post([]store.DigestItem{o.item}); err != nil {
		return 0, err
	}
	o.sent = true
	return 1, nil
}

// A digest the guard stops is no failed digest workflow every morning: the KE channel gets
// the day's title and a note that it was withheld, without the number.
func TestWithheldDigestIsReplaced(t *testing.T) {
	var text string
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		text = r.Form.Get("text") + r.Form.Get("blocks")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"channel":"C_KE","ts":"1.000001"}`))
	}))
	defer slackAPI.Close()
	items := &oneItem{item: store.DigestItem{Key: "k", WorkflowID: "w", CaseRef: "15.07.65 00565", Kind: "eskalering", ServiceID: "skole"}}
	d := KEDigest{Slack: slack.New("xoxb-1", slack.OptionAPIURL(slackAPI.URL+"/")), Directory: withKE{}, Store: items, Visibility: noCases{}}
	res, err := d.Send(context.Background(), time.Date(2026, 11, 30, 7, 30, 0, 0, time.UTC))
	if err != nil || !res.Posted || !items.sent {
		t.Fatalf("the digest failed: %+v %v", res, err)
	}
	if privacy.ContainsFodselsnummer(text) || !strings.Contains(text, "holdt tilbake") {
		t.Fatalf("the KE got %s", text)
	}
}
