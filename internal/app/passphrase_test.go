package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// badForm is Cognito's answer to a password with whitespace at either end,
// in its words; member is the request member (password,
// proposedPassword, ...).
func badForm(member string) string {
	return "1 validation error detected: Value at '" + member +
		"' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
}

// TestPassphrases: Cognito refuses only passwords with whitespace at either
// end; inner spaces are allowed and count as special characters (the pool
// below has Cognito's default policy, which requires one). Every place a
// password is set applies that one rule: SignUp, AdminCreateUser,
// AdminSetUserPassword, ChangePassword, ConfirmForgotPassword and the
// NEW_PASSWORD answer to NEW_PASSWORD_REQUIRED.
func TestPassphrases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		const (
			phrase1 = "Correct horse battery 9"
			phrase2 = "Tr0ubador and a horse"
			phrase3 = "Staple battery  horse 7"
		)

		// SignUp.
		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"),
			Password: aws.String(" " + phrase1), UserAttributes: []types.AttributeType{attr("email", "ann@example.com")}})
		wantCode(t, err, "InvalidParameterException", badForm("password"))
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"),
			Password: aws.String(phrase1), UserAttributes: []types.AttributeType{attr("email", "ann@example.com")}})).must(t)
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("ann"),
			ConfirmationCode: aws.String(s.lastCode())})).must(t)
		tokens := s.signIn(clientID, "ann", phrase1)

		// ChangePassword, both members.
		_, err = s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
			PreviousPassword: aws.String(phrase1), ProposedPassword: aws.String(phrase2 + " ")})
		wantCode(t, err, "InvalidParameterException", badForm("proposedPassword"))
		_, err = s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
			PreviousPassword: aws.String(phrase1 + "\t"), ProposedPassword: aws.String(phrase2)})
		wantCode(t, err, "InvalidParameterException", badForm("previousPassword"))
		result(s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
			PreviousPassword: aws.String(phrase1), ProposedPassword: aws.String(phrase2)})).must(t)
		s.signIn(clientID, "ann", phrase2)

		// ForgotPassword, ConfirmForgotPassword.
		result(s.forgot(clientID, "ann")).must(t)
		code := s.lastCode()
		wantCode(t, s.confirmForgot(clientID, "ann", code, " "+phrase3), "InvalidParameterException", badForm("password"))
		if err := s.confirmForgot(clientID, "ann", code, phrase3); err != nil {
			t.Fatal(err)
		}
		s.signIn(clientID, "ann", phrase3)

		// AdminSetUserPassword.
		_, err = s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), Password: aws.String(phrase1 + " "), Permanent: true})
		wantCode(t, err, "InvalidParameterException", badForm("password"))
		result(s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), Password: aws.String(phrase1), Permanent: true})).must(t)
		s.signIn(clientID, "ann", phrase1)

		// AdminCreateUser's temporary password, then NEW_PASSWORD.
		_, err = s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bo"),
			TemporaryPassword: aws.String(" " + phrase1), MessageAction: types.MessageActionTypeSuppress})
		wantCode(t, err, "InvalidParameterException", badForm("temporaryPassword"))
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("bo"),
			TemporaryPassword: aws.String(phrase1), MessageAction: types.MessageActionTypeSuppress})).must(t)
		start := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "bo", "PASSWORD": phrase1}})).must(t)
		if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("challenge %s, want NEW_PASSWORD_REQUIRED", start.ChallengeName)
		}
		answer := func(pw string) (*cip.RespondToAuthChallengeOutput, error) {
			return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
				ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: start.Session,
				ChallengeResponses: map[string]string{"USERNAME": "bo", "NEW_PASSWORD": pw}})
		}
		_, err = answer(" " + phrase2)
		wantCode(t, err, "InvalidParameterException", badForm("password"))
		_, err = answer(phrase2 + "\n")
		wantCode(t, err, "InvalidParameterException", badForm("password"))
		if out := result(answer(phrase2)).must(t); out.AuthenticationResult == nil {
			t.Fatalf("NEW_PASSWORD %q: no tokens (challenge %s)", phrase2, out.ChallengeName)
		}
		s.signIn(clientID, "bo", phrase2)
	})
}
