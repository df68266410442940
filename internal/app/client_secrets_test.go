package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

func TestClientSecrets(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, first := s.appClient(poolID, true)
		s.user(poolID, "ann", "Passw0rd!")
		signIn := func(clientSecret string) (*cip.InitiateAuthOutput, error) {
			return s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "ann", "PASSWORD": "Passw0rd!",
					"SECRET_HASH": secretHash(clientSecret, "ann", clientID)},
			})
		}
		list := func() []types.ClientSecretDescriptorType {
			t.Helper()
			out := result(s.idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{
				UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t)
			for _, d := range out.ClientSecrets {
				if d.ClientSecretValue != nil || d.ClientSecretId == nil || d.ClientSecretCreateDate == nil {
					t.Fatalf("listed secret %+v", d)
				}
			}
			return out.ClientSecrets
		}
		described := func() string {
			t.Helper()
			return aws.ToString(result(s.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{
				UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t).UserPoolClient.ClientSecret)
		}

		secrets := list()
		if len(secrets) != 1 {
			t.Fatalf("secrets of a new client %+v", secrets)
		}
		firstID := aws.ToString(secrets[0].ClientSecretId)
		if again := list(); aws.ToString(again[0].ClientSecretId) != firstID {
			t.Fatalf("the first secret's id changed: %s then %s", firstID, aws.ToString(again[0].ClientSecretId))
		}

		// A generated second secret: its value comes back once.
		before := time.Now().Add(-time.Second)
		added := result(s.idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{
			UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t).ClientSecretDescriptor
		second := aws.ToString(added.ClientSecretValue)
		if len(second) < 24 || second == first || aws.ToString(added.ClientSecretId) == firstID ||
			added.ClientSecretCreateDate == nil || added.ClientSecretCreateDate.Before(before) {
			t.Fatalf("added secret %+v", added)
		}
		secondID := aws.ToString(added.ClientSecretId)
		if got := list(); len(got) != 2 || aws.ToString(got[0].ClientSecretId) != firstID || aws.ToString(got[1].ClientSecretId) != secondID {
			t.Fatalf("secrets after adding %+v", got)
		}
		// Both secrets sign in; the client still describes the first.
		result(signIn(first)).must(t)
		tokens := result(signIn(second)).must(t).AuthenticationResult
		_, err := signIn("not-the-secret-of-this-client")
		wantCode(t, err, "NotAuthorizedException", "secret hash")
		if got := described(); got != first {
			t.Fatalf("DescribeUserPoolClient shows %q", got)
		}
		// UpdateUserPoolClient keeps both.
		result(s.idp.UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})).must(t)
		result(signIn(first)).must(t)
		result(signIn(second)).must(t)

		// Two at most.
		_, err = s.idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})
		wantCode(t, err, "LimitExceededException", "")

		// Deleting the first: it is refused from then on, everywhere.
		result(s.idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ClientSecretId: aws.String(firstID)})).must(t)
		_, err = signIn(first)
		wantCode(t, err, "NotAuthorizedException", "secret hash")
		result(signIn(second)).must(t)
		if got := described(); got != second {
			t.Fatalf("DescribeUserPoolClient after deleting the first shows %q", got)
		}
		_, err = s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: tokens.RefreshToken, ClientSecret: aws.String(first)})
		wantCode(t, err, "NotAuthorizedException", "")
		result(s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: tokens.RefreshToken, ClientSecret: aws.String(second)})).must(t)

		// The last secret stays; an unknown id is not found.
		_, err = s.idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ClientSecretId: aws.String(secondID)})
		wantCode(t, err, "InvalidParameterException", "last")
		_, err = s.idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ClientSecretId: aws.String(firstID)})
		wantCode(t, err, "ResourceNotFoundException", "")

		// A secret of one's own: its value is not echoed, and it works.
		own := "my_own_secret_value_0123456789"
		mine := result(s.idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ClientSecret: aws.String(own)})).must(t).ClientSecretDescriptor
		if mine.ClientSecretValue != nil || mine.ClientSecretId == nil {
			t.Fatalf("added own secret %+v", mine)
		}
		result(signIn(own)).must(t)
		result(signIn(second)).must(t)
		if got := list(); len(got) != 2 || aws.ToString(got[0].ClientSecretId) != secondID {
			t.Fatalf("secrets at the end %+v", got)
		}

		// Errors.
		public, _ := s.appClient(poolID, false)
		_, err = s.idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(poolID), ClientId: aws.String(public)})
		wantCode(t, err, "InvalidParameterException", "no secret")
		none := result(s.idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(poolID), ClientId: aws.String(public)})).must(t)
		if none.ClientSecrets == nil || len(none.ClientSecrets) != 0 {
			t.Fatalf("secrets of a public client %+v", none.ClientSecrets)
		}
		other := s.pool(nil)
		_, err = s.idp.AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(other), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String(other), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.DeleteUserPoolClientSecret(ctx, &cip.DeleteUserPoolClientSecretInput{UserPoolId: aws.String(other),
			ClientId: aws.String(clientID), ClientSecretId: aws.String(secondID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.idp.ListUserPoolClientSecrets(ctx, &cip.ListUserPoolClientSecretsInput{UserPoolId: aws.String("us-east-1_nothere00"), ClientId: aws.String(clientID)})
		wantCode(t, err, "ResourceNotFoundException", "")
		_, err = s.rawClient().AddUserPoolClientSecret(ctx, &cip.AddUserPoolClientSecretInput{UserPoolId: aws.String(poolID),
			ClientId: aws.String(clientID), ClientSecret: aws.String("short")})
		wantCode(t, err, "InvalidParameterException", "")
		result(signIn(own)).must(t) // the refused calls changed nothing
	})
}
