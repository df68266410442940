package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Garbage posted to every form of the choice pages and to single logout,
// with a valid CSRF token and flow, is answered with a page and a 4xx,
// never a 500 or a blank page.
func TestOAuthPagesGarbage(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{
		AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeWebAuthn}}}})
	result(s.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &poolID, Domain: aws.String(rpDomain)})).must(t)
	clientID, secret := s.choiceClient(poolID)
	r := newRP(t, s, poolID, clientID, secret, "openid")
	s.user(poolID, "gus", "Correct-Horse-9")

	b := newBrowser(t)
	login := b.get(r.conf.AuthCodeURL("st"))
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(login.body)[1]
	flow := regexp.MustCompile(`name="flow" value="([^"]+)"`).FindStringSubmatch(login.body)[1]
	base := s.cfg.PublicURL + "/domains/" + rpDomain
	junk := []string{"", "x", strings.Repeat("A", 70000), "%00", "\x00\xff", "{\"id\":1}", "<x/>", "PHg+PC94Pg=="}
	post := func(path string, form url.Values) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p := b.do(req)
		if p.status >= 500 || (p.status < 300 || p.status >= 400) && !strings.Contains(p.body, "<html") {
			t.Errorf("POST %s %v: %d %.200s", path, form, p.status, p.body)
		}
	}
	for _, j := range junk {
		for _, ch := range []string{"SELECT_CHALLENGE", "PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN", "MFA_SETUP", "MFA_SETUP_TOTP", "NEW_PASSWORD_REQUIRED", "SELECT_MFA_TYPE", "SOFTWARE_TOKEN_MFA", j} {
			post("/login/challenge", url.Values{"_csrf": {csrf}, "flow": {flow}, "challenge": {ch}, "session": {j}, "username": {j},
				"code": {j}, "factor": {j}, "password": {j}, "credential": {j}, "secret": {j}})
		}
		post("/login", url.Values{"_csrf": {csrf}, "flow": {flow}, "username": {j}, "password": {j}})
		post("/login", url.Values{"_csrf": {csrf}, "flow": {flow}, "username": {"gus"}, "password": {j}})
		post("/login", url.Values{"_csrf": {csrf}, "flow": {j}, "username": {"gus"}})
		post("/login/passkey", url.Values{"_csrf": {csrf}, "flow": {flow}, "prompt": {j}, "credential": {j}})
		post("/login/passkey", url.Values{"_csrf": {csrf}, "flow": {flow}, "prompt": {j}, "skip": {"1"}})
		post("/login/passkey", url.Values{"_csrf": {j}, "flow": {j}})
		post("/saml2/logout", url.Values{"SAMLResponse": {j}, "RelayState": {j}})
		post("/saml2/logout", url.Values{"SAMLRequest": {j}, "RelayState": {j}})
		for _, q := range []url.Values{{"client_id": {j}}, {"client_id": {clientID}, "logout_uri": {j}}, {"id_token_hint": {j}},
			{"client_id": {clientID}, "redirect_uri": {j}}, {"client_id": {clientID}, "redirect_uri": {rpCallback}, "response_type": {j}}} {
			p := b.get(base + "/logout?" + q.Encode())
			if p.status >= 500 || p.location != nil && p.location.Host == "rp.test" && q.Get("logout_uri") != "" {
				t.Errorf("GET /logout %v: %d %v", q, p.status, p.location)
			}
		}
		p := b.get(base + "/managed-login/assets/" + url.PathEscape(j) + "/" + url.PathEscape(j))
		if p.status >= 500 {
			t.Errorf("asset %q: %d", j, p.status)
		}
	}
}
