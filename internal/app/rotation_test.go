package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// rotatingClient creates a client with refresh-token rotation and the given
// grace period.
func (s *server) rotatingClient(poolID string, grace int32, secret bool) (string, string) {
	s.t.Helper()
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("rotating"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(grace)},
		RefreshTokenValidity: 60, TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes},
	})).must(s.t)
	rot := out.UserPoolClient.RefreshTokenRotation
	if rot == nil || rot.Feature != types.FeatureTypeEnabled || aws.ToInt32(rot.RetryGracePeriodSeconds) != grace {
		s.t.Fatalf("RefreshTokenRotation %+v", rot)
	}
	return *out.UserPoolClient.ClientId, aws.ToString(out.UserPoolClient.ClientSecret)
}

func (s *server) refresh(clientID, token string) (*types.AuthenticationResultType, error) {
	out, err := s.idp.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
		ClientId: aws.String(clientID), RefreshToken: aws.String(token)})
	if err != nil {
		return nil, err
	}
	return out.AuthenticationResult, nil
}

func TestRefreshTokenRotation(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		clientID, _ := s.rotatingClient(poolID, 10, false)
		desc := result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID)})).must(t).UserPoolClient
		if desc.RefreshTokenRotation == nil || desc.RefreshTokenRotation.Feature != types.FeatureTypeEnabled {
			t.Fatalf("DescribeUserPoolClient RefreshTokenRotation %+v", desc.RefreshTokenRotation)
		}
		s.user(poolID, "rita", "Correct-Horse-9")
		first := s.signIn(clientID, "rita", "Correct-Horse-9")
		r0 := *first.RefreshToken

		// REFRESH_TOKEN_AUTH is not for rotating clients.
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": r0}})
		wantCode(t, err, "InvalidParameterException", "GetTokensFromRefreshToken")

		// A refresh gives a new refresh token of the same session.
		a := result(s.refresh(clientID, r0)).must(t)
		if a.RefreshToken == nil || *a.RefreshToken == r0 {
			t.Fatalf("rotation gave refresh token %v", a.RefreshToken)
		}
		before, after := s.verifyJWT(poolID, *first.AccessToken), s.verifyJWT(poolID, *a.AccessToken)
		if after["origin_jti"] != before["origin_jti"] || after["auth_time"] != before["auth_time"] || after["jti"] == before["jti"] {
			t.Fatalf("rotated session: %v vs %v", after, before)
		}
		r1 := *a.RefreshToken
		// Within the grace period the old token still works (a retry).
		clk.Advance(5 * time.Second)
		retry := result(s.refresh(clientID, r0)).must(t)
		if retry.RefreshToken == nil || *retry.RefreshToken == r1 {
			t.Fatal("retry within the grace period gave no new refresh token")
		}
		// The new one rotates in turn.
		b := result(s.refresh(clientID, r1)).must(t)
		// After the grace period, the old token is a replay: the whole
		// family is revoked.
		clk.Advance(6 * time.Second)
		_, err = s.refresh(clientID, r0)
		wantCode(t, err, "RefreshTokenReuseException", "")
		for _, tok := range []string{r1, *b.RefreshToken, *retry.RefreshToken} {
			_, err = s.refresh(clientID, tok)
			wantCode(t, err, "NotAuthorizedException", "revoked")
		}
		_, err = s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: b.AccessToken})
		wantCode(t, err, "NotAuthorizedException", "revoked")

		// UpdateUserPoolClient replaces the setting; left out, rotation is
		// off again, and the grace period is 0 to 60 seconds.
		_, err = s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(61)}})
		wantCode(t, err, "InvalidParameterException", "")
		upd := result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
				types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t).UserPoolClient
		if upd.RefreshTokenRotation != nil && upd.RefreshTokenRotation.Feature == types.FeatureTypeEnabled {
			t.Fatalf("rotation still on after an update without it: %+v", upd.RefreshTokenRotation)
		}
		plain := s.signIn(clientID, "rita", "Correct-Horse-9")
		if again := result(s.refresh(clientID, *plain.RefreshToken)).must(t); again.RefreshToken != nil {
			t.Fatal("a refresh token from a client that no longer rotates")
		}
		result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			ExplicitAuthFlows:    []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth},
			RefreshTokenValidity: 60, TokenValidityUnits: &types.TokenValidityUnitsType{RefreshToken: types.TimeUnitsTypeMinutes},
			RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(10)}})).must(t)

		// A new sign-in starts a new family; its successor lives as long as
		// the original had left.
		fresh := s.signIn(clientID, "rita", "Correct-Horse-9")
		clk.Advance(50 * time.Minute)
		next := result(s.refresh(clientID, *fresh.RefreshToken)).must(t)
		clk.Advance(11 * time.Minute)
		_, err = s.refresh(clientID, *next.RefreshToken)
		wantCode(t, err, "NotAuthorizedException", "expired")
	})
}

func TestRefreshTokenRotationNoGrace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, secret := s.rotatingClient(poolID, 0, true)
		s.user(poolID, "remy", "Correct-Horse-9")
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "remy",
				"PASSWORD": "Correct-Horse-9", "SECRET_HASH": secretHash(secret, "remy", clientID)}})).must(t)
		r0 := *out.AuthenticationResult.RefreshToken
		// The client secret is required.
		_, err := s.refresh(clientID, r0)
		wantCode(t, err, "NotAuthorizedException", "secret")
		get := func(tok string) (*cip.GetTokensFromRefreshTokenOutput, error) {
			return s.idp.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
				ClientId: aws.String(clientID), ClientSecret: aws.String(secret), RefreshToken: aws.String(tok)})
		}
		r1 := result(get(r0)).must(t).AuthenticationResult.RefreshToken
		_, err = get(r0)
		wantCode(t, err, "RefreshTokenReuseException", "")
		_, err = get(*r1)
		wantCode(t, err, "NotAuthorizedException", "revoked")
	})
}

func TestGetTokensFromRefreshTokenWithoutRotation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "rob", "Correct-Horse-9")
		first := s.signIn(clientID, "rob", "Correct-Horse-9")
		for i := 0; i < 2; i++ {
			got := result(s.refresh(clientID, *first.RefreshToken)).must(t)
			if got.RefreshToken != nil || got.AccessToken == nil || got.IdToken == nil {
				t.Fatalf("refresh without rotation: %+v", got)
			}
		}
		_, err := s.refresh(clientID, "not-a-token")
		wantCode(t, err, "NotAuthorizedException", "")
		other, _ := s.appClient(poolID, false)
		_, err = s.refresh(other, *first.RefreshToken)
		wantCode(t, err, "NotAuthorizedException", "")
	})
}
