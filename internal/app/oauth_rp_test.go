package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// rp is a relying party built from a real OpenID Connect library
// (coreos/go-oidc with x/oauth2) that knows only the issuer URL: every
// endpoint comes from the discovery document.
type rp struct {
	provider *oidc.Provider
	conf     oauth2.Config
	ctx      context.Context
	extra    struct {
		Revocation string   `json:"revocation_endpoint"`
		EndSession string   `json:"end_session_endpoint"`
		UserInfo   string   `json:"userinfo_endpoint"`
		PKCE       []string `json:"code_challenge_methods_supported"`
		Scopes     []string `json:"scopes_supported"`
	}
}

func newRP(t testing.TB, s *server, poolID, clientID, clientSecret string, scopes ...string) *rp {
	t.Helper()
	c := context.WithValue(ctx, oauth2.HTTPClient, s.http.Client())
	provider, err := oidc.NewProvider(c, s.cfg.PublicURL+"/"+poolID)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	r := &rp{provider: provider, ctx: c, conf: oauth2.Config{ClientID: clientID, ClientSecret: clientSecret,
		Endpoint: provider.Endpoint(), RedirectURL: rpCallback, Scopes: scopes}}
	if err := provider.Claims(&r.extra); err != nil {
		t.Fatal(err)
	}
	return r
}

// signIn runs the code grant with PKCE through the pages in b: the
// authorization request, the sign-in form, and the exchange. It returns
// the tokens and the verified ID token.
func (r *rp) signIn(t *testing.T, b *browser, username, password string) (*oauth2.Token, *oidc.IDToken) {
	t.Helper()
	verifier, nonce, state := oauth2.GenerateVerifier(), "n-"+oauth2.GenerateVerifier()[:12], "st-"+oauth2.GenerateVerifier()[:8]
	login := b.get(r.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	if login.status != http.StatusOK || !strings.Contains(login.body, `name="username"`) || !strings.Contains(login.body, `name="password"`) {
		t.Fatalf("sign-in page: %d\n%s", login.status, login.body)
	}
	back := b.submit(login, map[string]string{"username": username, "password": password}).callback(t)
	if back.Get("state") != state || back.Get("code") == "" {
		t.Fatalf("callback %v", back)
	}
	return r.exchange(t, back.Get("code"), verifier, nonce)
}

func (r *rp) exchange(t *testing.T, code, verifier, nonce string) (*oauth2.Token, *oidc.IDToken) {
	t.Helper()
	tok, err := r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := r.provider.Verifier(&oidc.Config{ClientID: r.conf.ClientID}).Verify(r.ctx, raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	if id.Nonce != nonce {
		t.Fatalf("nonce %q, want %q", id.Nonce, nonce)
	}
	if err := id.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	return tok, id
}

func TestOAuthRelyingParty(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			issuer := &fakeIssuer{}
			s := startRP(t, backend, func(cfg config.Config) (*app.App, error) {
				return app.NewWithIdentityDeps(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
					func(string) string { return "" }, issuer, fakeOIDC{})
			})
			testRelyingParty(t, s)
		})
	}
}

func testRelyingParty(t *testing.T, s *server) {
	poolID := s.oauthPool(nil)
	clientID, clientSecret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	s.user(poolID, "alice", "Passw0rd!long", attr("email", "alice@example.com"), attr("email_verified", "true"))
	r := newRP(t, s, poolID, clientID, clientSecret, "openid", "email", "aws.cognito.signin.user.admin")
	if len(r.extra.PKCE) != 1 || r.extra.PKCE[0] != "S256" || r.extra.Revocation == "" || r.extra.EndSession == "" ||
		!strings.Contains(strings.Join(r.extra.Scopes, " "), "api/read") {
		t.Fatalf("discovery %+v", r.extra)
	}

	b := newBrowser(t)
	tok, id := r.signIn(t, b, "alice", "Passw0rd!long")
	var claims struct {
		Username string `json:"cognito:username"`
		Email    string `json:"email"`
	}
	if err := id.Claims(&claims); err != nil || claims.Username != "alice" || claims.Email != "alice@example.com" {
		t.Fatalf("ID token claims %+v %v", claims, err)
	}
	access := jwtClaims(t, tok.AccessToken)
	if access["scope"] != "openid email aws.cognito.signin.user.admin" || access["client_id"] != clientID {
		t.Fatalf("access token claims %v", access)
	}
	// The hosted token works on the self-service API (it has the admin scope).
	got := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})).must(t)
	if aws.ToString(got.Username) != "alice" {
		t.Fatalf("GetUser %v", got.Username)
	}

	// userInfo: claims by scope.
	info, err := r.provider.UserInfo(r.ctx, oauth2.StaticTokenSource(tok))
	if err != nil || info.Email != "alice@example.com" || info.Subject != id.Subject {
		t.Fatalf("userInfo %+v %v", info, err)
	}

	// Refresh: new tokens that keep the scopes and the nonce.
	expired := &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Hour)}
	fresh, err := r.conf.TokenSource(r.ctx, expired).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || jwtClaims(t, fresh.AccessToken)["scope"] != access["scope"] {
		t.Fatalf("refreshed access token %v", jwtClaims(t, fresh.AccessToken))
	}
	refreshedID, err := r.provider.Verifier(&oidc.Config{ClientID: clientID}).Verify(r.ctx, fresh.Extra("id_token").(string))
	if err != nil || refreshedID.Nonce != id.Nonce {
		t.Fatalf("refreshed ID token: %v", err)
	}

	// The ID token is an identity-pool login.
	ci := s.identityClient(s.app.RootCredentials())
	created := result(ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("rp"), CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
			ProviderName: aws.String(strings.TrimPrefix(s.cfg.PublicURL, "http://") + "/" + poolID), ClientId: aws.String(clientID),
		}},
	})).must(t)
	result(ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: created.IdentityPoolId,
		Roles: map[string]string{"authenticated": authRole}})).must(t)
	logins := map[string]string{strings.TrimPrefix(s.cfg.PublicURL, "http://") + "/" + poolID: tok.Extra("id_token").(string)}
	identity := result(ci.GetId(ctx, &cid.GetIdInput{IdentityPoolId: created.IdentityPoolId, Logins: logins})).must(t)
	creds := result(ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: identity.IdentityId, Logins: logins})).must(t)
	if creds.Credentials == nil || aws.ToString(creds.Credentials.AccessKeyId) == "" {
		t.Fatalf("credentials %+v", creds)
	}

	// A live session signs in silently, even with prompt=none.
	verifier := oauth2.GenerateVerifier()
	silent := b.get(r.conf.AuthCodeURL("again", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n2"),
		oauth2.SetAuthURLParam("prompt", "none"))).callback(t)
	if silent.Get("code") == "" || silent.Get("state") != "again" {
		t.Fatalf("silent sign-in %v", silent)
	}
	r.exchange(t, silent.Get("code"), verifier, "n2")

	// Revocation: the refresh token and the access tokens it issued die.
	form := url.Values{"token": {fresh.RefreshToken}}
	if fresh.RefreshToken == "" {
		form.Set("token", tok.RefreshToken)
	}
	req, _ := http.NewRequest(http.MethodPost, r.extra.Revocation, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, clientSecret)
	resp, err := s.http.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})
	wantCode(t, err, "NotAuthorizedException", "revoked")
	if _, err := r.conf.TokenSource(r.ctx, expired).Token(); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("refresh after revocation: %v", err)
	}

	// Logout: back to the registered logout_uri, and the session is over.
	// (OpenID RP-initiated logout: the client named by the ID token.)
	// A copy of the session cookie taken before is over too.
	authURL, _ := url.Parse(r.conf.AuthCodeURL("st"))
	copied := b.client.Jar.Cookies(authURL)
	out := b.get(r.extra.EndSession + "?" + url.Values{"id_token_hint": {tok.Extra("id_token").(string)},
		"post_logout_redirect_uri": {rpLogout}}.Encode())
	if out.location == nil || out.location.String() != rpLogout {
		t.Fatalf("logout: %d %v", out.status, out.location)
	}
	none := b.get(r.conf.AuthCodeURL("st", oauth2.SetAuthURLParam("prompt", "none"))).callback(t)
	if none.Get("error") != "login_required" || none.Get("state") != "st" {
		t.Fatalf("prompt=none after logout: %v", none)
	}
	thief := newBrowser(t)
	thief.client.Jar.SetCookies(authURL, copied)
	if len(copied) == 0 || !slices.ContainsFunc(copied, func(c *http.Cookie) bool { return c.Name == "cognate-session" }) {
		t.Fatalf("no session cookie to copy: %v", copied)
	}
	replayed := thief.get(r.conf.AuthCodeURL("st", oauth2.SetAuthURLParam("prompt", "none"))).callback(t)
	if replayed.Get("error") != "login_required" {
		t.Fatalf("prompt=none with the session cookie copied before logout: %v", replayed)
	}
	other, _ := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	mixed := b.get(r.extra.EndSession + "?" + url.Values{"id_token_hint": {tok.Extra("id_token").(string)},
		"client_id": {other}, "post_logout_redirect_uri": {rpLogout}}.Encode())
	if mixed.status != http.StatusBadRequest || mixed.location != nil {
		t.Fatalf("logout naming another client than the ID token's: %d %v", mixed.status, mixed.location)
	}
	bad := b.get(r.extra.EndSession + "?" + url.Values{"client_id": {clientID}, "logout_uri": {"http://evil.test/"}}.Encode())
	if bad.status != http.StatusBadRequest || bad.location != nil {
		t.Fatalf("logout to an unregistered URL: %d %v", bad.status, bad.location)
	}

	// Logout with /oauth2/authorize's parameters: signed out, then the
	// sign-in page, whose form signs in again (as someone else, here the
	// same user) and goes back with the request's state.
	r.signIn(t, b, "alice", "Passw0rd!long")
	again := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {rpCallback},
		"scope": {"openid email"}, "state": {"again"}}
	login := b.get(r.extra.EndSession + "?" + again.Encode())
	if login.status != http.StatusOK || !strings.Contains(login.body, `name="password"`) {
		t.Fatalf("logout with redirect_uri: %d %v", login.status, login.location)
	}
	if none := b.get(r.conf.AuthCodeURL("st", oauth2.SetAuthURLParam("prompt", "none"))).callback(t); none.Get("error") != "login_required" {
		t.Fatalf("prompt=none after logout with redirect_uri: %v", none)
	}
	back := b.submit(login, map[string]string{"username": "alice", "password": "Passw0rd!long"}).callback(t)
	if back.Get("state") != "again" || back.Get("code") == "" {
		t.Fatalf("sign-in after logout with redirect_uri: %v", back)
	}
	again.Set("redirect_uri", "http://evil.test/cb")
	if bad := b.get(r.extra.EndSession + "?" + again.Encode()); bad.status != http.StatusBadRequest || bad.location != nil {
		t.Fatalf("logout to an unregistered redirect_uri: %d %v", bad.status, bad.location)
	}
}

func TestOAuthClientCredentials(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	machine, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeClientCredentials}, "api/read")
	r := newRP(t, s, poolID, machine, secret)
	cc := clientcredentials.Config{ClientID: machine, ClientSecret: secret, TokenURL: r.provider.Endpoint().TokenURL, Scopes: []string{"api/read"}}
	tok, err := cc.Token(r.ctx)
	if err != nil {
		t.Fatalf("client_credentials: %v", err)
	}
	c := jwtClaims(t, tok.AccessToken)
	if c["scope"] != "api/read" || c["sub"] != machine || c["token_use"] != "access" || c["iss"] != s.cfg.PublicURL+"/"+poolID {
		t.Fatalf("claims %v", c)
	}
	// It is not a user's token: the self-service API refuses it.
	_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})
	wantCode(t, err, "NotAuthorizedException", "")

	// A scope the client may not have, and a wrong secret, are refused.
	cc.Scopes = []string{"api/write"}
	if _, err := cc.Token(r.ctx); err == nil || !strings.Contains(err.Error(), "invalid_scope") {
		t.Fatalf("unknown scope: %v", err)
	}
	cc.Scopes, cc.ClientSecret = []string{"api/read"}, "wrong"
	if _, err := cc.Token(r.ctx); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: %v", err)
	}
}
