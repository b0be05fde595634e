package audit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func sampleDoc() ExportDoc {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	return NewExportDoc(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		&Anchor{Seq: 42, Hash: "ab12", At: at, Source: "eksport"},
		[]CaseTimeline{{Case: "SAK-2026-0042", Decisions: []Entry{{Seq: 41, When: at, Who: "Kari (helsestasjon), U_KARI",
			Service: "Helsestasjon", What: "Steg 1: ingen andre tjenester.", Action: "steg1_avklart", LegalBasis: "hol § 3-4"}}}})
}

// TestSignedExportVerifiesAndTamperingDoesNot signs an export, checks it with the public key
// alone, then changes it in small ways: every change, and another key, fails.
func TestSignedExportVerifiesAndTamperingDoesNot(t *testing.T) {
	priv, pub, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParseSigningKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	pubKey, err := ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteSignedExport(&buf, sampleDoc(), key); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	doc, err := VerifyExport(file, pubKey)
	if err != nil {
		t.Fatalf("a freshly signed export does not verify: %v\n%s", err, file)
	}
	if doc.Head == nil || doc.Head.Seq != 42 || len(doc.Cases) != 1 || doc.Cases[0].Decisions[0].Who != "Kari (helsestasjon), U_KARI" {
		t.Fatalf("verified contents %+v", doc)
	}
	head, err := ReadExportHead(file, pubKey)
	if err != nil || head.Seq != 42 || head.Hash != "ab12" {
		t.Fatalf("head from the signed file: %+v %v", head, err)
	}

	tamperings := map[string]func(string) string{
		"a decision's text":  func(s string) string { return strings.Replace(s, "ingen andre tjenester", "barnevern", 1) },
		"the head's number":  func(s string) string { return strings.Replace(s, `"nr": 42`, `"nr": 40`, 1) },
		"one space added":    func(s string) string { return strings.Replace(s, `"sak": `, `"sak":  `, 1) },
		"the period":         func(s string) string { return strings.Replace(s, "2026-12-01", "2026-11-15", 1) },
		"the case reference": func(s string) string { return strings.Replace(s, "SAK-2026-0042", "SAK-2026-0043", 1) },
	}
	failed := 0
	for name, tamper := range tamperings {
		changed := tamper(string(file))
		if changed == string(file) {
			t.Fatalf("tampering %q changed nothing", name)
		}
		if _, err := VerifyExport([]byte(changed), pubKey); err == nil {
			t.Errorf("export with %s changed verifies", name)
		} else {
			failed++
		}
	}
	_, otherPub, _ := NewSigningKey()
	otherKey, _ := ParsePublicKey(otherPub)
	if _, err := VerifyExport(file, otherKey); err == nil {
		t.Error("export verifies with another key")
	} else {
		failed++
	}
	var plain bytes.Buffer
	if err := WriteExportDoc(&plain, sampleDoc(), "json"); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyExport(plain.Bytes(), pubKey); !errors.Is(err, ErrNotSigned) {
		t.Errorf("unsigned export: %v", err)
	}
	if head, err := ReadExportHead(plain.Bytes(), nil); err != nil || head.Seq != 42 {
		t.Errorf("head from the unsigned file: %+v %v", head, err)
	}
	t.Logf("signed export (%d bytes) verifies; %d of %d tampered or wrongly keyed copies refused", len(file), failed, len(tamperings)+1)
}

func TestParseSigningKeyRefusesWrongKeys(t *testing.T) {
	for _, bad := range []string{"", "ikke base64!", "AAAA", strings.Repeat("A", 88)} {
		if _, err := ParseSigningKey(bad); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}
