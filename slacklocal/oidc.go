package slacklocal

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Sign in with Slack (OpenID Connect), as Slack serves it: discovery, an authorize page, the
// token method openid.connect.token, openid.connect.userInfo and the signing keys. The
// stand-in is as strict as Slack where a client can go wrong: an unknown client, a redirect
// URI that was not registered or does not match, a wrong client secret, a reused or expired
// code, or (when the client sent a PKCE challenge) a missing or wrong code_verifier.

// Slack's claims for the person and the workspace in an ID token and in userInfo.
const (
	ClaimUserID = "https://slack.com/user_id"
	ClaimTeamID = "https://slack.com/team_id"
	// LocalTeamID is the stand-in workspace's ID.
	LocalTeamID = "T0LOKAL"
)

// Paths of Slack's OIDC endpoints under the issuer.
const (
	oidcAuthorizePath = "/openid/connect/authorize"
	oidcKeysPath      = "/openid/connect/keys"
	oidcTokenMethod   = "openid.connect.token"
	oidcUserMethod    = "openid.connect.userInfo"
	oidcCodeLifetime  = 10 * time.Minute // Slack's codes are short-lived too
	oidcTokenLifetime = time.Hour
)

// OIDCClient is an app registered for Sign in with Slack.
type OIDCClient struct {
	ID, Secret   string
	RedirectURIs []string
}

type oidcCode struct {
	client, redirectURI, user, nonce string
	challenge                        string // PKCE S256 challenge, "" when none was sent
	issued                           time.Time
	used                             bool
}

type oidcProvider struct {
	once    sync.Once
	key     *rsa.PrivateKey
	keyID   string
	mu      sync.Mutex
	clients map[string]OIDCClient
	codes   map[string]*oidcCode
	tokens  map[string]string // access token → user
}

func (s *Server) provider() *oidcProvider {
	p := &s.oidc
	p.once.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("slacklocal: RSA key: " + err.Error())
		}
		p.key, p.keyID = key, "lokal-"+randomHex(4)
		p.clients, p.codes, p.tokens = map[string]OIDCClient{}, map[string]*oidcCode{}, map[string]string{}
	})
	return p
}

// RegisterOIDCClient registers (or replaces) an app that may sign people in.
func (s *Server) RegisterOIDCClient(c OIDCClient) {
	p := s.provider()
	p.mu.Lock()
	p.clients[c.ID] = c
	p.mu.Unlock()
}

// Issuer is the stand-in's OIDC issuer (its public URL), as https://slack.com is Slack's.
func (s *Server) Issuer() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publicURL
}

func (s *Server) registerOIDC(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", s.oidcDiscovery)
	mux.HandleFunc("GET "+oidcAuthorizePath, s.oidcAuthorizePage)
	mux.HandleFunc("POST "+oidcAuthorizePath, s.oidcAuthorize)
	mux.HandleFunc("GET "+oidcKeysPath, s.oidcKeys)
	mux.HandleFunc("POST /api/"+oidcTokenMethod, s.oidcToken)
	mux.HandleFunc("/api/"+oidcUserMethod, s.oidcUserInfo)
}

func (s *Server) oidcDiscovery(w http.ResponseWriter, _ *http.Request) {
	iss := s.Issuer()
	// The same document as https://slack.com/.well-known/openid-configuration, with this
	// stand-in's address; code_challenge_methods_supported tells clients it checks PKCE.
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + oidcAuthorizePath,
		"token_endpoint":                        iss + "/api/" + oidcTokenMethod,
		"userinfo_endpoint":                     iss + "/api/" + oidcUserMethod,
		"jwks_uri":                              iss + oidcKeysPath,
		"scopes_supported":                      []string{"openid", "profile", "email"},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "auth_time", "iss"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

// authorizeRequest checks the client and redirect URI; on failure the person sees an error
// page and is not sent back, since the redirect URI itself may be the attacker's.
func (s *Server) authorizeRequest(q url.Values) (OIDCClient, string) {
	p := s.provider()
	p.mu.Lock()
	c, ok := p.clients[q.Get("client_id")]
	p.mu.Unlock()
	switch {
	case !ok:
		return c, "invalid_client_id: ukjent klient"
	case !slices.Contains(c.RedirectURIs, q.Get("redirect_uri")):
		return c, "bad_redirect_uri: redirect_uri er ikke registrert for appen"
	case q.Get("response_type") != "code":
		return c, "unsupported_response_type: bare response_type=code"
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		return c, "invalid_scope: scope må inneholde openid"
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		return c, "invalid_request: bare code_challenge_method=S256"
	}
	return c, ""
}

var authorizePage = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logg inn med Slack · lokal Slack</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:560px;margin:3em auto;padding:0 1em;color:#1d1c1d}
h1{font-size:24px} ul{list-style:none;padding:0} li{margin:.4em 0}
button{font:inherit;padding:.5em 1em;border:1px solid #4a154b;background:#4a154b;color:#fff;border-radius:6px;cursor:pointer;min-width:18em;text-align:left}
button:focus{outline:3px solid #1264a3;outline-offset:2px} .err{color:#86112f;background:#fde8ec;padding:1em;border-radius:6px}</style>
</head><body><main>
<h1>Logg inn med Slack</h1>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{else}}
<p>Lokal Slack (arbeidsområde {{.Team}}): velg hvem du logger inn som.</p>
<form method="post"><ul>
{{range .Users}}<li><button type="submit" name="user" value="{{.ID}}">{{.Name}} ({{.ID}})</button></li>
{{end}}</ul>
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}</form>{{end}}
</main></body></html>
`))

func (s *Server) oidcAuthorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	_, problem := s.authorizeRequest(q)
	params := map[string]string{}
	for _, k := range []string{"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method"} {
		params[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if problem != "" {
		w.WriteHeader(http.StatusBadRequest)
	}
	_ = authorizePage.Execute(w, map[string]any{"Error": problem, "Team": LocalTeamID, "Users": s.Users(), "Params": params})
}

// oidcAuthorize is the person's choice: issue a code and send them back with it and state.
func (s *Server) oidcAuthorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "ugyldig skjema", http.StatusBadRequest)
		return
	}
	q := r.PostForm
	c, problem := s.authorizeRequest(q)
	if problem == "" && s.userByIDLocked(q.Get("user")) == nil {
		problem = "user_not_found: ukjent bruker"
	}
	if problem != "" {
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	code := randomHex(24)
	p := s.provider()
	p.mu.Lock()
	p.codes[code] = &oidcCode{client: c.ID, redirectURI: q.Get("redirect_uri"), user: q.Get("user"), nonce: q.Get("nonce"),
		challenge: q.Get("code_challenge"), issued: s.now()}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := back.Query()
	v.Set("code", code)
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (s *Server) userByIDLocked(id string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByID(id); u != nil {
		cp := *u
		return &cp
	}
	return nil
}

// oidcToken is openid.connect.token: Slack answers 200 with ok:false on every refusal.
func (s *Server) oidcToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusOK, apiError("invalid_form_data"))
		return
	}
	f := r.PostForm
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	if id, sec, ok := r.BasicAuth(); ok {
		clientID, secret = id, sec
	}
	p := s.provider()
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.clients[clientID]
	if !ok {
		writeJSON(w, http.StatusOK, apiError("invalid_client_id"))
		return
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		writeJSON(w, http.StatusOK, apiError("bad_client_secret"))
		return
	}
	if gt := f.Get("grant_type"); gt != "" && gt != "authorization_code" {
		writeJSON(w, http.StatusOK, apiError("unsupported_grant_type"))
		return
	}
	code := p.codes[f.Get("code")]
	switch {
	case code == nil || code.client != clientID:
		writeJSON(w, http.StatusOK, apiError("invalid_code"))
		return
	case code.used:
		writeJSON(w, http.StatusOK, apiError("code_already_used"))
		return
	case s.now().Sub(code.issued) > oidcCodeLifetime:
		writeJSON(w, http.StatusOK, apiError("code_expired"))
		return
	case f.Get("redirect_uri") != code.redirectURI:
		writeJSON(w, http.StatusOK, apiError("bad_redirect_uri"))
		return
	case code.challenge != "" && !pkceMatches(f.Get("code_verifier"), code.challenge):
		writeJSON(w, http.StatusOK, apiError("invalid_code_verifier"))
		return
	}
	code.used = true
	access := "xoxp-lokal-" + randomHex(16)
	p.tokens[access] = code.user
	idToken, err := s.signIDToken(p, clientID, code)
	if err != nil {
		writeJSON(w, http.StatusOK, apiError("internal_error"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "access_token": access, "token_type": "Bearer",
		"expires_in": int(oidcTokenLifetime.Seconds()), "id_token": idToken})
}

func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	return verifier != "" && subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// claims are Slack's: sub is the user ID, and Slack's own claims name user and workspace.
func (s *Server) claims(user string) map[string]any {
	name := user
	if u := s.userByIDLocked(user); u != nil {
		name = u.Name
	}
	return map[string]any{"sub": user, ClaimUserID: user, ClaimTeamID: LocalTeamID, "name": name,
		"https://slack.com/team_name": "lokal Slack"}
}

func (s *Server) signIDToken(p *oidcProvider, audience string, code *oidcCode) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", p.keyID))
	if err != nil {
		return "", err
	}
	now := s.now()
	claims := s.claims(code.user)
	claims["iss"], claims["aud"] = s.Issuer(), audience
	claims["iat"], claims["auth_time"], claims["exp"] = now.Unix(), now.Unix(), now.Add(oidcTokenLifetime).Unix()
	if code.nonce != "" {
		claims["nonce"] = code.nonce
	}
	return jwt.Signed(signer).Claims(claims).Serialize()
}

func (s *Server) oidcKeys(w http.ResponseWriter, _ *http.Request) {
	p := s.provider()
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: p.keyID, Algorithm: "RS256", Use: "sig"}}})
}

// oidcUserInfo is openid.connect.userInfo, with the access token as a Bearer token.
func (s *Server) oidcUserInfo(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		_ = r.ParseForm()
		token = r.Form.Get("token")
	}
	p := s.provider()
	p.mu.Lock()
	user, ok := p.tokens[token]
	p.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, apiError("invalid_auth"))
		return
	}
	out := s.claims(user)
	out["ok"] = true
	writeJSON(w, http.StatusOK, out)
}
