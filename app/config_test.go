package app

import (
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/worker"
)

func TestFromEnvReadsTheContract(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://u@db:5432/x")
	t.Setenv("TEMPORAL_ADDRESS", "temporal:7233")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1")
	t.Setenv("HTTP_ADDR", ":9090")
	t.Setenv("SAMARBEID_POLICY", "../policy/eksempel.yaml")
	t.Setenv("SAMARBEID_PAYLOAD_KEYS", testKeys)
	cfg := FromEnv()
	if cfg.DatabaseURL != "postgres://u@db:5432/x" || cfg.TemporalAddress != "temporal:7233" || cfg.SlackBotToken != "xoxb-1" ||
		cfg.HTTPAddr != ":9090" || cfg.TemporalNamespace != "default" || cfg.PolicyFile != "../policy/eksempel.yaml" {
		t.Fatalf("%+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestFromEnvDefaults(t *testing.T) {
	for _, k := range []string{"DATABASE_URL", "HTTP_ADDR", "TEMPORAL_NAMESPACE", "TEMPORAL_ADDRESS"} {
		t.Setenv(k, "")
	}
	cfg := FromEnv()
	if cfg.DatabaseURL != DefaultDatabaseURL || cfg.HTTPAddr != ":8080" || cfg.TemporalNamespace != "default" || cfg.TemporalAddress != "" {
		t.Fatalf("%+v", cfg)
	}
}

func TestValidateNamesEveryProblem(t *testing.T) {
	cfg := Config{
		DatabaseURL: "postgres://u@db:notaport/x", TemporalAddress: "temporal", TemporalNamespace: " ",
		HTTPAddr: "8080", SlackBotToken: "xoxp-user", SlackAppToken: "bot", SlackAPIURL: "slack.com/api",
		PolicyFile: "finnes-ikke.yaml", TemporalTLSCert: "cert.pem", ExportSigningKey: "ikke-en-nøkkel",
		ExportPublicKey: "AAAA",
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "HTTP_ADDR", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "SAMARBEID_POLICY", "TEMPORAL_TLS_KEY", "SAMARBEID_PAYLOAD_KEYS", "SAMARBEID_EXPORT_SIGNING_KEY", "SAMARBEID_EXPORT_PUBLIC_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestAPIKeyNeedsAnAddress(t *testing.T) {
	cfg := Config{DatabaseURL: DefaultDatabaseURL, TemporalNamespace: "default", HTTPAddr: ":8080", TemporalAPIKey: "k"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_ADDRESS") {
		t.Fatalf("%v", err)
	}
	cfg.TemporalAddress, cfg.PayloadKeys = "ns.acct.tmprl.cloud:7233", testKeys
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

// The worker's size comes from the environment, the benchmark's defaults where it says
// nothing, and a value that is not a number stops the start with its name.
func TestWorkerSettingsFromEnv(t *testing.T) {
	t.Setenv("SAMARBEID_WORKER_STICKY_CACHE", "")
	t.Setenv("SAMARBEID_WORKER_WORKFLOW_POLLERS", "")
	t.Setenv("SAMARBEID_WORKER_ACTIVITY_POLLERS", "")
	if got := FromEnv().WorkerSettings(); got != worker.DefaultSettings() {
		t.Fatalf("unset: %+v", got)
	}
	t.Setenv("SAMARBEID_WORKER_STICKY_CACHE", "250")
	t.Setenv("SAMARBEID_WORKER_WORKFLOW_POLLERS", "4")
	t.Setenv("SAMARBEID_WORKER_ACTIVITY_POLLERS", "3")
	cfg := FromEnv()
	if got, want := cfg.WorkerSettings(), (worker.Settings{StickyCacheSize: 250, WorkflowPollers: 4, ActivityPollers: 3}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SAMARBEID_WORKER_STICKY_CACHE", "mange")
	t.Setenv("SAMARBEID_WORKER_WORKFLOW_POLLERS", "-1")
	err := FromEnv().Validate()
	if err == nil || !strings.Contains(err.Error(), "SAMARBEID_WORKER_STICKY_CACHE") || !strings.Contains(err.Error(), "minst én poller") {
		t.Fatalf("bad worker settings passed: %v", err)
	}
}
