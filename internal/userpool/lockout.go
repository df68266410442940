package userpool

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// The temporary lockout after failed password attempts, per user.
//
// Cognito documents ("user pool lockout behavior"): five failed attempts
// are allowed; then each failure starts a temporary lockout of 1 second,
// doubling with every further failure up to about 15 minutes; attempts
// during a lockout are ignored. Cognate follows that schedule and is
// stricter in two ways, so an online guesser stays far from NIST SP
// 800-63B's cap of 100 consecutive failures:
//
//   - past the 20th consecutive failure the wait keeps doubling from 15
//     minutes up to 24 hours (so reaching 100 failures takes months);
//   - the count is not forgotten after 15 quiet minutes, only on a correct
//     password, on a new password (ConfirmForgotPassword, an admin's
//     AdminSetUserPassword or AdminResetUserPassword), or after guardIdle
//     without attempts.
//
// Every attempt is counted before the password is checked and uncounted
// when it was right, so a burst of concurrent guesses cannot slip past a
// lockout that one of them earns.
const (
	freeFailures    = 5
	cognitoCapUntil = 20
	cognitoCap      = 15 * time.Minute
	lockoutCeiling  = 24 * time.Hour
	// guardIdle is how long a failure count survives without attempts.
	guardIdle = 7 * 24 * time.Hour
)

// lockoutAfter is the lockout the n-th consecutive failure starts.
func lockoutAfter(n int) time.Duration {
	switch {
	case n < freeFailures:
		return 0
	case n <= cognitoCapUntil:
		if n-freeFailures >= 10 {
			return cognitoCap
		}
		return min(time.Second<<(n-freeFailures), cognitoCap)
	default:
		if n-cognitoCapUntil >= 7 {
			return lockoutCeiling
		}
		return min(cognitoCap<<(n-cognitoCapUntil), lockoutCeiling)
	}
}

// passwordCheck is the outcome of guardPassword.
type passwordCheck int

const (
	passwordOK passwordCheck = iota
	passwordWrong
	passwordLocked
)

// guardPassword runs check, which verifies a password (or, for SRP, a
// password proof), under the lockout of subject. It is the one gate every
// password check passes: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
// ChangePassword's previous password and the SRP proof. A locked subject's
// check is not run at all.
func (s *Service) guardPassword(ctx context.Context, poolID, subject string, check func() (bool, error)) (passwordCheck, error) {
	sec := s.store.Security()
	now := s.now()
	if _, counted, err := sec.AddFailure(ctx, poolID, subject, now, lockoutAfter); err != nil {
		return 0, err
	} else if !counted {
		return passwordLocked, nil
	}
	ok, err := check()
	if err != nil || !ok {
		return passwordWrong, err
	}
	if err := sec.DeleteGuard(ctx, poolID, subject); err != nil {
		return 0, err
	}
	return passwordOK, nil
}

// userSubject is the lockout subject of a user; unknownSubject that of a
// name no user holds (hashed: a typed name may be a misplaced password).
func userSubject(u *storage.User) string { return u.Sub }

func unknownSubject(p *pool, name string) string {
	return "name:" + hex.EncodeToString(secret.HashToken(p.rec.ID+"\x00"+p.key(name)))
}

// clearLockout forgets a user's failures, after a new password is set.
func (s *Service) clearLockout(ctx context.Context, u *storage.User) error {
	return s.store.Security().DeleteGuard(ctx, u.PoolID, userSubject(u))
}

// msgAttemptsExceeded is Cognito's sign-in message during a lockout.
const msgAttemptsExceeded = "Password attempts exceeded"

// msgLimitExceeded is Cognito's message for per-user limits on other
// operations (ChangePassword, code requests and entries).
const msgLimitExceeded = "Attempt limit exceeded, please try after some time."

// PruneSecurity forgets idle failure counts and rate windows; the app's
// janitor calls it.
func (s *Service) PruneSecurity(ctx context.Context) (int, error) {
	return s.store.Security().DeleteIdle(ctx, s.now().Add(-guardIdle))
}
