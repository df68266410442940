package app_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// choiceClient creates an OAuth client (code grant, a secret) that allows
// ALLOW_USER_AUTH, so its pages sign in by choice.
func (s *server) choiceClient(poolID string) (string, string) {
	s.t.Helper()
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &poolID, ClientName: aws.String("choice"), GenerateSecret: true,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email"}, CallbackURLs: []string{rpCallback}, LogoutURLs: []string{rpLogout},
		SupportedIdentityProviders: []string{"COGNITO"},
	})).must(s.t)
	return *out.UserPoolClient.ClientId, aws.ToString(out.UserPoolClient.ClientSecret)
}

var factorButton = regexp.MustCompile(`<button [^>]*name="factor" value="([A-Z_]+)"`)

// Choice-based sign-in on the pages, without JavaScript: the username
// first, then a button per first factor; an email code (one code field,
// a wrong code shown and retried) and a password each bring the browser
// back to the relying party with a code the relying party redeems.
func TestOAuthChoiceSignIn(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp}}}})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(t)
	clientID, secret := s.choiceClient(poolID)
	r := newRP(t, s, poolID, clientID, secret, "openid", "email")
	s.user(poolID, "eve", "Correct-Horse-9", attr("email", "eve@example.com"), attr("email_verified", "true"),
		attr("phone_number", "+15555550123"), attr("phone_number_verified", "true"))
	s.user(poolID, "pam", "Correct-Horse-9")

	choose := func(b *browser, username string, verifier string) *page {
		t.Helper()
		login := b.get(r.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
		if login.status != http.StatusOK || !strings.Contains(login.body, `name="username"`) || strings.Contains(login.body, `name="password"`) {
			t.Fatalf("choice sign-in page asks for more than the username: %d\n%s", login.status, login.body)
		}
		return b.submit(login, map[string]string{"username": username})
	}

	// eve has a verified email address and phone number: password, email
	// code or SMS code.
	verifier := oauth2.GenerateVerifier()
	b := newBrowser(t)
	choice := choose(b, "eve", verifier)
	var offered []string
	for _, m := range factorButton.FindAllStringSubmatch(choice.body, -1) {
		offered = append(offered, m[1])
	}
	if choice.status != http.StatusOK || strings.Join(offered, ",") != "PASSWORD,EMAIL_OTP,SMS_OTP" {
		t.Fatalf("choice page offers %v: %d\n%s", offered, choice.status, choice.body)
	}
	before := len(s.outbox())
	codePage := b.submit(choice, map[string]string{"factor": "EMAIL_OTP"})
	if codePage.status != http.StatusOK || strings.Count(codePage.body, `type="text"`) != 1 || !strings.Contains(codePage.body, `name="code"`) ||
		!strings.Contains(codePage.body, "Enter the code we sent to e***@") ||
		len(s.outbox()) != before+1 {
		t.Fatalf("email code page: %d (outbox %d -> %d)\n%s", codePage.status, before, len(s.outbox()), codePage.body)
	}
	code := s.lastCode()
	wrong := b.submit(codePage, map[string]string{"code": "000000"})
	if wrong.status != http.StatusBadRequest || !strings.Contains(wrong.body, "Invalid code") {
		t.Fatalf("wrong email code: %d\n%s", wrong.status, wrong.body)
	}
	back := b.submit(wrong, map[string]string{"code": code}).callback(t)
	_, id := r.exchange(t, back.Get("code"), verifier, "")
	var claims struct {
		Username string `json:"cognito:username"`
	}
	if err := id.Claims(&claims); err != nil || claims.Username != "eve" {
		t.Fatalf("ID token after the email code: %+v %v", claims, err)
	}

	// An SMS code: one code field; as with the API, three wrong codes end
	// the sign-in, and the pages start over.
	b4 := newBrowser(t)
	smsPage := b4.submit(choose(b4, "eve", oauth2.GenerateVerifier()), map[string]string{"factor": "SMS_OTP"})
	if smsPage.status != http.StatusOK || !strings.Contains(smsPage.body, "text message") || !strings.Contains(smsPage.body, `name="code"`) {
		t.Fatalf("SMS code page: %d\n%s", smsPage.status, smsPage.body)
	}
	smsCode := s.lastCode()
	for i := 0; i < 3; i++ {
		smsPage = b4.submit(smsPage, map[string]string{"code": wrongCode(smsCode)})
	}
	if end := b4.submit(smsPage, map[string]string{"code": smsCode}); end.location != nil || strings.Contains(end.body, `name="code"`) ||
		!strings.Contains(end.body, "This page has expired. Sign in again.") {
		t.Fatalf("after three wrong SMS codes: %d %v\n%s", end.status, end.location, end.body)
	}

	// pam has no verified email: password only; a wrong password starts over.
	verifier = oauth2.GenerateVerifier()
	b2 := newBrowser(t)
	choice = choose(b2, "pam", verifier)
	if got := factorButton.FindAllStringSubmatch(choice.body, -1); len(got) != 1 || got[0][1] != "PASSWORD" {
		t.Fatalf("pam's choices: %v\n%s", got, choice.body)
	}
	pw := b2.submit(choice, map[string]string{"factor": "PASSWORD"})
	if pw.status != http.StatusOK || !strings.Contains(pw.body, `autocomplete="current-password"`) {
		t.Fatalf("password page: %d\n%s", pw.status, pw.body)
	}
	bad := b2.submit(pw, map[string]string{"password": "Wrong-Horse-1"})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "Incorrect username or password") || strings.Contains(bad.body, `name="password"`) {
		t.Fatalf("wrong password: %d\n%s", bad.status, bad.body)
	}
	pw = b2.submit(b2.submit(bad, map[string]string{"username": "pam"}), map[string]string{"factor": "PASSWORD"})
	back = b2.submit(pw, map[string]string{"password": "Correct-Horse-9"}).callback(t)
	r.exchange(t, back.Get("code"), verifier, "")

	// A relying party that posts the plain form (username and password)
	// signs in at once; a wrong password is refused on the sign-in page.
	verifier = oauth2.GenerateVerifier()
	b5 := newBrowser(t)
	login := b5.get(r.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if p := b5.submit(login, map[string]string{"username": "eve", "password": "Wrong-Horse-1"}); p.status != http.StatusBadRequest ||
		!strings.Contains(p.body, "Incorrect username or password") {
		t.Fatalf("plain form, wrong password: %d\n%s", p.status, p.body)
	}
	back = b5.submit(login, map[string]string{"username": "eve", "password": "Correct-Horse-9"}).callback(t)
	r.exchange(t, back.Get("code"), verifier, "")

	// A factor the user was not offered is refused.
	b3 := newBrowser(t)
	choice = choose(b3, "pam", oauth2.GenerateVerifier())
	if p := b3.submit(choice, map[string]string{"factor": "EMAIL_OTP"}); p.status != http.StatusBadRequest || p.location != nil {
		t.Fatalf("an unoffered factor: %d\n%s", p.status, p.body)
	}
}

// The cognate:require-pkce pool tag: a public client's authorization
// request without a code_challenge gets invalid_request at its
// redirect_uri (RFC 6749 4.1.2.1); with one, or from a client with a
// secret, the sign-in page. A value other than public or all is refused.
func TestOAuthRequirePKCE(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	public, _ := s.oauthClient(poolID, false, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	confidential, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	pub := newRP(t, s, poolID, public, "", "openid")
	conf := newRP(t, s, poolID, confidential, secret, "openid")
	arn := aws.ToString(result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &poolID})).must(t).UserPool.Arn)

	b := newBrowser(t)
	if p := b.get(pub.conf.AuthCodeURL("st")); p.status != http.StatusOK || p.location != nil {
		t.Fatalf("without the tag, no PKCE is needed: %d", p.status)
	}
	_, err := s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"cognate:require-pkce": "yes"}})
	wantCode(t, err, "InvalidParameterException", "cognate:require-pkce")
	result(s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"cognate:require-pkce": "public"}})).must(t)

	back := b.get(pub.conf.AuthCodeURL("st-1")).callback(t)
	if back.Get("error") != "invalid_request" || back.Get("state") != "st-1" || !strings.Contains(back.Get("error_description"), "code_challenge") {
		t.Fatalf("public client without PKCE: %v", back)
	}
	if p := b.get(pub.conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))); p.status != http.StatusOK || p.location != nil {
		t.Fatalf("public client with PKCE: %d %v", p.status, p.location)
	}
	if p := b.get(conf.conf.AuthCodeURL("st")); p.status != http.StatusOK || p.location != nil {
		t.Fatalf("client with a secret under public: %d %v", p.status, p.location)
	}
	result(s.idp.TagResource(ctx, &cip.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"cognate:require-pkce": "all"}})).must(t)
	if back := b.get(conf.conf.AuthCodeURL("st-2")).callback(t); back.Get("error") != "invalid_request" {
		t.Fatalf("client with a secret under all: %v", back)
	}
}

// A managed login branding style shows on the pages of a managed-login
// (version 2) domain: its colours in the page's CSS, its form logo served
// by the domain; a change shows on the next page. A classic (version 1)
// domain keeps the UI customization.
func TestOAuthPagesBranding(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	r := newRP(t, s, poolID, clientID, secret, "openid")
	logo := pngLogo(120)
	settings := func(color string) document.Interface {
		return document.NewLazyDocument(map[string]any{"components": map[string]any{
			"primaryButton":  map[string]any{"lightMode": map[string]any{"defaults": map[string]any{"backgroundColor": color, "textColor": "ffffffff"}}},
			"pageBackground": map[string]any{"lightMode": map[string]any{"color": "f0e6d2ff"}},
			"form":           map[string]any{"logo": map[string]any{"enabled": true}},
		}})
	}
	result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID,
		CSS: aws.String(".banner-customizable { background-color: #abcdef; }")})).must(t)
	id := result(s.idp.CreateManagedLoginBranding(ctx, &cip.CreateManagedLoginBrandingInput{
		UserPoolId: &poolID, ClientId: &clientID, Settings: settings("5a2d82ff"),
		Assets: []types.AssetType{{Category: types.AssetCategoryTypeFormLogo, ColorMode: types.ColorSchemeModeTypeLight,
			Extension: types.AssetExtensionTypePng, Bytes: logo}},
	})).must(t).ManagedLoginBranding.ManagedLoginBrandingId

	b := newBrowser(t)
	classic := b.get(r.conf.AuthCodeURL("st"))
	if !strings.Contains(classic.body, "#abcdef") || strings.Contains(classic.body, "#5a2d82ff") {
		t.Fatalf("a version 1 domain shows the UI customization only:\n%s", classic.body)
	}

	result(s.idp.UpdateUserPoolDomain(ctx, &cip.UpdateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain),
		ManagedLoginVersion: aws.Int32(2)})).must(t)
	branded := b.get(r.conf.AuthCodeURL("st"))
	for _, want := range []string{"button.submitButton-customizable{background-color:#5a2d82ff;color:#ffffffff}",
		"body{background-color:#f0e6d2ff", `class="logo logo-customizable" src="`} {
		if !strings.Contains(branded.body, want) {
			t.Fatalf("branded page lacks %q:\n%s", want, branded.body)
		}
	}
	if strings.Contains(branded.body, "#abcdef") {
		t.Fatal("a version 2 domain shows the classic UI customization")
	}
	src := regexp.MustCompile(`class="logo logo-customizable" src="([^"]+)"`).FindStringSubmatch(branded.body)[1]
	logoURL, _ := branded.url.Parse(strings.ReplaceAll(src, "&amp;", "&"))
	resp, err := b.client.Get(logoURL.String())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(got, logo) {
		t.Fatalf("logo %s: %d %s, %d bytes", logoURL, resp.StatusCode, resp.Header.Get("Content-Type"), len(got))
	}
	other := strings.Replace(logoURL.String(), url.PathEscape(clientID), "nosuchclient", 1)
	if resp, err := b.client.Get(other); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another client's logo: %v %v", resp, err)
	}

	result(s.idp.UpdateManagedLoginBranding(ctx, &cip.UpdateManagedLoginBrandingInput{UserPoolId: &poolID,
		ManagedLoginBrandingId: id, Settings: settings("1d6b3aff")})).must(t)
	if p := b.get(r.conf.AuthCodeURL("st")); !strings.Contains(p.body, "background-color:#1d6b3aff") {
		t.Fatalf("the updated colour is not on the page:\n%s", p.body)
	}
}

// The "Add a passkey?" page without JavaScript: it follows a password
// sign-in in a pool that offers passkeys (relying party localhost, pages
// at http://localhost), loads passkey.js by CSP nonce (the other pages
// allow no script), refuses a credential that is not one and a forged
// prompt, and Not now goes on to the relying party.
func TestOAuthPasskeyPrompt(t *testing.T) {
	local := func(u string) string { return strings.Replace(u, "http://127.0.0.1:", "http://localhost:", 1) }
	s := startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		cfg.PublicURL = local(cfg.PublicURL)
		return app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(string) string { return "" })
	})
	s.cfg.PublicURL = local(s.cfg.PublicURL)
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeWebAuthn}}}})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(t)
	result(s.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(poolID),
		WebAuthnConfiguration: &types.WebAuthnConfigurationType{RelyingPartyId: aws.String("localhost")}})).must(t)
	clientID, secret := s.choiceClient(poolID)
	r := newRP(t, s, poolID, clientID, secret, "openid")
	s.user(poolID, "pia", "Correct-Horse-9")

	b := newBrowser(t)
	login := b.get(r.conf.AuthCodeURL("st"))
	if csp := login.header.Get("Content-Security-Policy"); strings.Contains(csp, "script-src") || strings.Contains(login.body, "<script") {
		t.Fatalf("the sign-in page allows script: %s", csp)
	}
	pw := b.submit(b.submit(login, map[string]string{"username": "pia"}), map[string]string{"factor": "PASSWORD"})
	prompt := b.submit(pw, map[string]string{"password": "Correct-Horse-9"})
	nonce := regexp.MustCompile(`<script nonce="([^"]+)" src="([^"]+)"`).FindStringSubmatch(prompt.body)
	if prompt.status != http.StatusOK || !strings.Contains(prompt.body, "Add a passkey?") || nonce == nil ||
		!strings.Contains(prompt.body, `data-passkey="create"`) ||
		!strings.HasPrefix(prompt.header.Get("Content-Security-Policy"), "script-src 'nonce-"+nonce[1]+"'; default-src 'none'") {
		t.Fatalf("prompt: %d %s\n%s", prompt.status, prompt.header.Get("Content-Security-Policy"), prompt.body)
	}
	js := b.get(html.UnescapeString(nonce[2]))
	if js.status != http.StatusOK || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") ||
		!strings.Contains(js.body, "navigator.credentials.create") {
		t.Fatalf("passkey.js: %d %s", js.status, js.header.Get("Content-Type"))
	}

	// (submit posts the hidden fields of both forms: drop Not now's.)
	again := b.submit(prompt, map[string]string{"credential": `{"id":"x","type":"public-key"}`}, "skip")
	if again.status != http.StatusOK || !strings.Contains(again.body, "The passkey could not be used") || !strings.Contains(again.body, "Add a passkey?") {
		t.Fatalf("a bad credential: %d\n%s", again.status, again.body)
	}
	if p := b.submit(again, map[string]string{"skip": "1", "prompt": "forged"}); p.status != http.StatusBadRequest || p.location != nil {
		t.Fatalf("a forged prompt: %d %v", p.status, p.location)
	}
	if back := b.submit(again, map[string]string{"skip": "1"}).callback(t); back.Get("code") == "" || back.Get("state") != "st" {
		t.Fatalf("Not now: %v", back)
	}

	// The prompt belongs to the browser's session: another browser (its
	// own CSRF token and flow, no session) cannot post it to be signed in
	// as pia, and once pia signs out her own copy of the page signs no one
	// in either.
	other := newBrowser(t)
	otherLogin := other.get(r.conf.AuthCodeURL("evil"))
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	stolen := &page{url: again.url, body: strings.Replace(again.body, csrf.FindStringSubmatch(again.body)[1],
		csrf.FindStringSubmatch(otherLogin.body)[1], -1)}
	if p := other.submit(stolen, map[string]string{"skip": "1"}); p.location != nil || p.status != http.StatusBadRequest {
		t.Fatalf("a prompt posted by another browser: %d %v", p.status, p.location)
	}
	bye := b.get(s.cfg.PublicURL + "/domains/" + rpDomain + "/logout?" + url.Values{"client_id": {clientID}, "logout_uri": {rpLogout}}.Encode())
	if bye.location == nil || bye.location.String() != rpLogout {
		t.Fatalf("logout: %d %v", bye.status, bye.location)
	}
	if p := b.submit(again, map[string]string{"skip": "1"}); p.location != nil || p.status != http.StatusBadRequest {
		t.Fatalf("the prompt after sign-out: %d %v", p.status, p.location)
	}
}
