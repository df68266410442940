package app_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestSignUpDuringUsernameConfigurationChange: while
// UpdateUsernameConfiguration makes a pool case-insensitive (it waits for
// other nodes' caches after marking the pool, so SignUp calls land in the
// middle), a sign-up whose name would collide under the new rule is
// refused, another one succeeds, and that user signs in by any spelling
// once the change is done.
func TestSignUpDuringUsernameConfigurationChange(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(&cip.CreateUserPoolInput{})
		clientID, _ := s.appClient(poolID, false)
		const pw = "Correct-Horse-9"
		s.user(poolID, "ann", pw)
		done := make(chan error, 1)
		go func() {
			done <- s.admin("UpdateUsernameConfiguration", map[string]any{"UserPoolId": poolID, "CaseSensitive": false}, nil)
		}()
		time.Sleep(time.Second) // into the change: marked, not yet switched
		signUp := func(name string) error {
			_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(name), Password: aws.String(pw)})
			return err
		}
		_, err := s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("ANN")})
		wantCode(t, err, "UserNotFoundException", "") // still case-sensitive
		wantCode(t, signUp("ANN"), "UsernameExistsException", "")
		if err := signUp("Zoe"); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("the change ended (%v) before the sign-ups: the test proves nothing", err)
		default:
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		wantCode(t, signUp("zoe"), "UsernameExistsException", "")
		result(s.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(poolID), Username: aws.String("ZOE")})).must(t)
		s.signIn(clientID, "zOE", pw)
		s.signIn(clientID, "ANN", pw)
	})
}
