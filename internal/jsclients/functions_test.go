package jsclients_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/cognate-dev/cognate/internal/lambdainvoke/lambdatest"
)

// senderKey is the server's --sender-encryption-key: bytes 0..31, base64.
// clients/js's trigger tests decrypt custom senders' codes with it.
const senderKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// startFunctions starts the Lambda Invoke API stand-in with the functions
// clients/js's trigger tests configure (test/amplify-triggers.test.js),
// written in Go with aws-lambda-go as real functions are. It returns the
// server's flags and the tests' environment.
func startFunctions(t *testing.T) (flags, env []string) {
	fns := lambdatest.New()
	t.Cleanup(fns.Close)
	// PreSignUp: auto-confirm and auto-verify the e-mail address.
	fns.Handle("js-pre-signup", func(_ context.Context, e events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
		if e.Request.UserAttributes["email"] == "" {
			return e, errors.New("an e-mail address is required")
		}
		e.Response.AutoConfirmUser, e.Response.AutoVerifyEmail = true, true
		return e, nil
	})
	// Custom challenge: one question, asked until answered right, three
	// tries at most.
	fns.Handle("js-define", func(_ context.Context, e events.CognitoEventUserPoolsDefineAuthChallenge) (events.CognitoEventUserPoolsDefineAuthChallenge, error) {
		s := e.Request.Session
		switch {
		case len(s) > 0 && s[len(s)-1].ChallengeName == "CUSTOM_CHALLENGE" && s[len(s)-1].ChallengeResult:
			e.Response.IssueTokens = true
		case len(s) >= 3:
			e.Response.FailAuthentication = true
		default:
			e.Response.ChallengeName = "CUSTOM_CHALLENGE"
		}
		return e, nil
	})
	fns.Handle("js-create", func(_ context.Context, e events.CognitoEventUserPoolsCreateAuthChallenge) (events.CognitoEventUserPoolsCreateAuthChallenge, error) {
		e.Response.PublicChallengeParameters = map[string]string{"question": "What is 6 x 7?"}
		e.Response.PrivateChallengeParameters = map[string]string{"answer": "42"}
		e.Response.ChallengeMetadata = "MATH"
		return e, nil
	})
	fns.Handle("js-verify", func(_ context.Context, e events.CognitoEventUserPoolsVerifyAuthChallenge) (events.CognitoEventUserPoolsVerifyAuthChallenge, error) {
		answer, _ := e.Request.ChallengeAnswer.(string)
		e.Response.AnswerCorrect = answer == e.Request.PrivateChallengeParameters["answer"]
		return e, nil
	})
	// Pre token generation (V2_0): claims in both tokens, a scope added.
	fns.Handle("js-pre-token", func(_ context.Context, e events.CognitoEventUserPoolsPreTokenGenV2_0) (events.CognitoEventUserPoolsPreTokenGenV2_0, error) {
		e.Response.ClaimsAndScopeOverrideDetails = events.ClaimsAndScopeOverrideDetailsV2_0{
			IDTokenGeneration:     events.IDTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"favorite_color": "blue", "plan": map[string]any{"tier": "gold"}}},
			AccessTokenGeneration: events.AccessTokenGenerationV2_0{ClaimsToAddOrOverride: map[string]any{"tenant": "acme"}, ScopesToAdd: []string{"orders/read"}},
		}
		return e, nil
	})
	// CustomEmailSender: accepts every code; the tests read it back from
	// GET /events/js-email-sender and decrypt it.
	fns.Handle("js-email-sender", func(_ context.Context, e map[string]any) (map[string]any, error) { return e, nil })
	flags = []string{"--lambda-endpoint", fns.URL, "--lambda-access-key-id", lambdatest.AccessKeyID,
		"--lambda-secret-access-key", lambdatest.SecretAccessKey, "--sender-encryption-key", senderKey}
	env = []string{"COGNATE_LAMBDA_STANDIN=" + fns.URL, "COGNATE_SENDER_KEY=" + senderKey}
	return flags, env
}
