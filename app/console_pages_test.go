package app

import (
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/webconsole"
)

var pageLink = regexp.MustCompile(`<a href="([^"]*)" rel="(next|prev)">`)

// links are a Saker page's "next" and "previous" links.
func links(body string) (next, prev string) {
	for _, m := range pageLink.FindAllStringSubmatch(body, -1) {
		if m[2] == "next" {
			next = "/konsoll/saker" + html.UnescapeString(m[1])
		} else {
			prev = "/konsoll/saker" + html.UnescapeString(m[1])
		}
	}
	return next, prev
}

var caseLink = regexp.MustCompile(`<a href="/konsoll/sak/([A-Z0-9-]+)">`)

func listed(body string) []string {
	var out []string
	for _, m := range caseLink.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// Saker pages forward with Temporal's tokens and back with the stack of earlier tokens the
// links carry: a second console, one case a page, walks three pages and back.
func TestConsoleCasesPageBack(t *testing.T) {
	a := startApp(t)
	refs := consoleCases(t, a, 3)

	srv := httptest.NewServer(nil)
	defer srv.Close()
	a.SlackLocal.RegisterOIDCClient(slacklocal.OIDCClient{ID: "konsoll-sider", Secret: "hemmelig",
		RedirectURIs: []string{srv.URL + webconsole.Prefix + "auth/callback"}})
	c, err := webconsole.New(webconsole.Config{Store: a.Store, Temporal: a.Temporal, ClientID: "konsoll-sider",
		ClientSecret: "hemmelig", Issuer: a.SlackLocal.Issuer(), BaseURL: srv.URL, CasesPerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(webconsole.Prefix, c.Handler())
	srv.Config.Handler = mux

	ke := newBrowser(t, a)
	ke.base = srv.URL
	if status, body := ke.login(kim); status != http.StatusOK || !strings.Contains(body, "Oversikt") {
		t.Fatalf("login: %d %.500s", status, body)
	}
	_, body, _ := ke.get("/konsoll/saker")
	seen := map[string]bool{}
	var pages [][]string
	for i := 0; ; i++ {
		got := listed(body)
		if len(got) == 0 && i == len(refs) {
			// Visibility may hand out a token after a full last page; the page it leads to
			// says so and leads back.
			mustContain(t, "the page after the last", body, "Ingen flere saker med dette filteret")
			if next, prev := links(body); next != "" || prev == "" {
				t.Errorf("the page after the last: next %q, previous %q", next, prev)
			}
			_, prev := links(body)
			_, body, _ = ke.get(prev)
			if got := listed(body); len(got) != 1 || got[0] != pages[i-1][0] {
				t.Fatalf("back from the page after the last lists %v, want %v", got, pages[i-1])
			}
			break
		}
		if len(got) != 1 {
			t.Fatalf("page %d lists %v, want one case", i+1, got)
		}
		pages = append(pages, got)
		seen[got[0]] = true
		next, prev := links(body)
		if (i == 0) != (prev == "") {
			t.Errorf("page %d: previous link %q", i+1, prev)
		}
		if i > 0 {
			mustContain(t, "page number", body, "Side "+string(rune('1'+i)))
		}
		if next == "" {
			break
		}
		if i > 5 {
			t.Fatal("more pages than cases")
		}
		_, body, _ = ke.get(next)
	}
	if len(pages) != len(refs) || len(seen) != len(refs) {
		t.Fatalf("pages %v, want each of %v once", pages, refs)
	}
	// Back from the last page, one page at a time, to the first.
	for i := len(pages) - 1; i > 0; i-- {
		_, prev := links(body)
		if prev == "" {
			t.Fatalf("page %d has no previous link", i+1)
		}
		_, body, _ = ke.get(prev)
		if got := listed(body); len(got) != 1 || got[0] != pages[i-1][0] {
			t.Fatalf("back to page %d lists %v, want %v", i, got, pages[i-1])
		}
	}
	if _, prev := links(body); prev != "" {
		t.Errorf("back on the first page, a previous link: %q", prev)
	}
}
