// Package testcert writes a throwaway certificate authority and a server
// and client certificate signed by it, for tests of TLS connections.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Files names the PEM files Write creates.
type Files struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey string
	// OtherCA is a second authority that signed nothing here: a client
	// that trusts only it must refuse the server.
	OtherCA string
}

// Write creates a CA, a server certificate valid for localhost and ips,
// and a client certificate, in dir.
func Write(tb testing.TB, dir string, ips ...net.IP) Files {
	tb.Helper()
	f := Files{
		CA: filepath.Join(dir, "ca.pem"), ServerCert: filepath.Join(dir, "server.pem"), ServerKey: filepath.Join(dir, "server-key.pem"),
		ClientCert: filepath.Join(dir, "client.pem"), ClientKey: filepath.Join(dir, "client-key.pem"),
		OtherCA: filepath.Join(dir, "other-ca.pem"),
	}
	caKey, caCert := authority(tb, "simpipe test CA", f.CA)
	authority(tb, "another CA", f.OtherCA)
	leaf(tb, caCert, caKey, &x509.Certificate{
		Subject: pkix.Name{CommonName: "simpipe nats-server"}, DNSNames: []string{"localhost"},
		IPAddresses: append([]net.IP{net.IPv4(127, 0, 0, 1)}, ips...),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, f.ServerCert, f.ServerKey)
	leaf(tb, caCert, caKey, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "simpipe worker"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, f.ClientCert, f.ClientKey)
	return f
}

var serial int64

func template(t *x509.Certificate) *x509.Certificate {
	serial++
	t.SerialNumber = big.NewInt(serial)
	t.NotBefore = time.Now().Add(-time.Hour)
	t.NotAfter = time.Now().Add(24 * time.Hour)
	return t
}

func authority(tb testing.TB, name, path string) (*ecdsa.PrivateKey, *x509.Certificate) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	t := template(&x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature})
	der, err := x509.CreateCertificate(rand.Reader, t, t, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	writePEM(tb, path, "CERTIFICATE", der)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return key, cert
}

func leaf(tb testing.TB, ca *x509.Certificate, caKey *ecdsa.PrivateKey, t *x509.Certificate, certPath, keyPath string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	t.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, template(t), ca, &key.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	writePEM(tb, certPath, "CERTIFICATE", der)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	writePEM(tb, keyPath, "EC PRIVATE KEY", kb)
}

func writePEM(tb testing.TB, path, kind string, der []byte) {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
}
