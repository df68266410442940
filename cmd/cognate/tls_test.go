package main

import (
	"crypto/tls"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognate-dev/cognate/internal/tlstest"
)

// TestServeTLSReloadsOnHangup runs `cognate serve --tls-cert-file ...
// --tls-key-file ...`, calls it over HTTPS with an SDK client trusting the
// certificate, renews the certificate files and sends SIGHUP: new
// connections get the new certificate, without a restart.
func TestServeTLSReloadsOnHangup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the cognate binary")
	}
	bin := buildCognate(t)
	dir := t.TempDir()
	first := tlstest.New(t, dir, "first certificate")
	roots := tlstest.Pool(first)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	p := startProcess(t, bin, []string{"serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--tls-cert-file", first.CertFile, "--tls-key-file", first.KeyFile}, client)
	if !strings.HasPrefix(p.endpoint, "https://") {
		t.Fatalf("the banner shows %s, not an https endpoint", p.endpoint)
	}
	idp := p.client(p.accessKeyID, p.secretAccessKey)
	result(idp.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)

	servedCert := func() string {
		t.Helper()
		conn, err := tls.Dial("tcp", strings.TrimPrefix(p.endpoint, "https://"), &tls.Config{RootCAs: roots})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := servedCert(); cn != "first certificate" {
		t.Fatalf("served %q, want the first certificate", cn)
	}
	second := tlstest.New(t, dir, "second certificate")
	roots.AddCert(second.Leaf)
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for servedCert() != "second certificate" {
		if time.Now().After(deadline) {
			t.Fatalf("still serving the first certificate 10 s after SIGHUP:\n%s", p.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Still running, still serving.
	client.CloseIdleConnections()
	result(idp.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)
	if !strings.Contains(p.output(), "TLS certificate reloaded") {
		t.Errorf("no log line about the reload:\n%s", p.output())
	}
}
