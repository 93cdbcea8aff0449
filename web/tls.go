package web

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// Certificate is a TLS certificate and its private key, read from PEM
// files. Reload reads them again; connections opened after it get the new
// pair, those open keep theirs. It is safe for concurrent use.
type Certificate struct {
	certFile, keyFile string
	pair              atomic.Pointer[tls.Certificate]
}

// LoadCertificate reads the PEM certificate (with its chain, leaf first)
// at certFile and the PEM private key at keyFile. The error names the
// file and what is wrong: missing, not PEM, a key that does not match the
// certificate, a certificate out of its validity period.
func LoadCertificate(certFile, keyFile string) (*Certificate, error) {
	c := &Certificate{certFile: certFile, keyFile: keyFile}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads the certificate and key files again. When they do not make
// a valid pair it returns why and the pair in use stays.
func (c *Certificate) Reload() error {
	pair, err := readKeyPair(c.certFile, c.keyFile, time.Now())
	if err != nil {
		return err
	}
	c.pair.Store(pair)
	return nil
}

// Files says which files the certificate is read from.
func (c *Certificate) Files() string {
	return c.certFile + " and " + c.keyFile
}

// TLSConfig returns a server configuration that presents the certificate
// of the latest successful load, with TLS 1.2 as the oldest version and
// Go's default cipher suites; for Config.TLS.
func (c *Certificate) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return c.pair.Load(), nil
		},
	}
}

// readKeyPair reads and checks a certificate and key pair at now.
func readKeyPair(certFile, keyFile string, now time.Time) (*tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s with key %s: %w", certFile, keyFile, err)
	}
	leaf := pair.Leaf // parsed by X509KeyPair
	switch {
	case now.After(leaf.NotAfter):
		return nil, fmt.Errorf("TLS certificate %s expired at %s", certFile, leaf.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(leaf.NotBefore):
		return nil, fmt.Errorf("TLS certificate %s is not valid before %s", certFile, leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	return &pair, nil
}
