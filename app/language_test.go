package app

import (
	"strings"
	"testing"
)

// SAMARBEID_LANGUAGE sets the workspace's language: bokmål by default, and nothing but
// nb, nn or en.
func TestWorkspaceLanguageFromEnv(t *testing.T) {
	t.Setenv("SAMARBEID_LANGUAGE", "")
	if cfg := FromEnv(); cfg.Language != "" && cfg.Language != "nb" {
		t.Fatalf("unset: %q", cfg.Language)
	}
	t.Setenv("SAMARBEID_LANGUAGE", "nn")
	cfg := FromEnv()
	if cfg.Language != "nn" {
		t.Fatalf("nn: %q", cfg.Language)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg.Language = "se"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "SAMARBEID_LANGUAGE") {
		t.Fatalf("%v", err)
	}
}
