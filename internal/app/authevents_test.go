package app_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestAdminListUserAuthEvents(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus,
			UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit}})
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "ann", "Passw0rd!")
		before := time.Now().Add(-time.Second)

		_, err := s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "wrong-Passw0rd!"},
		})
		wantCode(t, err, "NotAuthorizedException", "")
		result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters:  map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!"},
			UserContextData: &types.UserContextDataType{IpAddress: aws.String("192.0.2.7")},
		})).must(t)
		result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("bea"),
			Password: aws.String("Passw0rd!"), UserAttributes: []types.AttributeType{attr("email", "bea@example.com")}})).must(t)

		out := result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann")})).must(t)
		if len(out.AuthEvents) != 2 || out.NextToken != nil {
			t.Fatalf("events %+v", out.AuthEvents)
		}
		pass, fail := out.AuthEvents[0], out.AuthEvents[1] // newest first
		if pass.EventType != types.EventTypeSignIn || pass.EventResponse != types.EventResponseTypePass ||
			aws.ToString(pass.EventContextData.IpAddress) != "192.0.2.7" || pass.CreationDate.Before(before) ||
			len(pass.ChallengeResponses) != 1 || pass.ChallengeResponses[0].ChallengeResponse != types.ChallengeResponseSuccess ||
			pass.EventId == nil || pass.EventRisk == nil {
			t.Fatalf("successful sign-in event %+v", pass)
		}
		if fail.EventType != types.EventTypeSignIn || fail.EventResponse != types.EventResponseTypeFail ||
			aws.ToString(fail.EventContextData.IpAddress) != "127.0.0.1" ||
			fail.ChallengeResponses[0].ChallengeName != types.ChallengeNamePassword ||
			fail.ChallengeResponses[0].ChallengeResponse != types.ChallengeResponseFailure ||
			aws.ToString(fail.EventId) == aws.ToString(pass.EventId) {
			t.Fatalf("failed sign-in event %+v", fail)
		}

		page := result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), MaxResults: aws.Int32(1)})).must(t)
		if len(page.AuthEvents) != 1 || page.NextToken == nil || aws.ToString(page.AuthEvents[0].EventId) != aws.ToString(pass.EventId) {
			t.Fatalf("first page %+v", page)
		}
		page = result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("ann"), MaxResults: aws.Int32(1), NextToken: page.NextToken})).must(t)
		if len(page.AuthEvents) != 1 || page.NextToken != nil || aws.ToString(page.AuthEvents[0].EventId) != aws.ToString(fail.EventId) {
			t.Fatalf("second page %+v", page)
		}

		signUp := result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("bea")})).must(t)
		if len(signUp.AuthEvents) != 1 || signUp.AuthEvents[0].EventType != types.EventTypeSignUp {
			t.Fatalf("sign-up events %+v", signUp.AuthEvents)
		}

		// Resending a code, a password change (refused, then made) and a
		// password reset request are recorded too.
		result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
			ClientId: aws.String(clientID), Username: aws.String("bea")})).must(t)
		tokens := s.signIn(clientID, "ann", "Passw0rd!")
		_, err = s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
			PreviousPassword: aws.String("Wr0ng-password!"), ProposedPassword: aws.String("N3w-Passw0rd!")})
		wantCode(t, err, "NotAuthorizedException", "")
		result(s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tokens.AccessToken,
			PreviousPassword: aws.String("Passw0rd!"), ProposedPassword: aws.String("N3w-Passw0rd!")})).must(t)
		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("ann"), UserAttributes: []types.AttributeType{attr("email", "ann@example.com"), attr("email_verified", "true")}})).must(t)
		result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("ann")})).must(t)
		kinds := func(username string) []string {
			out := result(s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
				UserPoolId: aws.String(poolID), Username: aws.String(username)})).must(t)
			var ks []string
			for _, e := range out.AuthEvents {
				ks = append(ks, string(e.EventType)+"/"+string(e.EventResponse))
			}
			return ks
		}
		if got, want := kinds("ann"), []string{"ForgotPassword/Pass", "PasswordChange/Pass", "PasswordChange/Fail", "SignIn/Pass", "SignIn/Pass", "SignIn/Fail"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("ann's events %v, want %v", got, want)
		}
		if got, want := kinds("bea"), []string{"ResendCode/Pass", "SignUp/Pass"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("bea's events %v, want %v", got, want)
		}

		_, err = s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(poolID), Username: aws.String("nobody")})
		wantCode(t, err, "UserNotFoundException", "")

		// Without threat protection, Cognito keeps no history.
		plain := s.pool(nil)
		s.user(plain, "cy", "Passw0rd!")
		_, err = s.idp.AdminListUserAuthEvents(ctx, &cip.AdminListUserAuthEventsInput{
			UserPoolId: aws.String(plain), Username: aws.String("cy")})
		wantCode(t, err, "UserPoolAddOnNotEnabledException", "")
	})
}
