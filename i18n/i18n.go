// Package i18n holds samarbeid's texts: one catalogue per language (bokmål, nynorsk and
// English) in locales/*.yaml, embedded in the binary and read with go-i18n. Code names a
// text by its key and passes named arguments; it never spells a user-facing text itself.
//
// Bokmål ("nb") is complete and the fallback: a key missing in another catalogue is said in
// bokmål. The language is the user's own choice (store.Staff.Language) when they made one,
// else the workspace's (SAMARBEID_LANGUAGE); messages posted in a channel, read by many,
// use the workspace's. Audit ledger texts are a legal record and stay in bokmål, outside
// these catalogues.
//
// Use:
//
//	tr := i18n.For(lang)                       // or, in the bot, b.texts(ctx, userID)
//	tr.T("cmd.status_usage")                   // a text without arguments
//	tr.T("case.created", "Ref", ref, "Service", name) // named arguments, as pairs
//	tr.N("mine.overdue", n, "Unit", ke)        // plural by n ({{.Count}} in the text)
//	tr.Date(deadline)                           // "fredag 27.11.2026": a deadline is a day
//
// A Message (i18n.Msg) is a key with its arguments, to be said later in a language not yet
// known: the workflows' refusals carry one to the bot, which renders it for the user.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	i18ntemplate "github.com/nicksnyder/go-i18n/v2/i18n/template"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// The languages samarbeid speaks.
const (
	Bokmal  = "nb"
	Nynorsk = "nn"
	English = "en"
	// Default is the language when neither the user nor the workspace chose one, and the
	// fallback for a key a catalogue lacks.
	Default = Bokmal
)

// Languages lists every supported language, the default first.
var Languages = []string{Bokmal, Nynorsk, English}

//go:embed locales/*.yaml
var locales embed.FS

var (
	bundle   *goi18n.Bundle
	keys     = map[string]map[string]bool{} // language -> key -> present
	oslo     *time.Location
	parser   = &cachingParser{TextParser: i18ntemplate.TextParser{Funcs: funcs, Option: "missingkey=error"}}
	byLang   = map[string]*Translator{}
	fallback *Translator
)

// funcs are the template functions every catalogue may use. They do not depend on the
// language (dates are formatted before they reach a template), so parsed templates are
// cached.
var funcs = template.FuncMap{
	// cap writes the first letter in upper case: {{cap .Title}}.
	"cap": func(s string) string {
		if s == "" {
			return s
		}
		r := []rune(s)
		return strings.ToUpper(string(r[0])) + string(r[1:])
	},
}

// cachingParser is go-i18n's text/template parser with our functions, marked cacheable: the
// functions are the same for every language, so a template is parsed once.
type cachingParser struct{ i18ntemplate.TextParser }

func (*cachingParser) Cacheable() bool { return true }

func init() {
	var err error
	if oslo, err = time.LoadLocation("Europe/Oslo"); err != nil {
		oslo = time.FixedZone("CET", 3600)
	}
	bundle = goi18n.NewBundle(language.Make(Default))
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, lang := range Languages {
		keys[lang] = map[string]bool{}
		for _, file := range catalogueFiles(lang) {
			buf, err := fs.ReadFile(locales, file)
			if err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", file, err))
			}
			// go-i18n takes the language from the file name's last dotted part before the
			// extension, so a part file "nb.samtykke.yaml" is parsed under the name "samtykke.nb.yaml".
			mf, err := bundle.ParseMessageFileBytes(buf, partName(file, lang))
			if err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", file, err))
			}
			for _, m := range mf.Messages {
				if keys[lang][m.ID] {
					panic(fmt.Sprintf("i18n: %s: key %q is already in another %s file", file, m.ID, lang))
				}
				keys[lang][m.ID] = true
			}
		}
	}
	for _, lang := range Languages {
		byLang[lang] = &Translator{lang: lang, loc: goi18n.NewLocalizer(bundle, lang, Default)}
	}
	fallback = byLang[Default]
}

// catalogueFiles are a language's files: locales/<lang>.yaml and its parts,
// locales/<lang>.<part>.yaml (one part per feature, so the texts of a feature stay together).
func catalogueFiles(lang string) []string {
	files := []string{path.Join("locales", lang+".yaml")}
	parts, err := fs.Glob(locales, path.Join("locales", lang+".*.yaml"))
	if err != nil {
		panic(err)
	}
	sort.Strings(parts)
	return append(files, parts...)
}

// partName is the name go-i18n parses a catalogue file under: it reads the language tag
// from the part of the name just before ".yaml".
func partName(file, lang string) string {
	base := strings.TrimSuffix(path.Base(file), ".yaml")
	if base == lang {
		return file
	}
	return strings.TrimPrefix(base, lang+".") + "." + lang + ".yaml"
}

// Valid reports whether lang is a language samarbeid speaks.
func Valid(lang string) bool {
	_, ok := byLang[lang]
	return ok
}

// Resolve picks the language to speak: the user's own choice when valid, else the
// workspace's when valid, else the default.
func Resolve(user, workspace string) string {
	switch {
	case Valid(user):
		return user
	case Valid(workspace):
		return workspace
	}
	return Default
}

// Translator says texts in one language. It is safe for concurrent use.
type Translator struct {
	lang string
	loc  *goi18n.Localizer
}

// For returns the translator of lang; an unknown or empty lang gives the default (bokmål).
func For(lang string) *Translator {
	if t, ok := byLang[lang]; ok {
		return t
	}
	return fallback
}

// Lang is the translator's language ("nb", "nn" or "en").
func (t *Translator) Lang() string { return t.lang }

// T says the text of key with named arguments given as pairs ("Ref", ref, "Service", name),
// or as one Args map. A time.Time argument is written as a date in the translator's
// language. A key no catalogue has comes back as the key itself (the catalogue test keeps
// that from happening).
func (t *Translator) T(key string, args ...any) string {
	return t.Render(Msg(key, args...))
}

// N is T with a plural form chosen by count, which the text reads as {{.Count}}.
func (t *Translator) N(key string, count int, args ...any) string {
	m := Msg(key, args...)
	m.Count = &count
	return t.Render(m)
}

// Render says a Message in the translator's language.
func (t *Translator) Render(m Message) string {
	s, err := t.render(m)
	if err == nil {
		return s
	}
	if t != fallback {
		if s, err := fallback.render(m); err == nil {
			return s
		}
	}
	return m.Key
}

func (t *Translator) render(m Message) (string, error) {
	data := make(map[string]any, len(m.Args)+len(m.Dates)+1)
	for k, v := range m.Args {
		data[k] = v
	}
	for k, v := range m.Dates {
		data[k] = t.Date(v)
	}
	for k, list := range m.Keys {
		said := make([]string, len(list))
		for i, key := range list {
			said[i] = t.T(key)
		}
		data[k] = strings.Join(said, "; ")
	}
	for k, list := range m.Lists {
		said := make([]string, len(list))
		for i, sub := range list {
			said[i] = t.Render(sub)
		}
		data[k] = strings.Join(said, "; ")
	}
	lc := &goi18n.LocalizeConfig{MessageID: m.Key, TemplateData: data, TemplateParser: parser}
	if m.Count != nil {
		lc.PluralCount = *m.Count
		data["Count"] = *m.Count
	}
	return t.loc.Localize(lc)
}

// Date writes a day the way the translator's readers expect it, in Norwegian time:
// "fredag 27.11.2026" in bokmål. Deadlines run to the end of their day (docs/FRISTER.md),
// so the catalogues' date.layout has no clock time.
func (t *Translator) Date(at time.Time) string {
	local := at.In(oslo)
	weekday := t.T(weekdayKeys[local.Weekday()])
	return weekday + " " + local.Format(t.T("date.layout"))
}

var weekdayKeys = [...]string{"date.sunday", "date.monday", "date.tuesday", "date.wednesday",
	"date.thursday", "date.friday", "date.saturday"}

// Args are named arguments, for T and Msg when a map is handier than pairs.
type Args map[string]any

// Key is an argument that is itself a text of the catalogue, said in the same language:
// tr.T("refusal.coord_decided", "Title", i18n.Key("kind.coordinator"), ...).
type Key string

// KeyList is an argument of several catalogue texts, said in the same language and joined
// with "; ". A []Message argument is the same for texts with arguments of their own.
type KeyList []string

// Message is a text to be said later: its key and its arguments. It travels as JSON (in a
// Temporal error's details), so arguments are kept as strings, and dates apart so that each
// language writes them its own way.
type Message struct {
	Key   string               `json:"key"`
	Args  map[string]string    `json:"args,omitempty"`
	Dates map[string]time.Time `json:"dates,omitempty"`
	Keys  map[string][]string  `json:"keys,omitempty"`  // arguments that are catalogue keys
	Lists map[string][]Message `json:"lists,omitempty"` // arguments that are lists of texts
	Count *int                 `json:"count,omitempty"`
}

// Msg builds a Message from a key and named arguments, given as pairs or as one Args map.
func Msg(key string, args ...any) Message {
	m := Message{Key: key}
	set := func(name string, v any) {
		switch v := v.(type) {
		case Key:
			if m.Keys == nil {
				m.Keys = map[string][]string{}
			}
			m.Keys[name] = []string{string(v)}
		case KeyList:
			if m.Keys == nil {
				m.Keys = map[string][]string{}
			}
			m.Keys[name] = append([]string{}, v...)
		case []Message:
			if m.Lists == nil {
				m.Lists = map[string][]Message{}
			}
			m.Lists[name] = append([]Message{}, v...)
		case time.Time:
			if m.Dates == nil {
				m.Dates = map[string]time.Time{}
			}
			m.Dates[name] = v
		default:
			if m.Args == nil {
				m.Args = map[string]string{}
			}
			m.Args[name] = fmt.Sprint(v)
		}
	}
	if len(args) == 1 {
		if a, ok := args[0].(Args); ok {
			for k, v := range a {
				set(k, v)
			}
			return m
		}
	}
	for i := 0; i+1 < len(args); i += 2 {
		set(fmt.Sprint(args[i]), args[i+1])
	}
	if len(args)%2 == 1 {
		set("BADARG", args[len(args)-1])
	}
	return m
}

// IsZero reports whether the message is empty (no key).
func (m Message) IsZero() bool { return m.Key == "" }

// Keys lists the keys of lang's catalogue, sorted; for tests and tools.
func Keys(lang string) []string {
	var out []string
	for k := range keys[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang's own catalogue has key (without falling back to bokmål).
func Has(lang, key string) bool { return keys[lang][key] }
