package userpool

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/cognate-dev/cognate/internal/storage"
)

// One transaction per change of a user. An operation that changes a user
// reads the user, decides and writes everything the change touches (the
// user with its lookups, the code it uses up, the password history, the
// failure count it clears, the tokens it revokes) in one transaction:
// updateUser for an existing user, userTx for anything else. Work that
// needs no transaction (hashing a password, checking a code's attempt
// count) comes before it; what must not happen twice (sending a message,
// recording an auth event) comes after it commits.
//
// Users carry a version, and storage refuses a write of a user changed
// since it was read (storage.ErrStale). A transaction that meets one is
// redone as a whole, here, where the code knows that its callback may run
// more than once; the protocol layer never repeats an operation.

// staleAttempts bounds how often userTx runs a transaction that keeps
// meeting concurrent writes of its user. After the last attempt the error
// still wraps storage.ErrStale, which clients see as
// TooManyRequestsException (see AsError), and SDKs retry.
const staleAttempts = 10

// errNoChange is what an updateUser callback returns when, on the user as
// stored, there is nothing to write: the transaction ends without a write
// and updateUser succeeds.
var errNoChange = errors.New("userpool: nothing to change")

// userTx runs fn in one transaction and runs it again, after a short
// random wait, when it failed with storage.ErrStale, up to staleAttempts
// times in all.
//
// fn may run more than once: it must have no side effects besides the
// store (no messages, no auth events, no changes to values the caller
// keeps, except results that the last run overwrites).
func (s *Service) userTx(ctx context.Context, fn func(tx storage.Stores) error) error {
	for attempt := 1; ; attempt++ {
		err := s.store.InTx(ctx, fn)
		if !errors.Is(err, storage.ErrStale) || attempt == staleAttempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(staleBackoff(attempt)):
		}
	}
}

// staleBackoff is the random wait before attempt+1: up to 1 ms doubled
// per attempt, capped at 64 ms.
func staleBackoff(attempt int) time.Duration {
	return time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))
}

// updateUser changes the user sub of pool p in one transaction (see
// userTx, whose contract fn shares): fn gets the user as stored inside the
// transaction, decides on it, edits it and may read and write other
// records through tx; then the user is saved with fresh lookups
// (saveUser; SRP verifiers fn made under p are pinned to their key by
// pinNameVerifier), unless fn fails or returns errNoChange. It returns the user
// as it is after the commit. A user that no longer exists is
// UserNotFoundException.
func (s *Service) updateUser(ctx context.Context, p *pool, sub string, fn func(tx storage.Stores, u *storage.User) error) (*storage.User, error) {
	var done storage.User
	err := s.userTx(ctx, func(tx storage.Stores) error {
		u, err := tx.Users().GetBySub(ctx, p.rec.ID, sub)
		if errors.Is(err, storage.ErrNotFound) {
			return errorf(UserNotFound, msgUserNotFound)
		}
		if err != nil {
			return err
		}
		salt := u.SRPSalt
		switch err := fn(tx, &u); {
		case errors.Is(err, errNoChange):
		case err != nil:
			return err
		default:
			in, err := s.inForce(ctx, tx, p)
			if err != nil {
				return err
			}
			if u.SRPSalt != salt { // a new password: its verifiers were made under p
				pinNameVerifier(p, in, &u)
			}
			if err := s.saveInForce(ctx, tx, in, &u, false); err != nil {
				return err
			}
		}
		done = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &done, nil
}
