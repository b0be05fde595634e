package app

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/internal/testdb"
	"github.com/samarbeid/samarbeid/workflows"
)

// A failed start explains itself and stops what it had started, without a crash.
func TestFailedStartsExplainThemselves(t *testing.T) {
	url := testdb.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bad := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(bad, []byte("versjon: v1\nsamarbeidsplikt:\n  svar_virkedager: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unreachable Temporal", Config{DatabaseURL: url, TemporalAddress: "127.0.0.1:1", HTTPAddr: "127.0.0.1:0", PayloadKeys: testKeys}, "TEMPORAL_ADDRESS=127.0.0.1:1"},
		{"unreachable PostgreSQL", Config{DatabaseURL: "postgres://postgres@127.0.0.1:1/x?sslmode=disable", HTTPAddr: "127.0.0.1:0"}, "pg_ctlcluster"},
		{"worker without a Slack token", Config{DatabaseURL: url, HTTPAddr: "127.0.0.1:0", NoBot: true}, "SLACK_BOT_TOKEN"},
		{"invalid policy file", Config{DatabaseURL: url, HTTPAddr: "127.0.0.1:0", PolicyFile: bad}, "samarbeidsplikt.svar_virkedager må være minst 1"},
		{"missing policy file", Config{DatabaseURL: url, HTTPAddr: "127.0.0.1:0", PolicyFile: bad + ".mangler"}, "fristpolicy"},
		{"bot without a signing secret", Config{DatabaseURL: url, HTTPAddr: "127.0.0.1:0", SlackBotToken: "xoxb-1"}, "SLACK_SIGNING_SECRET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Start(ctx, c.cfg, nil)
			if err == nil {
				a.Stop()
				t.Fatal("started")
			}
			if a != nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v (app %v), want an error naming %q", err, a, c.want)
			}
		})
	}
}

// A case starts with the municipality's policy file and keeps its version.
func TestCaseKeepsThePolicyItStartedWith(t *testing.T) {
	ctx := context.Background()
	a, err := Start(ctx, Config{DatabaseURL: testdb.New(t), HTTPAddr: "127.0.0.1:0", Seed: true, PolicyFile: filepath.Join("..", "policy", "eksempel.yaml")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	ref := openCase(t, a.SlackLocal)
	waitForButton(t, a.SlackLocal, chHelsestasjon, "avklaring")
	v, err := a.Temporal.QueryWorkflow(ctx, workflows.WorkflowID(ref, "helsestasjon"), "", workflows.QueryStatus)
	if err != nil {
		t.Fatal(err)
	}
	var st workflows.Status
	if err := v.Get(&st); err != nil || st.PolicyVersion != "eksempel-kommune-2026-1" {
		t.Fatalf("policy version %q, %v", st.PolicyVersion, err)
	}
}

// /metrics carries the Temporal SDK's series and samarbeid's own once a case has run.
func TestMetricsAfterACase(t *testing.T) {
	a := startApp(t)
	runShortCase(t, a)
	wants := []string{
		`samarbeid_notices_total{type="avklaring"} 1`,
		`samarbeid_answers_total{result="godtatt",update="avklar-tjenester"} 1`,
		`temporal_temporal_workflow_completed_total`,
		`temporal_temporal_activity_execution_latency_seconds_count`,
	}
	// The bot counts the answer, and the worker the completed workflow, just after the case
	// has closed; read /metrics until they have, or give up after a generous while.
	var missing []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(a.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, m := range missing {
		t.Errorf("/metrics lacks %s", m)
	}
}
