package app_test

import (
	"context"
	"io"
	"os"
	"os/exec"
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
	node, browser, pkg := browserTools(t, "browser", "playwright-core")

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
