package deploy

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

var secrets = map[string]string{
	"POSTGRES_PASSWORD": "hemmelig", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
	"SAMARBEID_PAYLOAD_KEYS": "n1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
}

func load(t *testing.T, env map[string]string) (*types.Project, error) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	own := types.Mapping{} // the loader writes into the mapping it is given
	for k, v := range env {
		own[k] = v
	}
	return loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(path),
		ConfigFiles: []types.ConfigFile{{Filename: path, Content: data}},
		Environment: own,
	}, func(o *loader.Options) { o.SetProjectName("samarbeid", true) })
}

func TestComposeStack(t *testing.T) {
	p, err := load(t, secrets)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range p.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"bot", "migrate", "postgresql", "temporal", "temporal-ui", "worker"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v", names, want)
	}
	for name, svc := range p.Services {
		switch {
		case svc.Build != nil:
			if svc.Build.Context != filepath.Dir(filepath.Join(p.WorkingDir, "docker-compose.yml")) {
				t.Errorf("%s builds from %q", name, svc.Build.Context)
			}
		case svc.Image == "" || !strings.Contains(svc.Image, ":") || strings.HasSuffix(svc.Image, ":latest"):
			t.Errorf("%s: image %q must name a fixed version", name, svc.Image)
		}
		if name != "migrate" && name != "temporal-ui" && svc.HealthCheck == nil {
			t.Errorf("%s has no health check", name)
		}
	}
	for _, name := range []string{"worker", "bot"} {
		svc := p.Services[name]
		env := func(k string) string {
			if v := svc.Environment[k]; v != nil {
				return *v
			}
			return ""
		}
		if !strings.Contains(env("DATABASE_URL"), "@postgresql:5432/") || !strings.Contains(env("DATABASE_URL"), "hemmelig") {
			t.Errorf("%s DATABASE_URL %q", name, env("DATABASE_URL"))
		}
		for k, want := range map[string]string{"TEMPORAL_ADDRESS": "temporal:7233", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HTTP_ADDR": ":8080",
			"SAMARBEID_PAYLOAD_KEYS": secrets["SAMARBEID_PAYLOAD_KEYS"]} {
			if env(k) != want {
				t.Errorf("%s %s = %q, want %q", name, k, env(k), want)
			}
		}
		if svc.Command[0] != name {
			t.Errorf("%s runs %v", name, svc.Command)
		}
		if c := svc.DependsOn["temporal"].Condition; c != types.ServiceConditionHealthy {
			t.Errorf("%s waits for temporal: %q", name, c)
		}
		if c := svc.DependsOn["migrate"].Condition; c != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s waits for migrate: %q", name, c)
		}
		if !slices.Contains(svc.HealthCheck.Test, "helse") {
			t.Errorf("%s health check %v", name, svc.HealthCheck.Test)
		}
	}
	// Temporal keeps persistence and visibility in the PostgreSQL service, in databases of
	// their own named after samarbeid's (as the embedded server names them by default), and
	// searches with SQL visibility, not Elasticsearch.
	temporal := p.Services["temporal"]
	tenv := func(k string) string {
		if v := temporal.Environment[k]; v != nil {
			return *v
		}
		return ""
	}
	appDB := strings.TrimPrefix(mustURL(t, *p.Services["worker"].Environment["DATABASE_URL"]).Path, "/")
	for k, want := range map[string]string{"DB": "postgres12", "POSTGRES_SEEDS": "postgresql", "DB_PORT": "5432", "POSTGRES_PWD": "hemmelig",
		"DBNAME": appDB + "_temporal", "VISIBILITY_DBNAME": appDB + "_temporal_visibility", "ENABLE_ES": "false"} {
		if tenv(k) != want {
			t.Errorf("temporal %s = %q, want %q", k, tenv(k), want)
		}
	}
	if !strings.HasPrefix(temporal.Image, "temporalio/auto-setup:") {
		t.Errorf("temporal image %q: auto-setup sets up the schemas", temporal.Image)
	}
	if c := p.Services["temporal"].DependsOn["postgresql"].Condition; c != types.ServiceConditionHealthy {
		t.Errorf("temporal waits for postgresql: %q", c)
	}
	if len(p.Services["bot"].Ports) != 1 || p.Services["bot"].Ports[0].Target != 8080 {
		t.Errorf("bot ports %+v", p.Services["bot"].Ports)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestComposeRefusesMissingSecrets(t *testing.T) {
	for name := range secrets {
		env := map[string]string{}
		for k, v := range secrets {
			if k != name {
				env[k] = v
			}
		}
		if _, err := load(t, env); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: %v", name, err)
		}
	}
}

func TestDockerfileBuildsTheCommand(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go build", "./cmd/samarbeid", "ENTRYPOINT", "USER nonroot"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}
