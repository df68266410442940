package app_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/app"
	"github.com/cognate-dev/cognate/internal/cognitomigrate"
	"github.com/cognate-dev/cognate/internal/secret"
)

// oldCognito is a Cognate server playing the Cognito pool users move
// from: a pool with a custom attribute and MFA optional, a client with a
// secret allowing USER_PASSWORD_AUTH and one without, a group, users.
type oldCognito struct {
	*server
	pool, web, webSecret, spa string
	srpPool, srpClient        string
	subs                      map[string]string
}

func newOldCognito(t *testing.T) *oldCognito {
	t.Helper()
	o := &oldCognito{server: newServer(t, "sqlite"), subs: map[string]string{}}
	o.pool = o.server.pool(&cip.CreateUserPoolInput{
		PoolName: aws.String("legacy"),
		Schema: []types.SchemaAttributeType{{Name: aws.String("team"), AttributeDataType: types.AttributeDataTypeString,
			Mutable: aws.Bool(true)}},
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(10)}},
	})
	result(o.idp.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: &o.pool,
		MfaConfiguration:              types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true}})).must(t)
	// A domain, a resource server and a social provider, which the web
	// client's OAuth settings name.
	result(o.idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: &o.pool, Domain: aws.String("legacy-login")})).must(t)
	result(o.idp.CreateResourceServer(ctx, &cip.CreateResourceServerInput{UserPoolId: &o.pool, Identifier: aws.String("api"),
		Name: aws.String("API"), Scopes: []types.ResourceServerScopeType{{ScopeName: aws.String("read"), ScopeDescription: aws.String("read")}}})).must(t)
	result(o.idp.CreateIdentityProvider(ctx, &cip.CreateIdentityProviderInput{UserPoolId: &o.pool, ProviderName: aws.String("Google"),
		ProviderType: types.IdentityProviderTypeTypeGoogle, ProviderDetails: map[string]string{
			"client_id": "g-client", "client_secret": "g-secret", "authorize_scopes": "openid email"},
		AttributeMapping: map[string]string{"email": "email"}})).must(t)
	web := result(o.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &o.pool, ClientName: aws.String("web"), GenerateSecret: true,
		AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: []types.OAuthFlowType{types.OAuthFlowTypeCode},
		AllowedOAuthScopes: []string{"openid", "api/read"}, CallbackURLs: []string{rpCallback},
		SupportedIdentityProviders: []string{"COGNITO", "Google"},
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).must(t).UserPoolClient
	o.web, o.webSecret = *web.ClientId, *web.ClientSecret
	o.spa = *result(o.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &o.pool, ClientName: aws.String("spa"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).must(t).UserPoolClient.ClientId
	result(o.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &o.pool, GroupName: aws.String("admins"),
		Precedence: aws.Int32(1), Description: aws.String("the admins")})).must(t)
	o.user(o.pool, "alice", "Alice-pass-1", attr("email", "alice@example.com"), attr("email_verified", "true"),
		attr("custom:team", "blue"))
	o.user(o.pool, "bob", "Bob-pass-123", attr("email", "bob@example.com"))
	result(o.idp.SetUICustomization(ctx, &cip.SetUICustomizationInput{UserPoolId: &o.pool,
		CSS: aws.String(".banner-customizable { background-color: #123456; }")})).must(t)
	result(o.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &o.pool, GroupName: aws.String("admins"),
		Username: aws.String("alice")})).must(t)
	// A pool whose one client allows SRP and admin sign-ins only.
	o.srpPool = o.server.pool(&cip.CreateUserPoolInput{PoolName: aws.String("srp-only")})
	o.srpClient = *result(o.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: &o.srpPool, ClientName: aws.String("admin"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).must(t).UserPoolClient.ClientId
	o.user(o.srpPool, "dora", "Dora-pass-12", attr("email", "dora@example.com"))
	return o
}

// sub returns a user's sub in pool of s.
func (s *server) sub(t *testing.T, pool, name string) string {
	t.Helper()
	u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &pool, Username: &name})).must(t)
	v, _ := attrValue(u.UserAttributes, "sub")
	return v
}

// migrate runs the copy as `cognate migrate-from-cognito
// --store-credentials` does.
func (o *oldCognito) migrate(t *testing.T, s *server, poolID string) cognitomigrate.Counts {
	t.Helper()
	id, key := o.app.RootCredentials()
	return o.migrateWith(t, s, cognitomigrate.Options{UserPoolID: poolID, AccessKeyID: id, SecretAccessKey: key})
}

// copyClient is the client a copy reads o with. It retries as the
// command's client does (LoadDefaultConfig: the SDK's standard retryer, 3
// attempts), not once as the tests' clients: under load a kept-alive
// connection can fail ("use of closed network connection", 1 copy in 24
// with three test processes on two cores), which that retryer retries
// (aws-sdk-go-v2 v1.48 aws/retry RetryableConnectionError) and an
// operator never sees. The copy only reads the old pool: a retry is safe.
func (o *oldCognito) copyClient() *cip.Client {
	return cip.New(o.idp.Options(), func(opts *cip.Options) { opts.RetryMaxAttempts = 3 })
}

// migrateWith runs the copy with opts, against o.
func (o *oldCognito) migrateWith(t *testing.T, s *server, opts cognitomigrate.Options) cognitomigrate.Counts {
	t.Helper()
	opts.Region, opts.Endpoint = "us-east-1", o.http.URL
	counts, err := app.MigrateFromCognito(ctx, s.cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), o.copyClient(), opts)
	if err != nil {
		t.Fatalf("MigrateFromCognito: %v", err)
	}
	return counts
}

func TestMigrateFromCognito(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) { testMigrateFromCognito(t, backend) })
	}
}

func testMigrateFromCognito(t *testing.T, backend string) {
	old := newOldCognito(t)
	oldSub := map[string]string{"alice": old.sub(t, old.pool, "alice"), "bob": old.sub(t, old.pool, "bob")}

	cfg := newConfig(t, backend)
	newSrv := &server{cfg: cfg}
	counts := old.migrate(t, newSrv, "")
	want := map[string]int{"pools": 2, "clients": 3, "users": 3, "groups": 1, "memberships": 1,
		"domains": 1, "resource servers": 1, "identity providers": 1, "UI customizations": 1}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("first copy: %s = %d, want %d (%s)", k, counts[k], v, counts)
		}
	}
	// A second run creates nothing again.
	again := old.migrate(t, newSrv, old.pool)
	if again["pools existing"] != 1 || again["users existing"] != 2 || again["clients existing"] != 2 ||
		again["groups existing"] != 1 || again["identity providers existing"] != 1 || again["resource servers existing"] != 1 ||
		again["domains existing"] != 1 ||
		again["pools"]+again["users"]+again["clients"]+again["groups"]+again["identity providers"]+again["resource servers"]+again["domains"] != 0 {
		t.Errorf("second copy: %s", again)
	}

	// Users created on the old pool after the copy, and a user with a
	// temporary password.
	old.user(old.pool, "carol", "Carol-pass-1", attr("email", "carol@example.com"), attr("custom:team", "red"))
	old.user(old.pool, "erin", "Erin-pass-12", attr("email", "erin@example.com"), attr("email_verified", "true"))
	old.user(old.pool, "finn", "Finn-pass-12", attr("email", "finn@example.com"))
	oldSub["carol"], oldSub["erin"], oldSub["finn"] = old.sub(t, old.pool, "carol"), old.sub(t, old.pool, "erin"), old.sub(t, old.pool, "finn")

	s := start(t, cfg)
	pool := result(s.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: &old.pool})).must(t).UserPool
	if *pool.Name != "legacy" || *pool.Policies.PasswordPolicy.MinimumLength != 10 || pool.MfaConfiguration != types.UserPoolMfaTypeOptional {
		t.Errorf("copied pool: name %s, min length %d, MFA %s", *pool.Name, *pool.Policies.PasswordPolicy.MinimumLength, pool.MfaConfiguration)
	}
	if !hasSchemaAttr(pool.SchemaAttributes, "custom:team") {
		t.Error("the custom attribute was not copied")
	}
	web := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: &old.pool, ClientId: &old.web})).must(t).UserPoolClient
	if aws.ToString(web.ClientSecret) != old.webSecret || *web.ClientName != "web" ||
		strings.Join(web.AllowedOAuthScopes, " ") != "openid api/read" || strings.Join(web.SupportedIdentityProviders, " ") != "COGNITO Google" {
		t.Errorf("copied client: %s secret kept %v", *web.ClientName, aws.ToString(web.ClientSecret) == old.webSecret)
	}
	if ui := result(s.idp.GetUICustomization(ctx, &cip.GetUICustomizationInput{UserPoolId: &old.pool})).must(t).UICustomization; !strings.Contains(aws.ToString(ui.CSS), "#123456") {
		t.Errorf("copied UI customization: %q", aws.ToString(ui.CSS))
	}
	google := result(s.idp.DescribeIdentityProvider(ctx, &cip.DescribeIdentityProviderInput{UserPoolId: &old.pool, ProviderName: aws.String("Google")})).must(t).IdentityProvider
	if google.ProviderDetails["client_secret"] != "g-secret" || google.AttributeMapping["email"] != "email" {
		t.Errorf("copied provider: %v %v", google.ProviderDetails, google.AttributeMapping)
	}
	alice := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("alice")})).must(t)
	if v, _ := attrValue(alice.UserAttributes, "sub"); v != oldSub["alice"] || alice.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("alice: sub %s (old %s), status %s", v, oldSub["alice"], alice.UserStatus)
	}
	if v, _ := attrValue(alice.UserAttributes, "custom:team"); v != "blue" {
		t.Errorf("alice's custom:team = %q", v)
	}
	groups := result(s.idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &old.pool, Username: aws.String("alice")})).must(t)
	if len(groups.Groups) != 1 || *groups.Groups[0].GroupName != "admins" || aws.ToInt32(groups.Groups[0].Precedence) != 1 {
		t.Errorf("alice's groups: %+v", groups.Groups)
	}

	webAuth := func(name, pw string) (*cip.InitiateAuthOutput, error) {
		return s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw, "SECRET_HASH": secretHash(old.webSecret, name, old.web)}})
	}
	// bob signs in with SRP before any password sign-in: the exchange is
	// relayed to the old pool, which holds his verifier.
	_, err := s.srpSignIn(old.pool, old.spa, "bob", "Bob-pass-124", nil)
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	srpOut, err := s.srpSignIn(old.pool, old.spa, "bob", "Bob-pass-123", nil)
	if err != nil {
		t.Fatalf("bob's relayed SRP sign-in: %v", err)
	}
	if c := jwtClaims(t, *srpOut.AuthenticationResult.IdToken); c["sub"] != oldSub["bob"] {
		t.Errorf("bob's ID token: sub %v (old %s)", c["sub"], oldSub["bob"])
	}
	// A wrong password is refused, checked against the old pool.
	_, err = webAuth("alice", "Wrong-pass-1")
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// The old password signs in; the token's sub is the old one.
	out := result(webAuth("alice", "Alice-pass-1")).must(t)
	if c := jwtClaims(t, *out.AuthenticationResult.IdToken); c["sub"] != oldSub["alice"] || c["custom:team"] != "blue" {
		t.Errorf("ID token: sub %v (old %s), custom:team %v", c["sub"], oldSub["alice"], c["custom:team"])
	}
	// A user created on the old pool after the copy migrates at sign-in.
	out = result(webAuth("carol", "Carol-pass-1")).must(t)
	if c := jwtClaims(t, *out.AuthenticationResult.IdToken); c["sub"] != oldSub["carol"] || c["custom:team"] != "red" {
		t.Errorf("carol's ID token: sub %v (old %s), custom:team %v", c["sub"], oldSub["carol"], c["custom:team"])
	}
	// And at USER_AUTH's PASSWORD.
	choice := s.userAuthClient(t, old.pool, true)
	out = result(s.userAuth(choice, map[string]string{"USERNAME": "finn", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Finn-pass-12"})).must(t)
	if out.AuthenticationResult == nil {
		t.Fatalf("finn's USER_AUTH: %s", out.ChallengeName)
	} else if c := jwtClaims(t, *out.AuthenticationResult.IdToken); c["sub"] != oldSub["finn"] {
		t.Errorf("finn's ID token: sub %v (old %s)", c["sub"], oldSub["finn"])
	}
	// Through a client that allows SRP only at the old pool: the server
	// checks the password there with SRP.
	adminAuth := func(name, pw string) (*cip.AdminInitiateAuthOutput, error) {
		return s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &old.srpPool, ClientId: &old.srpClient,
			AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})
	}
	_, err = adminAuth("dora", "Dora-pass-13")
	wantCode(t, err, "NotAuthorizedException", "")
	result(adminAuth("dora", "Dora-pass-12")).must(t)

	// ForgotPassword of a user the copy did not see.
	result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &old.web, Username: aws.String("erin"),
		SecretHash: aws.String(secretHash(old.webSecret, "erin", old.web))})).must(t)
	result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &old.web, Username: aws.String("erin"),
		ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("Erin-new-pass1"),
		SecretHash: aws.String(secretHash(old.webSecret, "erin", old.web))})).must(t)
	if got := s.sub(t, old.pool, "erin"); got != oldSub["erin"] {
		t.Errorf("erin's sub %s, old %s", got, oldSub["erin"])
	}

	// The old pool goes away: migrated users sign in without it, with
	// their password and with SRP (the verifier was made from it).
	old.stop()
	result(webAuth("alice", "Alice-pass-1")).must(t)
	if _, err := s.srpSignIn(old.pool, old.spa, "alice", "Alice-pass-1", nil); err != nil {
		t.Errorf("alice's SRP sign-in after the migration: %v", err)
	}
	result(webAuth("erin", "Erin-new-pass1")).must(t)
	result(adminAuth("dora", "Dora-pass-12")).must(t)
	_, err = webAuth("alice", "Alice-pass-2")
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// bob's password never came here: with the old pool gone he cannot
	// sign in (the old pool's failure is the server's, not a wrong
	// password).
	_, err = webAuth("bob", "Bob-pass-123")
	wantCode(t, err, "InternalErrorException", "")
	if _, _, err := s.srpStart(old.pool, old.spa, map[string]string{"USERNAME": "bob"}); err == nil {
		t.Error("bob's SRP sign-in started while the old pool was down")
	}

	// Finishing the migration: the pool no longer asks the old one.
	s.stop()
	var report strings.Builder
	if err := app.FinishCognitoMigration(ctx, cfg, func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)), "", &report); err != nil {
		t.Fatal(err)
	}
	// bob alone never signed in with a password (dora, alice, carol did;
	// erin reset hers).
	if want := old.pool + ": lazy migration from Cognito turned off; 1 users who had not signed in must reset their password\n"; !strings.Contains(report.String(), want) ||
		strings.Count(report.String(), "turned off") != 2 {
		t.Errorf("finish reported %q, want %q among its lines", report.String(), want)
	}
	s = start(t, cfg)
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": "Bob-pass-123", "SECRET_HASH": secretHash(old.webSecret, "bob", old.web)}})
	wantCode(t, err, "PasswordResetRequiredException", "")
	if u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &old.pool, Username: aws.String("bob")})).must(t); u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("bob after the finish: %s", u.UserStatus)
	}
	result(webAuth("alice", "Alice-pass-1")).must(t)
}

func hasSchemaAttr(list []types.SchemaAttributeType, name string) bool {
	for _, a := range list {
		if aws.ToString(a.Name) == name {
			return true
		}
	}
	return false
}

// TestMigrateFromCognitoManagedLogin signs a copied user in through the
// managed login page with the old password, into a serving server the
// copy ran against, and again once the old pool is gone.
func TestMigrateFromCognitoManagedLogin(t *testing.T) {
	old := newOldCognito(t)
	s := startRP(t, "sqlite", nil)
	if c := old.migrate(t, s, old.pool); c["users"] != 2 {
		t.Fatalf("copy: %s", c)
	}
	clientID, _ := s.oauthClient(old.pool, false, []types.OAuthFlowType{types.OAuthFlowTypeCode}, "openid")
	login := func(pw string) *page {
		t.Helper()
		b := newBrowser(t)
		q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {rpCallback}, "scope": {"openid"}, "state": {"s1"}}
		form := b.get(s.cfg.PublicURL + "/domains/legacy-login/oauth2/authorize?" + q.Encode()) // the copied domain
		return b.submit(form, map[string]string{"username": "alice", "password": pw})
	}
	if p := login("Alice-pass-2"); p.location != nil || !strings.Contains(p.body, "Incorrect username or password.") {
		t.Fatalf("a wrong password: status %d, redirect %v", p.status, p.location)
	}
	if back := login("Alice-pass-1").callback(t); back.Get("code") == "" || back.Get("state") != "s1" {
		t.Fatalf("callback %v", back)
	}
	// The pool's source is sealed at rest, and moves with cognate export
	// and import: on the imported copy, a user created on the old pool
	// since migrates (the client secret opens for InitiateAuth, the AWS
	// key for AdminGetUser).
	rec, err := openStore(t, s.cfg).Pools().Get(ctx, old.pool)
	oldKeyID, oldKey := old.app.RootCredentials()
	if err != nil || !bytes.Contains(rec.Config, []byte("CognateCognitoSource")) || !bytes.Contains(rec.Config, []byte(oldKeyID)) ||
		bytes.Contains(rec.Config, []byte(old.webSecret)) || bytes.Contains(rec.Config, []byte(oldKey)) {
		t.Fatalf("stored source: %v\n%s", err, rec.Config)
	}
	var file bytes.Buffer
	key := secret.RandomBytes(32)
	noEnv := func(string) string { return "" }
	if _, err := app.Export(ctx, s.cfg, noEnv, &file, app.ExportOptions{Key: key, SigningKeys: true}); err != nil {
		t.Fatal(err)
	}
	cfg3 := newConfig(t, "sqlite")
	if _, err := app.Import(ctx, cfg3, noEnv, &file, key); err != nil {
		t.Fatal(err)
	}
	third := start(t, cfg3)
	old.user(old.pool, "gus", "Gus-pass-123", attr("email", "gus@example.com"))
	gus := result(third.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "gus", "PASSWORD": "Gus-pass-123", "SECRET_HASH": secretHash(old.webSecret, "gus", old.web)}})).must(t)
	if c := jwtClaims(t, *gus.AuthenticationResult.IdToken); c["sub"] != old.sub(t, old.pool, "gus") {
		t.Errorf("gus's sub on the imported copy: %v", c["sub"])
	}

	// Wrong passwords checked against the old pool count toward the
	// lockout as any: after five, even the right one is refused for now.
	bobAuth := func(pw string) error {
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &old.web, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "bob", "PASSWORD": pw, "SECRET_HASH": secretHash(old.webSecret, "bob", old.web)}})
		return err
	}
	for i := range 5 {
		wantCode(t, bobAuth(fmt.Sprintf("Bob-wrong-%d", i)), "NotAuthorizedException", "Incorrect username or password.")
	}
	wantCode(t, bobAuth("Bob-pass-123"), "NotAuthorizedException", "Password attempts exceeded")
	old.stop()
	if back := login("Alice-pass-1").callback(t); back.Get("code") == "" {
		t.Fatalf("callback after the old pool stopped: %v", back)
	}
}

// TestMigrateFromCognitoEmailUsernames copies a pool whose users sign in
// by email (Cognito's username is then a UUID), with no AWS credentials
// kept: a copied user and one created after the copy sign in by email
// with the same sub. A copied user with a temporary password on the old
// pool cannot be checked without credentials (the old pool's new-password
// step gives no tokens to read the sub with): the server refuses it as an
// expired temporary password; once the copy is run again with
// credentials, the user is asked for a new one.
func TestMigrateFromCognitoEmailUsernames(t *testing.T) {
	o := &oldCognito{server: newServer(t, "sqlite")}
	o.pool = o.server.pool(&cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	client, _ := o.appClient(o.pool, false)
	o.user(o.pool, "hal@example.com", "Hal-pass-123")
	result(o.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &o.pool, Username: aws.String("ivy@example.com"),
		TemporaryPassword: aws.String("Ivy-temp-123"), MessageAction: types.MessageActionTypeSuppress})).must(t)
	s := startRP(t, "sqlite", nil)
	// Without AWS credentials for the server: jo, created after the copy,
	// migrates through the old pool's tokens (GetUser), not AdminGetUser.
	if c := o.migrateWith(t, s, cognitomigrate.Options{UserPoolID: o.pool}); c["users"] != 2 {
		t.Fatalf("copy: %s", c)
	}
	o.user(o.pool, "jo@example.com", "Jo-pass-1234")
	auth := func(name, pw string) *cip.InitiateAuthOutput {
		t.Helper()
		return result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": pw}})).must(t)
	}
	for name, pw := range map[string]string{"hal@example.com": "Hal-pass-123", "jo@example.com": "Jo-pass-1234"} {
		out := auth(name, pw)
		c := jwtClaims(t, *out.AuthenticationResult.IdToken)
		if c["sub"] != o.sub(t, o.pool, name) || c["email"] != name || c["cognito:username"] != o.sub(t, o.pool, name) {
			t.Errorf("%s: claims %v", name, c)
		}
	}
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &client, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ivy@example.com", "PASSWORD": "Ivy-temp-123"}})
	wantCode(t, err, "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
	if c := o.migrate(t, s, o.pool); c["users existing"] != 3 {
		t.Fatalf("copy again, with credentials: %s", c)
	}
	s.stop() // restarted after the copy, as the README says
	s = start(t, s.cfg)
	ivy := auth("ivy@example.com", "Ivy-temp-123")
	if ivy.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("ivy: %s", ivy.ChallengeName)
	}
	done := result(s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &client, Session: ivy.Session,
		ChallengeName: types.ChallengeNameTypeNewPasswordRequired, ChallengeResponses: map[string]string{
			"USERNAME": ivy.ChallengeParameters["USER_ID_FOR_SRP"], "NEW_PASSWORD": "Ivy-new-pass-1"}})).must(t)
	if done.AuthenticationResult == nil {
		t.Fatalf("ivy's new password: %s", done.ChallengeName)
	}
	o.stop()
	auth("ivy@example.com", "Ivy-new-pass-1")
	auth("hal@example.com", "Hal-pass-123")
}
