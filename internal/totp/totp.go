// Package totp implements the time-based one-time passwords of Cognito's
// SOFTWARE_TOKEN_MFA: RFC 6238 with HMAC-SHA1, 6 digits and a 30-second step,
// over secrets written in base32 as AssociateSoftwareToken returns them in
// SecretCode.
//
// Validate accepts the code of the current step and of one step either side
// (RFC 6238 section 5.2 recommends at most one step of network delay), and
// never a step at or before the last one used, so a code cannot be used twice;
// the caller stores the step Validate returns with the (sealed) secret.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"net/url"
	"strings"
	"time"
)

const (
	// Digits is the length of a code.
	Digits = 6
	// Period is the time step.
	Period = 30 * time.Second
	// Skew is how many steps before and after the current one Validate
	// accepts.
	Skew = 1
	// SecretSize is the number of random bytes in a secret from NewSecret:
	// 256 bits, written as 52 base32 characters. Cognito's model only asks
	// for at least 16 alphanumeric characters; the SecretCodes Cognito returns
	// are 52 characters long (observed, not documented).
	SecretSize = 32
)

// ErrSecret reports a secret that is not base32 or is empty.
var ErrSecret = errors.New("totp: invalid secret")

// encoding is base32 (RFC 4648) without padding, as in SecretCode and
// otpauth:// URIs.
var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a new random secret in base32, uppercase, without
// padding: the SecretCode of AssociateSoftwareToken.
func NewSecret() string {
	b := make([]byte, SecretSize)
	// crypto/rand.Read never fails since Go 1.24.
	_, _ = rand.Read(b)
	return encoding.EncodeToString(b)
}

// decodeSecret decodes a base32 secret, ignoring case and any padding.
func decodeSecret(secret string) ([]byte, error) {
	key, err := encoding.DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Step returns the RFC 6238 time step of t: floor(unix seconds / 30).
func Step(t time.Time) int64 {
	s := t.Unix()
	p := int64(Period / time.Second)
	if s < 0 {
		return (s - p + 1) / p
	}
	return s / p
}

// Generate returns the code for secret (base32) at time t.
func Generate(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, uint64(Step(t)), Digits), nil
}

// Validate reports whether code is the code of secret (base32) for a step
// within Skew of now's and after lastUsedStep, and returns that step for the
// caller to store as the new lastUsedStep. A code must be exactly six ASCII
// digits. Every candidate step is computed and compared in constant time.
func Validate(secret, code string, now time.Time, lastUsedStep int64) (step int64, ok bool) {
	key, err := decodeSecret(secret)
	if err != nil || !isCode(code) {
		return 0, false
	}
	current := Step(now)
	for s := current - Skew; s <= current+Skew; s++ {
		match := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), Digits)), []byte(code)) == 1
		// The latest matching step wins, so nothing at or before it can
		// be used again.
		if match && s > lastUsedStep {
			step, ok = s, true
		}
	}
	return step, ok
}

// isCode reports whether code is exactly Digits ASCII digits.
func isCode(code string) bool {
	if len(code) != Digits {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// hotp is RFC 4226 HOTP with HMAC-SHA1: the dynamic truncation of
// HMAC(key, counter) reduced to digits decimal digits, zero-padded.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out)
}

// URI returns the otpauth:// key URI that authenticator apps read from a QR
// code, for secret (base32), the account name shown to the user and the
// issuer, with the algorithm, digits and period spelled out.
func URI(issuer, account, secret string) string {
	label := url.PathEscape(account)
	q := url.Values{}
	q.Set("secret", secret)
	if issuer != "" {
		label = url.PathEscape(issuer) + ":" + label
		q.Set("issuer", issuer)
	}
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	return "otpauth://totp/" + label + "?" + q.Encode()
}
