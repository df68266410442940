package cognitomigrate

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/userpool"
)

// TestPasswordAnswer checks how the old pool's answers to a password read:
// refusals, answers that come after a right password, and failures.
func TestPasswordAnswer(t *testing.T) {
	tokens := &cip.InitiateAuthOutput{AuthenticationResult: &types.AuthenticationResultType{AccessToken: aws.String("a")}}
	cases := []struct {
		name    string
		out     *cip.InitiateAuthOutput
		err     error
		status  string
		refused bool
	}{
		{"tokens", tokens, nil, "CONFIRMED", false},
		{"MFA step", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa}, nil, "CONFIRMED", false},
		{"new password", &cip.InitiateAuthOutput{ChallengeName: types.ChallengeNameTypeNewPasswordRequired}, nil, "FORCE_CHANGE_PASSWORD", false},
		{"not confirmed", nil, &types.UserNotConfirmedException{}, "UNCONFIRMED", false},
		{"wrong password", nil, &types.NotAuthorizedException{}, "", true},
		{"no such user", nil, &types.UserNotFoundException{}, "", true},
		{"reset required", nil, &types.PasswordResetRequiredException{}, "", true},
		{"refused before", nil, userpool.ErrOldRefused, "", true},
	}
	for _, c := range cases {
		status, err := passwordAnswer(c.out, c.err)
		if status != c.status || errors.Is(err, userpool.ErrOldRefused) != c.refused || (err != nil) != (c.refused) {
			t.Errorf("%s: %q, %v", c.name, status, err)
		}
	}
	if _, err := passwordAnswer(nil, &types.InternalErrorException{}); err == nil || errors.Is(err, userpool.ErrOldRefused) {
		t.Errorf("an old pool's failure reads %v, want an error that is no refusal", err)
	}
}

// TestSecretHash checks SECRET_HASH against the value the AWS
// documentation's formula gives (computed with openssl: printf
// 'aliceclient' | openssl dgst -sha256 -hmac secret -binary | base64).
func TestSecretHash(t *testing.T) {
	if got, want := SecretHash("alice", "client", "secret"), "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="; got != want {
		t.Errorf("SecretHash = %s, want %s", got, want)
	}
}
