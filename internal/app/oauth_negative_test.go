package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"
)

// tokenRequest posts form to the token endpoint and returns the status and
// the RFC 6749 error code ("" on success).
func tokenRequest(t *testing.T, s *server, endpoint string, form url.Values, id, secret string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := s.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error string `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Error
}

func TestOAuthRefusals(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	flows := []types.OAuthFlowType{types.OAuthFlowTypeCode}
	clientA, secretA := s.oauthClient(poolID, true, flows)
	clientB, secretB := s.oauthClient(poolID, true, flows)
	s.user(poolID, "bob", "Passw0rd!long")
	r := newRP(t, s, poolID, clientA, secretA, "openid", "aws.cognito.signin.user.admin")
	tokenURL := r.provider.Endpoint().TokenURL

	// codeFor signs bob in and returns a fresh code and its verifier.
	codeFor := func() (string, string) {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		b := newBrowser(t)
		login := b.get(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
		return b.submit(login, map[string]string{"username": "bob", "password": "Passw0rd!long"}).callback(t).Get("code"), verifier
	}
	redeem := func(code, verifier, id, secret string) (int, string) {
		return tokenRequest(t, s, tokenURL, url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {rpCallback}, "code_verifier": {verifier}}, id, secret)
	}

	t.Run("unknown redirect_uri or client: an error page, never a redirect", func(t *testing.T) {
		b := newBrowser(t)
		for _, u := range []string{
			strings.Replace(r.conf.AuthCodeURL("s"), url.QueryEscape(rpCallback), url.QueryEscape("http://evil.test/cb"), 1),
			strings.Replace(r.conf.AuthCodeURL("s"), clientA, "nosuchclient", 1),
		} {
			p := b.get(u)
			if p.status != http.StatusBadRequest || p.location != nil || !strings.Contains(p.body, `role="alert"`) {
				t.Fatalf("%s: %d %v\n%s", u, p.status, p.location, p.body)
			}
		}
		fr := b.get(strings.Replace(r.conf.AuthCodeURL("s"), url.QueryEscape(rpCallback), url.QueryEscape("http://evil.test/cb"), 1) + "&lang=fr")
		if !strings.Contains(fr.body, "n&#39;est pas enregistrée") || !strings.Contains(fr.body, `lang="fr"`) {
			t.Fatalf("French error page:\n%s", fr.body)
		}
	})

	t.Run("reused code: refused, and its tokens revoked", func(t *testing.T) {
		code, verifier := codeFor()
		tok, err := r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})).must(t)
		if status, e := redeem(code, verifier, clientA, secretA); status != http.StatusBadRequest || e != "invalid_grant" {
			t.Fatalf("second redemption: %d %q", status, e)
		}
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "revoked")
	})

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		code, _ := codeFor()
		if status, e := redeem(code, oauth2.GenerateVerifier(), clientA, secretA); status != http.StatusBadRequest || e != "invalid_grant" {
			t.Fatalf("%d %q", status, e)
		}
		if status, e := redeem(code, "", clientA, secretA); e != "invalid_grant" {
			t.Fatalf("no verifier: %d %q", status, e)
		}
	})

	t.Run("plain PKCE refused", func(t *testing.T) {
		u := r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()),
			oauth2.SetAuthURLParam("code_challenge_method", "plain"))
		back := newBrowser(t).get(u).callback(t)
		if back.Get("error") != "invalid_request" || back.Get("state") != "s" {
			t.Fatalf("%v", back)
		}
	})

	t.Run("wrong client secret", func(t *testing.T) {
		code, verifier := codeFor()
		if status, e := redeem(code, verifier, clientA, "not-the-secret"); status != http.StatusUnauthorized || e != "invalid_client" {
			t.Fatalf("%d %q", status, e)
		}
		if status, e := redeem(code, verifier, "", ""); status != http.StatusUnauthorized || e != "invalid_client" {
			t.Fatalf("no authentication: %d %q", status, e)
		}
	})

	t.Run("prompt=none without a session", func(t *testing.T) {
		back := newBrowser(t).get(r.conf.AuthCodeURL("xyz", oauth2.SetAuthURLParam("prompt", "none"))).callback(t)
		if back.Get("error") != "login_required" || back.Get("state") != "xyz" || back.Get("code") != "" {
			t.Fatalf("%v", back)
		}
	})

	t.Run("CSRF token missing", func(t *testing.T) {
		b := newBrowser(t)
		login := b.get(r.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		p := b.submit(login, map[string]string{"username": "bob", "password": "Passw0rd!long"}, "_csrf")
		if p.status != http.StatusForbidden || p.location != nil || !strings.Contains(p.body, "Your form has expired") {
			t.Fatalf("%d %v\n%s", p.status, p.location, p.body)
		}
	})

	t.Run("code of client A redeemed by client B", func(t *testing.T) {
		code, verifier := codeFor()
		if status, e := redeem(code, verifier, clientB, secretB); status != http.StatusBadRequest || e != "invalid_grant" {
			t.Fatalf("%d %q", status, e)
		}
		if status, e := redeem(code, verifier, clientA, secretA); status != http.StatusOK || e != "" {
			t.Fatalf("the right client after the refusal: %d %q", status, e)
		}
	})

	t.Run("wrong password: the page says so in the user's language", func(t *testing.T) {
		b := newBrowser(t)
		login := b.get(r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("lang", "de")))
		p := b.submit(login, map[string]string{"username": "bob", "password": "wrong-password"})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Benutzername oder Passwort ist falsch.") {
			t.Fatalf("%d\n%s", p.status, p.body)
		}
		csp := p.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src") || strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q", csp)
		}
		for _, c := range p.header.Values("Set-Cookie") {
			if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
				t.Fatalf("cookie %q", c)
			}
		}
	})

	t.Run("a token without aws.cognito.signin.user.admin is refused by self-service operations", func(t *testing.T) {
		narrow := newRP(t, s, poolID, clientA, secretA, "openid")
		tok, _ := narrow.signIn(t, newBrowser(t), "bob", "Passw0rd!long")
		_, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "required scopes")
		if _, err := narrow.provider.UserInfo(narrow.ctx, oauth2.StaticTokenSource(tok)); err != nil {
			t.Fatalf("userInfo with openid: %v", err)
		}
	})

	t.Run("a scope the client may not have", func(t *testing.T) {
		back := newBrowser(t).get(r.conf.AuthCodeURL("s", oauth2.SetAuthURLParam("scope", "openid phone"))).callback(t)
		if back.Get("error") != "invalid_scope" {
			t.Fatalf("%v", back)
		}
	})
}
