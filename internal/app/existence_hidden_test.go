package app_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// With PreventUserExistenceErrors ENABLED, a caller without a user's
// credentials must not tell a user who exists from a name no user holds.
// AWS lists the operations the setting covers ("Managing user existence
// error responses", Amazon Cognito Developer Guide): InitiateAuth and
// RespondToAuthChallenge (and their Admin forms), ForgotPassword,
// ConfirmForgotPassword, ResendConfirmationCode, ConfirmSignUp and SignUp.
// Where the guide documents a difference, the test says so and cites it.

// hidingClient creates an ENABLED client that allows password and SRP
// sign-in.
func (s *server) hidingClient(poolID string) string {
	s.t.Helper()
	return *result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(poolID), ClientName: aws.String("hiding"),
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth,
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})).must(s.t).UserPoolClient.ClientId
}

var (
	maskedEmail = regexp.MustCompile(`^[a-z0-9]\*\*\*@[a-z0-9]\*\*\*$`)
	uuidShape   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	saltShape   = regexp.MustCompile(`^[0-9a-f]{32}([0-9a-f]{2})?$`)
)

// TestSimulatedDeliveryIsNotComputable: ForgotPassword's and
// ResendConfirmationCode's simulated destination for a name no user holds
// (or a user who gets no code) is stable per name, masked like a real
// address, and not derived from the name alone. Before, it was the name's
// initial at "e***" ("ghost" gave g***@e***): anyone could compute it, so a
// different mask proved that the user existed, and leaked their initials.
func TestSimulatedDeliveryIsNotComputable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		client := s.hidingClient(poolID)
		s.user(poolID, "dee", "Correct-Horse-9", attr("email", "zed@example.org"), attr("email_verified", "true"))
		s.user(poolID, "cal", "Correct-Horse-9", attr("email", "cal@example.com")) // confirmed, no verified address

		real := result(s.forgot(client, "dee")).must(t).CodeDeliveryDetails
		if aws.ToString(real.Destination) != "z***@e***" {
			t.Fatalf("a real delivery shows %q", aws.ToString(real.Destination))
		}
		shown := map[string]bool{}
		for i := range 12 {
			name := fmt.Sprint("ghost", i)
			d := result(s.forgot(client, name)).must(t).CodeDeliveryDetails
			dest := aws.ToString(d.Destination)
			if d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" || !maskedEmail.MatchString(dest) {
				t.Fatalf("%s: simulated delivery %+v", name, d)
			}
			if again := result(s.forgot(client, name)).must(t).CodeDeliveryDetails; aws.ToString(again.Destination) != dest {
				t.Fatalf("%s: %q, then %q: not stable", name, dest, aws.ToString(again.Destination))
			}
			shown[dest] = true
		}
		if len(shown) < 4 {
			t.Fatalf("12 names starting with g gave only %v: computable from the name", shown)
		}
		// A user who gets no code gets the answer a name no user holds
		// gets, by the same rule.
		if d := result(s.forgot(client, "cal")).must(t).CodeDeliveryDetails; !maskedEmail.MatchString(aws.ToString(d.Destination)) {
			t.Fatalf("cal: %+v", d)
		}
		// A phone number typed as the name is where a code would go.
		if d := result(s.forgot(client, "+15555550123")).must(t).CodeDeliveryDetails; aws.ToString(d.Destination) != "+*******0123" {
			t.Fatalf("phone-shaped name: %+v", d)
		}
		// ResendConfirmationCode for a confirmed user: the simulated
		// delivery a name no user holds gets, not "already confirmed".
		before := len(s.outbox())
		for _, name := range []string{"cal", "dee", "nobody"} {
			d := result(s.idp.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(client),
				Username: aws.String(name)})).must(t).CodeDeliveryDetails
			if d == nil || !maskedEmail.MatchString(aws.ToString(d.Destination)) {
				t.Fatalf("ResendConfirmationCode %s: %+v", name, d)
			}
		}
		if len(s.outbox()) != before {
			t.Fatal("a confirmation code went to a confirmed user")
		}
	})
}

// TestConfirmationHidesConfirmedUsers: ConfirmSignUp answers a confirmed
// user as it answers a name no user holds (CodeMismatchException), where
// it said "User cannot be confirmed. Current status is CONFIRMED".
func TestConfirmationHidesConfirmedUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		client := s.hidingClient(poolID)
		s.user(poolID, "cal", "Correct-Horse-9", attr("email", "cal@example.com"))
		for _, name := range []string{"cal", "nobody"} {
			_, err := s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(client), Username: aws.String(name),
				ConfirmationCode: aws.String("123456")})
			wantCode(t, err, "CodeMismatchException", "")
		}
		// ConfirmForgotPassword: CodeMismatchException for a name no user
		// holds; ExpiredCodeException for a user who requested no code,
		// as AWS documents: "If a code isn't requested when using
		// ForgotPassword, Amazon Cognito returns the ExpiredCodeException
		// error."
		wantCode(t, s.confirmForgot(client, "nobody", "123456", "Brand-New-Pass-1"), "CodeMismatchException", "")
		wantCode(t, s.confirmForgot(client, "cal", "123456", "Brand-New-Pass-1"), "ExpiredCodeException", "")
		// SignUp with a taken username: UsernameExistsException, as AWS
		// documents ("The SignUp operation returns UsernameExistsException
		// when a user name is already taken").
		_, err := s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String("cal"),
			Password: aws.String("Correct-Horse-9")})
		wantCode(t, err, "UsernameExistsException", "")
	})
}

// srpChallenge starts USER_SRP_AUTH for name with c's SRP_A.
func (s *server) srpChallenge(t *testing.T, c *srpclient.Client, client, name string) map[string]string {
	t.Helper()
	out := result(s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(client), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": name, "SRP_A": c.SRPA()}})).must(t)
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("%s: %s", name, out.ChallengeName)
	}
	return out.ChallengeParameters
}

// TestSRPChallengeHidesUsers: USER_SRP_AUTH's PASSWORD_VERIFIER challenge
// for a user and for a name no user holds has the same form: the same
// USER_ID_FOR_SRP for a name typed as a username, a UUID for an alias
// (never the username the alias belongs to), a SECRET_BLOCK of the same
// length. Before, an alias was answered with the user's username and an
// unknown alias was echoed; in a case-insensitive pool the username came
// back in its stored case; and the block of a name no user holds was
// shorter. (AWS answers a name no user holds with a UUID, and notes that
// pools with verification-based aliases and usernames that are not UUIDs
// give themselves away there; Cognate shows such users by their sub.)
func TestSRPChallengeHidesUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		for _, tc := range []struct {
			name   string
			pool   *cip.CreateUserPoolInput
			user   string // created with email dee@example.com, verified
			real   string // what the caller types for the user
			ghost  string // and for no user (as long: the block carries it)
			byName bool   // both answers show the typed name as the pool compares it
		}{
			{"username", &cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}},
				"dee", "dee", "gus", true},
			{"email alias", &cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail}},
				"dee", "dee@example.com", "ghost@example.com", false},
			{"case-insensitive", &cip.CreateUserPoolInput{UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}},
				"Dee", "DEE", "GUS", true},
			{"preferred_username alias", &cip.CreateUserPoolInput{AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypePreferredUsername}},
				"dee", "dee", "ghost", false},
			{"email as username", &cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}},
				"dee@example.com", "dee@example.com", "ghost@example.com", false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				poolID := s.pool(tc.pool)
				client := s.hidingClient(poolID)
				s.user(poolID, tc.user, "Correct-Horse-9", attr("email", "dee@example.com"), attr("email_verified", "true"))
				c := srpclient.NewClient(srp.PoolName(poolID))
				real, ghost := s.srpChallenge(t, c, client, tc.real), s.srpChallenge(t, c, client, tc.ghost)
				for _, p := range []map[string]string{real, ghost} {
					if p["USERNAME"] != p["USER_ID_FOR_SRP"] || !saltShape.MatchString(p["SALT"]) {
						t.Fatalf("challenge %v", p)
					}
				}
				realID, ghostID := real["USER_ID_FOR_SRP"], ghost["USER_ID_FOR_SRP"]
				if tc.byName {
					if realID != lower(tc.real) || ghostID != lower(tc.ghost) {
						t.Fatalf("shown as %q and %q, want the names typed, as compared", realID, ghostID)
					}
				} else if !uuidShape.MatchString(realID) || !uuidShape.MatchString(ghostID) {
					t.Fatalf("shown as %q and %q, want UUIDs", realID, ghostID)
				}
				if len(real["SECRET_BLOCK"]) != len(ghost["SECRET_BLOCK"]) {
					t.Fatalf("SECRET_BLOCK of %d and %d characters", len(real["SECRET_BLOCK"]), len(ghost["SECRET_BLOCK"]))
				}
				if again := s.srpChallenge(t, c, client, tc.ghost); again["USER_ID_FOR_SRP"] != ghostID || again["SALT"] != ghost["SALT"] {
					t.Fatalf("unstable answer for a name no user holds: %v, then %v", ghost, again)
				}
				// The user signs in with SRP by that name; the tokens
				// carry the username.
				out := result(s.srpSignIn(poolID, client, tc.real, "Correct-Horse-9", nil)).must(t)
				if out.AuthenticationResult == nil {
					t.Fatalf("SRP sign-in: %s", out.ChallengeName)
				}
				claims := s.verifyJWT(poolID, *out.AuthenticationResult.IdToken)
				if tc.pool.UsernameAttributes == nil && claims["cognito:username"] != tc.user {
					t.Fatalf("cognito:username %v, want %s", claims["cognito:username"], tc.user)
				}
				_, err := s.srpSignIn(poolID, client, tc.ghost, "Correct-Horse-9", nil)
				wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")
			})
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
