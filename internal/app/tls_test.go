package app_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
	"github.com/cognate-dev/cognate/internal/tlstest"
)

// TestServeTLS checks that --tls-cert-file and --tls-key-file make the
// server answer HTTPS (an SDK client trusting the certificate works, and
// the public URL, hence every issuer, defaults to https://), and that
// ReloadTLS, which SIGHUP calls, serves the files' new certificate to new
// connections, keeping the old one when the files are broken.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	first := tlstest.New(t, dir, "first certificate")
	cfg, err := config.Parse("serve", []string{"--listen", "127.0.0.1:0", "--data-dir", t.TempDir(),
		"--tls-cert-file", first.CertFile, "--tls-key-file", first.KeyFile}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ln, err := app.Listen(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "https://" + ln.Addr().String()
	if cfg.PublicURL != endpoint {
		t.Fatalf("PublicURL = %q, want %q", cfg.PublicURL, endpoint)
	}
	a, err := app.New(context.Background(), cfg, discardLog(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	serveCtx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx, ln, nil) }()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()

	// servedCert is the common name of the certificate a new connection gets.
	roots := tlstest.Pool(first)
	servedCert := func() string {
		t.Helper()
		conn, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: roots})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	httpClient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	id, key := a.RootCredentials()
	idp := cip.NewFromConfig(aws.Config{Region: "us-east-1", HTTPClient: httpClient, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(id, key, "")},
		func(o *cip.Options) { o.BaseEndpoint = aws.String(endpoint) })

	pool := result(idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("tls")})).must(t)
	resp, err := httpClient.Get(endpoint + "/" + *pool.UserPool.Id + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var discovery struct {
		Issuer string `json:"issuer"`
	}
	err = json.NewDecoder(resp.Body).Decode(&discovery)
	resp.Body.Close()
	if err != nil || discovery.Issuer != endpoint+"/"+*pool.UserPool.Id {
		t.Fatalf("issuer %q (%v), want %s/<pool id>", discovery.Issuer, err, endpoint)
	}
	if cn := servedCert(); cn != "first certificate" {
		t.Fatalf("served %q, want the first certificate", cn)
	}

	// The certificate is renewed in place; the reload serves it.
	second := tlstest.New(t, dir, "second certificate")
	roots.AddCert(second.Leaf)
	if cn := servedCert(); cn != "first certificate" {
		t.Fatalf("served %q before the reload, want the first certificate", cn)
	}
	if err := a.ReloadTLS(); err != nil {
		t.Fatal(err)
	}
	if cn := servedCert(); cn != "second certificate" {
		t.Fatalf("served %q after the reload, want the second certificate", cn)
	}
	result(idp.ListUserPools(ctx, &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})).must(t)

	// Broken files: the reload fails and the certificate in use stays.
	if err := os.WriteFile(second.CertFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := a.ReloadTLS(); err == nil || !strings.Contains(err.Error(), second.CertFile) {
		t.Fatalf("ReloadTLS of a broken file = %v, want an error naming it", err)
	}
	if cn := servedCert(); cn != "second certificate" {
		t.Fatalf("served %q after a failed reload, want the second certificate", cn)
	}
}

// TestStartRefusesBrokenTLSFiles checks that a server whose certificate
// files cannot be read does not start.
func TestStartRefusesBrokenTLSFiles(t *testing.T) {
	cfg := newConfig(t, "sqlite")
	cfg.TLSCertFile, cfg.TLSKeyFile = cfg.DataDir+"/missing.pem", cfg.DataDir+"/missing-key.pem"
	if a, err := app.New(context.Background(), cfg, discardLog(), func(string) string { return "" }); err == nil {
		a.Close()
		t.Fatal("started without its certificate files")
	} else if !strings.Contains(err.Error(), "missing.pem") {
		t.Fatalf("error %q does not name the certificate file", err)
	}
}
