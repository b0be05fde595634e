package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/workflows"
)

// testKeys is a key ring for tests that set SAMARBEID_PAYLOAD_KEYS (32 zero bytes: a test key).
const testKeys = "test1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

// rawHistory reads a workflow's whole history as Temporal stores it, through c.
func rawHistory(t *testing.T, c client.Client, workflowID string) *historypb.History {
	t.Helper()
	h := &historypb.History{}
	it := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// TestHistoryHoldsNoFreeText plays a case through the Slack surface with free text in every
// field it has, then reads the case's history from Temporal with a client that has no key:
// none of the text is there, in any event, in any form. The app's own client (with the codec)
// finds all of it, and so does the codec endpoint for a caller with the token.
func TestHistoryHoldsNoFreeText(t *testing.T) {
	a := startApp(t)
	sl := a.SlackLocal
	ref := openCase(t, sl)
	wfID := workflows.WorkflowID(ref, "helsestasjon")
	texts := map[string]string{
		"tema":          "Lesevansker og uro i timene",
		"begrunnelse":   "Mor forteller om søvnproblemer etter samlivsbrudd",
		"hjemmel":       "Opplæringslova paragraf femten-åtte for eleven",
		"kontaktperson": "Ola Nordmann, kontaktlærer 7B",
	}

	click(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "avklaring").TS, "avklaring")
	openView(t, sl, kari, "avklaring")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"tjenester": {"verdi": {Selected: []string{"skole"}}}})
	clickValue(t, sl, kari, chHelsestasjon, waitForButton(t, sl, chHelsestasjon, "vurder").TS, "vurder", wfID+"|skole")
	openView(t, sl, kari, "vurdering")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"behov": {"verdi": {Value: "ja"}},
		"tema": {"verdi": {Value: texts["tema"]}}, "begrunnelse": {"verdi": {Value: texts["begrunnelse"]}}})
	step3 := waitForButton(t, sl, chHelsestasjon, "samtykke")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "samtykke", wfID+"|skole")
	openView(t, sl, kari, "samtykke")
	submit(t, sl, kari, map[string]map[string]slacklocal.Value{"grunnlag": {"verdi": {Value: "lovhjemmel"}},
		"hjemmel": {"verdi": {Value: texts["hjemmel"]}}})
	waitForText(t, sl, chHelsestasjon, "grunnlag registrert")
	clickValue(t, sl, kari, chHelsestasjon, step3.TS, "kontakt", wfID+"|skole")
	click(t, sl, ola, chSkole, waitForButton(t, sl, chSkole, "godta").TS, "godta")
	openView(t, sl, ola, "godta")
	submit(t, sl, ola, map[string]map[string]slacklocal.Value{"kontaktperson": {"verdi": {Value: texts["kontaktperson"]}}})
	ctx := context.Background()
	var st workflows.Status
	if err := a.Temporal.GetWorkflow(ctx, wfID, "").Get(ctx, &st); err != nil || st.Outcome != "kontakt_avklart" {
		t.Fatalf("case did not finish: %+v %v", st.Outcome, err)
	}

	// Without the key: Temporal's own view of the history.
	plain, err := client.Dial(client.Options{HostPort: a.TemporalAddress(), Namespace: a.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	raw := rawHistory(t, plain, wfID)
	stored, _ := proto.Marshal(raw)
	asJSON, _ := protojson.Marshal(raw)
	for field, text := range texts {
		for _, probe := range []string{text, strings.Fields(text)[0] + " " + strings.Fields(text)[1]} {
			if bytes.Contains(stored, []byte(probe)) || bytes.Contains(asJSON, []byte(probe)) {
				t.Fatalf("the history holds %s in plain form: %q", field, probe)
			}
		}
	}
	if len(raw.Events) < 10 || !bytes.Contains(stored, []byte("binary/encrypted")) {
		t.Fatalf("%d events, encrypted payloads: %v; the scan would prove little", len(raw.Events), bytes.Contains(stored, []byte("binary/encrypted")))
	}

	// With the key: all of it is there.
	decoded := rawHistory(t, a.Temporal, wfID)
	if err := a.Codec.DecodeAll(ctx, decoded); err != nil {
		t.Fatal(err)
	}
	clear, _ := proto.Marshal(decoded)
	for field, text := range texts {
		if !bytes.Contains(clear, []byte(text)) {
			t.Fatalf("the decrypted history lacks %s %q", field, text)
		}
	}

	// The codec endpoint, as the Web UI calls it: only with the token.
	body, _ := protojson.Marshal(raw.Events[0].GetWorkflowExecutionStartedEventAttributes().GetInput())
	post := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, a.CodecURL()+"/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	jsonPlain := base64.StdEncoding.EncodeToString([]byte("json/plain")) // the handler writes bytes as base64
	if code, out := post(""); code != http.StatusUnauthorized || strings.Contains(out, jsonPlain) {
		t.Fatalf("codec endpoint without a token: %d %s", code, out)
	}
	if code, out := post(a.CodecToken); code != http.StatusOK || !strings.Contains(out, jsonPlain) {
		t.Fatalf("codec endpoint with the token: %d %s", code, out)
	}
}
