package app_test

import (
	"context"

	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestAuthenticationTriggers: PreAuthentication runs before the password
// is checked on every sign-in path and can refuse it; PostAuthentication
// runs once the sign-in succeeded and can refuse the tokens.
func TestAuthenticationTriggers(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("pre-auth", func(_ context.Context, e events.CognitoEventUserPoolsPreAuthentication) (events.CognitoEventUserPoolsPreAuthentication, error) {
		if e.Request.UserAttributes["custom:blocked"] == "1" {
			return e, errNope
		}
		return e, nil
	})
	fns.handle("post-auth", func(_ context.Context, e events.CognitoEventUserPoolsPostAuthentication) (events.CognitoEventUserPoolsPostAuthentication, error) {
		if e.Request.ClientMetadata["fail"] == "1" {
			return e, errNope
		}
		return e, nil
	})
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(&types.LambdaConfigType{PreAuthentication: aws.String(arn("pre-auth")),
			PostAuthentication: aws.String(arn("post-auth"))}, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("blocked"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)}}})
		s.user(poolID, "fay", "Passw0rd!", attr("email", "fay@example.com"))
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "fay", "PASSWORD": "Passw0rd!"}, ClientMetadata: map[string]string{"v": "1"}})).must(t)
		if out.AuthenticationResult == nil {
			t.Fatal("no tokens")
		}
		var pre events.CognitoEventUserPoolsPreAuthentication
		fns.last(t, "pre-auth", &pre)
		if pre.TriggerSource != "PreAuthentication_Authentication" || pre.UserName != "fay" || pre.CallerContext.ClientID != clientID ||
			pre.Request.UserAttributes["email"] != "fay@example.com" || pre.Request.ValidationData["v"] != "1" || pre.Request.UserNotFound {
			t.Fatalf("PreAuthentication event: %+v", pre)
		}
		var post events.CognitoEventUserPoolsPostAuthentication
		fns.last(t, "post-auth", &post)
		if post.TriggerSource != "PostAuthentication_Authentication" || post.UserName != "fay" || post.Request.ClientMetadata["v"] != "1" ||
			post.Request.UserAttributes["sub"] == "" || post.Request.NewDeviceUsed {
			t.Fatalf("PostAuthentication event: %+v", post)
		}

		// SRP: PreAuthentication at InitiateAuth, PostAuthentication after the proof.
		preN, postN := fns.count("pre-auth"), fns.count("post-auth")
		if _, err := s.srpSignIn(poolID, clientID, "fay", "Passw0rd!", nil); err != nil {
			t.Fatal(err)
		}
		if fns.count("pre-auth") != preN+1 || fns.count("post-auth") != postN+1 {
			t.Fatalf("SRP sign-in: PreAuthentication %d, PostAuthentication %d invocations, want one each", fns.count("pre-auth")-preN, fns.count("post-auth")-postN)
		}

		// PreAuthentication refuses a blocked user before the password is checked.
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("fay"),
			UserAttributes: []types.AttributeType{attr("custom:blocked", "1")}})).must(t)
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "fay", "PASSWORD": "Passw0rd!"}})
		wantCode(t, err, "UserLambdaValidationException", "PreAuthentication failed with error nope.")
		_, _, err = s.srpStart(poolID, clientID, map[string]string{"USERNAME": "fay"})
		wantCode(t, err, "UserLambdaValidationException", "PreAuthentication failed with error nope.")
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &poolID, Username: aws.String("fay"),
			UserAttributes: []types.AttributeType{attr("custom:blocked", "0")}})).must(t)

		// PostAuthentication's error refuses the tokens.
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "fay", "PASSWORD": "Passw0rd!"}, ClientMetadata: map[string]string{"fail": "1"}})
		wantCode(t, err, "UserLambdaValidationException", "PostAuthentication failed with error nope.")
	})
}

// TestPreTokenGenerationTriggerV1: claims added, changed and suppressed in
// the ID token, groups overridden in both tokens, at sign-in and at
// refresh, with the trigger sources Cognito uses.
func TestPreTokenGenerationTriggerV1(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("pretoken", func(_ context.Context, e events.CognitoEventUserPoolsPreTokenGen) (events.CognitoEventUserPoolsPreTokenGen, error) {
		e.Response.ClaimsOverrideDetails = events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"tenant": "acme", "source": e.TriggerSource, "sub": "forged"},
			ClaimsToSuppress:      []string{"email"},
			GroupOverrideDetails: events.GroupConfiguration{GroupsToOverride: append(e.Request.GroupConfiguration.GroupsToOverride, "extra"),
				IAMRolesToOverride: []string{"arn:aws:iam::000000000000:role/r"}, PreferredRole: aws.String("arn:aws:iam::000000000000:role/r")},
		}
		return e, nil
	})
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(&types.LambdaConfigType{PreTokenGeneration: aws.String(arn("pretoken"))}, nil)
		s.user(poolID, "gus", "Passw0rd!", attr("email", "gus@example.com"))
		result(s.idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: &poolID, GroupName: aws.String("staff")})).must(t)
		result(s.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: &poolID, Username: aws.String("gus"), GroupName: aws.String("staff")})).must(t)
		res := s.signIn(clientID, "gus", "Passw0rd!")
		id, access := jwtClaims(t, *res.IdToken), jwtClaims(t, *res.AccessToken)
		if id["tenant"] != "acme" || id["source"] != "TokenGeneration_Authentication" || id["email"] != nil || id["sub"] == "forged" ||
			!sameStrings(id["cognito:groups"], "staff", "extra") || !sameStrings(access["cognito:groups"], "staff", "extra") ||
			id["cognito:preferred_role"] != "arn:aws:iam::000000000000:role/r" || access["tenant"] != nil {
			t.Fatalf("V1 claims: id %v, access %v", id, access)
		}
		var e events.CognitoEventUserPoolsPreTokenGen
		fns.last(t, "pretoken", &e)
		if e.Version != "1" || e.UserName != "gus" || e.Request.UserAttributes["email"] != "gus@example.com" ||
			!sameStrings(toAny(e.Request.GroupConfiguration.GroupsToOverride), "staff") {
			t.Fatalf("V1 event: %+v", e)
		}
		ref := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *res.RefreshToken}})).must(t)
		if id := jwtClaims(t, *ref.AuthenticationResult.IdToken); id["source"] != "TokenGeneration_RefreshTokens" || id["tenant"] != "acme" {
			t.Fatalf("refreshed ID token: %v", id)
		}
	})
}

// TestPreTokenGenerationTriggerV2: claims of any JSON type added to both
// tokens, scopes added and suppressed; the trigger's failures refuse the
// tokens.
func TestPreTokenGenerationTriggerV2(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("pretoken2", func(_ context.Context, e events.CognitoEventUserPoolsPreTokenGenV2_0) (events.CognitoEventUserPoolsPreTokenGenV2_0, error) {
		if e.Request.ClientMetadata["fail"] == "1" {
			return e, errNope
		}
		e.Response.ClaimsAndScopeOverrideDetails = events.ClaimsAndScopeOverrideDetailsV2_0{
			IDTokenGeneration: events.IDTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"plan": "gold", "seats": 5}},
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{
				ClaimsToAddOrOverride: map[string]any{"tenant": map[string]any{"id": "t1"}, "roles": []string{"a", "b"}},
				ScopesToAdd:           []string{"orders/read"}, ScopesToSuppress: []string{"aws.cognito.signin.user.admin"},
			},
		}
		return e, nil
	})
	fns.handle("pretoken-slow", slow)
	s := triggerServer(t, "sqlite", fns, 300*time.Millisecond)
	poolID, clientID := s.triggerPool(&types.LambdaConfigType{PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{
		LambdaArn: aws.String(arn("pretoken2")), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20}}, nil)
	s.user(poolID, "hal", "Passw0rd!")
	res := s.signIn(clientID, "hal", "Passw0rd!")
	id, access := jwtClaims(t, *res.IdToken), jwtClaims(t, *res.AccessToken)
	tenant, _ := access["tenant"].(map[string]any)
	if id["plan"] != "gold" || id["seats"] != float64(5) || tenant["id"] != "t1" || !sameStrings(access["roles"], "a", "b") ||
		access["scope"] != "orders/read" || access["plan"] != nil {
		t.Fatalf("V2 claims: id %v, access %v", id, access)
	}
	var e events.CognitoEventUserPoolsPreTokenGenV2_0
	fns.last(t, "pretoken2", &e)
	if e.Version != "2" || e.TriggerSource != "TokenGeneration_Authentication" || len(e.Request.Scopes) != 1 || e.Request.Scopes[0] != "aws.cognito.signin.user.admin" {
		t.Fatalf("V2 event: %+v", e)
	}
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "hal", "PASSWORD": "Passw0rd!"}, ClientMetadata: map[string]string{"fail": "1"}})
	wantCode(t, err, "UserLambdaValidationException", "PreTokenGeneration failed with error nope.")
	result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		LambdaConfig: &types.LambdaConfigType{PreTokenGeneration: aws.String(arn("pretoken-slow"))}})).must(t)
	_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "hal", "PASSWORD": "Passw0rd!"}})
	wantCode(t, err, "UnexpectedLambdaException", "PreTokenGeneration invocation failed")
}

// sameStrings reports whether v (a JSON array) holds exactly want, in order.
func sameStrings(v any, want ...string) bool {
	list, _ := v.([]any)
	if len(list) != len(want) {
		return false
	}
	for i, x := range list {
		if x != want[i] {
			return false
		}
	}
	return true
}

func toAny(v []string) []any {
	out := make([]any, len(v))
	for i, s := range v {
		out[i] = s
	}
	return out
}
