// Package webconsole is samarbeid's read-only web console for the coordinating unit (KE),
// auditors and administrators, behind Sign in with Slack (OpenID Connect). It shows what the
// Slack surfaces cannot hold: every case, its timeline from the ledger, the indicators as
// charts, the ledger's verification and exports. Actions stay in Slack.
//
// Who sees what follows the bot's need-to-know rules: the KE and auditors read every case,
// administrators see the directory and no case details, everyone else is refused. Every look
// at a case's details is written to the access log before it is shown.
package webconsole

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/coreos/go-oidc/v3/oidc"
	"go.temporal.io/sdk/client"
	"golang.org/x/oauth2"

	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/i18n"
	"github.com/samarbeid/samarbeid/store"
	"github.com/samarbeid/samarbeid/workflows"
)

// Prefix is where the console is served.
const Prefix = "/konsoll/"

// ClaimUserID is Slack's claim for the signed-in person's user ID (Sign in with Slack).
const ClaimUserID = "https://slack.com/user_id"

// DefaultIssuer is Slack's OpenID Connect issuer.
const DefaultIssuer = "https://slack.com"

// Config is what the console needs.
type Config struct {
	Store    *store.Store
	Temporal client.Client
	// Sessions keeps the sessions server-side; nil keeps them in memory (one process only).
	Sessions scs.Store
	// Slack app credentials for Sign in with Slack, and the issuer (Slack's, or the stand-in).
	ClientID, ClientSecret, Issuer string
	// BaseURL is the address people reach samarbeid at, e.g. https://samarbeid.kommune.no;
	// the console is under BaseURL/konsoll/ and Slack sends people back to
	// BaseURL/konsoll/auth/callback (register it as a redirect URL of the Slack app).
	BaseURL string
	// Language is the workspace's language; a person's own choice wins.
	Language string
	// AccessLog records every look at a case's details; nil is the database's (Store).
	AccessLog AccessLog
	Logger    *slog.Logger
	Now       func() time.Time
	// ExportSigningKey is SAMARBEID_EXPORT_SIGNING_KEY: a period's JSON export is signed with
	// it, as `samarbeid audit export` signs; empty leaves the export unsigned.
	ExportSigningKey string
	// CasesPerPage is how many cases a page of Saker lists; 0 means perPage. A test sets
	// it low to walk the pages with a few cases.
	CasesPerPage int
}

// Console serves the pages.
type Console struct {
	cfg      Config
	log      *slog.Logger
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	now      func() time.Time
	// exportKey signs exports (nil: unsigned).
	exportKey ed25519.PrivateKey

	mu       sync.Mutex
	provider *oidc.Provider // discovered on the first login, so samarbeid starts without Slack
}

//go:embed templates/*.html static/*
var assets embed.FS

// New makes the console; it contacts nobody until the first login.
func New(cfg Config) (*Console, error) {
	if cfg.Store == nil || cfg.Temporal == nil {
		return nil, errors.New("konsollet trenger database og Temporal")
	}
	if cfg.AccessLog == nil {
		cfg.AccessLog = cfg.Store // store.LogAccess: the access log the bot writes too
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("konsollet trenger SLACK_CLIENT_ID og SLACK_CLIENT_SECRET")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("konsollets adresse %q er ikke en URL", cfg.BaseURL)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.CasesPerPage <= 0 {
		cfg.CasesPerPage = perPage
	}
	c := &Console{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if c.log == nil {
		c.log = slog.Default()
	}
	if c.now == nil {
		c.now = time.Now
	}
	if cfg.ExportSigningKey != "" {
		if c.exportKey, err = audit.ParseSigningKey(cfg.ExportSigningKey); err != nil {
			return nil, fmt.Errorf("SAMARBEID_EXPORT_SIGNING_KEY: %w", err)
		}
	}
	if c.pages, err = parsePages(); err != nil {
		return nil, err
	}
	sm := scs.New()
	if cfg.Sessions != nil {
		sm.Store = cfg.Sessions
	}
	sm.Lifetime = 8 * time.Hour // a working day, then sign in again
	sm.IdleTimeout = time.Hour
	sm.Cookie.Name = "samarbeid_konsoll"
	sm.Cookie.Path = Prefix
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode // Lax: the redirect back from Slack carries it
	// Secure always, except plain http on this machine (samarbeid dev), where a browser
	// would not send a Secure cookie back.
	sm.Cookie.Secure = base.Scheme == "https"
	c.sessions = sm
	return c, nil
}

// Handler serves everything under Prefix. Cross-origin unsafe requests (the logout form
// posted from another site) are refused by net/http's CrossOriginProtection.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET "+Prefix+"static/", http.StripPrefix(Prefix+"static/", http.FileServerFS(static)))
	mux.HandleFunc("GET "+Prefix+"logg-inn", c.loginPage)
	mux.HandleFunc("GET "+Prefix+"auth/start", c.authStart)
	mux.HandleFunc("GET "+Prefix+"auth/callback", c.authCallback)
	mux.HandleFunc("POST "+Prefix+"logg-ut", c.logout)
	mux.HandleFunc("GET "+Prefix+"{$}", c.signedIn(readsCases, c.overviewPage))
	mux.HandleFunc("GET "+Prefix+"saker", c.signedIn(readsCases, c.casesPage))
	mux.HandleFunc("GET "+Prefix+"sak/{ref}", c.signedIn(readsDirectory, c.casePage)) // casePage logs an administrator's refused look
	mux.HandleFunc("GET "+Prefix+"indikatorer", c.signedIn(readsCases, c.indicatorsPage))
	mux.HandleFunc("GET "+Prefix+"revisjon", c.signedIn(readsCases, c.auditPage))
	mux.HandleFunc("GET "+Prefix+"revisjon/eksport", c.signedIn(readsCases, c.exportDownload))
	mux.HandleFunc("GET "+Prefix+"katalog", c.signedIn(readsDirectory, c.directoryPage))
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		c.render(w, r, http.StatusNotFound, "message", c.anonymous(r), map[string]any{"Title": "konsoll.notfound.title", "Text": "konsoll.notfound.text"})
	})
	cop := http.NewCrossOriginProtection()
	return securityHeaders(cop.Handler(c.sessions.LoadAndSave(mux)))
}

// securityHeaders: no framing, no sniffing, and nothing loaded from elsewhere.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// ---- who is signed in ----

// viewer is the signed-in person as the directory knows them now.
type viewer struct {
	store.Staff
	KE, Auditor, Admin bool
	tr                 *i18n.Translator
	CSRF               string
}

func readsCases(v *viewer) bool     { return v.KE || v.Auditor }
func readsDirectory(v *viewer) bool { return v.KE || v.Auditor || v.Admin }

// allowedIn reports whether the directory lets the person into the console at all.
func (v *viewer) allowedIn() bool { return readsDirectory(v) }

// lookUp reads the person from the directory on every request, so a role taken away in the
// directory takes effect at once, not at the end of the session.
func (c *Console) lookUp(ctx context.Context, slackUserID string) (*viewer, error) {
	st, err := c.cfg.Store.StaffBySlackUser(ctx, slackUserID)
	if err != nil {
		return nil, err
	}
	v := &viewer{Staff: st}
	a := workflows.Actor{SlackUserID: st.SlackUserID, ServiceIDs: st.ServiceIDs, Roles: st.Roles}
	v.Auditor, v.Admin = a.Has(workflows.RoleAuditor), a.Has(workflows.RoleAdmin)
	if ke, err := c.cfg.Store.CoordinatingUnit(ctx); err == nil {
		v.KE = a.MemberOf(ke.ID)
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	v.tr = i18n.For(i18n.Resolve(st.Language, c.cfg.Language))
	return v, nil
}

// anonymous is a visitor not signed in, in the workspace's language.
func (c *Console) anonymous(*http.Request) *viewer {
	return &viewer{tr: i18n.For(i18n.Resolve("", c.cfg.Language))}
}

const (
	sessUser     = "slack_user"
	sessState    = "oidc_state"
	sessNonce    = "oidc_nonce"
	sessVerifier = "oidc_verifier"
	sessNext     = "next"
	sessCSRF     = "csrf"
)

// signedIn lets the request through to page when the session's person passes may.
func (c *Console) signedIn(may func(*viewer) bool, page func(http.ResponseWriter, *http.Request, *viewer)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		uid := c.sessions.GetString(r.Context(), sessUser)
		if uid == "" {
			c.sessions.Put(r.Context(), sessNext, r.URL.RequestURI())
			http.Redirect(w, r, Prefix+"logg-inn", http.StatusSeeOther)
			return
		}
		v, err := c.lookUp(r.Context(), uid)
		if errors.Is(err, store.ErrNotFound) {
			c.refuse(w, r, c.anonymous(r), "konsoll.refused.not_registered")
			return
		}
		if err != nil {
			c.fail(w, r, c.anonymous(r), err)
			return
		}
		v.CSRF = c.sessions.GetString(r.Context(), sessCSRF)
		switch {
		case !v.allowedIn():
			c.refuse(w, r, v, "konsoll.refused.not_for_you")
		case !may(v):
			c.refuse(w, r, v, "konsoll.refused.admin_no_cases")
		default:
			page(w, r, v)
		}
	}
}

func (c *Console) refuse(w http.ResponseWriter, r *http.Request, v *viewer, key string) {
	c.render(w, r, http.StatusForbidden, "message", v, map[string]any{"Title": "konsoll.refused.title", "Text": key, "SignedIn": v.SlackUserID != ""})
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	c.log.Error("konsollet", "sti", r.URL.Path, "feil", err)
	c.render(w, r, http.StatusInternalServerError, "message", v, map[string]any{"Title": "konsoll.error.title", "Text": "konsoll.error.text"})
}

// ---- Sign in with Slack ----

func (c *Console) oauth(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.provider == nil {
		p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("Sign in with Slack (%s): %w", c.cfg.Issuer, err)
		}
		c.provider = p
	}
	ep := c.provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams // client_secret_post, which Slack documents
	cfg := &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: ep,
		RedirectURL: strings.TrimRight(c.cfg.BaseURL, "/") + Prefix + "auth/callback",
		Scopes:      []string{oidc.ScopeOpenID, "profile"}}
	return cfg, c.provider.Verifier(&oidc.Config{ClientID: c.cfg.ClientID}), nil
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if uid := c.sessions.GetString(r.Context(), sessUser); uid != "" {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	c.render(w, r, http.StatusOK, "login", c.anonymous(r), nil)
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authStart sends the person to Slack with a fresh state, nonce and PKCE verifier, kept in
// the session so the callback can check that it answers this browser's own request.
func (c *Console) authStart(w http.ResponseWriter, r *http.Request) {
	oc, _, err := c.oauth(r.Context())
	if err != nil {
		c.fail(w, r, c.anonymous(r), err)
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	c.sessions.Put(r.Context(), sessState, state)
	c.sessions.Put(r.Context(), sessNonce, nonce)
	c.sessions.Put(r.Context(), sessVerifier, verifier)
	http.Redirect(w, r, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

func (c *Console) authCallback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	state := c.sessions.PopString(ctx, sessState)
	nonce := c.sessions.PopString(ctx, sessNonce)
	verifier := c.sessions.PopString(ctx, sessVerifier)
	q := r.URL.Query()
	if state == "" || q.Get("state") != state {
		c.render(w, r, http.StatusBadRequest, "message", c.anonymous(r), map[string]any{"Title": "konsoll.login.failed_title", "Text": "konsoll.login.bad_state"})
		return
	}
	if q.Get("error") != "" {
		c.render(w, r, http.StatusForbidden, "message", c.anonymous(r), map[string]any{"Title": "konsoll.login.failed_title", "Text": "konsoll.login.cancelled"})
		return
	}
	oc, verify, err := c.oauth(ctx)
	if err != nil {
		c.fail(w, r, c.anonymous(r), err)
		return
	}
	tok, err := oc.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		c.log.Warn("innlogging: koden ble ikke godtatt", "feil", err)
		c.render(w, r, http.StatusBadRequest, "message", c.anonymous(r), map[string]any{"Title": "konsoll.login.failed_title", "Text": "konsoll.login.bad_code"})
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verify.Verify(ctx, raw)
	var claims map[string]any
	if err == nil {
		err = idt.Claims(&claims)
	}
	if err == nil && (nonce == "" || idt.Nonce != nonce) {
		err = errors.New("nonce stemmer ikke")
	}
	uid, _ := claims[ClaimUserID].(string)
	if err == nil && uid == "" {
		err = errors.New("ID-tokenet mangler " + ClaimUserID)
	}
	if err != nil {
		c.log.Warn("innlogging: ID-tokenet ble ikke godtatt", "feil", err)
		c.render(w, r, http.StatusBadRequest, "message", c.anonymous(r), map[string]any{"Title": "konsoll.login.failed_title", "Text": "konsoll.login.bad_code"})
		return
	}
	// A new session token at sign-in, so a token planted before it is worth nothing after.
	if err := c.sessions.RenewToken(ctx); err != nil {
		c.fail(w, r, c.anonymous(r), err)
		return
	}
	next := c.sessions.PopString(ctx, sessNext)
	c.sessions.Put(ctx, sessUser, uid)
	c.sessions.Put(ctx, sessCSRF, randomToken())
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, Prefix+"auth/") {
		next = Prefix
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session on the server; the form carries the session's CSRF token as well
// as being same-origin (CrossOriginProtection).
func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	want := c.sessions.GetString(r.Context(), sessCSRF)
	if want != "" && r.PostFormValue("csrf") != want {
		http.Error(w, "ugyldig skjema: last siden på nytt og prøv igjen", http.StatusForbidden)
		return
	}
	if err := c.sessions.Destroy(r.Context()); err != nil {
		c.fail(w, r, c.anonymous(r), err)
		return
	}
	c.render(w, r, http.StatusOK, "message", c.anonymous(r), map[string]any{"Title": "konsoll.logout.title", "Text": "konsoll.logout.text", "LoginAgain": true})
}
