package userpool

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// The temporary lockout after failed password attempts, per user.
//
// Cognito documents ("user pool lockout behavior"): five failed attempts
// are allowed; then each failure starts a temporary lockout of 1 second,
// doubling with every further failure up to about 15 minutes; attempts
// during a lockout are ignored. Cognate follows that schedule, capped at
// the server's --lockout-max (DefaultLockoutMax, Cognito's 15 minutes,
// unless configured): the lockout is what a stranger who knows a username
// can impose on its owner, so its length is the operator's trade between
// that and the pace of an online guesser. The schedule itself doubles on
// past the 20th failure up to 24 hours (a cap of 24 hours makes 100
// failures take months, as NIST SP 800-63B asks); with the default cap a
// guesser gets at most 4 tries an hour, about 100 a day.
//
// The count is not forgotten after 15 quiet minutes, only on a correct
// password, on a new password (ConfirmForgotPassword, ChangePassword, an
// admin's AdminSetUserPassword), or after guardIdle without attempts.
const (
	freeFailures    = 5
	cognitoCapUntil = 20
	cognitoCap      = 15 * time.Minute
	lockoutCeiling  = 24 * time.Hour
	// guardIdle is how long a failure count survives without attempts.
	guardIdle = 7 * 24 * time.Hour
)

// DefaultLockoutMax is the longest lockout unless configured otherwise:
// Cognito's.
const DefaultLockoutMax = cognitoCap

// lockoutAfter is the lockout the n-th consecutive failure starts, before
// the server's cap.
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

// lockoutFor is the lockout the n-th consecutive failure starts: the
// schedule, capped at the server's LockoutMax.
func (s *Service) lockoutFor(n int) time.Duration {
	return min(lockoutAfter(n), s.lockCap)
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
//
// On this node at most gateWidth checks of one subject run at a time, and
// each reads the lockout once it is its turn, so a burst of concurrent
// guesses meets the lockout that the first failures earn; concurrent
// sign-ins of one user merely queue. A correct password costs one indexed
// read (and a delete only after failures); a wrong one adds an atomic
// write.
func (s *Service) guardPassword(ctx context.Context, poolID, subject string, check func() (bool, error)) (passwordCheck, error) {
	release, err := s.gates.enter(ctx, poolID+"\x00"+subject)
	if err != nil {
		return 0, err
	}
	defer release()
	sec := s.store.Security()
	now := s.now()
	g, err := sec.Guard(ctx, poolID, subject)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return 0, err
	}
	if now.Before(g.LockedUntil) {
		return passwordLocked, nil
	}
	ok, err := check()
	if err != nil {
		return 0, err
	}
	if ok {
		if g.Failures > 0 {
			if err := sec.DeleteGuard(ctx, poolID, subject); err != nil {
				return 0, err
			}
		}
		return passwordOK, nil
	}
	// Not counted when another node's failure locked the subject meanwhile.
	if _, _, err := sec.AddFailure(ctx, poolID, subject, now, s.lockoutFor); err != nil {
		return 0, err
	}
	return passwordWrong, nil
}

// gateWidth is how many password checks of one subject may run at once on
// a node.
const gateWidth = 2

// gates holds a semaphore per subject with checks in flight.
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

type gate struct {
	slots chan struct{}
	users int // holders and waiters
}

func newGates() *gates { return &gates{m: map[string]*gate{}} }

// enter waits for a slot of key's gate (or ctx) and returns its release.
func (gs *gates) enter(ctx context.Context, key string) (func(), error) {
	gs.mu.Lock()
	g := gs.m[key]
	if g == nil {
		g = &gate{slots: make(chan struct{}, gateWidth)}
		gs.m[key] = g
	}
	g.users++
	gs.mu.Unlock()
	leave := func() {
		gs.mu.Lock()
		if g.users--; g.users == 0 {
			delete(gs.m, key)
		}
		gs.mu.Unlock()
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
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
const msgAttemptsExceeded = MsgAttemptsExceeded

// MsgAttemptsExceeded is the NotAuthorizedException message of a sign-in
// refused during a lockout (metrics count lockouts by it).
const MsgAttemptsExceeded = "Password attempts exceeded"

// msgLimitExceeded is Cognito's message for per-user limits on other
// operations (ChangePassword, code requests and entries).
const msgLimitExceeded = "Attempt limit exceeded, please try after some time."

// PruneSecurity forgets idle failure counts and rate windows; the app's
// janitor calls it.
func (s *Service) PruneSecurity(ctx context.Context) (int, error) {
	return s.store.Security().DeleteIdle(ctx, s.now().Add(-guardIdle))
}
