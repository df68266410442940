package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
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

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/config"
)

// oidcFederation is one Cognate (down) federating to another (up) over OIDC:
// alice in up's pool, up's client for down's idpresponse, the provider
// Upstream in down's pool, and a relying party r of down.
type oidcFederation struct {
	up, down         *server
	upPool, downPool string
	downClient       *types.UserPoolClientType
	r                *rp
}

func newOIDCFederation(t *testing.T) *oidcFederation {
	t.Helper()
	f := &oidcFederation{}
	f.up = startRP(t, "sqlite", nil)
	f.down = startRP(t, "sqlite", func(cfg config.Config) (*app.App, error) {
		return app.NewWithIdentityDeps(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
			func(string) string { return "" }, &fakeIssuer{}, fakeOIDC{})
	})
	up, down := f.up, f.down

	// The upstream: a pool with a domain, alice, and a client whose
	// callback is the downstream's idpresponse.
	upPool := up.oauthPool(nil)
	up.user(upPool, "alice", "Passw0rd!long", attr("email", "alice@example.com"), attr("email_verified", "true"))
	downPool := down.pool(nil)
	result(down.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &downPool, Domain: aws.String("downstream")})).must(t)
	idpResponse := down.cfg.PublicURL + "/domains/downstream/oauth2/idpresponse"
	upClient := result(up.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &upPool, ClientName: aws.String("downstream"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "profile"}, CallbackURLs: []string{idpResponse},
		SupportedIdentityProviders: []string{"COGNITO"},
	})).must(t).UserPoolClient

	// The downstream: the upstream as an OIDC provider, and a relying
	// party's client that supports it.
	result(down.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &downPool, ProviderName: aws.String("Upstream"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: map[string]string{
			"client_id": *upClient.ClientId, "client_secret": *upClient.ClientSecret, "authorize_scopes": "openid email profile",
			"oidc_issuer": up.cfg.PublicURL + "/" + upPool, "attributes_request_method": "GET",
		},
		AttributeMapping: map[string]string{"email": "email", "email_verified": "email_verified"},
	})).must(t)
	f.downClient = result(down.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &downPool, ClientName: aws.String("rp"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "email", "aws.cognito.signin.user.admin"}, CallbackURLs: []string{rpCallback},
		SupportedIdentityProviders: []string{"COGNITO", "Upstream"},
	})).must(t).UserPoolClient
	f.upPool, f.downPool = upPool, downPool
	f.r = newRP(t, down, downPool, *f.downClient.ClientId, *f.downClient.ClientSecret, "openid", "email", "aws.cognito.signin.user.admin")
	return f
}

// TestFederationBetweenCognates: one Cognate (downstream) federates to
// another (upstream) over OpenID Connect with nothing but configuration
// through the API. A browser without JavaScript goes from the relying
// party to the downstream /oauth2/authorize with identity_provider, on to
// the upstream's sign-in page, and back through the downstream
// /oauth2/idpresponse to the relying party, which gets tokens for
// Upstream_<upstream sub> with the mapped attributes and an identities
// claim. After AdminLinkProviderForUser the same upstream user signs in as
// the downstream's native user.
func TestFederationBetweenCognates(t *testing.T) {
	f := newOIDCFederation(t)
	up, down, upPool, downPool, downClient, r := f.up, f.down, f.upPool, f.downPool, f.downClient, f.r

	// The downstream's sign-in page offers the provider.
	b := newBrowser(t)
	if p := b.get(r.conf.AuthCodeURL("s0")); !strings.Contains(p.body, "Sign in with Upstream") {
		t.Fatalf("the sign-in page has no button for the provider: %d\n%s", p.status, p.body)
	}

	signInUpstream := func(b *browser) (*oauth2.Token, *oidc.IDToken) {
		t.Helper()
		verifier, nonce := oauth2.GenerateVerifier(), "n-"+oauth2.GenerateVerifier()[:10]
		login := b.get(r.conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce),
			oauth2.SetAuthURLParam("identity_provider", "Upstream")))
		if login.status != http.StatusOK || !strings.HasPrefix(login.url.String(), up.cfg.PublicURL) {
			t.Fatalf("expected the upstream's sign-in page, got %d at %s\n%s", login.status, login.url, login.body)
		}
		back := b.submit(login, map[string]string{"username": "alice", "password": "Passw0rd!long"}).callback(t)
		if back.Get("state") != "st-1" || back.Get("code") == "" {
			t.Fatalf("callback %v", back)
		}
		return r.exchange(t, back.Get("code"), verifier, nonce)
	}
	tok, id := signInUpstream(b)
	upSub := result(up.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &upPool, Username: aws.String("alice")})).must(t)
	upAliceSub, _ := attrValue(upSub.UserAttributes, "sub")
	var claims struct {
		Username   string            `json:"cognito:username"`
		Email      string            `json:"email"`
		Identities []json.RawMessage `json:"identities"`
	}
	if err := id.Claims(&claims); err != nil || claims.Username != "Upstream_"+upAliceSub || claims.Email != "alice@example.com" || len(claims.Identities) != 1 {
		t.Fatalf("ID token claims %+v %v", claims, err)
	}
	var identity map[string]any
	_ = json.Unmarshal(claims.Identities[0], &identity)
	if identity["providerName"] != "Upstream" || identity["providerType"] != "OIDC" || identity["userId"] != upAliceSub {
		t.Errorf("identities claim %v", identity)
	}
	got := result(down.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: &tok.AccessToken})).must(t)
	if aws.ToString(got.Username) != "Upstream_"+upAliceSub {
		t.Errorf("GetUser %s", aws.ToString(got.Username))
	}
	fed := result(down.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &downPool, Username: got.Username})).must(t)
	if fed.UserStatus != types.UserStatusTypeExternalProvider {
		t.Errorf("status %s", fed.UserStatus)
	}

	// The federated user's ID token is an identity-pool login.
	ci := down.identityClient(down.app.RootCredentials())
	providerName := strings.TrimPrefix(down.cfg.PublicURL, "http://") + "/" + downPool
	ipool := result(ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
		IdentityPoolName: aws.String("fed"), CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
			ProviderName: aws.String(providerName), ClientId: downClient.ClientId,
		}},
	})).must(t)
	result(ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: ipool.IdentityPoolId,
		Roles: map[string]string{"authenticated": authRole}})).must(t)
	logins := map[string]string{providerName: tok.Extra("id_token").(string)}
	identityID := result(ci.GetId(ctx, &cid.GetIdInput{IdentityPoolId: ipool.IdentityPoolId, Logins: logins})).must(t)
	creds := result(ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: identityID.IdentityId, Logins: logins})).must(t)
	if creds.Credentials == nil || aws.ToString(creds.Credentials.AccessKeyId) == "" {
		t.Fatalf("credentials for the federated user: %+v", creds)
	}

	// Linked to a native user, the next upstream sign-in is that user's.
	down.user(downPool, "alice.native", "Passw0rd!long", attr("email", "alice@example.com"))
	result(down.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &downPool, Username: got.Username})).must(t)
	result(down.idp.AdminLinkProviderForUser(ctx, &cip.AdminLinkProviderForUserInput{
		UserPoolId:      &downPool,
		DestinationUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Cognito"), ProviderAttributeValue: aws.String("alice.native")},
		SourceUser: &types.ProviderUserIdentifierType{ProviderName: aws.String("Upstream"),
			ProviderAttributeName: aws.String("Cognito_Subject"), ProviderAttributeValue: aws.String(upAliceSub)},
	})).must(t)
	_, id = signInUpstream(newBrowser(t))
	if err := id.Claims(&claims); err != nil || claims.Username != "alice.native" {
		t.Fatalf("after the link the sign-in is %q (%v)", claims.Username, err)
	}
}

// TestFederationRefusals: the provider's answer must come back to the
// browser that started the sign-in with the state it was given; a client
// may only use the providers it supports.
func TestFederationRefusals(t *testing.T) {
	s := startRP(t, "sqlite", nil)
	poolID := s.oauthPool(nil)
	result(s.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{
		UserPoolId: &poolID, ProviderName: aws.String("Corp"), ProviderType: types.IdentityProviderTypeTypeOidc,
		ProviderDetails: map[string]string{"client_id": "x", "authorize_scopes": "openid", "attributes_request_method": "GET",
			"oidc_issuer": s.cfg.PublicURL + "/" + poolID},
	})).must(t)
	clientID, secret := s.oauthClient(poolID, true, []types.OAuthFlowType{types.OAuthFlowTypeCode})
	r := newRP(t, s, poolID, clientID, secret, "openid")
	b := newBrowser(t)

	// The client supports only COGNITO.
	back := b.get(r.conf.AuthCodeURL("s1", oauth2.SetAuthURLParam("identity_provider", "Corp"))).callback(t)
	if back.Get("error") != "unauthorized_client" || back.Get("state") != "s1" {
		t.Errorf("unsupported provider: %v", back)
	}
	back = b.get(r.conf.AuthCodeURL("s2", oauth2.SetAuthURLParam("identity_provider", "Nope"))).callback(t)
	if back.Get("error") != "invalid_request" {
		t.Errorf("unknown provider: %v", back)
	}

	// An answer at idpresponse that no sign-in of this browser started.
	p := b.get(s.cfg.PublicURL + "/domains/" + rpDomain + "/oauth2/idpresponse?code=stolen&state=whatever")
	if p.status != http.StatusBadRequest || p.location != nil {
		t.Errorf("idpresponse without a pending sign-in: %d %v", p.status, p.location)
	}
}

// TestFederationInChromium runs clients/js/managed-login's federation
// test: the downstream's "Sign in with Upstream" button, the upstream's
// sign-in page, back at the relying party with a code, in headless
// Chromium with an axe-core check of both pages.
func TestFederationInChromium(t *testing.T) {
	node, chromium, pkg := browserTools(t, "managed-login", "axe-core")
	f := newOIDCFederation(t)
	authURL := f.r.conf.AuthCodeURL("fed-browser", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	cmdCtx, stop := context.WithTimeout(context.Background(), 3*time.Minute)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, node, "--test", "test/federation.test.js")
	cmd.Dir = pkg
	cmd.Env = append(os.Environ(), "FED_AUTH_URL="+authURL, "FED_UPSTREAM="+f.up.cfg.PublicURL,
		"FED_USERNAME=alice", "FED_PASSWORD=Passw0rd!long", "CHROMIUM="+chromium)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.MultiWriter(&out, os.Stdout), io.MultiWriter(&out, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("federation in Chromium: %v", err)
	}
	if !strings.Contains(out.String(), "# pass 1") {
		t.Fatalf("expected 1 passing browser test:\n%s", out.String())
	}
}
