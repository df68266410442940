package userpool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/messaging"
	"github.com/cognate-dev/cognate/internal/secret"
	"github.com/cognate-dev/cognate/internal/storage"
)

// Code purposes and lifetimes.
const (
	purposeSignUp = "signup"

	signUpCodeTTL = 24 * time.Hour
	// maxCodeAttempts is how many wrong guesses a code survives; the next
	// one destroys it, so a 6-digit code gives a guesser at most a
	// 5-in-a-million chance per code sent.
	maxCodeAttempts = 5
)

func codeHash(poolID, sub, purpose, code string) []byte {
	return secret.HashToken(poolID + "\x00" + sub + "\x00" + purpose + "\x00" + code)
}

// newCode creates and stores a fresh 6-digit code, replacing any earlier
// one for the same purpose, and returns it in the clear for delivery.
func (s *Service) newCode(ctx context.Context, u *storage.User, purpose string, ttl time.Duration) (string, error) {
	code := secret.RandomString(6, secret.Digits)
	now := s.now()
	err := s.store.Codes().Put(ctx, storage.Code{
		PoolID: u.PoolID, Sub: u.Sub, Purpose: purpose,
		Hash:      codeHash(u.PoolID, u.Sub, purpose, code),
		ExpiresAt: now.Add(ttl), CreatedAt: now,
	})
	return code, err
}

// checkCode verifies a code: wrong codes count against the code's attempt
// limit; the right code is consumed (single use).
func (s *Service) checkCode(ctx context.Context, u *storage.User, purpose, given string) error {
	codes := s.store.Codes()
	c, err := codes.Get(ctx, u.PoolID, u.Sub, purpose)
	if errors.Is(err, storage.ErrNotFound) {
		return errorf(ExpiredCode, msgCodeExpired)
	}
	if err != nil {
		return err
	}
	if !s.now().Before(c.ExpiresAt) {
		_ = codes.Delete(ctx, u.PoolID, u.Sub, purpose)
		return errorf(ExpiredCode, msgCodeExpired)
	}
	if !secret.Equal(string(c.Hash), string(codeHash(u.PoolID, u.Sub, purpose, given))) {
		n, err := codes.AddAttempt(ctx, u.PoolID, u.Sub, purpose)
		if err != nil {
			return err
		}
		if n >= maxCodeAttempts {
			if err := codes.Delete(ctx, u.PoolID, u.Sub, purpose); err != nil && !errors.Is(err, storage.ErrNotFound) {
				return err
			}
			return errorf(TooManyFailedAttempts, "Too many failed attempts. Request a new code.")
		}
		return errorf(CodeMismatch, msgCodeMismatch)
	}
	if c.Attempts >= maxCodeAttempts {
		return errorf(TooManyFailedAttempts, "Too many failed attempts. Request a new code.")
	}
	err = codes.Delete(ctx, u.PoolID, u.Sub, purpose)
	if errors.Is(err, storage.ErrNotFound) {
		// Consumed by a concurrent request: single use.
		return errorf(ExpiredCode, msgCodeExpired)
	}
	return err
}

// destination picks where a verification code goes: the auto-verified
// attribute the user has, email first. ok is false when there is none.
func (p *pool) destination(u *storage.User) (attr string, ok bool) {
	for _, a := range []string{"email", "phone_number"} {
		if contains(p.cfg.AutoVerifiedAttributes, a) && u.Attributes[a] != "" {
			return a, true
		}
	}
	return "", false
}

// sendCode delivers a code to the user's email or phone number through the
// messenger, using the pool's templates, and describes the delivery.
func (s *Service) sendCode(ctx context.Context, p *pool, u *storage.User, attr, kind, code string) (*cip.CodeDeliveryDetailsType, error) {
	t := p.cfg.VerificationMessageTemplate
	msg := messaging.Message{Kind: kind, PoolID: u.PoolID, Username: u.Username, Code: code, To: u.Attributes[attr]}
	details := &cip.CodeDeliveryDetailsType{AttributeName: attr}
	sender := s.messenger
	if attr == "email" {
		msg.Subject = t.EmailSubject
		msg.Body = strings.ReplaceAll(t.EmailMessage, "{####}", code)
		details.DeliveryMedium = "EMAIL"
		details.Destination = maskEmail(msg.To)
	} else {
		msg.Body = strings.ReplaceAll(t.SmsMessage, "{####}", code)
		sender = s.sms
		details.DeliveryMedium = "SMS"
		details.Destination = maskPhone(msg.To)
	}
	if err := sender.Send(ctx, msg); err != nil {
		s.log.Error("code delivery failed", "pool", u.PoolID, "medium", details.DeliveryMedium, "err", err)
		return nil, errorf(CodeDeliveryFailure, "Unable to deliver the code to %s.", details.Destination)
	}
	return details, nil
}

// maskEmail shows an address as Cognito does: "j***@e***.com".
func maskEmail(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "***"
	}
	local, domain := addr[:at], addr[at+1:]
	tld := ""
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		tld = domain[dot:]
		domain = domain[:dot]
	}
	first := func(s string) string {
		if s == "" {
			return ""
		}
		return s[:1]
	}
	return fmt.Sprintf("%s***@%s***%s", first(local), first(domain), tld)
}

// maskPhone keeps the last four digits: "+*******1234".
func maskPhone(phone string) string {
	if len(phone) <= 5 {
		return "+****"
	}
	return "+" + strings.Repeat("*", len(phone)-5) + phone[len(phone)-4:]
}
