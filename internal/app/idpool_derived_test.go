package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cid "github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/cognate-dev/cognate/internal/app"
)

// cognitoLogin is the Logins key of Cognito's own OpenID tokens.
const cognitoLogin = "cognito-identity.amazonaws.com"

// TestDerivedOpenIDTokensEndWithTheSession: an OpenID token that
// GetOpenIdToken minted from a user-pool sign-in is itself a login
// (cognito-identity.amazonaws.com), but only while that sign-in is: after
// GlobalSignOut, AdminUserGlobalSignOut, RevokeToken, AdminDisableUser or
// AdminDeleteUser, neither it nor a token chained from it yields
// credentials (GetCredentialsForIdentity, AssumeRoleWithWebIdentity) or
// another token, whether or not the pool checks ID tokens server-side.
func TestDerivedOpenIDTokensEndWithTheSession(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			s := startWith(t, backend)
			id, key := s.app.RootCredentials()
			is := &idServer{server: s, ci: s.identityClient(id, key)}
			up := is.userPool()
			roles := s.iamClient(false)
			pools := map[string]string{}
			for name, check := range map[string]bool{"checked": true, "unchecked": false} {
				out := result(is.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
					IdentityPoolName: aws.String(name),
					CognitoIdentityProviders: []citypes.CognitoIdentityProvider{{
						ProviderName: aws.String(awsKey(up.poolID)), ClientId: &up.clientID, ServerSideTokenCheck: aws.Bool(check),
					}},
				})).must(t)
				role := result(roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("auth-" + name),
					AssumeRolePolicyDocument: aws.String(cognitoTrust(*out.IdentityPoolId, "authenticated"))})).must(t).Role
				result(is.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{
					IdentityPoolId: out.IdentityPoolId, Roles: map[string]string{"authenticated": *role.Arn},
				})).must(t)
				pools[name] = *out.IdentityPoolId
			}

			ends := []struct {
				name string
				end  func(t *testing.T, username string, tokens *types.AuthenticationResultType)
			}{
				{"GlobalSignOut", func(t *testing.T, _ string, tokens *types.AuthenticationResultType) {
					result(s.idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: tokens.AccessToken})).must(t)
				}},
				{"AdminUserGlobalSignOut", func(t *testing.T, username string, _ *types.AuthenticationResultType) {
					result(s.idp.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &up.poolID, Username: &username})).must(t)
				}},
				{"RevokeToken", func(t *testing.T, _ string, tokens *types.AuthenticationResultType) {
					result(s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: &up.clientID, Token: tokens.RefreshToken})).must(t)
				}},
				{"AdminDisableUser", func(t *testing.T, username string, _ *types.AuthenticationResultType) {
					result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: &up.poolID, Username: &username})).must(t)
				}},
				{"AdminDeleteUser", func(t *testing.T, username string, _ *types.AuthenticationResultType) {
					result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: &up.poolID, Username: &username})).must(t)
				}},
			}
			anon := func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} }
			n := 0
			for _, pool := range []string{"checked", "unchecked"} {
				poolID := pools[pool]
				roleARN := "arn:aws:iam::000000000000:role/auth-" + pool
				for _, e := range ends {
					t.Run(pool+"/"+e.name, func(t *testing.T) {
						n++
						username := "user" + string(rune('a'+n))
						s.user(up.poolID, username, "Correct-Horse-9")
						tokens := s.signIn(up.clientID, username, "Correct-Horse-9")
						identity := result(is.getID(poolID, map[string]string{awsKey(up.poolID): *tokens.IdToken})).must(t)
						oid1 := *result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
							IdentityId: &identity, Logins: map[string]string{awsKey(up.poolID): *tokens.IdToken},
						})).must(t).Token

						// While the sign-in lives, the token is a login: it
						// chains and yields credentials.
						oid2 := *result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
							IdentityId: &identity, Logins: map[string]string{cognitoLogin: oid1},
						})).must(t).Token
						result(is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
							IdentityId: &identity, Logins: map[string]string{cognitoLogin: oid2},
						})).must(t)
						result(s.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
							RoleArn: &roleARN, RoleSessionName: aws.String("before"), WebIdentityToken: &oid1,
						}, anon)).must(t)

						e.end(t, username, tokens)

						for i, tok := range []string{oid1, oid2} {
							logins := map[string]string{cognitoLogin: tok}
							_, err := is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: logins})
							wantCode(t, err, "NotAuthorizedException", "Invalid login token.")
							_, err = is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &identity, Logins: logins})
							wantCode(t, err, "NotAuthorizedException", "Invalid login token.")
							_, err = s.stsClient("", "", "").AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
								RoleArn: &roleARN, RoleSessionName: aws.String("after"), WebIdentityToken: &tok,
							}, anon)
							wantCode(t, err, "InvalidIdentityToken", "")
							if t.Failed() {
								t.Fatalf("oid%d still a login after %s", i+1, e.name)
							}
						}
					})
				}
			}
		})
	}
}

// TestDerivedOpenIDTokensExpireWithTheirOrigin: a token minted from a
// login never expires after that login's token, and a token minted from a
// minted token inherits that bound, so chaining GetOpenIdToken cannot
// extend access past the first login: here an ID token valid 5 minutes
// (its app client's IdTokenValidity).
func TestDerivedOpenIDTokensExpireWithTheirOrigin(t *testing.T) {
	for _, backend := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			clk := newTestClock()
			s := startWith(t, backend, app.WithClock(clk.Now))
			id, key := s.app.RootCredentials()
			is := &idServer{server: s, ci: s.identityClient(id, key)}
			poolID := s.pool(nil)
			client := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
				UserPoolId: &poolID, ClientName: aws.String("short"), IdTokenValidity: aws.Int32(5),
				TokenValidityUnits: &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeMinutes},
				ExplicitAuthFlows:  []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
			})).must(t).UserPoolClient
			up := userPoolSetup{poolID, *client.ClientId}
			ipool := is.identityPool(false, up)
			idToken := is.idToken(up, "eve")
			originExp := s.verifyJWT(poolID, idToken)["exp"].(float64)
			identity := result(is.getID(ipool, map[string]string{awsKey(poolID): idToken})).must(t)

			exp := func(tok string) float64 { return s.verifyJWT("cognito-identity", tok)["exp"].(float64) }
			tok := *result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
				IdentityId: &identity, Logins: map[string]string{awsKey(poolID): idToken},
			})).must(t).Token
			if exp(tok) > originExp {
				t.Fatalf("token minted from the ID token expires at %v, after the ID token (%v)", exp(tok), originExp)
			}
			// Chain a token every 90 seconds: none outlives the ID token.
			for step := 1; step <= 3; step++ {
				clk.Advance(90 * time.Second)
				next := result(is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
					IdentityId: &identity, Logins: map[string]string{cognitoLogin: tok},
				})).must(t).Token
				tok = *next
				if exp(tok) > originExp {
					t.Fatalf("chained token %d expires at %v, after the ID token (%v)", step, exp(tok), originExp)
				}
			}
			clk.Advance(time.Duration(originExp-float64(clk.Now().Unix()))*time.Second + time.Second)
			_, err := is.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &identity, Logins: map[string]string{cognitoLogin: tok}})
			wantCode(t, err, "NotAuthorizedException", "Token expired")
			_, err = is.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{IdentityId: &identity, Logins: map[string]string{cognitoLogin: tok}})
			wantCode(t, err, "NotAuthorizedException", "Token expired")
		})
	}
}

// TestDerivedOpenIDTokensOfOtherLogins: a token minted from an external
// OIDC login expires no later than the OIDC token, and tokens chained from
// a developer token no later than the developer token, which itself
// remains a login for its whole TokenDuration, as AWS documents.
func TestDerivedOpenIDTokensOfOtherLogins(t *testing.T) {
	forEachIDBackend(t, func(t *testing.T, s *idServer) {
		out := result(s.ci.CreateIdentityPool(ctx, &cid.CreateIdentityPoolInput{
			IdentityPoolName: aws.String("mixed"), DeveloperProviderName: aws.String("login.example.app"),
			OpenIdConnectProviderARNs: []string{"arn:aws:iam::000000000000:oidc-provider/login.partner.example"},
		})).must(t)
		poolID := *out.IdentityPoolId
		result(s.ci.SetIdentityPoolRoles(ctx, &cid.SetIdentityPoolRolesInput{IdentityPoolId: &poolID, Roles: map[string]string{"authenticated": authRole}})).must(t)
		exp := func(tok string) float64 { return s.verifyJWT("cognito-identity", tok)["exp"].(float64) }

		oidc := map[string]string{"login.partner.example": "valid:p-1"} // fakeOIDC: exp in 5 minutes
		identity := result(s.getID(poolID, oidc)).must(t)
		tok := *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{IdentityId: &identity, Logins: oidc})).must(t).Token
		oidcExp := float64(time.Now().Add(fakeOIDCLifetime).Unix()) // no earlier than the token's
		if exp(tok) > oidcExp {
			t.Fatalf("token minted from an OIDC token expires at %v, after it (%v)", exp(tok), oidcExp)
		}

		dev := result(s.ci.GetOpenIdTokenForDeveloperIdentity(ctx, &cid.GetOpenIdTokenForDeveloperIdentityInput{
			IdentityPoolId: &poolID, Logins: map[string]string{"login.example.app": "dev-1"}, TokenDuration: aws.Int64(120),
		})).must(t)
		devExp := exp(*dev.Token)
		chained := *result(s.ci.GetOpenIdToken(ctx, &cid.GetOpenIdTokenInput{
			IdentityId: dev.IdentityId, Logins: map[string]string{cognitoLogin: *dev.Token},
		})).must(t).Token
		if exp(chained) > devExp {
			t.Fatalf("token chained from a developer token expires at %v, after it (%v)", exp(chained), devExp)
		}
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: dev.IdentityId, Logins: map[string]string{cognitoLogin: *dev.Token},
		})).must(t)
		result(s.ci.GetCredentialsForIdentity(ctx, &cid.GetCredentialsForIdentityInput{
			IdentityId: dev.IdentityId, Logins: map[string]string{cognitoLogin: chained},
		})).must(t)
	})
}
