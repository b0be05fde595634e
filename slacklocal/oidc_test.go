package slacklocal

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// oidcFixture is a stand-in with one registered client, and that client's oauth2 config.
func oidcFixture(t *testing.T) (*Server, *httptest.Server, oauth2.Config, *oidc.Provider) {
	t.Helper()
	s := New(Options{Users: []User{{ID: "U0KE", Name: "Kari KE"}}})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.SetPublicURL(ts.URL)
	redirect := "http://konsoll.test/konsoll/callback"
	s.RegisterOIDCClient(OIDCClient{ID: "klient", Secret: "hemmelig", RedirectURIs: []string{redirect}})
	prov, err := oidc.NewProvider(context.Background(), ts.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	ep := prov.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInParams
	return s, ts, oauth2.Config{ClientID: "klient", ClientSecret: "hemmelig", Endpoint: ep, RedirectURL: redirect,
		Scopes: []string{oidc.ScopeOpenID, "profile"}}, prov
}

// pick plays the person on the authorize page: choose user, return the code sent back.
func pick(t *testing.T, authURL, user string) (code, state string) {
	t.Helper()
	u, _ := url.Parse(authURL)
	page, err := http.Get(authURL)
	if err != nil || page.StatusCode != http.StatusOK {
		t.Fatalf("authorize page: %v %v", err, page.Status)
	}
	page.Body.Close()
	form := u.Query()
	form.Set("user", user)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.PostForm(u.Scheme+"://"+u.Host+u.Path, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %s", resp.Status)
	}
	back, _ := url.Parse(resp.Header.Get("Location"))
	return back.Query().Get("code"), back.Query().Get("state")
}

func TestOIDCSignInAsSlackDoes(t *testing.T) {
	_, _, cfg, prov := oidcFixture(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	code, state := pick(t, cfg.AuthCodeURL("tilstand", oidc.Nonce("engang"), oauth2.S256ChallengeOption(verifier)), "U0KE")
	if state != "tilstand" || code == "" {
		t.Fatalf("state %q code %q", state, code)
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&oidc.Config{ClientID: "klient"}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("verify ID token: %v", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims[ClaimUserID] != "U0KE" || claims[ClaimTeamID] != LocalTeamID || idt.Nonce != "engang" || idt.Subject != "U0KE" {
		t.Fatalf("claims %v nonce %q", claims, idt.Nonce)
	}
	info, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || info.Subject != "U0KE" {
		t.Fatalf("userInfo: %v %v", info, err)
	}

	// The same code a second time is refused.
	if _, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier)); err == nil || !strings.Contains(err.Error(), "code_already_used") {
		t.Fatalf("reused code: %v", err)
	}
}

func TestOIDCRefusesWhatSlackRefuses(t *testing.T) {
	_, ts, cfg, _ := oidcFixture(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	fresh := func() string {
		code, _ := pick(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "U0KE")
		return code
	}
	wrongSecret := cfg
	wrongSecret.ClientSecret = "feil"
	if _, err := wrongSecret.Exchange(ctx, fresh(), oauth2.VerifierOption(verifier)); err == nil || !strings.Contains(err.Error(), "bad_client_secret") {
		t.Errorf("wrong secret: %v", err)
	}
	wrongRedirect := cfg
	wrongRedirect.RedirectURL = "http://annen.test/cb"
	if _, err := wrongRedirect.Exchange(ctx, fresh(), oauth2.VerifierOption(verifier)); err == nil || !strings.Contains(err.Error(), "bad_redirect_uri") {
		t.Errorf("wrong redirect at token: %v", err)
	}
	if _, err := cfg.Exchange(ctx, fresh(), oauth2.VerifierOption("feil-verifier-feil-verifier-feil-verifier-123")); err == nil || !strings.Contains(err.Error(), "invalid_code_verifier") {
		t.Errorf("wrong PKCE verifier: %v", err)
	}
	// An unregistered redirect URI gets an error page, and no code is sent anywhere.
	resp, err := http.Get(wrongRedirect.AuthCodeURL("s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("authorize with unregistered redirect: %s", resp.Status)
	}
	// userInfo without a valid token.
	resp, err = http.Get(ts.URL + "/api/openid.connect.userInfo")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if out["ok"] != false || out["error"] != "invalid_auth" {
		t.Errorf("userInfo without token: %v", out)
	}
}
