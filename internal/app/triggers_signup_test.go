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

// TestTriggersNeedLambdaEndpoint: without --lambda-endpoint, a pool cannot
// set triggers it would silently ignore.
func TestTriggersNeedLambdaEndpoint(t *testing.T) {
	s := newServer(t, "sqlite")
	_, err := s.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String(arn("pre"))}})
	wantCode(t, err, "InvalidParameterException", "--lambda-endpoint")
	poolID := s.pool(nil)
	_, err = s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID,
		LambdaConfig: &types.LambdaConfigType{PostConfirmation: aws.String(arn("post"))}})
	wantCode(t, err, "InvalidParameterException", "COGNATE_LAMBDA_ENDPOINT")
	// An empty LambdaConfig is fine, as before.
	result(s.idp.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: &poolID, LambdaConfig: &types.LambdaConfigType{}})).must(t)
}

// TestPreSignUpTrigger: the PreSignUp function gets Cognito's event and its
// answer auto-confirms; its error refuses the sign-up with Cognito's error.
func TestPreSignUpTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("pre-confirm", func(_ context.Context, e events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
		e.Response.AutoConfirmUser = e.Request.ValidationData["invite"] == "yes"
		e.Response.AutoVerifyEmail = e.Response.AutoConfirmUser
		return e, nil
	})
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			s := triggerServer(t, b, fns, 2*time.Second)
			poolID, clientID := s.triggerPool(&types.LambdaConfigType{PreSignUp: aws.String(arn("pre-confirm"))}, nil)
			out := result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("ann-" + b),
				Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "ann@example.com")},
				ValidationData: []types.AttributeType{attr("invite", "yes")}, ClientMetadata: map[string]string{"app": "web"}})).must(t)
			if !out.UserConfirmed || out.CodeDeliveryDetails != nil {
				t.Fatalf("auto-confirmed sign-up: %+v", out)
			}
			var e events.CognitoEventUserPoolsPreSignup
			fns.last(t, "pre-confirm", &e)
			if e.TriggerSource != "PreSignUp_SignUp" || e.UserPoolID != poolID || e.Region != "us-east-1" || e.Version != "1" ||
				e.CallerContext.ClientID != clientID || e.UserName != "ann-"+b || e.Request.UserAttributes["email"] != "ann@example.com" ||
				e.Request.ValidationData["invite"] != "yes" || e.Request.ClientMetadata["app"] != "web" {
				t.Fatalf("PreSignUp event: %+v", e)
			}
			u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("ann-" + b)})).must(t)
			if v, _ := attrValue(u.UserAttributes, "email_verified"); u.UserStatus != types.UserStatusTypeConfirmed || v != "true" {
				t.Fatalf("auto-confirmed user: %s, email_verified %q", u.UserStatus, v)
			}
			s.signIn(clientID, "ann-"+b, "Passw0rd!")

			// Without the invitation the function leaves the user unconfirmed.
			out = result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("bob"),
				Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "bob@example.com")}})).must(t)
			if out.UserConfirmed || out.CodeDeliveryDetails == nil {
				t.Fatalf("unconfirmed sign-up: %+v", out)
			}
		})
	}
}

// TestPreSignUpTriggerFailures: a function error, a timeout and an answer
// that is not the event each refuse the sign-up with Cognito's error, and
// leave no user behind.
func TestPreSignUpTriggerFailures(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("pre-nope", func(context.Context, events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
		return events.CognitoEventUserPoolsPreSignup{}, errNope
	})
	fns.handle("pre-slow", slow)
	fns.handle("pre-garbage", func(context.Context, map[string]any) (string, error) { return "garbage", nil })
	fns.handle("pre-badtype", func(context.Context, map[string]any) (map[string]any, error) {
		return map[string]any{"response": map[string]any{"autoConfirmUser": "yes"}}, nil
	})
	s := triggerServer(t, "sqlite", fns, 300*time.Millisecond)
	for _, tc := range []struct{ fn, code, msg string }{
		{"pre-nope", "UserLambdaValidationException", "PreSignUp failed with error nope."},
		{"pre-slow", "UnexpectedLambdaException", "PreSignUp invocation failed"},
		{"pre-garbage", "InvalidLambdaResponseException", "Unrecognizable lambda output"},
		{"pre-badtype", "InvalidLambdaResponseException", "Unrecognizable lambda output"},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			poolID, clientID := s.triggerPool(&types.LambdaConfigType{PreSignUp: aws.String(arn(tc.fn))}, nil)
			_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("cy"),
				Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "cy@example.com")}})
			wantCode(t, err, tc.code, tc.msg)
			_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("cy")})
			wantCode(t, err, "UserNotFoundException", "")
			_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: &poolID, Username: aws.String("dee"),
				MessageAction: types.MessageActionTypeSuppress})
			wantCode(t, err, tc.code, tc.msg)
		})
	}
	// A timeout is retried: Cognito makes three attempts.
	if n := fns.count("pre-slow"); n != 6 {
		t.Fatalf("the slow function was invoked %d times for two operations, want 3 each", n)
	}
	var e events.CognitoEventUserPoolsPreSignup
	fns.last(t, "pre-nope", &e)
	if e.TriggerSource != "PreSignUp_AdminCreateUser" || e.UserName != "dee" || e.CallerContext.ClientID != "" {
		t.Fatalf("AdminCreateUser's PreSignUp event: %+v", e)
	}
}

// TestPostConfirmationTrigger: confirming a sign-up and a password reset
// each tell the PostConfirmation function, with the user's attributes; its
// error is the operation's answer, the confirmation stays.
func TestPostConfirmationTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("post", func(_ context.Context, e events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error) {
		if e.Request.ClientMetadata["fail"] == "1" {
			return e, errNope
		}
		return e, nil
	})
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(&types.LambdaConfigType{PostConfirmation: aws.String(arn("post"))}, nil)
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: &clientID, Username: aws.String("eve"),
			Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "eve@example.com")}})).must(t)
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: &clientID, Username: aws.String("eve"),
			ConfirmationCode: aws.String(s.lastCode()), ClientMetadata: map[string]string{"k": "v"}})).must(t)
		var e events.CognitoEventUserPoolsPostConfirmation
		fns.last(t, "post", &e)
		if e.TriggerSource != "PostConfirmation_ConfirmSignUp" || e.UserName != "eve" || e.Request.ClientMetadata["k"] != "v" ||
			e.Request.UserAttributes["email"] != "eve@example.com" || e.Request.UserAttributes["email_verified"] != "true" ||
			e.Request.UserAttributes["cognito:user_status"] != "CONFIRMED" || e.Request.UserAttributes["sub"] == "" {
			t.Fatalf("PostConfirmation event: %+v", e)
		}
		result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("eve")})).must(t)
		_, err := s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("eve"),
			ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("N3w-passw0rd"), ClientMetadata: map[string]string{"fail": "1"}})
		wantCode(t, err, "UserLambdaValidationException", "PostConfirmation failed with error nope.")
		fns.last(t, "post", &e)
		if e.TriggerSource != "PostConfirmation_ConfirmForgotPassword" {
			t.Fatalf("PostConfirmation event: %+v", e)
		}
		s.signIn(clientID, "eve", "N3w-passw0rd") // the new password stays
		_ = poolID
	})
}

// forEachTriggerBackend runs fn per backend on a fresh trigger server.
func forEachTriggerBackend(t *testing.T, fns *functions, fn func(t *testing.T, s *server)) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) { fn(t, triggerServer(t, b, fns, 2*time.Second)) })
	}
}
