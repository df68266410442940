package app_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestPasskeysInChromium runs clients/js/browser's test: Amplify v6 in
// headless Chromium (Debian's chromium, driven by playwright-core from
// that package's lockfile) registers a passkey with Chromium's virtual
// authenticator and signs in with it, against this server. Without node,
// npm or chromium it is skipped, unless COGNATE_TEST_BROWSER=1 (CI) makes
// it mandatory.
func TestPasskeysInChromium(t *testing.T) {
	required := os.Getenv("COGNATE_TEST_BROWSER") == "1"
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf(format+" (COGNATE_TEST_BROWSER=1 makes the browser test mandatory)", args...)
		}
		t.Skipf(format+"; set COGNATE_TEST_BROWSER=1 to make this a failure", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node is not on PATH")
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		unavailable("npm is not on PATH")
	}
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		unavailable("no chromium at %s", browser)
	}
	if testing.Short() && !required {
		t.Skip("-short: the browser test takes half a minute")
	}
	pkg, err := filepath.Abs(filepath.Join("..", "..", "clients", "js", "browser"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pkg, "node_modules", "playwright-core")); err != nil {
		install := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
		install.Dir = pkg
		if out, err := install.CombinedOutput(); err != nil {
			unavailable("npm ci in clients/js/browser failed: %v\n%s", err, out)
		}
	}

	s := newServer(t, "sqlite")
	poolID, clientID := s.choicePool(false, types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn)
	result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID),
		ClientId: aws.String(clientID), ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t)
	result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"),
			UserVerification: types.UserVerificationTypeRequired}})).must(t)
	s.user(poolID, "pia", "Correct-Horse-9")

	cmdCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "COGNATE_ENDPOINT="+s.http.URL, "POOL_ID="+poolID, "CLIENT_ID="+clientID,
		"USERNAME=pia", "PASSWORD=Correct-Horse-9", "CHROMIUM="+browser)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 1") {
		t.Fatalf("the browser test did not pass:\n%s", out.String())
	}
}
