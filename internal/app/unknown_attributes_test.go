package app_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// TestUnknownAttributesWorded: attributes the schema lacks are refused with
// Cognito's wording for each operation: SignUp "Attributes did not conform
// to the schema: <name>: Attribute does not exist in the schema.", the
// update operations a "user.<name>: Attribute does not exist in the
// schema." line per attribute, the delete operations the same lines after
// "Invalid user attributes: ".
func TestUnknownAttributesWorded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "gus", "Correct-Horse-9", attr("nickname", "G"))
		tok := s.signIn(clientID, "gus", "Correct-Horse-9")

		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String("hal"),
			Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("favorite_flavor", "x")}})
		wantCode(t, err, "InvalidParameterException", "Attributes did not conform to the schema: favorite_flavor: Attribute does not exist in the schema.")

		lines := "user.custom:foo: Attribute does not exist in the schema.\nuser.custom:bar: Attribute does not exist in the schema.\n"
		exact := func(err error, want string) {
			t.Helper()
			wantCode(t, err, "InvalidParameterException", want)
			if msg := apiMessage(err); msg != want {
				t.Fatalf("message %q, want %q", msg, want)
			}
		}
		_, err = s.idp.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("gus"), UserAttributes: []types.AttributeType{attr("nickname", "x"), attr("custom:foo", "1"), attr("custom:bar", "2")}})
		exact(err, lines)
		_, err = s.idp.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{AccessToken: tok.AccessToken,
			UserAttributes: []types.AttributeType{attr("custom:foo", "1"), attr("custom:bar", "2")}})
		exact(err, lines)
		_, err = s.idp.AdminDeleteUserAttributes(ctx, &cip.AdminDeleteUserAttributesInput{UserPoolId: aws.String(poolID),
			Username: aws.String("gus"), UserAttributeNames: []string{"nickname", "custom:foo", "custom:bar"}})
		exact(err, "Invalid user attributes: "+lines)
		_, err = s.idp.DeleteUserAttributes(ctx, &cip.DeleteUserAttributesInput{AccessToken: tok.AccessToken,
			UserAttributeNames: []string{"custom:foo", "custom:bar"}})
		exact(err, "Invalid user attributes: "+lines)

		// Nothing changed: the refused requests were refused whole.
		u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("gus")})).must(t)
		for _, a := range u.UserAttributes {
			if aws.ToString(a.Name) == "nickname" && aws.ToString(a.Value) != "G" {
				t.Fatalf("nickname = %q", aws.ToString(a.Value))
			}
		}
	})
}

// apiMessage returns an AWS error's message.
func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}
