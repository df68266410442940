package app_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

// Attempt limits under concurrency. Each attempt at a code is counted,
// atomically, before the code is compared, so a burst of concurrent
// guesses has at most the limit of them compared, and the right code in
// the burst passes only if it was among the first counted. Before, the
// count was read before the comparison and written after it: 80
// concurrent ConfirmForgotPassword guesses let the right code through
// after the limit in 5 of 12 bursts, bursts on one MFA Session compared 4
// to 9 codes (limit 3), and losing racers got ResourceNotFoundException.

const (
	burstSize   = 80
	burstRounds = 3
	// The limits the server enforces (userpool maxCodeAttempts,
	// maxFlowAttempts).
	codeLimit    = 5
	sessionLimit = 3
)

// burst sends n guesses at once: the right code as guess number right,
// wrong ones otherwise. It returns each guess's error code ("" for
// success).
func burst(n, right int, guess func(i int, right bool) error) []string {
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := guess(i, i == right)
			var ae smithy.APIError
			switch {
			case err == nil:
			case errors.As(err, &ae):
				codes[i] = ae.ErrorCode()
			default:
				codes[i] = "transport: " + err.Error()
			}
		}()
	}
	close(start)
	wg.Wait()
	return codes
}

// compared checks a burst's answers: each one of allowed (or success), and
// at most limit of them the answer to a compared code: a success, a
// CodeMismatchException, or one of extra (answers that only a compared
// wrong code gets). It returns whether the right code passed.
func compared(t *testing.T, what string, codes []string, limit int, allowed []string, extra ...string) bool {
	t.Helper()
	tally := map[string]int{}
	for _, c := range codes {
		tally[c]++
	}
	n := tally[""] + tally["CodeMismatchException"]
	for _, e := range extra {
		n += tally[e]
	}
	for c := range tally {
		if c != "" && c != "CodeMismatchException" && !contains(allowed, c) && !contains(extra, c) {
			t.Errorf("%s: answer %q in a burst (%v)", what, c, tally)
		}
	}
	if tally[""] > 1 {
		t.Errorf("%s: %d guesses succeeded (%v)", what, tally[""], tally)
	}
	if n > limit {
		t.Errorf("%s: %d guesses were compared, limit %d (%v)", what, n, limit, tally)
	}
	return tally[""] == 1
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// wrongGuess is a 6-digit code that is none of right.
func wrongGuess(right ...string) string {
	for {
		g := fmt.Sprintf("%06d", rand.IntN(1000000))
		if !contains(right, g) {
			return g
		}
	}
}

// TestCodeGuessBursts races burstSize guesses (one of them right) at a
// password-reset, a sign-up and an attribute-verification code.
func TestCodeGuessBursts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		passed := map[string]int{}
		for round := range burstRounds {
			right := rand.IntN(burstSize)

			// ConfirmForgotPassword: refused past the limit with
			// LimitExceededException; once the right code is used,
			// ExpiredCodeException.
			name := fmt.Sprint("reset-", round)
			s.user(poolID, name, "Correct-Horse-9", attr("email", name+"@example.com"), attr("email_verified", "true"))
			result(s.forgot(clientID, name)).must(t)
			code := s.lastCode()
			codes := burst(burstSize, right, func(i int, ok bool) error {
				guess := code
				if !ok {
					guess = wrongGuess(code)
				}
				return s.confirmForgot(clientID, name, guess, "Brand-New-Pass-1")
			})
			if compared(t, "ConfirmForgotPassword", codes, codeLimit, []string{"LimitExceededException", "ExpiredCodeException"}) {
				passed["ConfirmForgotPassword"]++
				s.signIn(clientID, name, "Brand-New-Pass-1")
			}

			// ConfirmSignUp: the last compared wrong code ends the code
			// (TooManyFailedAttemptsException); later guesses find none
			// (ExpiredCodeException) or a confirmed user
			// (NotAuthorizedException).
			name = fmt.Sprint("signup-", round)
			result(s.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(clientID), Username: aws.String(name),
				Password: aws.String("Correct-Horse-9"), UserAttributes: []types.AttributeType{attr("email", name+"@example.com")}})).must(t)
			code = s.lastCode()
			codes = burst(burstSize, right, func(i int, ok bool) error {
				guess := code
				if !ok {
					guess = wrongGuess(code)
				}
				_, err := s.idp.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(clientID), Username: aws.String(name), ConfirmationCode: aws.String(guess)})
				return err
			})
			if compared(t, "ConfirmSignUp", codes, codeLimit, []string{"ExpiredCodeException", "NotAuthorizedException"}, "TooManyFailedAttemptsException") {
				passed["ConfirmSignUp"]++
				u := result(s.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(name)})).must(t)
				if u.UserStatus != types.UserStatusTypeConfirmed {
					t.Errorf("ConfirmSignUp passed, status %s", u.UserStatus)
				}
			}

			// VerifyUserAttribute.
			name = fmt.Sprint("verify-", round)
			s.user(poolID, name, "Correct-Horse-9", attr("email", name+"@example.com"))
			tok := s.signIn(clientID, name, "Correct-Horse-9")
			result(s.idp.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{
				AccessToken: tok.AccessToken, AttributeName: aws.String("email")})).must(t)
			code = s.lastCode()
			codes = burst(burstSize, right, func(i int, ok bool) error {
				guess := code
				if !ok {
					guess = wrongGuess(code)
				}
				_, err := s.idp.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{AccessToken: tok.AccessToken,
					AttributeName: aws.String("email"), Code: aws.String(guess)})
				return err
			})
			if compared(t, "VerifyUserAttribute", codes, codeLimit, []string{"LimitExceededException", "ExpiredCodeException"}) {
				passed["VerifyUserAttribute"]++
			}
		}
		t.Logf("right code passed (of %d bursts): %v", burstRounds, passed)

		// A burst within the limit has every guess compared: the right
		// code passes.
		s.user(poolID, "within", "Correct-Horse-9", attr("email", "within@example.com"), attr("email_verified", "true"))
		result(s.forgot(clientID, "within")).must(t)
		code := s.lastCode()
		codes := burst(codeLimit, rand.IntN(codeLimit), func(i int, ok bool) error {
			guess := code
			if !ok {
				guess = wrongGuess(code)
			}
			return s.confirmForgot(clientID, "within", guess, "Brand-New-Pass-1")
		})
		if !compared(t, "ConfirmForgotPassword within the limit", codes, codeLimit, nil) {
			t.Errorf("the right code among %d guesses was refused: %v", codeLimit, codes)
		}
	})
}

// TestMFASessionGuessBursts races burstSize codes (one right) on one
// SOFTWARE_TOKEN_MFA Session and on one EMAIL_OTP Session: at most
// sessionLimit are compared; the others find the Session dead or spent
// (NotAuthorizedException).
func TestMFASessionGuessBursts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, s *server) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, true)
		clientID, _ := s.appClient(poolID, false)
		passed := map[string]int{}
		for round := range burstRounds {
			name := fmt.Sprint("totp-", round)
			secret := s.totpUser(poolID, clientID, name)
			init := s.passwordInit(clientID, name, "Correct-Horse-9")
			if init.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
				t.Fatalf("sign-in: %s", init.ChallengeName)
			}
			now := time.Now()
			code := totpCode(t, secret, now)
			near := []string{totpCode(t, secret, now.Add(-30*time.Second)), code, totpCode(t, secret, now.Add(30*time.Second))}
			codes := burst(burstSize, rand.IntN(burstSize), func(i int, ok bool) error {
				guess := code
				if !ok {
					guess = wrongGuess(near...)
				}
				_, err := s.answer(clientID, types.ChallengeNameTypeSoftwareTokenMfa, init.Session,
					map[string]string{"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": guess})
				return err
			})
			if compared(t, "SOFTWARE_TOKEN_MFA", codes, sessionLimit, []string{"NotAuthorizedException"}) {
				passed["SOFTWARE_TOKEN_MFA"]++
			}

			name = fmt.Sprint("email-", round)
			s.user(poolID, name, "Correct-Horse-9", attr("email", name+"@example.com"), attr("email_verified", "true"))
			result(s.idp.AdminSetUserMFAPreference(ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(poolID),
				Username: aws.String(name), EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)
			init = s.passwordInit(clientID, name, "Correct-Horse-9")
			if init.ChallengeName != types.ChallengeNameTypeEmailOtp {
				t.Fatalf("sign-in: %s", init.ChallengeName)
			}
			code = s.lastCode()
			codes = burst(burstSize, rand.IntN(burstSize), func(i int, ok bool) error {
				guess := code
				if !ok {
					guess = wrongGuess(code)
				}
				_, err := s.answer(clientID, types.ChallengeNameTypeEmailOtp, init.Session,
					map[string]string{"USERNAME": name, "EMAIL_OTP_CODE": guess})
				return err
			})
			if compared(t, "EMAIL_OTP", codes, sessionLimit, []string{"NotAuthorizedException"}) {
				passed["EMAIL_OTP"]++
			}
		}
		t.Logf("right code passed (of %d bursts): %v", burstRounds, passed)
	})
}

// totpUser creates a user with TOTP MFA on and preferred, signs them in
// once to enroll, and returns the authenticator's secret.
func (s *server) totpUser(poolID, clientID, name string) string {
	s.t.Helper()
	s.user(poolID, name, "Correct-Horse-9")
	tok := s.signIn(clientID, name, "Correct-Horse-9")
	secret := s.enrollTOTP(tok.AccessToken, time.Now())
	result(s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
		SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(s.t)
	return secret
}

// TestTOTPGuessesAcrossSessions: wrong TOTP codes count per user across
// fresh sign-in Sessions. Cognito documents that "after five unsuccessful
// attempts to present an MFA code, Amazon Cognito begins the
// exponential-timeout lockout process" of failed sign-ins; before, each
// Session took three and a guesser with the password could start as many
// Sessions as they liked (30 wrong codes in 0.3 s, then the right one
// accepted).
func TestTOTPGuessesAcrossSessions(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		s.setMFA(poolID, types.UserPoolMfaTypeOptional, false, true, false)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "tom", "Correct-Horse-9")
		tok := s.signIn(clientID, "tom", "Correct-Horse-9")
		secret := s.enrollTOTP(tok.AccessToken, clk.Now())
		result(s.idp.SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: tok.AccessToken,
			SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})).must(t)
		clk.Advance(30 * time.Second) // past the step used to enroll

		answer := func(code string) error {
			init := s.passwordInit(clientID, "tom", "Correct-Horse-9")
			_, err := s.answer(clientID, types.ChallengeNameTypeSoftwareTokenMfa, init.Session,
				map[string]string{"USERNAME": "tom", "SOFTWARE_TOKEN_MFA_CODE": code})
			return err
		}
		code := totpCode(t, secret, clk.Now())
		near := []string{totpCode(t, secret, clk.Now().Add(-30*time.Second)), code, totpCode(t, secret, clk.Now().Add(30*time.Second))}
		// Five wrong codes, each in a fresh Session, are compared...
		for range 5 {
			wantCode(t, answer(wrongGuess(near...)), "CodeMismatchException", "")
		}
		// ...then the lockout begins: no code is compared, in any Session,
		// the right one included, and the password still checks out.
		for range 25 {
			wantCode(t, answer(wrongGuess(near...)), "NotAuthorizedException", "Password attempts exceeded")
		}
		wantCode(t, answer(code), "NotAuthorizedException", "Password attempts exceeded")

		// Once the lockout passes, the right code signs in and clears the
		// count.
		clk.Advance(2 * time.Second)
		if err := answer(code); err != nil {
			t.Fatalf("right code after the lockout: %v", err)
		}
		clk.Advance(30 * time.Second)
		code = totpCode(t, secret, clk.Now())
		near = []string{totpCode(t, secret, clk.Now().Add(-30*time.Second)), code, totpCode(t, secret, clk.Now().Add(30*time.Second))}
		for range 4 {
			wantCode(t, answer(wrongGuess(near...)), "CodeMismatchException", "")
		}
		if err := answer(code); err != nil {
			t.Fatalf("right code after four wrong ones: %v", err)
		}
	})
}
