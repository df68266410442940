package app_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// TestUserMigrationFromAnotherCognate: lazy migration, with a second
// Cognate as the old system. The UserMigration function checks the
// password against the old pool (InitiateAuth) and copies the user's
// attributes (AdminGetUser); the user is created at their first sign-in
// with the password they typed, and signs in on their own from then on,
// with SRP too. A wrong password migrates nobody, ForgotPassword
// migrates a user without one, and USER_AUTH's PASSWORD migrates too.
func TestUserMigrationFromAnotherCognate(t *testing.T) {
	old := newServer(t, "sqlite")
	oldPool := old.pool(nil)
	oldClient, _ := old.appClient(oldPool, false)
	old.user(oldPool, "mia", "Old-passw0rd", attr("email", "mia@example.com"), attr("email_verified", "true"), attr("name", "Mia"))
	old.user(oldPool, "ned", "Old-passw0rd", attr("email", "ned@example.com"), attr("email_verified", "true"))
	old.user(oldPool, "ova", "Old-passw0rd", attr("email", "ova@example.com"), attr("email_verified", "true"))

	fns := newFunctions(t)
	fns.handle("migrate", func(ctx context.Context, e events.CognitoEventUserPoolsMigrateUser) (events.CognitoEventUserPoolsMigrateUser, error) {
		if e.TriggerSource == "UserMigration_Authentication" {
			_, err := old.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &oldClient, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": e.UserName, "PASSWORD": e.CognitoEventUserPoolsMigrateUserRequest.Password}})
			if err != nil {
				return e, errors.New("Bad password")
			}
		}
		u, err := old.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &oldPool, Username: &e.UserName})
		if err != nil {
			return e, errors.New("no such user")
		}
		attrs := map[string]string{}
		for _, a := range u.UserAttributes {
			if n := aws.ToString(a.Name); n != "sub" {
				attrs[n] = aws.ToString(a.Value)
			}
		}
		e.CognitoEventUserPoolsMigrateUserResponse = events.CognitoEventUserPoolsMigrateUserResponse{
			UserAttributes: attrs, FinalUserStatus: "CONFIRMED", MessageAction: "SUPPRESS"}
		return e, nil
	})
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(&types.LambdaConfigType{UserMigration: aws.String(arn("migrate"))}, nil)
		before := fns.count("migrate")
		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "mia", "PASSWORD": "wrong-Passw0rd"}})
		wantCode(t, err, "UserNotFoundException", "Exception migrating user in app client "+clientID)
		_, err = s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("mia")})
		wantCode(t, err, "UserNotFoundException", "")

		res := s.signIn(clientID, "mia", "Old-passw0rd")
		if id := jwtClaims(t, *res.IdToken); id["email"] != "mia@example.com" || id["name"] != "Mia" {
			t.Fatalf("migrated user's ID token: %v", id)
		}
		var e events.CognitoEventUserPoolsMigrateUser
		fns.last(t, "migrate", &e)
		if e.TriggerSource != "UserMigration_Authentication" || e.UserName != "mia" || e.CallerContext.ClientID != clientID || e.UserPoolID != poolID {
			t.Fatalf("UserMigration event: %+v", e)
		}
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &poolID, Username: aws.String("mia")})).must(t)
		if v, _ := attrValue(u.UserAttributes, "email_verified"); u.UserStatus != types.UserStatusTypeConfirmed || v != "true" {
			t.Fatalf("migrated user: %+v", u)
		}
		// Migrated once: later sign-ins, SRP included, are the pool's own.
		s.signIn(clientID, "mia", "Old-passw0rd")
		if _, err := s.srpSignIn(poolID, clientID, "mia", "Old-passw0rd", nil); err != nil {
			t.Fatal(err)
		}
		if n := fns.count("migrate") - before; n != 2 {
			t.Fatalf("the migration function was invoked %d times, want 2 (the wrong password and the first sign-in)", n)
		}

		// ForgotPassword migrates a user without a password; the code sets it.
		result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: &clientID, Username: aws.String("ned")})).must(t)
		e = events.CognitoEventUserPoolsMigrateUser{}
		fns.last(t, "migrate", &e)
		if e.TriggerSource != "UserMigration_ForgotPassword" || e.CognitoEventUserPoolsMigrateUserRequest.Password != "" {
			t.Fatalf("UserMigration event: %+v", e)
		}
		result(s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: &clientID, Username: aws.String("ned"),
			ConfirmationCode: aws.String(s.lastCode()), Password: aws.String("New-passw0rd")})).must(t)
		s.signIn(clientID, "ned", "New-passw0rd")

		// USER_AUTH's PASSWORD migrates as USER_PASSWORD_AUTH does.
		choice := s.userAuthClient(t, poolID, false)
		out := result(s.userAuth(choice, map[string]string{"USERNAME": "ova", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Old-passw0rd"})).must(t)
		e = events.CognitoEventUserPoolsMigrateUser{}
		fns.last(t, "migrate", &e)
		if out.AuthenticationResult == nil || e.TriggerSource != "UserMigration_Authentication" || e.UserName != "ova" || e.CallerContext.ClientID != choice {
			t.Fatalf("ova's USER_AUTH: %s, UserMigration event %+v", out.ChallengeName, e)
		}
	})
}

// TestCustomAuthTrigger: a three-round custom challenge through
// InitiateAuth and RespondToAuthChallenge (and the Admin forms), with the
// session history Cognito passes; a wrong answer ends it; the functions'
// failures are Cognito's errors.
func TestCustomAuthTrigger(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("define", func(_ context.Context, e events.CognitoEventUserPoolsDefineAuthChallenge) (events.CognitoEventUserPoolsDefineAuthChallenge, error) {
		s := e.Request.Session
		switch {
		case len(s) > 0 && !s[len(s)-1].ChallengeResult:
			e.Response.FailAuthentication = true
		case len(s) > 0 && s[0].ChallengeName == "SRP_A" && len(s) == 1:
			e.Response.ChallengeName = "PASSWORD_VERIFIER"
		case countCustom(s) == 3:
			e.Response.IssueTokens = true
		default:
			e.Response.ChallengeName = "CUSTOM_CHALLENGE"
		}
		return e, nil
	})
	fns.handle("create", func(_ context.Context, e events.CognitoEventUserPoolsCreateAuthChallenge) (events.CognitoEventUserPoolsCreateAuthChallenge, error) {
		round := strconv.Itoa(countCustom(e.Request.Session) + 1)
		e.Response.PublicChallengeParameters = map[string]string{"question": "say " + round}
		e.Response.PrivateChallengeParameters = map[string]string{"answer": round}
		e.Response.ChallengeMetadata = "ROUND-" + round
		return e, nil
	})
	fns.handle("verify", func(_ context.Context, e events.CognitoEventUserPoolsVerifyAuthChallenge) (events.CognitoEventUserPoolsVerifyAuthChallenge, error) {
		e.Response.AnswerCorrect = e.Request.ChallengeAnswer == e.Request.PrivateChallengeParameters["answer"]
		return e, nil
	})
	lc := &types.LambdaConfigType{DefineAuthChallenge: aws.String(arn("define")), CreateAuthChallenge: aws.String(arn("create")),
		VerifyAuthChallengeResponse: aws.String(arn("verify"))}
	forEachTriggerBackend(t, fns, func(t *testing.T, s *server) {
		poolID, clientID := s.triggerPool(lc, nil)
		s.user(poolID, "oli", "Passw0rd!", attr("email", "oli@example.com"))
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
			AuthParameters: map[string]string{"USERNAME": "oli"}})).must(t)
		session := out.Session
		for round := 1; round <= 3; round++ {
			if out.ChallengeName != types.ChallengeNameTypeCustomChallenge && round == 1 ||
				out.ChallengeParameters["question"] != "say "+strconv.Itoa(round) || out.ChallengeParameters["USERNAME"] != "oli" {
				t.Fatalf("round %d: %s %v", round, out.ChallengeName, out.ChallengeParameters)
			}
			resp := result(s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
				ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
				ChallengeResponses: map[string]string{"USERNAME": "oli", "ANSWER": strconv.Itoa(round)}})).must(t)
			if round == 3 {
				if resp.AuthenticationResult == nil || resp.AuthenticationResult.RefreshToken == nil {
					t.Fatalf("after three rounds: %+v", resp)
				}
				break
			}
			out.ChallengeName, out.ChallengeParameters, session = resp.ChallengeName, resp.ChallengeParameters, resp.Session
		}
		var def events.CognitoEventUserPoolsDefineAuthChallenge
		fns.last(t, "define", &def)
		if len(def.Request.Session) != 3 || def.Request.Session[2].ChallengeMetadata != "ROUND-3" || !def.Request.Session[2].ChallengeResult ||
			def.TriggerSource != "DefineAuthChallenge_Authentication" || def.Request.UserAttributes["email"] != "oli@example.com" {
			t.Fatalf("DefineAuthChallenge's last event: %+v", def)
		}
		// A Session is good for one answer.
		_, err := s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
			ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: session,
			ChallengeResponses: map[string]string{"USERNAME": "oli", "ANSWER": "3"}})
		wantCode(t, err, "NotAuthorizedException", "")

		// A wrong answer: DefineAuthChallenge fails the sign-in.
		admin := result(s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{UserPoolId: &poolID, ClientId: &clientID,
			AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: map[string]string{"USERNAME": "oli"}})).must(t)
		_, err = s.idp.AdminRespondToAuthChallenge(ctx, &cip.AdminRespondToAuthChallengeInput{UserPoolId: &poolID, ClientId: &clientID,
			ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: admin.Session,
			ChallengeResponses: map[string]string{"USERNAME": "oli", "ANSWER": "42"}})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// SRP first, then the custom rounds (Amplify's CUSTOM_WITH_SRP).
		c := srpclient.NewClient(srp.PoolName(poolID))
		init := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
			AuthParameters: map[string]string{"USERNAME": "oli", "CHALLENGE_NAME": "SRP_A", "SRP_A": c.SRPA()}})).must(t)
		if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			t.Fatalf("SRP then custom: %s", init.ChallengeName)
		}
		next := result(s.srpVerify(clientID, srpAnswer(t, c, init.ChallengeParameters, "Passw0rd!", time.Now()), init.Session)).must(t)
		if next.ChallengeName != types.ChallengeNameTypeCustomChallenge || next.ChallengeParameters["question"] != "say 1" {
			t.Fatalf("after the password: %s %v", next.ChallengeName, next.ChallengeParameters)
		}
		fns.last(t, "define", &def)
		if len(def.Request.Session) != 2 || def.Request.Session[1].ChallengeName != "PASSWORD_VERIFIER" || !def.Request.Session[1].ChallengeResult {
			t.Fatalf("history after SRP: %+v", def.Request.Session)
		}
	})
}

// TestCustomAuthTriggerFailures: without DefineAuthChallenge CUSTOM_AUTH is
// refused; a failing VerifyAuthChallengeResponse is Cognito's error.
func TestCustomAuthTriggerFailures(t *testing.T) {
	fns := newFunctions(t)
	fns.handle("define", func(_ context.Context, e events.CognitoEventUserPoolsDefineAuthChallenge) (events.CognitoEventUserPoolsDefineAuthChallenge, error) {
		e.Response.ChallengeName = "CUSTOM_CHALLENGE"
		return e, nil
	})
	fns.handle("create", func(_ context.Context, e events.CognitoEventUserPoolsCreateAuthChallenge) (events.CognitoEventUserPoolsCreateAuthChallenge, error) {
		return e, nil
	})
	fns.handle("verify-nope", func(_ context.Context, e events.CognitoEventUserPoolsVerifyAuthChallenge) (events.CognitoEventUserPoolsVerifyAuthChallenge, error) {
		return e, errNope
	})
	s := triggerServer(t, "sqlite", fns, 2*time.Second)
	poolID, clientID := s.triggerPool(&types.LambdaConfigType{PostConfirmation: aws.String(arn("unused"))}, nil)
	s.user(poolID, "pam", "Passw0rd!")
	_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "pam"}})
	wantCode(t, err, "InvalidUserPoolConfigurationException", "Custom auth lambda trigger is not configured")
	poolID, clientID = s.triggerPool(&types.LambdaConfigType{DefineAuthChallenge: aws.String(arn("define")),
		CreateAuthChallenge: aws.String(arn("create")), VerifyAuthChallengeResponse: aws.String(arn("verify-nope"))}, nil)
	s.user(poolID, "pam", "Passw0rd!")
	out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: &clientID, AuthFlow: types.AuthFlowTypeCustomAuth,
		AuthParameters: map[string]string{"USERNAME": "pam"}})).must(t)
	_, err = s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: &clientID,
		ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": "pam", "ANSWER": "x"}})
	wantCode(t, err, "UserLambdaValidationException", "VerifyAuthChallengeResponse failed with error nope.")
}

// countCustom counts the custom rounds of a session history.
func countCustom(s []*events.CognitoEventUserPoolsChallengeResult) int {
	n := 0
	for _, r := range s {
		if r.ChallengeName == "CUSTOM_CHALLENGE" {
			n++
		}
	}
	return n
}
