package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestBooleanAttributesAnyCase: Cognito accepts a Boolean attribute's value
// in any case (email_verified "True" marks the address verified, so a
// password reset goes to it); Cognate stores and returns it as "true".
func TestBooleanAttributesAnyCase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "fay", "Correct-Horse-9", attr("email", "fay@example.com"), attr("email_verified", "True"))

		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("fay")})).must(t)
		got := map[string]string{}
		for _, a := range u.UserAttributes {
			got[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		if got["email_verified"] != "true" {
			t.Fatalf("email_verified = %q, want \"true\"", got["email_verified"])
		}
		out := result(s.idp.ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("fay")})).must(t)
		if d := out.CodeDeliveryDetails; d == nil || d.DeliveryMedium != "EMAIL" || aws.ToString(d.Destination) != "f***@e***" {
			t.Fatalf("delivery %+v", out.CodeDeliveryDetails)
		}

		result(s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("fay"), UserAttributes: []types.AttributeType{attr("email_verified", "FALSE")},
		})).must(t)
		u = result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("fay")})).must(t)
		for _, a := range u.UserAttributes {
			if aws.ToString(a.Name) == "email_verified" && aws.ToString(a.Value) != "false" {
				t.Fatalf("email_verified = %q, want \"false\"", aws.ToString(a.Value))
			}
		}

		// Anything else is still refused.
		_, err := s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(poolID), Username: aws.String("fay"), UserAttributes: []types.AttributeType{attr("email_verified", "yes")},
		})
		wantCode(t, err, "InvalidParameterException", "email_verified")
	})
}
