package audit

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samarbeid/samarbeid/store"
)

// ledgerFake is a ledger of one case's two rows, whose head is read after the cases.
type ledgerFake struct {
	rows            []store.AuditRow
	headRead        bool
	casesBeforeHead bool
}

func (f *ledgerFake) AuditTrail(_ context.Context, ref string) ([]store.AuditRow, error) {
	f.casesBeforeHead = !f.headRead
	return f.rows, nil
}
func (f *ledgerFake) Service(context.Context, string) (store.Service, error) {
	return store.Service{}, store.ErrNotFound
}
func (f *ledgerFake) Services(context.Context) ([]store.Service, error) {
	return []store.Service{{ID: "helsestasjon", Name: "Helsestasjon"}}, nil
}
func (f *ledgerFake) CasesActiveBetween(context.Context, time.Time, time.Time) ([]string, error) {
	return []string{"SAK-2026-0042"}, nil
}
func (f *ledgerFake) LedgerHead(context.Context) (store.LedgerHead, error) {
	f.headRead = true
	last := f.rows[len(f.rows)-1]
	return store.LedgerHead{Seq: last.Seq, Hash: last.Hash}, nil
}

// TestExportWithHeadSignedAndNot: the export the command and the web console make carries
// the ledger's head (read after the cases), is signed when a key is given and verifies with
// its public key, and is plain JSON without one; CSV is never signed.
func TestExportWithHeadSignedAndNot(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	src := &ledgerFake{rows: []store.AuditRow{
		{AuditEntry: store.AuditEntry{CaseRef: "SAK-2026-0042", Actor: "U_KARI", ServiceID: "helsestasjon", Action: "sak_opprettet", Summary: "Sak opprettet.", OccurredAt: at}, Seq: 1, Hash: "h1"},
		{AuditEntry: store.AuditEntry{CaseRef: "SAK-2026-0042", Actor: "U_KARI", ServiceID: "helsestasjon", Action: "steg1_avklart", Summary: "Steg 1.", OccurredAt: at}, Seq: 2, Hash: "h2"},
	}}
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	doc, err := ExportWithHead(context.Background(), src, from, to, at)
	if err != nil {
		t.Fatal(err)
	}
	if !src.casesBeforeHead || doc.Head == nil || doc.Head.Seq != 2 || doc.Head.Hash != "h2" || !doc.Head.At.Equal(at) || len(doc.Cases) != 1 || len(doc.Cases[0].Decisions) != 2 {
		t.Fatalf("export %+v (head %+v, cases read before the head: %v)", doc, doc.Head, src.casesBeforeHead)
	}

	priv, pub, _ := NewSigningKey()
	key, _ := ParseSigningKey(priv)
	pubKey, _ := ParsePublicKey(pub)
	var signed, plain, csv bytes.Buffer
	if err := WriteExportFile(&signed, doc, "json", key); err != nil {
		t.Fatal(err)
	}
	got, err := VerifyExport(signed.Bytes(), pubKey)
	if err != nil || got.Head == nil || got.Head.Seq != 2 || got.Cases[0].Decisions[1].Action != "steg1_avklart" {
		t.Fatalf("signed export: %+v %v\n%s", got, err, signed.String())
	}
	if err := WriteExportFile(&plain, doc, "json", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyExport(plain.Bytes(), pubKey); !errors.Is(err, ErrNotSigned) || !strings.Contains(plain.String(), `"hash": "h2"`) {
		t.Fatalf("unsigned export: %v\n%s", err, plain.String())
	}
	if err := WriteExportFile(&csv, doc, "csv", key); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv.String(), "sak,nr,") || strings.Contains(csv.String(), "signatur") {
		t.Fatalf("CSV export:\n%s", csv.String())
	}
	if err := WriteExportFile(&csv, doc, "xml", key); err == nil {
		t.Fatal("an unknown format was written")
	}
}

// TestAnchorFromExportNeedsItsSignatureWhenAKeyIsGiven: with a public key, an anchor is taken
// only from a file signed by its key; without one, signed and unsigned files are read.
func TestAnchorFromExportNeedsItsSignatureWhenAKeyIsGiven(t *testing.T) {
	priv, pub, _ := NewSigningKey()
	key, _ := ParseSigningKey(priv)
	pubKey, _ := ParsePublicKey(pub)
	_, otherPub, _ := NewSigningKey()
	otherKey, _ := ParsePublicKey(otherPub)
	var signed, plain bytes.Buffer
	if err := WriteSignedExport(&signed, sampleDoc(), key); err != nil {
		t.Fatal(err)
	}
	if err := WriteExportDoc(&plain, sampleDoc(), "json"); err != nil {
		t.Fatal(err)
	}
	tampered := []byte(strings.Replace(signed.String(), `"nr": 42`, `"nr": 40`, 1))

	if head, err := ReadExportHead(signed.Bytes(), pubKey); err != nil || head.Seq != 42 {
		t.Errorf("signed, right key: %+v %v", head, err)
	}
	if _, err := ReadExportHead(plain.Bytes(), pubKey); !errors.Is(err, ErrNotSigned) {
		t.Errorf("unsigned, with a key: %v; want ErrNotSigned", err)
	}
	if _, err := ReadExportHead(tampered, pubKey); err == nil || !strings.Contains(err.Error(), "signaturen stemmer ikke") {
		t.Errorf("tampered, with a key: %v", err)
	}
	if _, err := ReadExportHead(signed.Bytes(), otherKey); err == nil {
		t.Error("signed by another key: accepted")
	}
	for name, file := range map[string][]byte{"signed": signed.Bytes(), "unsigned": plain.Bytes(), "tampered": tampered} {
		if head, err := ReadExportHead(file, nil); err != nil || head == nil {
			t.Errorf("%s, without a key: %+v %v", name, head, err)
		}
	}
}
