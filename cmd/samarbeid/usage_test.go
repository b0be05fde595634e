package main

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/app"
)

// TestEveryEnvVarIsDocumented keeps three lists together: the environment variables
// app.Config reads (its env tags), the usage text's list, and the README's configuration
// table. A variable added to one and not the others fails here.
func TestEveryEnvVarIsDocumented(t *testing.T) {
	var read []string
	typ := reflect.TypeOf(app.Config{})
	for i := range typ.NumField() {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("env"), ","); name != "" {
			read = append(read, name)
		}
	}
	if len(read) < 20 {
		t.Fatalf("app.Config has %d env tags; the reflection missed them", len(read))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README.md has no Configuration section")
	}
	section, _, _ = strings.Cut(section, "\n\n")
	// The table's first column: `NAME`, or `NAME1`, `NAME2`.
	documented := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range regexp.MustCompile("`([A-Z0-9_]+)`").FindAllStringSubmatch(cells[1], -1) {
			documented[m[1]] = true
		}
	}
	inUsage := map[string]bool{}
	for _, name := range regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`).FindAllString(usage, -1) {
		inUsage[name] = true
	}
	for _, name := range read {
		if !inUsage[name] {
			t.Errorf("%s is read by app.Config but missing from the usage text (cmd/samarbeid/main.go)", name)
		}
		if !documented[name] {
			t.Errorf("%s is read by app.Config but missing from README.md's configuration table", name)
		}
		delete(inUsage, name)
		delete(documented, name)
	}
	for name := range inUsage {
		t.Errorf("the usage text names %s, which app.Config does not read", name)
	}
	for name := range documented {
		t.Errorf("README.md's configuration table names %s, which app.Config does not read", name)
	}
}
