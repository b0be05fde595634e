package app

import (
	"strings"
	"unicode"

	"github.com/samarbeid/samarbeid/store"
)

// demoChannelNames are the channel names a municipality would give the demo directory's
// services: short, the words staff use, never the service's code. The stand-in shows them
// in its sidebar and channel header; the service IDs stay as they are.
var demoChannelNames = map[string]string{
	"ke":                "koordinerende-enhet",
	"helsestasjon":      "helsestasjon",
	"hjemmetjeneste":    "hjemmetjenesten",
	"fastlege":          "fastlegekontoret",
	"psykisk-helse-rus": "psykisk-helse-og-rus",
	"fysio-ergo":        "fysio-og-ergoterapi",
	"bup":               "bup",
	"habilitering":      "habilitering",
	"hf-koordinerende":  "koordinerende-enhet-hf",
	"psykisk-helsevern": "psykisk-helsevern",
	"tannhelse":         "tannhelsetjenesten",
	"barnevern":         "barnevernet",
	"krisesenter":       "krisesenteret",
	"familievern":       "familievernkontoret",
	"barnehage":         "barnehagen",
	"skole":             "grunnskolen",
	"ppt":               "ppt",
	"friskole":          "friskolen",
	"nav-sosial":        "nav-sosiale-tjenester",
	"nav":               "nav-kontoret",
	"flyktning":         "flyktningtjenesten",
}

// localChannelName is the stand-in's channel name for a service: the demo's own name, or
// for a service an administrator added, its name as Slack would take it (lower case,
// hyphens between words, at most 80 characters), without what stands in brackets.
func localChannelName(svc store.Service) string {
	if name, ok := demoChannelNames[svc.ID]; ok {
		return name
	}
	name, _, _ := strings.Cut(svc.Name, " (")
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø':
			b.WriteString("o")
		case r == 'å':
			b.WriteString("a")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !hyphen {
				b.WriteByte('-')
				hyphen = true
			}
			continue
		}
		hyphen = false
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if r := []rune(slug); len(r) > 80 {
		slug = strings.TrimRight(string(r[:80]), "-")
	}
	if slug == "" {
		return svc.ID
	}
	return slug
}
