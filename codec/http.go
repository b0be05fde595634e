package codec

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/converter"

	"github.com/samarbeid/samarbeid/i18n"
)

// HandlerOptions say who may use the codec endpoint.
type HandlerOptions struct {
	// Token is the bearer token a caller shows (Authorization: Bearer <token>), or types once
	// at /codec/login to get a session cookie for the Web UI. Empty: the endpoint refuses
	// everyone.
	Token string
	// Origins are the Temporal Web UI origins (scheme://host:port) allowed to call from a
	// browser (CORS, with credentials).
	Origins []string
	// UIURL, when set, is linked from the login page.
	UIURL string
	// Language of the login page: the workspace's.
	Language string
	// Now is the clock for the session cookie; nil is time.Now.
	Now func() time.Time
}

const (
	cookieName = "samarbeid_kodek"
	sessionTTL = 8 * time.Hour
	maxBody    = 8 << 20 // Temporal allows 2 MB a payload; a UI page asks for several
)

// Handler serves the codec endpoint as Temporal's Web UI and CLI expect it, under /codec/:
// POST /codec/decode and /codec/encode take and give {"payloads": [...]} in protobuf JSON.
// Only an authorised caller is served: a bearer token, or the session cookie /codec/login
// sets after the same token was typed (the Web UI sends cookies with includeCredentials).
func (c *Codec) Handler(opts HandlerOptions) http.Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &handler{opts: opts, codec: converter.NewPayloadCodecHTTPHandler(c)}
	mux := http.NewServeMux()
	mux.HandleFunc("/codec/login", h.login)
	mux.HandleFunc("/codec/", h.serve)
	return mux
}

type handler struct {
	opts  HandlerOptions
	codec http.Handler
}

func (h *handler) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	w.Header().Add("Vary", "Origin")
	if origin != "" && slices.Contains(h.opts.Origins, origin) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		w.Header().Set("Access-Control-Max-Age", "600")
	}
}

func (h *handler) serve(w http.ResponseWriter, r *http.Request) {
	h.cors(w, r)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent) // a preflight carries no credentials
		return
	}
	if r.URL.Path != "/codec/decode" && r.URL.Path != "/codec/encode" {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "bruk POST", http.StatusMethodNotAllowed)
		return
	}
	if !h.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="samarbeid-kodek"`)
		http.Error(w, i18n.For(h.opts.Language).T("codec.unauthorised"), http.StatusUnauthorized)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	h.codec.ServeHTTP(w, r)
}

// authorised: the bearer token, or a session cookie made from it that has not expired.
func (h *handler) authorised(r *http.Request) bool {
	if h.opts.Token == "" {
		return false
	}
	if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
		return equal(strings.TrimPrefix(auth, "Bearer "), h.opts.Token)
	}
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	exp, mac, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return false
	}
	until, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || h.opts.Now().Unix() > until {
		return false
	}
	return equal(mac, h.sessionMAC(exp))
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// sessionMAC binds a cookie's expiry to the token, so the cookie never holds the token and
// a new token ends every session.
func (h *handler) sessionMAC(exp string) string {
	m := hmac.New(sha256.New, []byte(h.opts.Token))
	m.Write([]byte("samarbeid-kodek|" + exp))
	return hex.EncodeToString(m.Sum(nil))
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; line-height: 1.5">
<h1>{{.Title}}</h1>
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{if .UIURL}}{{if .OK}}<p><a href="{{.UIURL}}">{{.UILink}}</a></p>{{end}}{{end}}
{{if not .OK}}<p>{{.Intro}}</p>
<form method="post" action="/codec/login">
<label for="token">{{.Label}}</label><br>
<input id="token" name="token" type="password" autocomplete="off" required size="40">
<button type="submit">{{.Button}}</button>
</form>{{end}}
</body></html>`))

// login shows a form for the token and, when it is right, sets the session cookie the Web UI
// then sends with every codec call.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	tr := i18n.For(h.opts.Language)
	page := map[string]any{"Lang": i18n.Resolve(h.opts.Language, ""), "Title": tr.T("codec.login_title"),
		"Intro": tr.T("codec.login_intro"), "Label": tr.T("codec.login_label"), "Button": tr.T("codec.login_button"),
		"UIURL": h.opts.UIURL, "UILink": tr.T("codec.login_ui")}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		if h.opts.Token == "" || !equal(r.PostFormValue("token"), h.opts.Token) {
			w.WriteHeader(http.StatusUnauthorized)
			page["Message"] = tr.T("codec.login_wrong")
			break
		}
		exp := strconv.FormatInt(h.opts.Now().Add(sessionTTL).Unix(), 10)
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: exp + "." + h.sessionMAC(exp), Path: "/codec/",
			MaxAge: int(sessionTTL.Seconds()), HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		page["OK"], page["Message"] = true, tr.T("codec.login_ok", "Hours", int(sessionTTL.Hours()))
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "bruk GET eller POST", http.StatusMethodNotAllowed)
		return
	}
	_ = loginPage.Execute(w, page)
}
