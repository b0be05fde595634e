package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samarbeid/samarbeid/access"
	"github.com/samarbeid/samarbeid/audit"
	"github.com/samarbeid/samarbeid/slacklocal"
	"github.com/samarbeid/samarbeid/webconsole"
)

// TestConsoleExportIsTheSignedFile: the Revisjon page's JSON export of a period is the file
// `samarbeid audit export` writes: the ledger's head (a row the ledger has, with its hash),
// signed when SAMARBEID_EXPORT_SIGNING_KEY is configured, so verify-export and verify
// --anker take it; a changed copy is refused. Without the key it is the same file, unsigned.
// Each case exported is a look in the access log.
func TestConsoleExportIsTheSignedFile(t *testing.T) {
	a := startApp(t)
	refs := consoleCases(t, a, 2)
	ctx := context.Background()
	priv, pub, err := audit.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	pubKey, err := audit.ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(nil)
	defer srv.Close()
	a.SlackLocal.RegisterOIDCClient(slacklocal.OIDCClient{ID: "konsoll-signert", Secret: "hemmelig",
		RedirectURIs: []string{srv.URL + webconsole.Prefix + "auth/callback"}})
	c, err := webconsole.New(webconsole.Config{Store: a.Store, Temporal: a.Temporal, ClientID: "konsoll-signert",
		ClientSecret: "hemmelig", Issuer: a.SlackLocal.Issuer(), BaseURL: srv.URL, ExportSigningKey: priv})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(webconsole.Prefix, c.Handler())
	srv.Config.Handler = mux

	ke := newBrowser(t, a)
	ke.base = srv.URL
	if status, body := ke.login(kim); status != http.StatusOK {
		t.Fatalf("login: %d %.500s", status, body)
	}
	_, page, _ := ke.get("/konsoll/revisjon")
	mustContain(t, "Revisjon with the key", page, "signert med Ed25519", "audit verify-export")
	const period = "/konsoll/revisjon/eksport?fra=2026-01-01&til=2030-01-01&format="
	status, body, hdr := ke.get(period + "json")
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" || !strings.Contains(hdr.Get("Content-Disposition"), "revisjon-2026-01-01-2030-01-01.json") {
		t.Fatalf("signed export: %d %v\n%.500s", status, hdr, body)
	}
	doc, err := audit.VerifyExport([]byte(body), pubKey)
	if err != nil {
		t.Fatalf("the console's export does not verify with the public key: %v\n%.800s", err, body)
	}
	rows, err := a.Store.AuditRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var headRow bool
	for _, r := range rows {
		headRow = headRow || (doc.Head != nil && r.Seq == doc.Head.Seq && r.Hash == doc.Head.Hash)
	}
	var exported []string
	for _, ct := range doc.Cases {
		exported = append(exported, ct.Case)
	}
	if doc.Head == nil || !headRow || doc.Head.Seq < int64(len(rows))-10 || len(doc.Cases) != len(refs) {
		t.Fatalf("export's head %+v (a row of the ledger: %v, %d rows), cases %v, want %v", doc.Head, headRow, len(rows), exported, refs)
	}
	t.Logf("signed console export: %d bytes, %d cases, head row %d of %d", len(body), len(doc.Cases), doc.Head.Seq, len(rows))

	// The file is an anchor for verify --anker, but only as signed.
	head, err := audit.ReadExportHead([]byte(body), pubKey)
	if err != nil || head.Seq != doc.Head.Seq {
		t.Fatalf("anchor from the console's export: %+v %v", head, err)
	}
	rep, err := audit.Verify(ctx, a.Store, a.Temporal, *head)
	if err != nil || !rep.OK() {
		t.Fatalf("verify against the console's export: %v %+v", err, rep.Findings)
	}
	tampered := strings.Replace(body, refs[0], refs[1], 1)
	if _, err := audit.ReadExportHead([]byte(tampered), pubKey); err == nil || !strings.Contains(err.Error(), "signaturen stemmer ikke") {
		t.Fatalf("a changed copy of the console's export: %v", err)
	}

	// Every case in it is a look by the KE on the export surface.
	for _, ref := range refs {
		var logged bool
		for _, l := range consoleLooks(t, a, ref) {
			logged = logged || (l.Viewer == kim && l.Surface == webconsole.SurfaceExport && l.Allowed && l.Scope == string(access.Whole))
		}
		if !logged {
			t.Errorf("the export of %s is not in the access log: %+v", ref, consoleLooks(t, a, ref))
		}
	}

	// The HTML copy names the head; the CSV is a working copy, unsigned.
	_, html, _ := ke.get(period + "html")
	mustContain(t, "HTML export", html, "Revisjonsloggens hode da eksporten ble laget", doc.Head.Hash)
	_, csv, _ := ke.get(period + "csv")
	if !strings.HasPrefix(csv, "sak,nr,") || strings.Contains(csv, "signatur") {
		t.Errorf("CSV export: %.300s", csv)
	}

	// The app's own console has no key: the same file with its head, unsigned.
	plain := newBrowser(t, a)
	if status, _ := plain.login(kim); status != http.StatusOK {
		t.Fatalf("login to the app's console: %d", status)
	}
	_, page, _ = plain.get("/konsoll/revisjon")
	mustContain(t, "Revisjon without the key", page, "ikke signert: SAMARBEID_EXPORT_SIGNING_KEY er ikke satt")
	_, body, _ = plain.get(period + "json")
	if _, err := audit.VerifyExport([]byte(body), pubKey); !errors.Is(err, audit.ErrNotSigned) {
		t.Fatalf("unsigned export: %v\n%.500s", err, body)
	}
	if head, err := audit.ReadExportHead([]byte(body), nil); err != nil || head.Seq < doc.Head.Seq {
		t.Fatalf("head of the unsigned export: %+v %v", head, err)
	}
	if _, err := audit.ReadExportHead([]byte(body), pubKey); !errors.Is(err, audit.ErrNotSigned) {
		t.Fatalf("an unsigned export taken as an anchor under a key: %v", err)
	}
}
