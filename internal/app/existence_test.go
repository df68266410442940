package app_test

import (
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// existenceClient creates a client with the given PreventUserExistenceErrors.
func (s *server) existenceClient(poolID string, mode types.PreventUserExistenceErrorTypes) string {
	s.t.Helper()
	out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String(string(mode)), PreventUserExistenceErrors: mode,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth,
		},
	})).must(s.t)
	return *out.UserPoolClient.ClientId
}

func TestUserExistenceAcrossOperations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		legacy := s.existenceClient(poolID, types.PreventUserExistenceErrorTypesLegacy)
		enabled := s.existenceClient(poolID, types.PreventUserExistenceErrorTypesEnabled)
		s.user(poolID, "dee", "Correct-Horse-9", attr("email", "dee@example.com"), attr("email_verified", "true"))
		s.user(poolID, "eli", "Correct-Horse-9") // no verified destination
		s.user(poolID, "fox", "Correct-Horse-9", attr("email", "fox@example.com"), attr("email_verified", "true"))
		result(s.idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String("fox")})).must(t)

		// Sign-in.
		wantCode(t, s.passwordSignIn(legacy, "ghost", "Wrong-Horse-9"), "UserNotFoundException", "User does not exist.")
		wantCode(t, s.passwordSignIn(enabled, "ghost", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		_, err := s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(enabled), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ghost", "PASSWORD": "Wrong-Horse-9"},
		})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// ForgotPassword: a simulated delivery for unknown, disabled and
		// unreachable users alike.
		for _, name := range []string{"ghost", "ghost@example.com", "eli", "fox"} {
			out := result(s.forgot(enabled, name)).must(t)
			if d := out.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) == "" {
				t.Fatalf("%s: delivery %+v", name, d)
			}
		}
		if d := result(s.forgot(enabled, "+15555550100")).must(t).CodeDeliveryDetails; d.DeliveryMedium != types.DeliveryMediumTypeSms {
			t.Fatalf("phone-shaped name: %+v", d)
		}
		before := len(s.outbox())
		result(s.forgot(enabled, "ghost")).must(t)
		if len(s.outbox()) != before {
			t.Fatal("a message went out for an unknown user")
		}
		_, err = s.forgot(legacy, "ghost")
		wantCode(t, err, "UserNotFoundException", "")
		_, err = s.forgot(legacy, "eli")
		wantCode(t, err, "InvalidParameterException", "")
		_, err = s.forgot(legacy, "fox")
		wantCode(t, err, "NotAuthorizedException", "")

		// ConfirmForgotPassword.
		wantCode(t, s.confirmForgot(enabled, "ghost", "123456", "Brand-New-Pass-1"), "CodeMismatchException", "")
		wantCode(t, s.confirmForgot(enabled, "fox", "123456", "Brand-New-Pass-1"), "CodeMismatchException", "")
		wantCode(t, s.confirmForgot(legacy, "ghost", "123456", "Brand-New-Pass-1"), "UserNotFoundException", "")
		wantCode(t, s.confirmForgot(enabled, "dee", "123456", "Brand-New-Pass-1"), "ExpiredCodeException", "")

		// ConfirmSignUp and ResendConfirmationCode.
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(enabled), Username: aws.String("ghost"), ConfirmationCode: aws.String("123456")})
		wantCode(t, err, "CodeMismatchException", "")
		_, err = s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(legacy), Username: aws.String("ghost"), ConfirmationCode: aws.String("123456")})
		wantCode(t, err, "UserNotFoundException", "")
		d := result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(enabled), Username: aws.String("ghost")})).must(t).CodeDeliveryDetails
		if d == nil || aws.ToString(d.Destination) == "" {
			t.Fatalf("resend delivery %+v", d)
		}
		_, err = s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(legacy), Username: aws.String("ghost")})
		wantCode(t, err, "UserNotFoundException", "")
	})
}

// TestUnknownUsersCostAHash checks that signing in as nobody costs the
// same argon2id work as a wrong password for a real user, so response
// times do not tell who exists. It measures the work by what it allocates
// (argon2id at m=19 MiB allocates its 19 MiB block per hash), which, unlike
// a clock, the load of a shared machine does not disturb.
func TestUnknownUsersCostAHash(t *testing.T) {
	s := newServer(t, "sqlite")
	poolID := s.pool(nil)
	clientID := s.existenceClient(poolID, types.PreventUserExistenceErrorTypesEnabled)
	legacy := s.existenceClient(poolID, types.PreventUserExistenceErrorTypesLegacy)
	s.user(poolID, "gil", "Correct-Horse-9")
	allocated := func(client, name, want string) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		wantCode(t, s.passwordSignIn(client, name, "Wrong-Horse-9"), want, "")
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const hashWork = 18 << 20
	for _, c := range []struct{ client, name, want string }{
		{clientID, "gil", "NotAuthorizedException"},
		{clientID, "nobody-here", "NotAuthorizedException"},
		{legacy, "nobody-here", "UserNotFoundException"},
	} {
		if n := allocated(c.client, c.name, c.want); n < hashWork {
			t.Errorf("%s: a failed sign-in allocated %d KiB, less than one argon2id hash", c.name, n>>10)
		}
	}
}
