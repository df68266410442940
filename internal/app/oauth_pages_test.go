package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/totp"
)

var secretPattern = regexp.MustCompile(`<code>([A-Z2-7]+)</code>`)

// The managed pages beyond the password: TOTP set-up with its QR code and
// TOTP sign-in, a temporary password replaced, sign-up and confirmation,
// and a forgotten password reset, each through to the relying party.
func TestOAuthPagesMFAAndNewPassword(t *testing.T) {
	clk := newTestClock()
	s := startRP(t, "sqlite", nil, app.WithClock(clk.Now))
	poolID := s.oauthPool(nil)
	s.setMFA(poolID, types.UserPoolMfaTypeOn, false, true, false)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid", "aws.cognito.signin.user.admin")
	s.user(poolID, "carol", "Passw0rd!long")

	start := func(b *browser) *page { return b.get(r.conf.AuthCodeURL("s")) }

	// First sign-in: MFA is required and carol has none: set up TOTP.
	b := newBrowser(t)
	setup := b.submit(start(b), map[string]string{"username": "carol", "password": "Passw0rd!long"})
	m := secretPattern.FindStringSubmatch(setup.body)
	if setup.status != http.StatusOK || m == nil || !strings.Contains(setup.body, `src="data:image/png;base64,`) {
		t.Fatalf("TOTP set-up page: %d\n%s", setup.status, setup.body)
	}
	key := m[1]
	code, _ := totp.Generate(key, clk.Now())
	wrong := b.submit(setup, map[string]string{"code": "000000"})
	if wrong.status != http.StatusBadRequest || !strings.Contains(wrong.body, "Invalid code") || !secretPattern.MatchString(wrong.body) {
		t.Fatalf("wrong set-up code: %d\n%s", wrong.status, wrong.body)
	}
	back := b.submit(wrong, map[string]string{"code": code}).callback(t)
	if back.Get("code") == "" {
		t.Fatalf("after set-up: %v", back)
	}

	// Next sign-in, in a new browser: one code field for the TOTP code.
	clk.Advance(31 * time.Second)
	b2 := newBrowser(t)
	mfa := b2.submit(start(b2), map[string]string{"username": "carol", "password": "Passw0rd!long"})
	if mfa.status != http.StatusOK || strings.Count(mfa.body, `type="text"`) != 1 || !strings.Contains(mfa.body, `name="code"`) {
		t.Fatalf("MFA page: %d\n%s", mfa.status, mfa.body)
	}
	code, _ = totp.Generate(key, clk.Now())
	if b2.submit(mfa, map[string]string{"code": code}).callback(t).Get("code") == "" {
		t.Fatal("no code after MFA")
	}

	// A temporary password must be replaced on the page.
	s.setMFA(poolID, types.UserPoolMfaTypeOff, false, false, false)
	result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("dave"),
		TemporaryPassword: aws.String("Temp0rary!pass"), MessageAction: types.MessageActionTypeSuppress})).must(t)
	b3 := newBrowser(t)
	np := b3.submit(start(b3), map[string]string{"username": "dave", "password": "Temp0rary!pass"})
	if np.status != http.StatusOK || !strings.Contains(np.body, `autocomplete="new-password"`) {
		t.Fatalf("new password page: %d\n%s", np.status, np.body)
	}
	if b3.submit(np, map[string]string{"password": "Perman3nt!pass"}).callback(t).Get("code") == "" {
		t.Fatal("no code after the new password")
	}
	api, _ := s.appClient(poolID, false)
	s.signIn(api, "dave", "Perman3nt!pass")
}

func TestOAuthPagesSignUpAndReset(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid", "email")
	css := ".submitButton-customizable { background-color: #0a5c36; }"
	result(s.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &poolID, ClientId: &clientID,
		CSS: &css, ImageFile: pngLogo(100)})).must(t)
	b := newBrowser(t)
	login := b.get(r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("lang", "ja")))
	if !strings.Contains(login.body, css) || !strings.Contains(login.body, "/ui-customization/"+clientID+"/logo") {
		t.Fatalf("the client's branding is not on the page:\n%s", login.body)
	}
	link := regexp.MustCompile(`href="([^"]*/signup\?[^"]*)"`).FindStringSubmatch(login.body)
	if link == nil || !strings.Contains(login.body, "サインイン") {
		t.Fatalf("sign-in page in Japanese with a sign-up link:\n%s", login.body)
	}
	signup := b.get(strings.ReplaceAll(link[1], "&amp;", "&"))
	confirm := b.submit(signup, map[string]string{"username": "erin", "email": "erin@example.com", "password": "Passw0rd!long"})
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, `name="code"`) {
		t.Fatalf("confirm page: %d\n%s", confirm.status, confirm.body)
	}
	bad := b.submit(confirm, map[string]string{"code": "999999"})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, `role="alert"`) {
		t.Fatalf("wrong confirmation code: %d\n%s", bad.status, bad.body)
	}
	signin := b.submit(bad, map[string]string{"code": s.lastCode()})
	back := b.submit(signin, map[string]string{"username": "erin", "password": "Passw0rd!long"}).callback(t)
	if back.Get("code") == "" {
		t.Fatalf("after sign-up: %v", back)
	}

	// Forgot password: a code by email, then a new password.
	b2 := newBrowser(t)
	forgot := b2.get(strings.Replace(r.conf.AuthCodeURL("s"), "/oauth2/authorize", "/forgotPassword", 1))
	reset := b2.submit(forgot, map[string]string{"username": "erin"})
	if reset.status != http.StatusOK || !strings.Contains(reset.body, `name="code"`) {
		t.Fatalf("reset page: %d\n%s", reset.status, reset.body)
	}
	signin = b2.submit(reset, map[string]string{"code": s.lastCode(), "password": "N3w!password-x"})
	if b2.submit(signin, map[string]string{"username": "erin", "password": "N3w!password-x"}).callback(t).Get("code") == "" {
		t.Fatal("no code after the reset")
	}
}

// The sign-in page has the API's lockout: after the free failures the
// right password is refused too, and the page says why, while the clock
// stands still.
func TestOAuthPageLockout(t *testing.T) {
	clk := newTestClock()
	s := startRP(t, "sqlite", nil, app.WithClock(clk.Now))
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid")
	s.user(poolID, "lou", "Passw0rd!long")
	b := newBrowser(t)
	p := b.get(r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("lang", "es")))
	for i := 0; i < 6; i++ {
		p = b.submit(p, map[string]string{"username": "lou", "password": "wrong-password"})
	}
	p = b.submit(p, map[string]string{"username": "lou", "password": "Passw0rd!long"})
	if p.status != http.StatusBadRequest || p.location != nil || !strings.Contains(p.body, "Demasiados intentos fallidos") {
		t.Fatalf("locked out: %d %v\n%s", p.status, p.location, p.body)
	}
	clk.Advance(time.Minute)
	if b.submit(p, map[string]string{"username": "lou", "password": "Passw0rd!long"}).callback(t).Get("code") == "" {
		t.Fatal("no code once the lockout is over")
	}
}

// TestOAuthSignUpShowsTerms: the sign-up page links the client's terms of
// use and privacy policy (CreateTerms, Enforcement NONE) in the page's
// language, and a client without terms shows none.
func TestOAuthSignUpShowsTerms(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid")
	base := s.cfg.PublicURL + "/domains/" + rpDomain
	signUp := func(lang string) string {
		q, _ := url.Parse(r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("lang", lang)))
		return newBrowser(t).get(base + "/signup?" + q.RawQuery).body
	}
	if body := signUp("en"); strings.Contains(body, "Terms of use") {
		t.Fatalf("terms shown before any were created:\n%s", body)
	}
	for name, links := range map[string]map[string]string{
		"terms-of-use":   {"cognito:default": "https://example.com/terms", "cognito:french": "https://example.com/fr/terms"},
		"privacy-policy": {"cognito:default": "https://example.com/privacy"},
	} {
		result(s.idp.CreateTerms(ctx, &cip.CreateTermsInput{UserPoolId: &poolID, ClientId: &clientID, TermsName: aws.String(name),
			TermsSource: types.TermsSourceTypeLink, Enforcement: types.TermsEnforcementTypeNone, Links: links})).must(t)
	}
	body := signUp("en")
	for _, want := range []string{`href="https://example.com/terms"`, "Terms of use", `href="https://example.com/privacy"`, "Privacy policy"} {
		if !strings.Contains(body, want) {
			t.Errorf("sign-up page without %s:\n%s", want, body)
		}
	}
	if body := signUp("fr"); !strings.Contains(body, `href="https://example.com/fr/terms"`) || !strings.Contains(body, "Conditions d&#39;utilisation") {
		t.Errorf("French sign-up page:\n%s", body)
	}
}
