package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestNewPasswordRequiredAttributes: answering NEW_PASSWORD_REQUIRED with a
// change to a required attribute that already has a value is
// NotAuthorizedException "Cannot modify an already provided <name>", as
// Cognito answers; an answer without USERNAME is InvalidParameterException;
// other writable attributes may be set with the answer.
func TestNewPasswordRequiredAttributes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
		}})
		clientID, _ := s.appClient(poolID, false)
		result(s.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("jo"), TemporaryPassword: aws.String("Temp-Pass-123"),
			MessageAction:  types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{attr("email", "jo@example.com"), attr("name", "Jo")},
		})).must(t)
		start := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "jo", "PASSWORD": "Temp-Pass-123"},
		})).must(t)
		if start.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Fatalf("challenge %q", start.ChallengeName)
		}
		if got := start.ChallengeParameters["requiredAttributes"]; got != `[]` {
			t.Fatalf("requiredAttributes %s", got)
		}
		respond := func(extra map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
			resp := map[string]string{"USERNAME": "jo", "NEW_PASSWORD": "Correct-Horse-9"}
			for k, v := range extra {
				resp[k] = v
			}
			return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
				ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
				Session: start.Session, ChallengeResponses: resp,
			})
		}
		// Every challenge answer names the user (USERNAME), as the API
		// reference requires.
		_, err := s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
			Session: start.Session, ChallengeResponses: map[string]string{"NEW_PASSWORD": "Correct-Horse-9"},
		})
		wantCode(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
		_, err = respond(map[string]string{"userAttributes.email": "other@example.com"})
		wantCode(t, err, "NotAuthorizedException", "Cannot modify an already provided email")
		out := result(respond(map[string]string{"userAttributes.nickname": "J"})).must(t)
		if out.AuthenticationResult == nil {
			t.Fatal("no tokens after the challenge")
		}
	})
}
