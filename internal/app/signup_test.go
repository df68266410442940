package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestSignUpAndConfirm(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		signUp := func(username, password string) (*cip.SignUpOutput, error) {
			return s.idp.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(clientID), Username: aws.String(username), Password: aws.String(password),
				UserAttributes: []types.AttributeType{attr("email", "alice@example.com")},
			})
		}
		_, err := signUp("alice", "short")
		wantCode(t, err, "InvalidPasswordException", "Password did not conform with policy")
		_, err = signUp("alice", "longenoughbutweak")
		wantCode(t, err, "InvalidPasswordException", "uppercase")

		out := result(signUp("alice", "Correct-Horse-9")).must(t)
		if out.UserConfirmed || out.UserSub == nil || out.CodeDeliveryDetails == nil {
			t.Fatalf("sign-up: %+v", out)
		}
		if d := out.CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) != "a***@e***" {
			t.Fatalf("delivery %+v", d)
		}
		_, err = signUp("alice", "Correct-Horse-9")
		wantCode(t, err, "UsernameExistsException", "")

		// Not confirmed yet: sign-in is refused after the password checks out.
		_, err = s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": "Correct-Horse-9"},
		})
		wantCode(t, err, "UserNotConfirmedException", "")

		code := s.lastCode()
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(wrong)})
		wantCode(t, err, "CodeMismatchException", "")
		result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(code)})).must(t)
		// A code works once.
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(code)})
		wantCode(t, err, "NotAuthorizedException", "Current status is CONFIRMED")

		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})).must(t)
		if u.UserStatus != types.UserStatusTypeConfirmed || !u.Enabled {
			t.Fatalf("user %+v", u)
		}
		if v, _ := attrValue(u.UserAttributes, "email_verified"); v != "true" {
			t.Fatalf("email_verified = %q", v)
		}
		if v, _ := attrValue(u.UserAttributes, "sub"); v != *out.UserSub {
			t.Fatalf("sub %q, want %q", v, *out.UserSub)
		}
		s.signIn(clientID, "alice", "Correct-Horse-9")
	})
}

func TestConfirmationCodeAttemptLimit(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	result(s.idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String("bob"), Password: aws.String("Correct-Horse-9"),
		UserAttributes: []types.AttributeType{attr("email", "bob@example.com")},
	})).must(t)
	code := s.lastCode()
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	var err error
	for i := 0; i < 5; i++ {
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("bob"), ConfirmationCode: aws.String(wrong)})
	}
	wantCode(t, err, "TooManyFailedAttemptsException", "")
	// The code is gone after too many failures, even the right one.
	_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("bob"), ConfirmationCode: aws.String(code)})
	wantCode(t, err, "ExpiredCodeException", "")
	// A resent code works.
	result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(clientID), Username: aws.String("bob")})).must(t)
	result(s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String("bob"), ConfirmationCode: aws.String(s.lastCode())})).must(t)
}

func TestAdminConfirmAndEmailUsername(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(&cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}})
	clientID, _ := s.appClient(poolID, false)
	out := result(s.idp.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String("carol@example.com"), Password: aws.String("Correct-Horse-9"),
	})).must(t)
	_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("carol"), Password: aws.String("Correct-Horse-9")})
	wantCode(t, err, "InvalidParameterException", "email")
	result(s.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String("carol@example.com")})).must(t)
	_, err = s.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String("carol@example.com")})
	wantCode(t, err, "NotAuthorizedException", "")
	u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("carol@example.com")})).must(t)
	if aws.ToString(u.Username) != *out.UserSub {
		t.Fatalf("username %q, want the sub %q", aws.ToString(u.Username), *out.UserSub)
	}
	tok := s.signIn(clientID, "carol@example.com", "Correct-Horse-9")
	got := result(s.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: tok.AccessToken})).must(t)
	if v, _ := attrValue(got.UserAttributes, "email"); v != "carol@example.com" {
		t.Fatalf("email %q", v)
	}
	_, err = s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("carol@example.com"), Password: aws.String("Correct-Horse-9")})
	wantCode(t, err, "UsernameExistsException", "")
}
