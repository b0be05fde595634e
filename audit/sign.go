package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A signed export is one JSON file: the export exactly as signed, and an Ed25519 signature
// over those bytes. Statsforvalteren checks it with samarbeid's public key alone
// (`samarbeid audit verify-export`), without access to samarbeid. Ed25519 rather than HMAC:
// the checker holds only the public key, so it cannot make a signature itself.
type signedExport struct {
	Export    json.RawMessage `json:"eksport"`
	Signature exportSignature `json:"signatur"`
}

type exportSignature struct {
	Algorithm string `json:"algoritme"`
	// PublicKey names the key that signed, for the reader; trust comes from the key the
	// checker was given, never from this field.
	PublicKey string `json:"offentlig_nokkel"`
	Value     string `json:"verdi"`
}

const signatureAlgorithm = "ed25519"

// ParseSigningKey reads SAMARBEID_EXPORT_SIGNING_KEY: an Ed25519 private key in base64,
// either its 32-byte seed or the 64-byte key.
func ParseSigningKey(s string) (ed25519.PrivateKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("signeringsnøkkelen er ikke base64: %w", err)
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		key := ed25519.PrivateKey(raw)
		// The last half must be the seed's public key, or signatures would not verify.
		if !bytes.Equal(ed25519.NewKeyFromSeed(key.Seed()), key) {
			return nil, errors.New("signeringsnøkkelen er ikke en gyldig Ed25519-nøkkel")
		}
		return key, nil
	}
	return nil, fmt.Errorf("signeringsnøkkelen er %d byte; en Ed25519-nøkkel er %d (frø) eller %d", len(raw), ed25519.SeedSize, ed25519.PrivateKeySize)
}

// ParsePublicKey reads a public key in base64 (as NewSigningKey prints it).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("den offentlige nøkkelen er ikke base64: %w", err)
	}
	if len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("den offentlige nøkkelen er %d byte; en Ed25519-nøkkel er %d", len(raw), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// NewSigningKey makes a key pair: the private key (the seed, for SAMARBEID_EXPORT_SIGNING_KEY)
// and the public key to give Statsforvalteren, both in base64.
func NewSigningKey() (private, public string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(priv.Seed()), base64.StdEncoding.EncodeToString(pub), nil
}

// WriteSignedExport writes doc as JSON with an Ed25519 signature over its exact bytes.
func WriteSignedExport(w io.Writer, doc ExportDoc, key ed25519.PrivateKey) error {
	body, err := json.MarshalIndent(doc, "  ", "  ")
	if err != nil {
		return err
	}
	signed := signedExport{Export: body, Signature: exportSignature{
		Algorithm: signatureAlgorithm,
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		Value:     base64.StdEncoding.EncodeToString(ed25519.Sign(key, body)),
	}}
	// Written by hand around the raw export, so its bytes in the file are the bytes signed
	// (an encoder would compact them).
	sig, err := json.MarshalIndent(signed.Signature, "  ", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "{\n  \"eksport\": %s,\n  \"signatur\": %s\n}\n", body, sig)
	return err
}

// ErrNotSigned is an export file without a signature.
var ErrNotSigned = errors.New("eksporten er ikke signert (SAMARBEID_EXPORT_SIGNING_KEY var ikke satt da den ble laget)")

// VerifyExport checks a signed export file against the public key and returns its contents.
// Any change to the export's bytes, or a signature by another key, fails.
func VerifyExport(file []byte, pub ed25519.PublicKey) (ExportDoc, error) {
	var signed signedExport
	if err := json.Unmarshal(file, &signed); err != nil {
		return ExportDoc{}, fmt.Errorf("filen er ikke en eksport fra samarbeid: %w", err)
	}
	if len(signed.Export) == 0 {
		return ExportDoc{}, ErrNotSigned
	}
	if signed.Signature.Algorithm != signatureAlgorithm {
		return ExportDoc{}, fmt.Errorf("ukjent signaturalgoritme %q", signed.Signature.Algorithm)
	}
	sig, err := base64.StdEncoding.DecodeString(signed.Signature.Value)
	if err != nil {
		return ExportDoc{}, fmt.Errorf("signaturen er ikke base64: %w", err)
	}
	if !ed25519.Verify(pub, signed.Export, sig) {
		return ExportDoc{}, errors.New("signaturen stemmer ikke: filen er endret etter at den ble signert, eller signert med en annen nøkkel")
	}
	var doc ExportDoc
	if err := json.Unmarshal(signed.Export, &doc); err != nil {
		return ExportDoc{}, fmt.Errorf("eksporten kan ikke leses: %w", err)
	}
	return doc, nil
}

// ReadExportHead reads the ledger's head from an export file as an anchor for `audit
// verify`. With pub the file must be signed by its key: an unsigned or changed file is
// refused (ErrNotSigned, or the signature's error), for an anchor that could have been
// written by anyone vouches for nothing. Without pub the file is read as it is, signed or not,
// and the caller must say that its signature was not checked.
func ReadExportHead(file []byte, pub ed25519.PublicKey) (*Anchor, error) {
	var doc ExportDoc
	var signed signedExport
	switch err := json.Unmarshal(file, &signed); {
	case pub != nil:
		d, err := VerifyExport(file, pub)
		if err != nil {
			return nil, err
		}
		doc = d
	case err == nil && len(signed.Export) > 0:
		if err := json.Unmarshal(signed.Export, &doc); err != nil {
			return nil, fmt.Errorf("eksporten kan ikke leses: %w", err)
		}
	default:
		if err := json.Unmarshal(file, &doc); err != nil {
			return nil, fmt.Errorf("filen er ikke en eksport fra samarbeid: %w", err)
		}
	}
	if doc.Head == nil {
		return nil, errors.New("eksporten har ikke revisjonsloggens hode (laget før ankrene kom, eller som CSV)")
	}
	return doc.Head, nil
}
