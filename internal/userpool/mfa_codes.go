package userpool

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
	"github.com/cognate-dev/cognate/internal/totp"
)

// Sign-in codes: the 6-digit codes of SMS_MFA, EMAIL_OTP and SMS_OTP. A
// code is stored hashed and bound to the Session it was sent for, lives 3
// minutes (as Cognito's), and is used once. A user has one live sign-in
// code; a new sign-in replaces it.
const (
	purposeSignInCode = "signin_code"
	signInCodeTTL     = 3 * time.Minute
	// signInCodeLimit bounds the sign-in codes sent to one user per hour
	// and medium, so that nobody can use sign-in to flood a phone or a
	// mailbox (or run up an SMS bill).
	signInCodeLimit = 10
)

// limitSignInCodes counts a sign-in code for subject (a user, or a name no
// user holds) and refuses it past the hourly limit.
func (s *Service) limitSignInCodes(ctx context.Context, p *pool, subject, medium string) error {
	n, err := s.store.Security().Hit(ctx, p.rec.ID, subject, "signin_code:"+medium, s.now(), codeRequestWindow)
	if err != nil {
		return err
	}
	if n > signInCodeLimit {
		return errorf(TooManyRequests, "Too many codes were sent to the user; try again later.")
	}
	return nil
}

func signInCodeHash(u *storage.User, sessionID, code string) []byte {
	return secret.HashToken(u.PoolID + "\x00" + u.Sub + "\x00" + purposeSignInCode + "\x00" + sessionID + "\x00" + code)
}

// sendSignInCode creates a code bound to sessionID and sends it by SMS
// (medium "SMS") or email ("EMAIL") with the pool's MFA message, to the
// user's phone number or email address or, when to is set, there; it
// returns the challenge parameters that describe the delivery.
func (s *Service) sendSignInCode(ctx context.Context, p *pool, u *storage.User, medium, to, sessionID string) (map[string]string, error) {
	if err := s.limitSignInCodes(ctx, p, userSubject(u), medium); err != nil {
		return nil, err
	}
	code := secret.RandomString(6, secret.Digits)
	now := s.now()
	err := s.store.Codes().Put(ctx, storage.Code{
		PoolID: u.PoolID, Sub: u.Sub, Purpose: purposeSignInCode, Hash: signInCodeHash(u, sessionID, code),
		ExpiresAt: now.Add(signInCodeTTL), CreatedAt: now,
	})
	if err != nil {
		return nil, err
	}
	f := p.mfaFactors()
	msg := messaging.Message{Kind: messaging.KindMFA, PoolID: u.PoolID, Username: u.Username, Code: code}
	var dest string
	if medium == "SMS" {
		msg.To = orDefault(to, u.Attributes["phone_number"])
		msg.Body = strings.ReplaceAll(f.smsMessage, "{####}", code)
		dest = maskPhone(msg.To)
	} else {
		msg.To = orDefault(to, u.Attributes["email"])
		msg.Subject = f.emailSubject
		msg.Body = strings.ReplaceAll(f.emailMessage, "{####}", code)
		dest = maskEmail(msg.To)
	}
	if err := s.deliver(ctx, p, nil, u, msgAuthentication, medium, msg, code, u.Username); err != nil {
		if e := AsError(err); e != nil {
			return nil, err // a trigger's failure
		}
		s.log.Error("sign-in code delivery failed", "pool", u.PoolID, "medium", medium, "err", err)
		return nil, errorf(CodeDeliveryFailure, "Unable to deliver the code to %s.", dest)
	}
	return map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": medium,
		"CODE_DELIVERY_DESTINATION":     dest,
		"USER_ID_FOR_SRP":               u.Username,
	}, nil
}

// countCodeAttempt counts an attempt at a sign-in code against subject (a
// user, or a name no user holds) before the code is compared: an MFA code,
// or with first set, a passwordless first factor (USER_AUTH's EMAIL_OTP or
// SMS_OTP). Cognito documents that after five unsuccessful attempts to
// present an MFA code the lockout of failed sign-ins begins; Cognate counts
// every attempt (a right code then clears the count, codeAccepted) with the
// lockout schedule of passwords, capped as theirs (lockoutFor), under subjects of their
// own: a correct password does not reset it, and wrong passwordless codes,
// which anyone can send, do not lock the MFA step of a user who knows
// their password. The count is atomic and committed first: of concurrent
// attempts across any number of Sessions, those made while the subject is
// locked out are refused (NotAuthorizedException, "Password attempts
// exceeded", as Cognito answers during a lockout) without being compared
// or counted.
func (s *Service) countCodeAttempt(ctx context.Context, p *pool, subject string, first bool) error {
	_, ok, err := s.store.Security().AddFailure(ctx, p.rec.ID, codeGuard(subject, first), s.now(), s.lockoutFor)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(NotAuthorized, msgAttemptsExceeded)
	}
	return nil
}

// codeAccepted forgets the code attempts counted against subject, after a
// right code.
func (s *Service) codeAccepted(ctx context.Context, p *pool, subject string, first bool) error {
	return s.store.Security().DeleteGuard(ctx, p.rec.ID, codeGuard(subject, first))
}

// codeGuard is the lockout subject of MFA codes, or passwordless codes
// (first), for subject.
func codeGuard(subject string, first bool) string {
	if first {
		return "otp:" + subject
	}
	return "mfa:" + subject
}

// checkSignInCode verifies and uses up the code sent for sessionID (the
// caller counted the attempt). A wrong code is CodeMismatchException.
func (s *Service) checkSignInCode(ctx context.Context, u *storage.User, sessionID, given string) error {
	codes := s.store.Codes()
	c, err := codes.Get(ctx, u.PoolID, u.Sub, purposeSignInCode)
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(CodeMismatch, msgWrongMFACode)
	}
	if err != nil {
		return err
	}
	if !secret.Equal(string(c.Hash), string(signInCodeHash(u, sessionID, given))) {
		return errorf(CodeMismatch, msgWrongMFACode)
	}
	if !s.now().Before(c.ExpiresAt) {
		return errorf(ExpiredCode, msgCodeExpired)
	}
	err = codes.Delete(ctx, u.PoolID, u.Sub, purposeSignInCode)
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(CodeMismatch, msgWrongMFACode) // used by a concurrent request
	}
	return err
}

// checkTOTP verifies a code from the user's authenticator and, when it is
// right, records its time step: the same code, or one older than it, is
// refused afterwards (a nonce makes this hold across concurrent requests
// and nodes). It reports whether the code was accepted.
func (s *Service) checkTOTP(ctx context.Context, u *storage.User, m *userMFA, secretCode, code string) (int64, bool, error) {
	step, ok := totp.Validate(secretCode, code, s.now(), m.TOTPStep)
	if !ok {
		return 0, false, nil
	}
	n, err := s.store.Nonces().Use(ctx, totpNonce(u, step), s.now().Add(2*time.Duration(totp.Skew+1)*totp.Period))
	if err != nil || n != 1 {
		return 0, false, err
	}
	return step, true, nil
}

func totpNonce(u *storage.User, step int64) []byte {
	return secret.HashToken("totp:" + u.PoolID + ":" + u.Sub + ":" + strconv.FormatInt(step, 10))
}
