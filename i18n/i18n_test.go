package i18n

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/samarbeid/samarbeid/calendar"
)

// sources reads a catalogue's raw texts by key (a plural text as key.one, key.other), to
// test what go-i18n will render.
func sources(t *testing.T, lang string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, file := range catalogueFiles(lang) {
		sourcesOf(t, lang, file, out)
	}
	return out
}

func sourcesOf(t *testing.T, lang, file string, out map[string]string) {
	t.Helper()
	buf, err := fs.ReadFile(locales, file)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(buf, &raw); err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case string:
			out[prefix] = v
		case map[string]any:
			for k, sub := range v {
				walk(prefix+"."+k, sub)
			}
		default:
			t.Fatalf("%s: %s is a %T, not a text", lang, prefix, v)
		}
	}
	for k, v := range raw {
		walk(k, v)
	}
}

var pluralForms = map[string]bool{"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true}

// messageKey strips a plural form: "mine.overdue.one" is the text of key "mine.overdue".
func messageKey(src string) string {
	if i := strings.LastIndex(src, "."); i > 0 && pluralForms[src[i+1:]] {
		return src[:i]
	}
	return src
}

func TestEveryKeyInEveryLanguage(t *testing.T) {
	nb := Keys(Bokmal)
	if len(nb) < 100 {
		t.Fatalf("the bokmål catalogue has only %d keys", len(nb))
	}
	for _, lang := range Languages {
		for _, k := range nb {
			if !Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range Keys(lang) {
			if !Has(Bokmal, k) {
				t.Errorf("%s has %q, which bokmål lacks", lang, k)
			}
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*(?:cap\s+)?\.(\w+)\s*\}\}`)

// Every text renders in every language with its arguments, and each translation uses the
// same arguments as bokmål (so no argument is dropped or invented).
func TestTemplatesRenderWithTheirArguments(t *testing.T) {
	nbSrc := sources(t, Bokmal)
	for _, lang := range Languages {
		src := sources(t, lang)
		for key, text := range src {
			want, got := argNames(nbSrc[key]), argNames(text)
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s %s uses arguments %v, bokmål %v", lang, key, got, want)
			}
			args := Args{}
			for _, name := range got {
				args[name] = "«" + name + "»"
			}
			m := Msg(messageKey(key), args)
			if strings.HasSuffix(key, ".one") {
				n := 1
				m.Count = &n
			} else if strings.HasSuffix(key, ".other") {
				n := 7
				m.Count = &n
			}
			out, err := For(lang).render(m)
			if err != nil {
				t.Errorf("%s %s: %v", lang, key, err)
				continue
			}
			if strings.Contains(out, "<no value>") || strings.Contains(out, "{{") {
				t.Errorf("%s %s rendered as %q", lang, key, out)
			}
			for _, name := range got {
				if name != "Count" && !strings.Contains(out, "«"+name+"»") && !strings.Contains(out, "«"+strings.ToUpper(name[:1])) {
					t.Errorf("%s %s: argument %s missing from %q", lang, key, name, out)
				}
			}
		}
	}
}

func argNames(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// keyLiteral finds string literals in Go code that name a catalogue key: a known top-level
// section, a dot, and the rest. A literal followed by + is a prefix the code completes.
var keyLiteral = regexp.MustCompile(`"([a-z_]+)\.([a-z0-9_.]*)"(\s*\+)?`)

// Every key the code names exists in the catalogue. Code names keys as string literals
// (tr.T("case.created", ...), refuse("field", "refusal.auditor", ...)), so a scan finds them.
func TestEveryKeyUsedInCodeExists(t *testing.T) {
	sections := map[string]bool{}
	for _, k := range Keys(Bokmal) {
		sections[k[:strings.Index(k, ".")]] = true
	}
	used := 0
	for _, dir := range []string{"../bot", "../workflows", "../app", "../overview", "../webui", "../report", "../audit"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			buf, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyLiteral.FindAllStringSubmatch(string(buf), -1) {
				if !sections[m[1]] {
					continue
				}
				key := m[1] + "." + m[2]
				used++
				if m[3] != "" {
					if !hasPrefix(key) {
						t.Errorf("%s: no key begins with %q", f, key)
					}
					continue
				}
				if !Has(Bokmal, key) {
					t.Errorf("%s: key %q is not in the catalogue", f, key)
				}
			}
		}
	}
	if used == 0 {
		t.Fatal("found no key in the code; is the scan broken?")
	}
}

func hasPrefix(prefix string) bool {
	for _, k := range Keys(Bokmal) {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func TestDatesPerLanguage(t *testing.T) {
	at := time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC) // 14:00 in Oslo
	if got, want := For(Bokmal).Date(at), calendar.FormatDate(at); got != want {
		t.Errorf("bokmål %q, calendar %q", got, want)
	}
	if got := For(Nynorsk).Date(at.AddDate(0, 0, 3)); got != "måndag 30.11.2026" {
		t.Errorf("nynorsk %q", got)
	}
	if got := For(English).Date(at); got != "Friday 27 November 2026" {
		t.Errorf("English %q", got)
	}
}

func TestArgumentsPluralsAndFallback(t *testing.T) {
	nn := For(Nynorsk)
	if got := nn.T("case.created", "Ref", "SAK-2026-0001", "Service", "Helsestasjonen", "Channel", "C1"); got != "Sak SAK-2026-0001 er oppretta. Steg 1 ventar i kanalen til Helsestasjonen (<#C1>)." {
		t.Errorf("%q", got)
	}
	if got := For(English).N("mine.overdue", 1); got != "Coordinating unit: 1 case has passed its deadline." {
		t.Errorf("%q", got)
	}
	if got := For(Bokmal).N("mine.overdue", 3); got != "Koordinerende enhet: 3 saker har oversittet frist." {
		t.Errorf("%q", got)
	}
	// A key argument is said in the same language; a list of them joined.
	if got := For(English).T("refusal.coord_decided", "Title", Key("kind.child_coordinator"), "Ref", "SAK-1"); !strings.HasPrefix(got, "The request for a child coordinator in case SAK-1 has already been decided.") {
		t.Errorf("%q", got)
	}
	if got := nn.T("refusal.plan_incomplete", "Missing", KeyList{"plan_item.goals", "plan_item.consent"}); !strings.Contains(got, "måla, ressursane og behova til personen; samtykke til planen") {
		t.Errorf("%q", got)
	}
	if For("xx") != For(Bokmal) || For("") != For(Bokmal) {
		t.Error("an unknown language is not bokmål")
	}
	if got := For(English).T("no.such_key"); got != "no.such_key" {
		t.Errorf("a missing key says %q", got)
	}
	if Resolve("", "nn") != Nynorsk || Resolve("en", "nn") != English || Resolve("x", "y") != Bokmal {
		t.Error("Resolve")
	}
}

// A Message survives JSON (as in a Temporal error's details) with its dates and keys, and
// renders the same after.
func TestMessageRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 21, 9, 0, 0, 0, time.UTC)
	m := Msg("refusal.coord_appeal_late", "Date", at)
	buf, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(buf, &back); err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		if a, b := For(lang).Render(m), For(lang).Render(back); a != b {
			t.Errorf("%s: %q became %q", lang, a, b)
		}
	}
	if got := For(Bokmal).Render(back); !strings.HasPrefix(got, "Klagefristen gikk ut mandag 21.12.2026 (fire uker, pbrl § 7-5).") || strings.Contains(got, "kl.") {
		t.Errorf("%q", got)
	}
}

// A list of texts with arguments of their own (the plan's missing items) survives JSON too.
func TestMessageListRoundTrip(t *testing.T) {
	m := Msg("refusal.plan_incomplete", "Missing", []Message{
		Msg("refusal.plan_missing_item", "Item", Key("plan_item.goals"), "ID", "mål-ressurser-behov"),
		Msg("refusal.plan_missing_item", "Item", Key("plan_item.consent"), "ID", "samtykke"),
	})
	buf, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(buf, &back); err != nil {
		t.Fatal(err)
	}
	if got := For(Nynorsk).Render(back); !strings.HasSuffix(got, "Manglar: måla, ressursane og behova til personen; samtykke til planen og til informasjonsdeling.") {
		t.Errorf("%q", got)
	}
}
