package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// TestManagedPasskeysInChromium runs clients/js/managed-login's
// passkey.test.js: choice-based sign-in and passkeys on the managed pages
// in headless Chromium with its virtual authenticator (password, then
// "Add a passkey?"; sign-out; sign-in with the passkey; an email code),
// and a sign-in page styled by a managed login branding style.
// The server's public URL is http://localhost:<port>, an origin where
// browsers allow passkeys without TLS, and the pool's relying party is
// localhost.
func TestManagedPasskeysInChromium(t *testing.T) {
	node, chromium, pkg := browserTools(t, "managed-login", "axe-core")
	local := func(u string) string { return strings.Replace(u, "http://127.0.0.1:", "http://localhost:", 1) }
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.PublicURL = local(cfg.PublicURL)
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	s.cfg.PublicURL = local(s.cfg.PublicURL)

	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeWebAuthn}}}})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(t)
	result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost"),
			UserVerification: types.UserVerificationTypeRequired}})).must(t)
	clientID, secret := s.choiceClient(poolID)
	r := newRP(t, s, poolID, clientID, secret, "openid", "email")
	s.user(poolID, "pia", "Correct-Horse-9", attr("email", "pia@example.com"), attr("email_verified", "true"))
	s.user(poolID, "olga", "Correct-Horse-9", attr("email", "olga@example.com"), attr("email_verified", "true"))

	// A second pool's managed-login (version 2) domain, with a branding
	// style: colours and an SVG form logo.
	brandPool := s.pool(nil)
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &brandPool, Domain: aws.String("rp-brand"),
		ManagedLoginVersion: aws.Int32(2)})).must(t)
	brandClient, brandSecret := s.oauthClient(brandPool, true, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	logo := `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="48" viewBox="0 0 180 48">` +
		`<rect width="180" height="48" rx="10" fill="#5a2d82"/><text x="90" y="32" font-family="sans-serif" font-size="24" ` +
		`font-weight="bold" fill="#fff" text-anchor="middle">Acme</text></svg>`
	result(s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{UserPoolId: &brandPool, ClientId: &brandClient,
		Settings: document.NewLazyDocument(map[string]any{"components": map[string]any{
			"primaryButton":  map[string]any{"lightMode": map[string]any{"defaults": map[string]any{"backgroundColor": "5a2d82ff", "textColor": "ffffffff"}}},
			"pageBackground": map[string]any{"lightMode": map[string]any{"color": "f3eee4ff"}},
			"form":           map[string]any{"borderRadius": 16, "logo": map[string]any{"enabled": true}},
		}, "componentClasses": map[string]any{"link": map[string]any{"lightMode": map[string]any{"defaults": map[string]any{"textColor": "5a2d82ff"}}}}}),
		Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight,
			Extension: types.AssetExtensionTypeSvg, Bytes: []byte(logo)}},
	})).must(t)
	brandURL := strings.Replace(newRP(t, s, brandPool, brandClient, brandSecret, "openid").conf.AuthCodeURL("brand"), "/oauth2/authorize", "/login", 1)

	authURL := r.conf.AuthCodeURL("pk-state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	logoutURL := s.cfg.PublicURL + "/domains/" + rpDomain + "/logout?" +
		url.Values{"client_id": {clientID}, "logout_uri": {rpLogout}}.Encode()
	cmdCtx, stop := context.WithTimeout(context.Background(), 5*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/passkey.test.js")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "PK_AUTH_URL="+authURL, "PK_LOGOUT_URL="+logoutURL, "PK_USERNAME=pia",
		"PK_PASSWORD=Correct-Horse-9", "PK_OTP_USERNAME=olga", "PK_BRAND_URL="+brandURL, "OUTBOX="+filepath.Join(s.dataDir, "outbox"), "CHROMIUM="+chromium)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("passkeys on the managed pages in Chromium: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 1") {
		t.Fatalf("expected the passkey browser test to pass:\n%s", out.String())
	}
}
