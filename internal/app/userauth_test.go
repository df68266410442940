package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognate-dev/cognate/internal/srp"
	"github.com/cognate-dev/cognate/internal/srp/srpclient"
)

// choicePool creates a pool that allows the given first factors and a
// client that allows USER_AUTH (hiding user existence when hide is set).
func (s *server) choicePool(hide bool, factors ...types.AuthFactorType) (string, string) {
	s.t.Helper()
	poolID := s.pool(&cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
		SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: factors}}})
	in := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("choice"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserAuth,
			types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}}
	if hide {
		in.PreventUserExistenceErrors = types.PreventUserExistenceErrorTypesEnabled
	}
	return poolID, *result(s.idp.CreateUserPoolClient(ctx, in)).must(s.t).UserPoolClient.ClientId
}

func (s *server) userAuth(clientID string, params map[string]string) (*cip.InitiateAuthOutput, error) {
	return s.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID),
		AuthFlow: types.AuthFlowTypeUserAuth, AuthParameters: params})
}

func (s *server) answer(clientID string, name types.ChallengeNameType, session *string, resp map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return s.idp.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID),
		ChallengeName: name, Session: session, ChallengeResponses: resp})
}

func TestUserAuth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID, clientID := s.choicePool(false, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp, types.AuthFactorTypeSmsOtp)
		s.user(poolID, "uma", "Correct-Horse-9", attr("email", "uma@example.com"), attr("email_verified", "true"),
			attr("phone_number", "+15555550100"), attr("phone_number_verified", "true"))
		s.user(poolID, "ned", "Correct-Horse-9", attr("email", "ned@example.com"))

		// No preference: the challenges the user can take.
		sel := result(s.userAuth(clientID, map[string]string{"USERNAME": "uma"})).must(t)
		want := []string{"PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"}
		if sel.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(sel.AvailableChallenges), want) {
			t.Fatalf("USER_AUTH: %s %v", sel.ChallengeName, sel.AvailableChallenges)
		}
		// An unverified email is not a first factor.
		ned := result(s.userAuth(clientID, map[string]string{"USERNAME": "ned"})).must(t)
		if !slices.Equal(challengeNames(ned.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
			t.Fatalf("ned: %v", ned.AvailableChallenges)
		}
		done := result(s.answer(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session,
			map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "Correct-Horse-9"})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatalf("SELECT_CHALLENGE PASSWORD: %+v", done)
		}
		factors := result(s.idp.GetUserAuthFactors(ctx, &cip.GetUserAuthFactorsInput{AccessToken: done.AuthenticationResult.AccessToken})).must(t)
		if got := factorNames(factors.ConfiguredUserAuthFactors); !slices.Equal(got, []string{"PASSWORD", "EMAIL_OTP", "SMS_OTP"}) ||
			aws.ToString(factors.Username) != "uma" {
			t.Fatalf("GetUserAuthFactors: %v %v", got, factors.Username)
		}
		// The session is spent.
		_, err := s.answer(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session,
			map[string]string{"USERNAME": "uma", "ANSWER": "PASSWORD", "PASSWORD": "Correct-Horse-9"})
		wantCode(t, err, "NotAuthorizedException", "")

		// PREFERRED_CHALLENGE PASSWORD with the password: tokens at once.
		out := result(s.userAuth(clientID, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD",
			"PASSWORD": "Correct-Horse-9"})).must(t)
		if out.AuthenticationResult == nil {
			t.Fatalf("preferred PASSWORD: %+v", out)
		}
		_, err = s.userAuth(clientID, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wrong-Horse-9"})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// PASSWORD_SRP: PASSWORD_VERIFIER follows.
		c := srpclient.NewClient(srp.PoolName(poolID))
		out = result(s.userAuth(clientID, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "PASSWORD_SRP",
			"SRP_A": c.SRPA()})).must(t)
		if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
			t.Fatalf("preferred PASSWORD_SRP: %s", out.ChallengeName)
		}
		v := result(s.srpVerify(clientID, srpAnswer(t, c, out.ChallengeParameters, "Correct-Horse-9", time.Now()), out.Session)).must(t)
		if v.AuthenticationResult == nil {
			t.Fatal("PASSWORD_SRP: no tokens")
		}

		// EMAIL_OTP: a code by email; wrong codes count against the session.
		out = result(s.userAuth(clientID, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "EMAIL_OTP"})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeEmailOtp || out.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" ||
			!strings.HasPrefix(out.ChallengeParameters["CODE_DELIVERY_DESTINATION"], "u***@") {
			t.Fatalf("EMAIL_OTP: %s %v", out.ChallengeName, out.ChallengeParameters)
		}
		code := s.lastCode()
		_, err = s.answer(clientID, types.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": wrongCode(code)})
		wantCode(t, err, "CodeMismatchException", "")
		ok := result(s.answer(clientID, types.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": code})).must(t)
		if ok.AuthenticationResult == nil {
			t.Fatal("EMAIL_OTP: no tokens")
		}
		_, err = s.answer(clientID, types.ChallengeNameTypeEmailOtp, out.Session, map[string]string{"USERNAME": "uma", "EMAIL_OTP_CODE": code})
		wantCode(t, err, "NotAuthorizedException", "")

		// SMS_OTP through SELECT_CHALLENGE; three wrong codes end the session.
		sel = result(s.userAuth(clientID, map[string]string{"USERNAME": "uma"})).must(t)
		sms := result(s.answer(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session,
			map[string]string{"USERNAME": "uma", "ANSWER": "SMS_OTP"})).must(t)
		if sms.ChallengeName != types.ChallengeNameTypeSmsOtp || sms.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
			t.Fatalf("SMS_OTP: %s %v", sms.ChallengeName, sms.ChallengeParameters)
		}
		code = s.lastCode()
		for i := 0; i < 3; i++ {
			_, err = s.answer(clientID, types.ChallengeNameTypeSmsOtp, sms.Session, map[string]string{"USERNAME": "uma", "SMS_OTP_CODE": wrongCode(code)})
			wantCode(t, err, "CodeMismatchException", "")
		}
		_, err = s.answer(clientID, types.ChallengeNameTypeSmsOtp, sms.Session, map[string]string{"USERNAME": "uma", "SMS_OTP_CODE": code})
		wantCode(t, err, "NotAuthorizedException", "session")

		// Passkeys are not offered where the pool does not allow them.
		sel = result(s.userAuth(clientID, map[string]string{"USERNAME": "uma", "PREFERRED_CHALLENGE": "WEB_AUTHN"})).must(t)
		if sel.ChallengeName != types.ChallengeNameTypeSelectChallenge {
			t.Fatalf("preferred WEB_AUTHN: %s", sel.ChallengeName)
		}
		_, err = s.answer(clientID, types.ChallengeNameTypeSelectChallenge, sel.Session, map[string]string{"USERNAME": "uma", "ANSWER": "WEB_AUTHN"})
		wantCode(t, err, "InvalidParameterException", "WEB_AUTHN")

		// Unknown users.
		_, err = s.userAuth(clientID, map[string]string{"USERNAME": "nobody"})
		wantCode(t, err, "UserNotFoundException", "")

		// A client without ALLOW_USER_AUTH.
		plain, _ := s.appClient(poolID, false)
		_, err = s.userAuth(plain, map[string]string{"USERNAME": "uma"})
		wantCode(t, err, "InvalidParameterException", "USER_AUTH")
	})
}

func TestUserAuthHidesUsers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID, clientID := s.choicePool(true, types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp)
		s.user(poolID, "ida", "Correct-Horse-9", attr("email", "ida@example.com"), attr("email_verified", "true"))
		real := result(s.userAuth(clientID, map[string]string{"USERNAME": "ida"})).must(t)
		fake := result(s.userAuth(clientID, map[string]string{"USERNAME": "nobody@example.com"})).must(t)
		if fake.ChallengeName != real.ChallengeName || !slices.Equal(fake.AvailableChallenges, real.AvailableChallenges) {
			t.Fatalf("unknown user: %s %v, known: %s %v", fake.ChallengeName, fake.AvailableChallenges, real.ChallengeName, real.AvailableChallenges)
		}
		otp := result(s.answer(clientID, types.ChallengeNameTypeSelectChallenge, fake.Session,
			map[string]string{"USERNAME": "nobody@example.com", "ANSWER": "EMAIL_OTP"})).must(t)
		if otp.ChallengeName != types.ChallengeNameTypeEmailOtp || otp.ChallengeParameters["CODE_DELIVERY_DESTINATION"] == "" {
			t.Fatalf("unknown user EMAIL_OTP: %s %v", otp.ChallengeName, otp.ChallengeParameters)
		}
		_, err := s.answer(clientID, types.ChallengeNameTypeEmailOtp, otp.Session,
			map[string]string{"USERNAME": "nobody@example.com", "EMAIL_OTP_CODE": "123456"})
		wantCode(t, err, "CodeMismatchException", "")
		_, err = s.userAuth(clientID, map[string]string{"USERNAME": "nobody@example.com", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Correct-Horse-9"})
		wantCode(t, err, "NotAuthorizedException", "Incorrect username or password.")

		// A pool that allows only passwords offers only them.
		pwPool, pwClient := s.choicePool(false, types.AuthFactorTypePassword)
		s.user(pwPool, "ida", "Correct-Horse-9", attr("email", "ida@example.com"), attr("email_verified", "true"))
		out := result(s.userAuth(pwClient, map[string]string{"USERNAME": "ida", "PREFERRED_CHALLENGE": "EMAIL_OTP"})).must(t)
		if out.ChallengeName != types.ChallengeNameTypeSelectChallenge || !slices.Equal(challengeNames(out.AvailableChallenges), []string{"PASSWORD", "PASSWORD_SRP"}) {
			t.Fatalf("password-only pool: %s %v", out.ChallengeName, out.AvailableChallenges)
		}
		_, err = s.answer(pwClient, types.ChallengeNameTypeSelectChallenge, out.Session, map[string]string{"USERNAME": "ida", "ANSWER": "EMAIL_OTP"})
		wantCode(t, err, "InvalidParameterException", "")
	})
}

func challengeNames(list []types.ChallengeNameType) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = string(c)
	}
	return out
}

// wrongCode returns a 6-digit code that differs from code.
func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// TestSignInCodeLimit: sign-in codes to one user are limited per hour, for
// names no user holds too.
func TestSignInCodeLimit(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID, clientID := s.choicePool(true, types.AuthFactorTypePassword, types.AuthFactorTypeSmsOtp)
		s.user(poolID, "val", "Correct-Horse-9", attr("phone_number", "+15555550177"), attr("phone_number_verified", "true"))
		for _, name := range []string{"val", "nobody"} {
			for i := 0; i < 10; i++ {
				result(s.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "SMS_OTP"})).must(t)
			}
			_, err := s.userAuth(clientID, map[string]string{"USERNAME": name, "PREFERRED_CHALLENGE": "SMS_OTP"})
			wantCode(t, err, "TooManyRequestsException", "")
		}
		clk.Advance(time.Hour + time.Second)
		out := result(s.userAuth(clientID, map[string]string{"USERNAME": "val", "PREFERRED_CHALLENGE": "SMS_OTP"})).must(t)
		done := result(s.answer(clientID, types.ChallengeNameTypeSmsOtp, out.Session,
			map[string]string{"USERNAME": "val", "SMS_OTP_CODE": s.lastCode()})).must(t)
		if done.AuthenticationResult == nil {
			t.Fatal("no tokens after the hour")
		}
	})
}

func factorNames(list []types.AuthFactorType) []string {
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = string(f)
	}
	return out
}
