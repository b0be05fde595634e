package webconsole

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/samarbeid/samarbeid/calendar"
)

// page is what every template gets: the viewer, the page's own data and helpers.
type page struct {
	V    *viewer
	Nav  string // the menu item of this page
	Path string
	D    map[string]any
}

// T says a catalogue text in the viewer's language.
func (p page) T(key string, args ...any) string { return p.V.tr.T(key, args...) }

// N is T with a plural form by count.
func (p page) N(key string, count int, args ...any) string { return p.V.tr.N(key, count, args...) }

// Lang is the page's language, for <html lang>.
func (p page) Lang() string { return p.V.tr.Lang() }

// day shows a date as Norwegian staff write it, in Oslo time; a missing one is a dash.
func day(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(calendar.Oslo).Format("02.01.2006")
}

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "–"
		}
		return t.In(calendar.Oslo).Format("02.01.2006 15:04")
	},
	"day":        day,
	"iso":        func(t time.Time) string { return t.In(calendar.Oslo).Format("2006-01-02") },
	"pathEscape": url.PathEscape,
	// qs returns the page's query with one parameter changed, for filter and page links.
	"qs": func(q url.Values, kv ...string) string {
		out := url.Values{}
		for k, v := range q {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				out.Del(kv[i])
			} else {
				out.Set(kv[i], kv[i+1])
			}
		}
		return "?" + out.Encode()
	},
	"add": func(a, b int) int { return a + b },
	"pct": func(f float64) string {
		if f < 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f %%", f)
	},
	"days": func(f float64) string {
		if f < 0 {
			return "–"
		}
		return strings.Replace(fmt.Sprintf("%.1f", f), ".", ",", 1)
	},
}

// parsePages parses each page with the layout, so every page defines its own "content".
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("konsollmal %s: %w", f, err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes a page; it renders into a buffer first, so a template error gives a clean
// error page rather than half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, v *viewer, data map[string]any) {
	nav := name
	if n, ok := data["Nav"].(string); ok {
		nav = n
	}
	var buf bytes.Buffer
	if err := c.pages[name].Execute(&buf, page{V: v, Nav: nav, Path: r.URL.Path, D: data}); err != nil {
		c.log.Error("konsollmal", "side", name, "feil", err)
		http.Error(w, v.tr.T("konsoll.error.text"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
