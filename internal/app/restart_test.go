package app_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestRestartKeepsEverything stops the server and starts a new one on the
// same data directory (and database): pools, clients, users, credentials,
// signing keys and revocations are all still there.
func TestRestartKeepsEverything(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			cfg := newConfig(t, b)
			s := start(t, cfg)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "ivan", "Correct-Horse-9")
			revoked := s.signIn(clientID, "ivan", "Correct-Horse-9")
			kept := s.signIn(clientID, "ivan", "Correct-Horse-9")
			result(s.idp.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(clientID), Token: revoked.RefreshToken})).must(t)
			id, _ := s.app.RootCredentials()
			s.stop()

			s2 := start(t, cfg)
			if id2, _ := s2.app.RootCredentials(); id2 != id || s2.app.NewRoot {
				t.Fatalf("root credentials changed: %s -> %s", id, id2)
			}
			result(s2.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(poolID), ClientId: aws.String(clientID)})).must(t)
			result(s2.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: kept.AccessToken})).must(t)
			_, err := s2.idp.GetUser(ctx, &cip.GetUserInput{AccessToken: revoked.AccessToken})
			wantCode(t, err, "NotAuthorizedException", "revoked")
			s2.verifyJWT(poolID, *kept.IdToken)
			s2.signIn(clientID, "ivan", "Correct-Horse-9")
		})
	}
}
