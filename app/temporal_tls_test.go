package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// A cluster behind the municipality's own CA: TEMPORAL_TLS_CA and TEMPORAL_TLS_SERVER_NAME
// turn TLS on and trust that CA for that name; a file without a certificate is named at start.
func TestTemporalTLSWithAPrivateCA(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Kommunens CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{DatabaseURL: DefaultDatabaseURL, TemporalNamespace: "samarbeid", HTTPAddr: ":8080", PayloadKeys: testKeys,
		TemporalAddress: "10.0.0.5:7233", TemporalTLSCA: caFile, TemporalTLSServerName: "temporal.kommune.no"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var opts client.Options
	if err := cfg.temporalConnection(&opts); err != nil {
		t.Fatal(err)
	}
	tlsCfg := opts.ConnectionOptions.TLS
	if tlsCfg == nil || tlsCfg.ServerName != "temporal.kommune.no" || tlsCfg.RootCAs == nil {
		t.Fatalf("TLS config %+v", tlsCfg)
	}
	if !tlsCfg.RootCAs.Equal(mustPool(t, der)) {
		t.Error("the CA file's certificate is not the one trusted")
	}

	notPEM := filepath.Join(dir, "tom.pem")
	if err := os.WriteFile(notPEM, []byte("ikke et sertifikat"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.TemporalTLSCA = notPEM
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_TLS_CA") {
		t.Errorf("a CA file without a certificate: %v", err)
	}
	cfg.TemporalTLSCA, cfg.TemporalAddress = caFile, ""
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "TEMPORAL_ADDRESS") {
		t.Errorf("a CA without a cluster: %v", err)
	}
}

func mustPool(t *testing.T, der []byte) *x509.CertPool {
	t.Helper()
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	p.AddCert(cert)
	return p
}
