package app

import (
	"strings"
	"testing"
)

// The console's settings are checked at start with the others, each problem named.
func TestConsoleConfigIsChecked(t *testing.T) {
	base := FromEnv()
	for _, c := range []struct {
		name string
		set  func(*Config)
		want string // "" means valid
	}{
		{"console off", func(*Config) {}, ""},
		{"id without secret", func(c *Config) { c.SlackClientID = "123.456" }, "SLACK_CLIENT_ID og SLACK_CLIENT_SECRET må settes sammen"},
		{"bad issuer", func(c *Config) { c.SlackOIDCIssuer = "slack.com" }, "SLACK_OIDC_ISSUER må være en http(s)-adresse"},
		{"plain http outside this machine", func(c *Config) { c.PublicURL = "http://samarbeid.kommune.no" }, "SAMARBEID_PUBLIC_URL må bruke https"},
		{"http on this machine is dev", func(c *Config) { c.PublicURL = "http://localhost:8080" }, ""},
		{"real Slack needs the public address", func(c *Config) {
			c.SlackBotToken, c.SlackSigningSecret, c.SlackClientID, c.SlackClientSecret = "xoxb-1", "s", "123.456", "hemmelig"
		}, "SAMARBEID_PUBLIC_URL mangler"},
		{"real Slack, complete", func(c *Config) {
			c.SlackBotToken, c.SlackSigningSecret, c.SlackClientID, c.SlackClientSecret = "xoxb-1", "s", "123.456", "hemmelig"
			c.PublicURL = "https://samarbeid.kommune.no"
		}, ""},
	} {
		cfg := base
		c.set(&cfg)
		err := cfg.Validate()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: want %q, got %v", c.name, c.want, err)
		}
	}
	t.Setenv("SLACK_CLIENT_ID", "123.456")
	t.Setenv("SLACK_CLIENT_SECRET", "hemmelig")
	t.Setenv("SAMARBEID_PUBLIC_URL", "https://samarbeid.kommune.no")
	if got := FromEnv(); got.SlackClientID != "123.456" || got.SlackClientSecret != "hemmelig" ||
		got.SlackOIDCIssuer != "https://slack.com" || got.PublicURL != "https://samarbeid.kommune.no" {
		t.Errorf("FromEnv: %+v", got)
	}
}
