package app_test

import (
	"context"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestOAuthNodeRelyingParty runs clients/js/test/oidc-rp.test.js: a
// relying party built on oauth4webapi, a strict OAuth 2.0 / OpenID
// Connect client, that knows only the issuer (whose discovery document
// names every endpoint), its clients' ids and secrets, and a user's
// password; it signs in through the managed sign-in page by plain form
// posts. Without node and npm it is skipped, unless COGNATE_TEST_JS=1 (CI)
// makes that a failure.
func TestOAuthNodeRelyingParty(t *testing.T) {
	node, pkg := nodePackage(t, "oauth4webapi")

	// Over https, as a deployment is: oauth4webapi refuses plain http
	// unless told otherwise. Node trusts the test certificate.
	s := startTLS(t, "sqlite")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.http.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	poolID := s.oauthPool(nil)
	code := []types.OAuthFlowType{types.OAuthFlowTypeCode}
	confID, confSecret := s.oauthClient(poolID, true, code, "openid", "email", "profile")
	publicID, _ := s.oauthClient(poolID, false, code, "openid", "email")
	m2mID, m2mSecret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}, "api/read")
	s.user(poolID, "rita", "Correct-Horse-9", attr("email", "rita@example.com"), attr("email_verified", "true"))

	cmdCtx, stop := context.WithTimeout(context.Background(), 3*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/oidc-rp.test.js")
	cmd.Dir = pkg
	cmd.Env = append(environWithoutPrefix("NODE_OPTIONS", "NODE_TEST_CONTEXT", "NODE_EXTRA_CA_CERTS", "OIDC_"),
		"OIDC_ISSUER="+s.cfg.PublicURL+"/"+poolID,
		"OIDC_CLIENT_ID="+confID, "OIDC_CLIENT_SECRET="+confSecret,
		"OIDC_PUBLIC_CLIENT_ID="+publicID,
		"OIDC_M2M_CLIENT_ID="+m2mID, "OIDC_M2M_CLIENT_SECRET="+m2mSecret, "OIDC_M2M_SCOPE=api/read",
		"OIDC_REDIRECT_URI="+rpCallback, "OIDC_LOGOUT_URI="+rpLogout,
		"OIDC_USERNAME=rita", "OIDC_PASSWORD=Correct-Horse-9", "OIDC_EMAIL=rita@example.com", "NODE_EXTRA_CA_CERTS="+ca)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("oauth4webapi relying party: %v", err)
	}
	if !strings.Contains(out.String(), "# fail 0") || strings.Contains(out.String(), "# pass 0") ||
		strings.Contains(out.String(), "# skipped 1") {
		t.Fatalf("the relying party's tests did not all pass:\n%s", out.String())
	}
}

// nodePackage finds node and npm and installs clients/js from its
// lockfile unless node_modules/probe is there already.
func nodePackage(t *testing.T, probe string) (node, pkg string) {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("COGNATE_TEST_JS") == "1" {
			t.Fatalf(format+" (COGNATE_TEST_JS=1 makes the JS tests mandatory)", args...)
		}
		t.Skipf(format+"; set COGNATE_TEST_JS=1 to make this a failure", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node is not on PATH")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		unavailable("npm is not on PATH")
	}
	if pkg, err = filepath.Abs(filepath.Join("..", "..", "clients", "js")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pkg, "node_modules", probe)); err != nil {
		install := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		install.Dir = pkg
		if out, err := install.CombinedOutput(); err != nil {
			unavailable("npm ci in clients/js failed: %v\n%s", err, out)
		}
	}
	return node, pkg
}

// environWithoutPrefix is os.Environ without the variables whose names
// start with one of prefixes.
func environWithoutPrefix(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, p := range prefixes {
			keep = keep && !strings.HasPrefix(kv, p)
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}
