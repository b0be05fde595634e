package codec

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
)

const secretText = "Eleven trenger tilrettelegging i matematikk"

func mustParse(t *testing.T, spec string) *Codec {
	t.Helper()
	c, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripHidesTheText(t *testing.T) {
	c := mustParse(t, NewKey("k1"))
	dc := c.DataConverter()
	p, err := dc.ToPayload(map[string]string{"begrunnelse": secretText})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.GetData(), []byte("matematikk")) || string(p.GetMetadata()[metadataKeyID]) != "k1" {
		t.Fatalf("payload not sealed with k1: %s", p)
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil || back["begrunnelse"] != secretText {
		t.Fatalf("%v %v", back, err)
	}
	// A payload from before encryption (or a recorded history) reads as it is.
	plain, _ := converter.GetDefaultDataConverter().ToPayload("klartekst")
	var s string
	if err := dc.FromPayload(plain, &s); err != nil || s != "klartekst" {
		t.Fatalf("%q %v", s, err)
	}
}

// A payload sealed with an old key decrypts once a new active key is put in front of it;
// new payloads use the new key; without the old key the error says what to do.
func TestKeyRotation(t *testing.T) {
	old := NewKey("2026-01")
	sealed, err := mustParse(t, old).DataConverter().ToPayload(secretText)
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustParse(t, NewKey("2026-07")+","+old)
	if rotated.ActiveKeyID() != "2026-07" {
		t.Fatalf("active %q", rotated.ActiveKeyID())
	}
	var s string
	if err := rotated.DataConverter().FromPayload(sealed, &s); err != nil || s != secretText {
		t.Fatalf("old payload after rotation: %q %v", s, err)
	}
	fresh, _ := rotated.DataConverter().ToPayload("ny")
	if string(fresh.GetMetadata()[metadataKeyID]) != "2026-07" {
		t.Fatalf("new payload sealed with %q", fresh.GetMetadata()[metadataKeyID])
	}
	_, err = mustParse(t, NewKey("2026-07")).Decode([]*commonpb.Payload{sealed})
	if err == nil || !strings.Contains(err.Error(), "2026-01") || !strings.Contains(err.Error(), "SAMARBEID_PAYLOAD_KEYS") {
		t.Fatalf("decrypting without the old key: %v", err)
	}
	// A payload whose key ID was changed to another configured key does not open.
	sealed.Metadata[metadataKeyID] = []byte("2026-07")
	if _, err := rotated.Decode([]*commonpb.Payload{sealed}); err == nil {
		t.Fatal("a payload relabelled to another key was opened")
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	for _, spec := range []string{"", "k1", "k1:ikke-base64!", "k1:" + "AAAA", "k 1:" + strings.Repeat("A", 44), NewKey("a") + "," + NewKey("a")} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("%q accepted", spec)
		} else if strings.Contains(err.Error(), "AAAA") {
			t.Errorf("the error shows the key: %v", err)
		}
	}
}

func TestDevKeysAreKept(t *testing.T) {
	dir := t.TempDir()
	first, path, created, err := DevKeys(dir)
	if err != nil || !created || !strings.HasPrefix(path, dir) {
		t.Fatalf("%v %v %v", path, created, err)
	}
	again, _, created, err := DevKeys(dir)
	if err != nil || created || again != first {
		t.Fatal("a restart made a new key: the kept histories would not decrypt")
	}
}

func TestHandlerServesOnlyTheAuthorised(t *testing.T) {
	c := mustParse(t, NewKey("k1"))
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	h := c.Handler(HandlerOptions{Token: "riktig-token", Origins: []string{"http://127.0.0.1:8233"}, Now: func() time.Time { return now }})
	sealed, _ := c.DataConverter().ToPayload(secretText)
	body, _ := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{sealed}})

	decode := func(mod func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/codec/decode", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://127.0.0.1:8233")
		mod(req)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := decode(func(*http.Request) {}); rec.Code != http.StatusUnauthorized || strings.Contains(rec.Body.String(), "matematikk") {
		t.Fatalf("no credentials: %d %s", rec.Code, rec.Body)
	}
	if rec := decode(func(r *http.Request) { r.Header.Set("Authorization", "Bearer feil") }); rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", rec.Code)
	}
	rec := decode(func(r *http.Request) { r.Header.Set("Authorization", "Bearer riktig-token") })
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), base64Of(secretText)) {
		t.Fatalf("bearer: %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8233" || rec.Header().Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("CORS headers: %v", rec.Header())
	}

	// The Web UI: a preflight, then the cookie from /codec/login.
	pre := httptest.NewRequest(http.MethodOptions, "/codec/decode", nil)
	pre.Header.Set("Origin", "http://127.0.0.1:8233")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	prerec := httptest.NewRecorder()
	h.ServeHTTP(prerec, pre)
	if prerec.Code != http.StatusNoContent || !strings.Contains(prerec.Header().Get("Access-Control-Allow-Headers"), "X-Namespace") {
		t.Fatalf("preflight: %d %v", prerec.Code, prerec.Header())
	}
	other := httptest.NewRequest(http.MethodOptions, "/codec/decode", nil)
	other.Header.Set("Origin", "https://ondsinnet.example")
	otherrec := httptest.NewRecorder()
	h.ServeHTTP(otherrec, other)
	if otherrec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("another origin was let in")
	}

	login := func(token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/codec/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := login("feil"); rec.Code != http.StatusUnauthorized || len(rec.Result().Cookies()) != 0 {
		t.Fatalf("wrong token at login: %d %v", rec.Code, rec.Result().Cookies())
	}
	cookies := login("riktig-token").Result().Cookies()
	if len(cookies) != 1 || strings.Contains(cookies[0].Value, "riktig-token") || !cookies[0].HttpOnly {
		t.Fatalf("session cookie: %+v", cookies)
	}
	if rec := decode(func(r *http.Request) { r.AddCookie(cookies[0]) }); rec.Code != http.StatusOK {
		t.Fatalf("cookie: %d %s", rec.Code, rec.Body)
	}
	now = now.Add(sessionTTL + time.Minute)
	if rec := decode(func(r *http.Request) { r.AddCookie(cookies[0]) }); rec.Code != http.StatusUnauthorized {
		t.Fatalf("expired cookie: %d", rec.Code)
	}

	// With no token configured, nobody is served.
	closed := c.Handler(HandlerOptions{})
	req := httptest.NewRequest(http.MethodPost, "/codec/decode", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer ")
	rec = httptest.NewRecorder()
	closed.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("no token configured: %d", rec.Code)
	}
}

func base64Of(s string) string {
	p, _ := converter.GetDefaultDataConverter().ToPayload(s)
	b, _ := protojson.Marshal(p)
	// the JSON payload's data field, as the handler writes it
	_, data, _ := strings.Cut(string(b), `"data":"`)
	data, _, _ = strings.Cut(data, `"`)
	return data
}
