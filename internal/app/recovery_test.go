package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func (s *server) forgot(clientID, username string) (*cip.ForgotPasswordOutput, error) {
	return s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String(username)})
}

func (s *server) confirmForgot(clientID, username, code, password string) error {
	_, err := s.idp.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(clientID), Username: aws.String(username),
		ConfirmationCode: aws.String(code), Password: aws.String(password),
	})
	return err
}

func TestForgotPassword(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "pat", "Correct-Horse-9", attr("email", "pat@example.com"), attr("email_verified", "true"))
		s.user(poolID, "quinn", "Correct-Horse-9", attr("email", "quinn@example.com"))
		old := s.signIn(clientID, "pat", "Correct-Horse-9")

		// No code asked for yet.
		wantCode(t, s.confirmForgot(clientID, "pat", "123456", "Brand-New-Pass-1"), "ExpiredCodeException", "")

		out := result(s.forgot(clientID, "pat")).must(t)
		d := out.CodeDeliveryDetails
		if d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" || aws.ToString(d.Destination) != "p***@e***" {
			t.Fatalf("delivery %+v %s", d, aws.ToString(d.Destination))
		}
		code := s.lastCode()
		wantCode(t, s.confirmForgot(clientID, "pat", code, "weak"), "InvalidPasswordException", "")
		wantCode(t, s.confirmForgot(clientID, "pat", otherCode(code), "Brand-New-Pass-1"), "CodeMismatchException", "")
		if err := s.confirmForgot(clientID, "pat", code, "Brand-New-Pass-1"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.confirmForgot(clientID, "pat", code, "Another-Pass-2"), "ExpiredCodeException", "")
		wantCode(t, s.passwordSignIn(clientID, "pat", "Correct-Horse-9"), "NotAuthorizedException", "")
		s.signIn(clientID, "pat", "Brand-New-Pass-1")
		// Sessions begun before the reset keep their refresh tokens (as in
		// Cognito; GlobalSignOut ends them).
		result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": *old.RefreshToken},
		})).must(t)

		// A reset code lasts an hour.
		result(s.forgot(clientID, "pat")).must(t)
		code = s.lastCode()
		clk.Advance(61 * time.Minute)
		wantCode(t, s.confirmForgot(clientID, "pat", code, "Third-Pass-3x"), "ExpiredCodeException", "")

		// Five wrong codes are answered; then the code is dead, even the
		// right one, until a new one is asked for.
		result(s.forgot(clientID, "pat")).must(t)
		code = s.lastCode()
		for i := 0; i < 5; i++ {
			wantCode(t, s.confirmForgot(clientID, "pat", otherCode(code), "Third-Pass-3x"), "CodeMismatchException", "")
		}
		wantCode(t, s.confirmForgot(clientID, "pat", code, "Third-Pass-3x"), "LimitExceededException", "Attempt limit exceeded")

		// Code requests are limited per user and hour: this window (begun
		// with the request above) allows five.
		for i := 0; i < 4; i++ {
			result(s.forgot(clientID, "pat")).must(t)
		}
		_, err := s.forgot(clientID, "pat")
		wantCode(t, err, "LimitExceededException", "Attempt limit exceeded, please try after some time.")
		clk.Advance(time.Hour + time.Second)
		result(s.forgot(clientID, "pat")).must(t)
		if err := s.confirmForgot(clientID, "pat", s.lastCode(), "Third-Pass-3x"); err != nil {
			t.Fatal(err)
		}

		// No verified destination; unknown user (LEGACY).
		_, err = s.forgot(clientID, "quinn")
		wantCode(t, err, "InvalidParameterException", "no registered/verified email or phone_number")
		_, err = s.forgot(clientID, "nobody")
		wantCode(t, err, "UserNotFoundException", "")
		wantCode(t, s.confirmForgot(clientID, "nobody", "123456", "Brand-New-Pass-1"), "UserNotFoundException", "")
	})
}

func TestAccountRecoverySetting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		phoneFirst := s.pool(&cip.CreateUserPoolInput{PoolName: aws.String("phone-first")})
		clientID, _ := s.appClient(phoneFirst, false)
		s.user(phoneFirst, "rae", "Correct-Horse-9",
			attr("email", "rae@example.com"), attr("email_verified", "true"),
			attr("phone_number", "+15555550123"), attr("phone_number_verified", "true"))
		// Without AccountRecoverySetting: a verified phone first.
		d := result(s.forgot(clientID, "rae")).must(t).CodeDeliveryDetails
		if d.DeliveryMedium != types.DeliveryMediumTypeSms || aws.ToString(d.Destination) != "+*******0123" {
			t.Fatalf("legacy order: %+v %s", d, aws.ToString(d.Destination))
		}
		if sms := s.lastMessage(); !containsText(sms, "To: +15555550123") {
			t.Fatalf("text message %q", sms)
		}

		emailFirst := s.pool(&cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{
			RecoveryMechanisms: []types.RecoveryOptionType{
				{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)},
				{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
			},
		}})
		clientID, _ = s.appClient(emailFirst, false)
		s.user(emailFirst, "rae", "Correct-Horse-9",
			attr("email", "rae@example.com"), attr("email_verified", "true"),
			attr("phone_number", "+15555550123"), attr("phone_number_verified", "true"))
		d = result(s.forgot(clientID, "rae")).must(t).CodeDeliveryDetails
		if d.DeliveryMedium != types.DeliveryMediumTypeEmail {
			t.Fatalf("priority order: %+v", d)
		}

		adminOnly := s.pool(&cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{
			RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeAdminOnly, Priority: aws.Int32(1)}},
		}})
		clientID, _ = s.appClient(adminOnly, false)
		s.user(adminOnly, "rae", "Correct-Horse-9", attr("email", "rae@example.com"), attr("email_verified", "true"))
		_, err := s.forgot(clientID, "rae")
		wantCode(t, err, "NotAuthorizedException", "Contact administrator to reset password.")
	})
}

func TestAdminResetUserPassword(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "sam", "Correct-Horse-9", attr("email", "sam@example.com"), attr("email_verified", "true"))
		s.user(poolID, "ted", "Correct-Horse-9")
		reset := func(name string) error {
			_, err := s.idp.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})
			return err
		}
		tok := s.signIn(clientID, "sam", "Correct-Horse-9")
		if err := reset("sam"); err != nil {
			t.Fatal(err)
		}
		code := s.lastCode()
		_, err := s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})
		wantCode(t, err, "PasswordResetRequiredException", "")
		if u := s.adminGetUser(poolID, "sam"); u.UserStatus != types.UserStatusTypeResetRequired {
			t.Fatalf("status %s", u.UserStatus)
		}
		wantCode(t, s.passwordSignIn(clientID, "sam", "Correct-Horse-9"), "PasswordResetRequiredException", "")
		wantCode(t, s.passwordSignIn(clientID, "sam", "Wrong-Horse-9"), "NotAuthorizedException", "")
		if err := s.confirmForgot(clientID, "sam", code, "Brand-New-Pass-1"); err != nil {
			t.Fatal(err)
		}
		if u := s.adminGetUser(poolID, "sam"); u.UserStatus != types.UserStatusTypeConfirmed {
			t.Fatalf("status after reset %s", u.UserStatus)
		}
		s.signIn(clientID, "sam", "Brand-New-Pass-1")

		wantCode(t, reset("ted"), "InvalidParameterException", "")
		wantCode(t, reset("nobody"), "UserNotFoundException", "")
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("uma"), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{attr("email", "uma@example.com"), attr("email_verified", "true")},
		})).must(t)
		wantCode(t, reset("uma"), "NotAuthorizedException", "current state")
		result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("sam")})).must(t)
		wantCode(t, reset("sam"), "NotAuthorizedException", "disabled")
	})
}

func TestChangePassword(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "val", "Correct-Horse-9")
		tok := s.signIn(clientID, "val", "Correct-Horse-9")
		change := func(prev, next string) error {
			_, err := s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String(prev), ProposedPassword: aws.String(next)})
			return err
		}
		wantCode(t, change("Wrong-Horse-9", "Brand-New-Pass-1"), "NotAuthorizedException", "Incorrect username or password.")
		wantCode(t, change("Correct-Horse-9", "weak"), "InvalidPasswordException", "")
		if err := change("Correct-Horse-9", "Brand-New-Pass-1"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.passwordSignIn(clientID, "val", "Correct-Horse-9"), "NotAuthorizedException", "")
		s.signIn(clientID, "val", "Brand-New-Pass-1")
		// The access token it was done with still works (Cognito keeps sessions).
		s.getUser(tok)
		_, err := s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: aws.String("nope"), PreviousPassword: aws.String("Brand-New-Pass-1"), ProposedPassword: aws.String("Brand-New-Pass-2")})
		wantCode(t, err, "NotAuthorizedException", "")
	})
}

func TestPasswordHistory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(8), PasswordHistorySize: aws.Int32(2),
		}}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "wes", "first-pass-1", attr("email", "wes@example.com"), attr("email_verified", "true"))
		tok := s.signIn(clientID, "wes", "first-pass-1")
		change := func(prev, next string) error {
			_, err := s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String(prev), ProposedPassword: aws.String(next)})
			return err
		}
		wantCode(t, change("first-pass-1", "first-pass-1"), "PasswordHistoryPolicyViolationException", "")
		if err := change("first-pass-1", "second-pass-2"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, change("second-pass-2", "first-pass-1"), "PasswordHistoryPolicyViolationException", "")
		if err := change("second-pass-2", "third-pass-3"); err != nil {
			t.Fatal(err)
		}
		// Two back is out of a history of two.
		if err := change("third-pass-3", "first-pass-1"); err != nil {
			t.Fatal(err)
		}
		_, err := s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(poolID), Username: aws.String("wes"), Password: aws.String("third-pass-3"), Permanent: true,
		})
		wantCode(t, err, "PasswordHistoryPolicyViolationException", "")
		result(s.forgot(clientID, "wes")).must(t)
		code := s.lastCode()
		// Without the code, the history is not consulted.
		wantCode(t, s.confirmForgot(clientID, "wes", otherCode(code), "first-pass-1"), "CodeMismatchException", "")
		wantCode(t, s.confirmForgot(clientID, "wes", code, "first-pass-1"), "PasswordHistoryPolicyViolationException", "")
		// The code survives a refused password.
		if err := s.confirmForgot(clientID, "wes", code, "fourth-pass-4"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTemporaryPasswords(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(8), TemporaryPasswordValidityDays: 1,
		}}})
		clientID, _ := s.appClient(poolID, false)
		create := func(name string) {
			result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
				UserPoolId: aws.String(poolID), Username: aws.String(name), TemporaryPassword: aws.String("temp-pass-1"),
				MessageAction: types.MessageActionTypeSuppress,
			})).must(t)
		}
		create("xia")
		create("yan")
		out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "xia", "PASSWORD": "temp-pass-1"},
		})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("challenge %s", out.ChallengeName)
		}
		// A new password set meanwhile ends the challenge's session.
		result(s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(poolID), Username: aws.String("xia"), Password: aws.String("temp-pass-2"),
		})).must(t)
		_, err := s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "xia", "NEW_PASSWORD": "final-pass-1"},
		})
		wantCode(t, err, "NotAuthorizedException", "")

		// After TemporaryPasswordValidityDays the temporary password is refused.
		clk.Advance(25 * time.Hour)
		wantCode(t, s.passwordSignIn(clientID, "yan", "temp-pass-1"), "NotAuthorizedException", "Temporary password has expired")
		// RESEND starts it over.
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("yan"), TemporaryPassword: aws.String("temp-pass-3"),
			MessageAction: types.MessageActionTypeResend,
		})).must(t)
		out = result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "yan", "PASSWORD": "temp-pass-3"},
		})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("challenge %s", out.ChallengeName)
		}
	})
}
