package userpool

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Code purposes and lifetimes (Cognito's quotas: sign-up and attribute
// verification codes last 24 hours, forgot-password codes 1 hour).
const (
	purposeSignUp = "signup"
	purposeForgot = "forgot_password"
	// purposeVerify is "verify:<attribute>".
	purposeVerify = "verify:"

	signUpCodeTTL = 24 * time.Hour
	verifyCodeTTL = 24 * time.Hour
	forgotCodeTTL = time.Hour

	// maxCodeAttempts is how many attempts at a code are compared (the
	// right one included); after that it is dead even for the right code,
	// so a 6-digit code gives a guesser at most a 5-in-a-million chance
	// per code sent.
	maxCodeAttempts = 5
)

// codeHash binds a code to its user, purpose and binding (for attribute
// verification, the value the code was sent to: a code never verifies a
// value it was not sent to).
func codeHash(poolID, sub, purpose, binding, code string) []byte {
	return secret.HashToken(poolID + "\x00" + sub + "\x00" + purpose + "\x00" + binding + "\x00" + code)
}

// newCodeValue draws a fresh 6-digit code.
func newCodeValue() string { return secret.RandomString(6, secret.Digits) }

// newCode creates and stores a fresh 6-digit code, replacing any earlier
// one for the same purpose, and returns it in the clear for delivery.
func (s *Service) newCode(ctx context.Context, u *storage.User, purpose, binding string, ttl time.Duration) (string, error) {
	code := newCodeValue()
	return code, s.putCode(ctx, s.store, u, purpose, binding, code, ttl)
}

// putCode stores code (hashed) through st, replacing any earlier code of
// u for the same purpose.
func (s *Service) putCode(ctx context.Context, st storage.Stores, u *storage.User, purpose, binding, code string, ttl time.Duration) error {
	now := s.now()
	return st.Codes().Put(ctx, storage.Code{
		PoolID: u.PoolID, Sub: u.Sub, Purpose: purpose,
		Hash:      codeHash(u.PoolID, u.Sub, purpose, binding, code),
		ExpiresAt: now.Add(ttl), CreatedAt: now,
	})
}

// consumeCode, inside the transaction of the change a code allows, uses up
// the code c that verifyCode accepted. If a concurrent request used it up
// first, or a new code replaced it, it counts as used:
// ExpiredCodeException.
func consumeCode(ctx context.Context, tx storage.Stores, c storage.Code) error {
	cur, err := tx.Codes().Get(ctx, c.PoolID, c.Sub, c.Purpose)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !bytes.Equal(cur.Hash, c.Hash)) {
		return errorf(ExpiredCode, msgCodeExpired)
	}
	if err != nil {
		return err
	}
	return tx.Codes().Delete(ctx, c.PoolID, c.Sub, c.Purpose)
}

// verifyCode counts an attempt at u's code for purpose and then checks
// given against it; it does not use the code up (consumeCode does, in the
// transaction of the change the code allows) and returns the code.
//
// The attempt is counted first, in a commit of its own, and only an
// attempt counted within maxCodeAttempts is compared (in constant time):
// of any number of concurrent guesses, at most maxCodeAttempts are ever
// compared, and the right code passes only if it is among them. A wrong
// code is CodeMismatchException. Past the limit the code is dead, even for
// the right code: sign-up codes are deleted at the last wrong attempt,
// which answers TooManyFailedAttemptsException (later ones find no code:
// ExpiredCodeException); other codes answer LimitExceededException until a
// new one is requested.
func (s *Service) verifyCode(ctx context.Context, u *storage.User, purpose, binding, given string) (storage.Code, error) {
	codes := s.store.Codes()
	c, err := codes.AddAttempt(ctx, u.PoolID, u.Sub, purpose)
	if errors.Is(err, storage.ErrNotFound) {
		return c, errorf(ExpiredCode, msgCodeExpired)
	}
	if err != nil {
		return c, err
	}
	if !s.now().Before(c.ExpiresAt) {
		_ = codes.Delete(ctx, u.PoolID, u.Sub, purpose)
		return c, errorf(ExpiredCode, msgCodeExpired)
	}
	if c.Attempts > maxCodeAttempts {
		if purpose == purposeSignUp {
			return c, errorf(ExpiredCode, msgCodeExpired) // deleted by the last wrong attempt
		}
		return c, codesExhausted(purpose)
	}
	if secret.Equal(string(c.Hash), string(codeHash(u.PoolID, u.Sub, purpose, binding, given))) {
		return c, nil
	}
	if c.Attempts == maxCodeAttempts && purpose == purposeSignUp {
		if err := codes.Delete(ctx, u.PoolID, u.Sub, purpose); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return c, err
		}
		return c, codesExhausted(purpose)
	}
	return c, errorf(CodeMismatch, msgCodeMismatch)
}

func codesExhausted(purpose string) error {
	if purpose == purposeSignUp {
		return errorf(TooManyFailedAttempts, "Too many failed attempts. Request a new code.")
	}
	return errorf(LimitExceeded, msgLimitExceeded)
}

// destination picks where a sign-up code goes: the auto-verified attribute
// the user has, the phone number first (Cognito texts the phone when both
// need verification). ok is false when there is none.
func (p *pool) destination(u *storage.User) (attr string, ok bool) {
	for _, a := range []string{"phone_number", "email"} {
		if contains(p.cfg.AutoVerifiedAttributes, a) && u.Attributes[a] != "" {
			return a, true
		}
	}
	return "", false
}
