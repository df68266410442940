package app

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
)

// certificate is the TLS certificate the server serves, read from its PEM
// files at start and again by ReloadTLS; connections in progress keep the
// one they began with.
type certificate struct {
	certFile, keyFile string
	current           atomic.Pointer[tls.Certificate]
}

// loadCertificate reads the certificate and key files.
func loadCertificate(certFile, keyFile string) (*certificate, error) {
	c := &certificate{certFile: certFile, keyFile: keyFile}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload reads the files again and, if they hold a valid pair, serves it
// from the next handshake on; otherwise the previous pair stays.
func (c *certificate) reload() error {
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("app: TLS certificate %s with key %s: %w", c.certFile, c.keyFile, err)
	}
	c.current.Store(&pair)
	return nil
}

// get is the tls.Config's GetCertificate.
func (c *certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.current.Load(), nil
}

// tlsConfig is the server's TLS configuration: TLS 1.2 and up, the
// certificate from c.
func (c *certificate) tlsConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}
}

// ReloadTLS reads the TLS certificate and key files again (cognate serve
// calls it on SIGHUP). New connections get the new certificate; if the
// files do not hold a valid pair, the error says why and the certificate
// in use stays.
func (a *App) ReloadTLS() error {
	if a.cert == nil {
		return errors.New("app: no TLS certificate to reload (--tls-cert-file is not set)")
	}
	return a.cert.reload()
}
