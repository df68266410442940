package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// verifyJWT checks a token against the pool's published JWKS, as a
// resource server would, and returns its claims.
func (s *server) verifyJWT(poolID, token string) map[string]any {
	s.t.Helper()
	resp, err := s.http.Client().Get(s.http.URL + "/" + poolID + "/.well-known/jwks.json")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		s.t.Fatal(err)
	}
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		s.t.Fatalf("parse: %v", err)
	}
	claims := map[string]any{}
	if err := tok.Claims(set, &claims); err != nil {
		s.t.Fatalf("verify against JWKS: %v", err)
	}
	return claims
}

func TestPasswordSignInTokens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
		}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "dave", "Correct-Horse-9", attr("email", "dave@example.com"), attr("custom:plan", "gold"))

		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "dave", "PASSWORD": "Wrong-Horse-9"},
		})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "nobody", "PASSWORD": "Wrong-Horse-9"},
		})
		wantCode(t, err, "UserNotFoundException", "")

		before := time.Now().Unix() - 1
		res := s.signIn(clientID, "dave", "Correct-Horse-9")
		if aws.ToString(res.TokenType) != "Bearer" || res.ExpiresIn != 3600 || res.RefreshToken == nil {
			t.Fatalf("result %+v", res)
		}
		issuer := testPublicURL + "/" + poolID
		id := s.verifyJWT(poolID, *res.IdToken)
		access := s.verifyJWT(poolID, *res.AccessToken)
		for k, want := range map[string]any{
			"iss": issuer, "aud": clientID, "token_use": "id", "cognito:username": "dave",
			"email": "dave@example.com", "custom:plan": "gold",
		} {
			if id[k] != want {
				t.Errorf("id token %s = %v, want %v", k, id[k], want)
			}
		}
		for k, want := range map[string]any{
			"iss": issuer, "client_id": clientID, "token_use": "access", "username": "dave",
			"scope": "aws.cognito.signin.user.admin",
		} {
			if access[k] != want {
				t.Errorf("access token %s = %v, want %v", k, access[k], want)
			}
		}
		if _, ok := access["aud"]; ok {
			t.Error("access token has aud")
		}
		for _, k := range []string{"sub", "jti", "origin_jti", "event_id", "auth_time", "iat", "exp"} {
			if id[k] == nil || access[k] == nil {
				t.Errorf("claim %s missing: id %v access %v", k, id[k], access[k])
			}
		}
		if id["sub"] != access["sub"] || id["origin_jti"] != access["origin_jti"] {
			t.Error("id and access tokens disagree on sub/origin_jti")
		}
		if iat := access["iat"].(float64); int64(iat) < before || access["exp"].(float64)-iat != 3600 {
			t.Errorf("iat %v exp %v", access["iat"], access["exp"])
		}

		u, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(u.Username) != "dave" {
			t.Fatalf("GetUser %+v", u)
		}
		if v, _ := attrValue(u.UserAttributes, "custom:plan"); v != "gold" {
			t.Fatalf("custom:plan %q", v)
		}
		// An ID token is not an access token.
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: res.IdToken})
		wantCode(t, err, "NotAuthorizedException", "")
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(tamper(*res.AccessToken))})
		wantCode(t, err, "NotAuthorizedException", "")

		// Refresh keeps the session: same origin_jti and auth_time, no new refresh token.
		r := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *res.RefreshToken},
		})).must(t).AuthenticationResult
		if r.RefreshToken != nil {
			t.Error("refresh returned a refresh token")
		}
		ra := s.verifyJWT(poolID, *r.AccessToken)
		if ra["origin_jti"] != access["origin_jti"] || ra["auth_time"] != access["auth_time"] || ra["jti"] == access["jti"] {
			t.Errorf("refreshed token: %v vs %v", ra, access)
		}
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": "not-a-token"},
		})
		wantCode(t, err, "NotAuthorizedException", "")

		// Admin sign-in.
		a := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "dave", "PASSWORD": "Correct-Horse-9"},
		})).must(t)
		if a.AuthenticationResult == nil {
			t.Fatal("admin sign-in gave no tokens")
		}

		// Global sign-out revokes the refresh token and the access tokens of every session.
		result(s.idp.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: res.AccessToken})).must(t)
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "revoked")
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: a.AuthenticationResult.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "revoked")
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *res.RefreshToken},
		})
		wantCode(t, err, "NotAuthorizedException", "revoked")
		// A new sign-in works.
		s.signIn(clientID, "dave", "Correct-Horse-9")
	})
}

// tamper flips a character of a JWT's payload.
func tamper(tok string) string {
	b := []byte(tok)
	for i := len(b) / 2; i < len(b); i++ {
		if b[i] != '.' {
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
			break
		}
	}
	return string(b)
}

func TestSecretHashEnforced(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, secret := s.appClient(poolID, true)
		s.user(poolID, "erin", "Correct-Horse-9")
		auth := func(params map[string]string) (*cip.InitiateAuthOutput, error) {
			return s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: params,
			})
		}
		_, err := auth(map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-Horse-9"})
		wantCode(t, err, "NotAuthorizedException", "secret")
		_, err = auth(map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-Horse-9", "SECRET_HASH": secretHash("wrong", "erin", clientID)})
		wantCode(t, err, "NotAuthorizedException", "Unable to verify secret hash")
		out := result(auth(map[string]string{"USERNAME": "erin", "PASSWORD": "Correct-Horse-9", "SECRET_HASH": secretHash(secret, "erin", clientID)})).must(t)

		_, err = s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("frank"), Password: aws.String("Correct-Horse-9")})
		wantCode(t, err, "NotAuthorizedException", "")
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("frank"),
			Password: aws.String("Correct-Horse-9"), SecretHash: aws.String(secretHash(secret, "frank", clientID))})).must(t)

		refresh := func(params map[string]string) error {
			params["REFRESH_TOKEN"] = *out.AuthenticationResult.RefreshToken
			_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: params,
			})
			return err
		}
		wantCode(t, refresh(map[string]string{}), "NotAuthorizedException", "secret")
		if err := refresh(map[string]string{"SECRET_HASH": secretHash(secret, "erin", clientID)}); err != nil {
			t.Fatal(err)
		}

		// RevokeToken needs the client secret, then revokes the session.
		_, err = s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: out.AuthenticationResult.RefreshToken})
		wantCode(t, err, "NotAuthorizedException", "")
		result(s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), ClientSecret: aws.String(secret), Token: out.AuthenticationResult.RefreshToken})).must(t)
		wantCode(t, refresh(map[string]string{"SECRET_HASH": secretHash(secret, "erin", clientID)}), "NotAuthorizedException", "revoked")
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "revoked")
	})
}

func TestNewPasswordRequired(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("gina"), TemporaryPassword: aws.String("Temp-Pass-123"),
			UserAttributes:         []types.AttributeType{attr("email", "gina@example.com")},
			DesiredDeliveryMediums: []types.DeliveryMediumType{types.DeliveryMediumTypeEmail},
		})).must(t)
		if msg := s.lastMessage(); !strings.Contains(msg, "gina") || !strings.Contains(msg, "Temp-Pass-123") {
			t.Fatalf("invitation: %s", msg)
		}
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gina")})).must(t)
		if u.UserStatus != types.UserStatusTypeForceChangePassword {
			t.Fatalf("status %s", u.UserStatus)
		}
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "gina", "PASSWORD": "Temp-Pass-123"},
		})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || out.Session == nil {
			t.Fatalf("challenge %q", out.ChallengeName)
		}
		respond := func(session *string, pw string) (*cip.RespondToAuthChallengeOutput, error) {
			return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
				ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: session,
				ChallengeResponses: map[string]string{"USERNAME": "gina", "NEW_PASSWORD": pw},
			})
		}
		_, err := respond(out.Session, "weak")
		wantCode(t, err, "InvalidPasswordException", "")
		_, err = respond(aws.String(tamper(*out.Session)+"xxxxxxxxxxxxxxxxxxxx"), "New-Pass-456")
		wantCode(t, err, "NotAuthorizedException", "session")
		done := result(respond(out.Session, "New-Pass-456")).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("no tokens after the new password")
		}
		// The session can't be replayed once used.
		_, err = respond(out.Session, "Other-Pass-789")
		wantCode(t, err, "NotAuthorizedException", "")
		s.signIn(clientID, "gina", "New-Pass-456")
	})
}

func TestDisabledUser(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "hank", "Correct-Horse-9")
	res := s.signIn(clientID, "hank", "Correct-Horse-9")
	result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("hank")})).must(t)
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "hank", "PASSWORD": "Correct-Horse-9"},
	})
	wantCode(t, err, "NotAuthorizedException", "User is disabled.")
	_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	wantCode(t, err, "NotAuthorizedException", "")
	result(s.idp.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("hank")})).must(t)
	s.signIn(clientID, "hank", "Correct-Horse-9")

	result(s.idp.AdminDeleteUser(ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(poolID), Username: aws.String("hank")})).must(t)
	_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("hank")})
	wantCode(t, err, "UserNotFoundException", "User does not exist.")
}

func TestPreventUserExistenceErrors(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
	})).must(t)
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: out.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "nobody", "PASSWORD": "Correct-Horse-9"},
	})
	wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// A flow the client does not allow.
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: out.UserPoolClient.ClientId, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": "x"},
	})
	wantCode(t, err, "InvalidParameterException", "not enabled")
}

func TestWellKnownEndpoints(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	resp, err := http.Get(s.http.URL + "/" + poolID + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc["issuer"] != testPublicURL+"/"+poolID || doc["jwks_uri"] != testPublicURL+"/"+poolID+"/.well-known/jwks.json" {
		t.Fatalf("discovery %v", doc)
	}
	// OpenID Connect Discovery 1.0 3's required members; a pool without a
	// domain has no endpoints, named with empty strings as Cognito does.
	for _, k := range []string{"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
		"response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("discovery has no %s: %v", k, doc)
		}
	}
	if doc["authorization_endpoint"] != "" || doc["token_endpoint"] != "" || doc["revocation_endpoint"] != nil {
		t.Errorf("discovery of a pool without a domain: %v", doc)
	}
	resp2, err := http.Get(s.http.URL + "/us-east-1_missing00/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown pool JWKS: %d", resp2.StatusCode)
	}
	resp3, err := http.Get(s.http.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp3.StatusCode)
	}
}
