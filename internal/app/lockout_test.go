package app_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

const lockedMsg = "Password attempts exceeded"

func TestSignInLockout(t *testing.T) {
	forEachBackendClock(t, func(t *testing.T, s *server, clk *testClock) {
		poolID := s.pool(nil)
		clientID, _ := s.appClient(poolID, false)
		s.user(poolID, "zed", "Correct-Horse-9")
		s.user(poolID, "amy", "Correct-Horse-9")
		adminSignIn := func(pw string) error {
			_, err := s.idp.AdminInitiateAuth(ctx, &cip.AdminInitiateAuthInput{
				UserPoolId: aws.String(poolID), ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": "zed", "PASSWORD": pw},
			})
			return err
		}

		// Five failures are answered as such, through either flow.
		for i := 0; i < 4; i++ {
			wantCode(t, s.passwordSignIn(clientID, "zed", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		}
		wantCode(t, adminSignIn("Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		// Then a lockout of a second: even the right password is refused.
		wantCode(t, s.passwordSignIn(clientID, "zed", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)
		wantCode(t, adminSignIn("Correct-Horse-9"), "NotAuthorizedException", lockedMsg)
		// Other users are not affected.
		s.signIn(clientID, "amy", "Correct-Horse-9")

		// Each further failure doubles the wait: 2 s after the sixth.
		clk.Advance(time.Second)
		wantCode(t, s.passwordSignIn(clientID, "zed", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		clk.Advance(1500 * time.Millisecond)
		wantCode(t, s.passwordSignIn(clientID, "zed", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)
		clk.Advance(500 * time.Millisecond)
		wantCode(t, s.passwordSignIn(clientID, "zed", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		clk.Advance(3 * time.Second)
		wantCode(t, s.passwordSignIn(clientID, "zed", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)

		// Waiting it out, the right password signs in and the count starts over.
		clk.Advance(time.Second)
		s.signIn(clientID, "zed", "Correct-Horse-9")
		for i := 0; i < 5; i++ {
			wantCode(t, s.passwordSignIn(clientID, "zed", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
		}
		wantCode(t, s.passwordSignIn(clientID, "zed", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)

		// An admin's new password lifts the lockout.
		result(s.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(poolID), Username: aws.String("zed"), Password: aws.String("Brand-New-Pass-1"), Permanent: true,
		})).must(t)
		tok := s.signIn(clientID, "zed", "Brand-New-Pass-1")

		// ChangePassword's previous password counts against the same lockout,
		// answered LimitExceededException.
		change := func(prev string) error {
			_, err := s.idp.ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: tok.AccessToken, PreviousPassword: aws.String(prev), ProposedPassword: aws.String("Other-New-Pass-2")})
			return err
		}
		for i := 0; i < 5; i++ {
			wantCode(t, change("Wrong-Horse-9"), "NotAuthorizedException", "")
		}
		wantCode(t, change("Brand-New-Pass-1"), "LimitExceededException", "Attempt limit exceeded")
		wantCode(t, s.passwordSignIn(clientID, "zed", "Brand-New-Pass-1"), "NotAuthorizedException", lockedMsg)
	})
}

// TestLockoutOutlastsQuietPeriods checks that waiting does not reset the
// count: a persistent guesser meets ever longer waits, up to the cap (here
// configured to its largest, a day).
func TestLockoutOutlastsQuietPeriods(t *testing.T) {
	clk := newTestClock()
	cfg := newConfig(t, "sqlite")
	cfg.LockoutMax = 24 * time.Hour
	s := startClock(t, cfg, clk)
	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "bo", "Correct-Horse-9")
	for i := 0; i < 30; i++ {
		wantCode(t, s.passwordSignIn(clientID, "bo", "Wrong-Horse-9"), "NotAuthorizedException", "")
		clk.Advance(16 * time.Minute) // longer than Cognito's 15 quiet minutes
	}
	// 30 tries 16 minutes apart: past the 20th failure the waits outgrow the
	// gaps, so some tries meet a lockout instead of a password check.
	wantCode(t, s.passwordSignIn(clientID, "bo", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)
	clk.Advance(25 * time.Hour)
	s.signIn(clientID, "bo", "Correct-Horse-9")
}

// TestLockoutIsCapped checks that however many wrong passwords a stranger
// sends for a known username, its owner is never locked out for longer
// than --lockout-max: 15 minutes (Cognito's cap) unless configured.
func TestLockoutIsCapped(t *testing.T) {
	for _, limit := range []time.Duration{0, 40 * time.Minute} {
		cfg := newConfig(t, "sqlite")
		if limit != 0 {
			cfg.LockoutMax = limit
		}
		t.Run(cfg.LockoutMax.String(), func(t *testing.T) {
			t.Parallel()
			clk := newTestClock()
			s := startClock(t, cfg, clk)
			poolID := s.pool(nil)
			clientID, _ := s.appClient(poolID, false)
			s.user(poolID, "cal", "Correct-Horse-9")
			// Past the 23rd failure the uncapped schedule locks for hours.
			for i := 1; i <= 30; i++ {
				wantCode(t, s.passwordSignIn(clientID, "cal", "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
				if i < 24 {
					clk.Advance(cfg.LockoutMax)
					continue
				}
				// The cap is reached: locked until its last second, and no longer.
				clk.Advance(cfg.LockoutMax - time.Second)
				wantCode(t, s.passwordSignIn(clientID, "cal", "Correct-Horse-9"), "NotAuthorizedException", lockedMsg)
				clk.Advance(time.Second)
			}
			s.signIn(clientID, "cal", "Correct-Horse-9")
		})
	}
}

func TestLockoutHidesUnknownUsers(t *testing.T) {
	// Time stands still, so no lockout runs out between the requests
	// however slow the machine.
	forEachBackendClock(t, func(t *testing.T, s *server, _ *testClock) {
		poolID := s.pool(nil)
		out := result(s.idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(poolID), ClientName: aws.String("hide"), PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		})).must(t)
		clientID := *out.UserPoolClient.ClientId
		s.user(poolID, "cy", "Correct-Horse-9")
		for _, name := range []string{"cy", "ghost"} {
			for i := 0; i < 5; i++ {
				wantCode(t, s.passwordSignIn(clientID, name, "Wrong-Horse-9"), "NotAuthorizedException", "Incorrect username or password.")
			}
			wantCode(t, s.passwordSignIn(clientID, name, "Wrong-Horse-9"), "NotAuthorizedException", lockedMsg)
		}
	})
}

// TestConcurrentSignInsOfOneUser checks that many correct sign-ins of one
// user at once all succeed (they queue; none is taken for a guess), and
// that a burst of concurrent wrong guesses is held to the lockout.
func TestConcurrentSignInsOfOneUser(t *testing.T) {
	s := newClockServer(t, "sqlite", newTestClock()) // time stands still: no lockout runs out

	poolID := s.pool(nil)
	clientID, _ := s.appClient(poolID, false)
	s.user(poolID, "dot", "Correct-Horse-9")
	s.user(poolID, "eve", "Correct-Horse-9")
	run := func(name, pw string, n int) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.passwordSignIn(clientID, name, pw)
			}()
		}
		wg.Wait()
		return errs
	}
	for _, err := range run("dot", "Correct-Horse-9", 12) {
		if err != nil {
			t.Fatalf("concurrent sign-in: %v", err)
		}
	}
	checked := 0
	for _, err := range run("eve", "Wrong-Horse-9", 12) {
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "NotAuthorizedException" {
			t.Fatalf("guess: %v", err)
		}
		if ae.ErrorMessage() == "Incorrect username or password." {
			checked++
		}
	}
	// Five free failures, plus at most one more per other concurrent slot.
	if checked > 6 {
		t.Fatalf("%d of 12 concurrent guesses were checked", checked)
	}
}
