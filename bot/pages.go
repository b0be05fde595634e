package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/samarbeid/samarbeid/i18n"
)

// Long lists within Slack's limits (issue 11, item 4): a select takes 100 options, or 100
// groups of 100; an option's text is at most 75 characters; a message's text at most
// 40,000. A municipality has a few hundred services and a KE hundreds of open tasks, so the
// lists here are grouped or cut into pages, and say what is left out.

// Slack's limits for a static select.
const (
	maxOptions      = 100
	maxOptionGroups = 100
	maxOptionText   = 75
)

// cut shortens s to n characters (not bytes), ending with "…" when it was longer.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// serviceSelect is a select (multi for several) of services. Up to 100 it lists them; more
// are grouped by sector, a sector over 100 in groups of 100 ("Helse (2)"), as Slack takes
// 100 groups of 100. Beyond 10,000 services the rest are left out: no municipality has so
// many, and Slack would refuse the modal.
func serviceSelect(tr *i18n.Translator, placeholderKey string, services []serviceOption, multi bool) slack.BlockElement {
	placeholder := plain(tr.T(placeholderKey))
	opt := func(s serviceOption) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(s.ID, plain(cut(s.Name, maxOptionText)), nil)
	}
	if len(services) <= maxOptions {
		var opts []*slack.OptionBlockObject
		for _, s := range services {
			opts = append(opts, opt(s))
		}
		if multi {
			return slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, placeholder, fieldAction, opts...)
		}
		return slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, fieldAction, opts...)
	}
	var sectors []string
	bySector := map[string][]serviceOption{}
	for _, s := range services {
		if _, ok := bySector[s.Sector]; !ok {
			sectors = append(sectors, s.Sector)
		}
		bySector[s.Sector] = append(bySector[s.Sector], s)
	}
	var groups []*slack.OptionGroupBlockObject
	for _, sector := range sectors {
		list := bySector[sector]
		label := sector
		if label == "" {
			label = tr.T("slackkall.no_sector")
		}
		for part := 0; part*maxOptions < len(list) && len(groups) < maxOptionGroups; part++ {
			chunk := list[part*maxOptions : min((part+1)*maxOptions, len(list))]
			name := label
			if len(list) > maxOptions {
				name = fmt.Sprintf("%s (%d)", label, part+1)
			}
			var opts []*slack.OptionBlockObject
			for _, s := range chunk {
				opts = append(opts, opt(s))
			}
			groups = append(groups, slack.NewOptionGroupBlockElement(plain(cut(name, maxOptionText)), opts...))
		}
	}
	if multi {
		return slack.NewOptionsGroupMultiSelectBlockElement(slack.MultiOptTypeStatic, placeholder, fieldAction, groups...)
	}
	return slack.NewOptionsGroupSelectBlockElement(slack.OptTypeStatic, placeholder, fieldAction, groups...)
}

// pageArg reads "side N" (or "page N", or just N) after a command; 1 when none is given.
func pageArg(args []string) int {
	if len(args) > 0 && (strings.EqualFold(args[0], "side") || strings.EqualFold(args[0], "page")) {
		args = args[1:]
	}
	if len(args) == 0 {
		return 1
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// onePage is page (from 1) of lines, per to a page, and how many pages there are; a page
// past the end is the last.
func onePage(lines []string, page, per int) (shown []string, at, pages int) {
	pages = max((len(lines)+per-1)/per, 1)
	at = min(max(page, 1), pages)
	from := (at - 1) * per
	return lines[from:min(from+per, len(lines))], at, pages
}

// pageFooter says which page this is and the command for the next, "" on a single page.
func pageFooter(tr *i18n.Translator, command string, at, pages, total int) string {
	switch {
	case pages <= 1:
		return ""
	case at < pages:
		return tr.T("slackkall.page_next", "Page", at, "Pages", pages, "Total", total, "Command", fmt.Sprintf("%s side %d", command, at+1))
	default:
		return tr.T("slackkall.page_last", "Page", at, "Pages", pages, "Total", total)
	}
}

// maxSection is Slack's limit on a section's text; maxViewBlocks its limit on a modal's
// blocks.
const (
	maxSection    = 3000
	maxViewBlocks = 100
)

// textSections is text as sections of at most 3,000 characters: split at line ends where it
// can, inside a line where it must. Free text of 3,000 characters with its heading is more
// than one section takes, and it is shown whole.
func textSections(text string) []slack.Block {
	var out []slack.Block
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, slack.NewSectionBlock(mrkdwn(string(cur)), nil, nil))
			cur = nil
		}
	}
	for i, line := range strings.Split(text, "\n") {
		r := []rune(line)
		if i > 0 && len(cur) > 0 && len(cur)+1+len(r) <= maxSection {
			cur = append(append(cur, '\n'), r...)
			continue
		}
		flush()
		for len(r) > maxSection {
			out = append(out, slack.NewSectionBlock(mrkdwn(string(r[:maxSection])), nil, nil))
			r = r[maxSection:]
		}
		cur = r
	}
	flush()
	return out
}

// withinView keeps a modal's blocks within Slack's 100, saying that the case has more than
// the modal shows and where all of it is.
func withinView(tr *i18n.Translator, ref string, blocks []slack.Block) []slack.Block {
	if len(blocks) <= maxViewBlocks {
		return blocks
	}
	return append(blocks[:maxViewBlocks-1:maxViewBlocks-1], slack.NewContextBlock("", mrkdwn(tr.T("slackkall.details_cut", "Ref", ref))))
}
