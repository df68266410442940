package app_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognate-dev/cognate/internal/browsertest"
	"github.com/cognate-dev/cognate/internal/totp"
)

// TestManagedLoginInChromium runs clients/js/managed-login's test: the
// managed pages in headless Chromium (Debian's chromium driven by
// playwright-core from that package's lockfile), with an axe-core check
// and a screenshot of each page (docs/managed-login). Without node, npm or
// chromium it is skipped, unless COGNATE_TEST_BROWSER=1 (CI) makes it
// mandatory.
func TestManagedLoginInChromium(t *testing.T) {
	node, chromium, pkg := browserTools(t, "managed-login", "axe-core")

	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid", "email")
	s.user(poolID, "pat", "Correct-Horse-9", attr("email", "pat@example.com"), attr("email_verified", "true"))

	// tom has a TOTP authenticator, set up through the API a step ago.
	s.user(poolID, "tom", "Correct-Horse-9")
	api, _ := s.appClient(poolID, false)
	tok := s.signIn(api, "tom", "Correct-Horse-9")
	key := aws.ToString(result(s.idp.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: tok.AccessToken})).must(t).SecretCode)
	code, _ := totp.Generate(key, time.Now().Add(-30*time.Second))
	result(s.idp.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{AccessToken: tok.AccessToken, UserCode: &code})).must(t)
	result(s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)

	result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("nina"),
		TemporaryPassword: aws.String("Temp0rary!pass"), MessageAction: types.MessageActionTypeSuppress})).must(t)

	authURL := r.conf.AuthCodeURL("browser-state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))

	// A second pool requires MFA: its users set up TOTP on the pages.
	mfaPool := s.pool(nil)
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &mfaPool, Domain: aws.String("rp-mfa")})).must(t)
	s.setMFA(mfaPool, types.UserPoolMfaTypeOn, false, true, false)
	mfaClient, mfaSecret := s.oauthClient(mfaPool, true, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	s.user(mfaPool, "sam", "Correct-Horse-9")
	setupURL := newRP(t, s, mfaPool, mfaClient, mfaSecret, "openid").conf.AuthCodeURL("setup-state")
	badURL := strings.Replace(authURL, url.QueryEscape(rpCallback), url.QueryEscape("http://elsewhere.test/cb"), 1)
	cmdCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "--test-concurrency=1", "test/")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "AUTH_URL="+authURL, "BAD_URL="+badURL, "USERNAME=pat", "PASSWORD=Correct-Horse-9",
		"MFA_USERNAME=tom", "SETUP_URL="+setupURL, "SETUP_USERNAME=sam",
		"TEMP_USERNAME=nina", "TEMP_PASSWORD=Temp0rary!pass", "TOTP_SECRET="+key, "OUTBOX="+filepath.Join(s.dataDir, "outbox"), "CHROMIUM="+chromium)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("managed login in Chromium: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 7") {
		t.Fatalf("expected 7 passing browser tests:\n%s", out.String())
	}
}

// browserTools finds node and chromium and installs the npm package
// clients/js/<dir> (see browsertest.Tools).
func browserTools(t *testing.T, dir, probe string) (node, chromium, pkg string) {
	t.Helper()
	return browsertest.Tools(t, filepath.Join("..", "..", "clients", "js", dir), probe)
}

// TestAmplifySignInWithRedirect runs clients/js/browser's redirect test:
// Amplify v6 signInWithRedirect against this server's user pool domain
// over https (a test certificate), through the managed sign-in page.
func TestAmplifySignInWithRedirect(t *testing.T) {
	node, chromium, pkg := browserTools(t, "browser", "playwright-core")
	s := startTLS(t, "sqlite")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	page := "http://localhost:" + port + "/"

	poolID := s.oauthPool(nil)
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("spa"), AllowedOAuthFlowsUserPoolClient: true,
		AllowedOAuthFlows:  []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "aws.cognito.signin.user.admin"},
		CallbackURLs:       []string{page}, LogoutURLs: []string{page}, SupportedIdentityProviders: []string{"COGNITO"},
	})).must(t)
	s.user(poolID, "amy", "Correct-Horse-9", attr("email", "amy@example.com"))

	cmdCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/redirect.test.js")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "REDIRECT_DOMAIN="+strings.TrimPrefix(s.cfg.PublicURL, "https://")+"/domains/"+rpDomain,
		"COGNATE_ENDPOINT="+s.http.URL, "POOL_ID="+poolID, "CLIENT_ID="+*out.UserPoolClient.ClientId, "PAGE_PORT="+port,
		"USERNAME=amy", "PASSWORD=Correct-Horse-9", "CHROMIUM="+chromium)
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&buf, os.Stdout), io.MultiWriter(&buf, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("Amplify signInWithRedirect: %v", err)
	}
	if !strings.Contains(buf.String(), "# pass 1") {
		t.Fatalf("expected the redirect test to pass:\n%s", buf.String())
	}
}
